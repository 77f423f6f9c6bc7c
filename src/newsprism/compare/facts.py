"""Align statements across a story's articles into facts, and say who reports each fact how.

Clustering is constrained average-link agglomeration over the statement similarity matrix:
merges happen in order of the strongest link, only between statements of *different*
articles (one passage per article per fact), only while the average link between the two
groups stays above the threshold and no pair falls below a floor (no chaining through a
statement that mentions everything), and never across a pair the event rules forbid
(``newsprism.compare.events.cannot_link``: incompatible explicit dates, the story's own event
vs one dated years away, different cities or named sites). Hand-written because these
constraints are not something scipy's linkage supports, and stories are small.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from newsprism.compare.common import passage
from newsprism.compare.statements import Statement

THRESHOLD_LEXICAL = 0.38  # combined score without embeddings
THRESHOLD_EMBEDDING = 0.50  # combined score with embeddings
FLOOR_RATIO = 0.6  # every pair in a fact scores at least this share of the threshold


def cluster(statements: Sequence[Statement], sim: np.ndarray, threshold: float, forbid: np.ndarray | None = None) -> list[list[int]]:
    """Groups of statement indices; every statement is in exactly one group.

    ``sim`` scores pairs of one article 0; those pairs are left out of the link statistics, so
    an article may contribute several passages to a fact (title and body, say) but a fact is
    only ever started by statements of two different articles. ``forbid`` (bool, n x n) marks
    pairs that must never end up in one group, however similar.
    """
    n = len(statements)
    art = np.array([hash(s.article.id) for s in statements])
    cross = art[:, None] != art[None, :]
    group = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    iu = np.argwhere(np.triu((sim >= threshold) & cross, 1))
    order = sorted(((sim[i, j], i, j) for i, j in iu), reverse=True)
    floor = threshold * FLOOR_RATIO
    for _, i, j in order:
        gi, gj = group[i], group[j]
        if gi == gj:
            continue
        ix = np.ix_(members[gi], members[gj])
        mask = cross[ix]
        if not mask.any():
            continue
        block = sim[ix][mask]
        if block.mean() < threshold or block.min() < floor:
            continue
        if forbid is not None and forbid[ix].any():
            continue
        members[gi] += members.pop(gj)
        for k in members[gi]:
            group[k] = gi
    return [sorted(m) for m in sorted(members.values(), key=lambda m: min(m))]


def stance(st: Statement) -> str:
    """``"attributes"`` when the outlet reports the claim as someone's, else ``"asserts"``."""
    return "attributes" if st.attributed else "asserts"


def build_facts(statements: Sequence[Statement], groups: list[list[int]], sim: np.ndarray) -> list[dict[str, Any]]:
    """Fact records, most corroborated first; ids are stable for one comparison run."""
    facts = []
    for g in groups:
        sts = [statements[i] for i in g]
        # the representative passage: the most central statement, body text preferred
        if len(g) > 1:
            central = sim[np.ix_(g, g)].sum(axis=1)
            rep = sts[int(np.argmax(central + np.array([0.01 if s.field == "text" else 0 for s in sts])))]
        else:
            rep = sts[0]
        outlets = list(dict.fromkeys(s.outlet for s in sts))
        sources = {s.source for s in sts}
        by_outlet: dict[str, dict[str, Any]] = {}
        for s in sts:
            entry = by_outlet.setdefault(s.outlet, {"outlet": s.outlet, "stance": "attributes", "sources": []})
            if stance(s) == "asserts":
                entry["stance"] = "asserts"  # an outlet asserting it once asserts it
            entry["sources"] = list(dict.fromkeys(entry["sources"] + s.sources))
        ents = Counter(e for s in sts for e in s.entities)
        dates = sorted({r.value for s in sts for _, r in s.dates})
        pair = [sim[i, j] for x, i in enumerate(g) for j in g[x + 1 :] if statements[i].article.id != statements[j].article.id]
        cohesion = float(np.mean(pair)) if pair else 1.0
        facts.append({
            "text": rep.text,
            "representative": passage(rep.article, rep.start, rep.end, rep.outlet, rep.field, rep.index),
            "passages": [dict(passage(s.article, s.start, s.end, s.outlet, s.field, s.index), stance=stance(s), sources=s.sources) for s in sts],
            "outlets": outlets,
            "independent_outlets": len(sources),
            "single_source": len(sources) == 1,
            "by_outlet": list(by_outlet.values()),
            "attributed_only": all(e["stance"] == "attributes" for e in by_outlet.values()),
            "entities": [e for e, _ in ents.most_common(8)],
            "dates": dates,
            "figures": [n.span.text for s in sts for n in s.numbers],
            "cohesion": round(cohesion, 3),
            "_statements": g,
        })
    facts.sort(key=lambda f: (-f["independent_outlets"], -len(f["passages"]), f["_statements"][0]))
    for k, f in enumerate(facts, 1):
        f["id"] = f"F{k}"
    return facts

"""Align statements across a story's articles into facts, and say who reports each fact how.

Clustering is constrained average-link agglomeration over the statement similarity matrix:
merges happen in order of the strongest link, only between statements of *different*
articles (one passage per article per fact), only while the average link between the two
groups stays above the threshold and no pair falls below a floor (no chaining through a
statement that mentions everything), and never across a pair the event rules forbid
(``newsprism.compare.events.cannot_link``: incompatible explicit dates, the story's own event
vs one dated years away, different cities or named sites). Hand-written because these
constraints are not something scipy's linkage supports, and stories are small.

A second pass (:func:`join_pass`) lets what the first left single-source join a fact (a
statement whose best partner was still small when its link came up, a background claim of
:func:`newsprism.compare.background.background_statements`), and merges groups that make one
claim in different words (:func:`newsprism.compare.events.same_claim`); :func:`keep_parts`
then keeps a background claim only where it adds an outlet to a fact some article states.
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


JOIN_RATIO = 1.0  # a single-source group joins another when its average link reaches this share of the threshold
CLAIM_MIN_SIM = 0.5  # a claim link counts only between statements scoring at least this share of the floor
CLAIM_RATIO = 0.75  # two groups making one claim (events.same_claim) merge at this share of the threshold


def join_pass(statements: Sequence[Statement], sim: np.ndarray, threshold: float, groups: list[list[int]],
              forbid: np.ndarray | None = None, claim: np.ndarray | None = None) -> list[list[int]]:
    """Second pass over the first pass's groups, best merge first, never across a forbidden pair:

    - a single-source group (a statement no other outlet was aligned with, the copies of one wire
      story, a background claim of :func:`~newsprism.compare.background.background_statements`
      given as a singleton group) joins the group it links to best when that adds an independent
      outlet: average link at least ``JOIN_RATIO * threshold``, no pair below the floor. The first pass
      takes each link once, in order, so a statement whose best partner was still small gets
      another chance against the grown fact here;
    - two groups with a pair that makes one claim (``claim``, from
      :func:`newsprism.compare.events.claim_links`) merge, whatever their outlets, at
      ``CLAIM_RATIO * threshold`` on average, a claim pair counting as a link at the threshold.
      Otherwise two multi-outlet groups never merge here.
    """
    floor = threshold * FLOOR_RATIO
    art = np.array([hash(s.article.id) for s in statements])
    src = [s.source for s in statements]
    members = {k: list(g) for k, g in enumerate(groups)}
    gid = {i: k for k, g in members.items() for i in g}
    sources = {k: {src[i] for i in g} for k, g in members.items()}

    def score(u: int, g: int) -> float:
        a, b = members[u], members[g]
        ix = np.ix_(a, b)
        if forbid is not None and forbid[ix].any():
            return -1.0
        mask = art[a][:, None] != art[b][None, :]
        if not mask.any():
            return -1.0
        s_ix = sim[ix]
        block = s_ix[mask]
        if claim is not None and claim[ix].any():
            # one claim: the groups may share outlets (an article then cites several passages);
            # a pair making the claim (and not unrelated in wording: above half the floor) counts
            # as a link at the threshold, however it is worded; every statement must make the
            # claim with one statement of the other group, or be close to that group on average
            link = claim[ix] & mask & (s_ix >= CLAIM_MIN_SIM * floor)
            near = CLAIM_RATIO * threshold
            cnt = np.maximum(mask.sum(axis=1), 1), np.maximum(mask.sum(axis=0), 1)
            sub = np.where(mask, s_ix, 0.0)
            rows_ok = link.any(axis=1) | ~mask.any(axis=1) | (sub.sum(axis=1) / cnt[0] >= near)
            cols_ok = link.any(axis=0) | ~mask.any(axis=0) | (sub.sum(axis=0) / cnt[1] >= near)
            if not (rows_ok.all() and cols_ok.all()) or not link.any():
                return -1.0
            eff = np.where(link, np.maximum(s_ix, threshold), s_ix)[mask]
            return float(eff.mean()) if eff.mean() >= near else -1.0
        if sources[u] & sources[g] or (len(sources[u]) > 1 and len(sources[g]) > 1):
            return -1.0  # otherwise only a single-source group joins, and only to add an outlet
        if block.min() < floor or block.mean() < JOIN_RATIO * threshold:
            return -1.0
        return float(block.mean())

    # candidate pairs of groups: a link strong enough, one side single-source or a claim link
    low = min(JOIN_RATIO, CLAIM_RATIO) * threshold
    cand: set[tuple[int, int]] = set()
    linked = sim >= low if claim is None else (sim >= low) | claim
    for i, j in np.argwhere(np.triu(linked, 1)):
        gi, gj = gid[int(i)], gid[int(j)]
        if gi != gj:
            cand.add((min(gi, gj), max(gi, gj)))
    scores: dict[tuple[int, int], float] = {}  # a pair's score changes only when one of its groups does
    while cand:
        best, pair = -1.0, None
        for gi, gj in cand:
            sc = scores.get((gi, gj))
            if sc is None:
                sc = scores[(gi, gj)] = score(gi, gj)
            if sc > best:
                best, pair = sc, (gi, gj)
        if pair is None:
            break
        gi, gj = pair
        members[gi] += members.pop(gj)
        sources[gi] |= sources.pop(gj)
        for k in members[gi]:
            gid[k] = gi
        scores = {p: v for p, v in scores.items() if gi not in p and gj not in p}
        cand = {(min(ga, gb), max(ga, gb)) for a, b in cand
                for ga, gb in [(gi if a == gj else a, gi if b == gj else b)] if ga != gb}
    return [sorted(m) for m in sorted(members.values(), key=lambda m: min(m))]


def keep_parts(statements: Sequence[Statement], groups: list[list[int]], n: int, sim: np.ndarray) -> list[list[int]]:
    """Background claims (indices ``n`` and up) stay only where they add an outlet to a fact.

    A part is dropped from a group that already holds a statement of its article (or a better
    linked part of it), and from a group left with a single independent source; a group of
    dropped parts disappears. So a part never makes a fact of its own, and its sentence is still
    its own statement's fact.
    """
    out = []
    for g in groups:
        primaries = [i for i in g if i < n]
        arts = {statements[i].article.id for i in primaries}
        kept: list[int] = []
        parts = [i for i in g if i >= n]
        rest = np.array(g)
        parts.sort(key=lambda i: -float(sim[i, rest].mean()))
        for i in parts:
            a = statements[i].article.id
            if a not in arts:
                kept.append(i)
                arts.add(a)
        if not primaries or len({statements[i].source for i in primaries + kept}) < 2:
            kept = []  # background claims only corroborate a fact some article states outright
        if primaries or kept:
            out.append(sorted(primaries + kept))
    return out


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
            # a whole statement over a background claim, body text over captions
            prefer = np.array([(0.01 if s.field == "text" else 0) + (0 if s.part_of is None else -len(g)) for s in sts])
            rep = sts[int(np.argmax(central + prefer))]
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
            # a background claim is cited by its whole statement: the reader sees the sentence
            # it sits in, and a passage never starts inside a quotation
            "passages": [dict(passage(c.article, c.start, c.end, c.outlet, c.field, c.index), stance=stance(s), sources=s.sources)
                         for s in sts for c in [statements[s.part_of] if s.part_of is not None else s]],
            "outlets": outlets,
            "independent_outlets": len(sources),
            "single_source": len(sources) == 1,
            "by_outlet": list(by_outlet.values()),
            "attributed_only": all(e["stance"] == "attributes" for e in by_outlet.values()),
            "entities": [e for e, _ in sorted(ents.items(), key=lambda kv: (-kv[1], kv[0]))[:8]],  # ties by id: the same on every run
            "dates": dates,
            "figures": [n.span.text for s in sts for n in s.numbers],
            "cohesion": round(cohesion, 3),
            "_statements": g,
        })
    facts.sort(key=lambda f: (-f["independent_outlets"], -len(f["passages"]), f["_statements"][0]))
    for k, f in enumerate(facts, 1):
        f["id"] = f"F{k}"
    return facts

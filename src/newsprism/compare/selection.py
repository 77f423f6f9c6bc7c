"""Which sentences make the briefing, like an editor would choose them.

Each body sentence that can stand as a line is scored by a linear model over a few general
features, fitted on real news roundups (``newsprism eval briefing --fit``; the weights and where
they were fitted are in ``data/briefing_model.json``): where the sentence sits in its article
(news leads with what happened), how central it is across the other outlets (the mean, over the
other articles, of its best event-link probability, :mod:`newsprism.compare.alignment`), how
close it is to the headlines, how many independent outlets state its claim, how much of its
wording the other outlets and the headlines share (:func:`word_overlap`), its length, and what
makes a sentence a poor line (mostly quotation, a pronoun that needs the sentence before, a
claim in dispute).

Lines are then taken by maximal marginal relevance (Carbonell & Goldstein 1998) until the word
budget is spent: the best-scored first, each next one the best trade of score against its
similarity to the lines already chosen; a sentence that repeats a chosen line (same words, or
cosine above ``DUPLICATE``) is never taken.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from scipy import sparse

FEATURES = ("lead", "position", "centrality", "closeness", "lexrank", "title", "earliest", "support", "length", "fill",
            "quoted", "dangling", "disputed", "attributed", "shared", "shared_count", "title_words", "title_words_max",
            "centroid")
BASE_FEATURES = FEATURES[:14]  # those of :func:`candidate_features`; the rest are :func:`word_overlap`'s
BRIEFING_WORDS = 150  # default budget: a short news brief; `--briefing-words` changes it
DUPLICATE = 0.6  # word cosine above which two sentences say the same thing


@dataclass(frozen=True)
class SelectionModel:
    weights: dict[str, float]
    redundancy: float  # MMR weight of similarity to the chosen lines (0 = none)
    mean: dict[str, float]
    scale: dict[str, float]

    def score(self, x: np.ndarray) -> np.ndarray:
        """Scores of feature rows (columns in :data:`FEATURES` order)."""
        if x.size == 0:
            return np.zeros(len(x))
        mu = np.array([self.mean.get(f, 0.0) for f in FEATURES])
        sd = np.array([self.scale.get(f, 1.0) or 1.0 for f in FEATURES])
        w = np.array([self.weights.get(f, 0.0) for f in FEATURES])
        return np.asarray(((x - mu) / sd) @ w)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SelectionModel:
        return cls({k: float(v) for k, v in d["weights"].items()}, float(d["redundancy"]),
                   {k: float(v) for k, v in d.get("mean", {}).items()}, {k: float(v) for k, v in d.get("scale", {}).items()})

    def to_dict(self) -> dict[str, Any]:
        return {"weights": self.weights, "redundancy": self.redundancy, "mean": self.mean, "scale": self.scale}


@lru_cache(maxsize=1)
def default_model() -> SelectionModel:
    data = json.loads(resources.files("newsprism").joinpath("data/briefing_model.json").read_text(encoding="utf-8"))
    return SelectionModel.from_dict(data)


def candidate_features(rank: int, centrality: float, closeness: float, lexrank: float, title: float, earliest: bool,
                       support: float, words: int, budget: int, quoted: float, dangling: bool, disputed: bool,
                       attributed: bool) -> list[float]:
    """One row in :data:`BASE_FEATURES` order (``rank``: the sentence's place in its article's body,
    0 for the first; ``support``: share of the story's independent outlets stating its claim;
    ``earliest``: its article is the first published)."""
    return [1.0 if rank == 0 else 0.0, 1.0 / (1 + rank), centrality, closeness, lexrank, title, float(earliest), support,
            min(words, 60) / 30, min(words, budget) / max(1, budget), quoted, float(dangling), float(disputed),
            float(attributed)]


def word_overlap(words: Sequence[Sequence[str]], articles: Sequence[str], bags: dict[str, Counter[str]],
                 titles: dict[str, set[str]]) -> np.ndarray:
    """The wording features of each candidate (rows; columns ``shared`` .. ``centroid`` of
    :data:`FEATURES`), from its content words (``words``, names and figures included), its
    article (``articles``), the content words of every article's body (``bags``) and of the
    headlines the outlets wrote (``titles``, by article).

    - ``shared``: the mean, over the other articles, of the share of its words they use too;
      ``shared_count`` the same as a count (/10). What all outlets put in their own words is
      what the story is about, whoever worded this sentence.
    - ``title_words`` / ``title_words_max``: the mean and the best share of the words of another
      article's headline it contains (a headline states the core event in a dozen words; its
      own article's headline is left out: a lead restates its own headline, which is no sign
      that the other outlets lead with the same).
    - ``centroid``: TF-IDF cosine to the story's word centroid (Radev et al. 2004, MEAD).
    """
    rows = np.zeros((len(words), 5))
    if not len(words):
        return rows
    n = len(bags)
    df: Counter[str] = Counter(w for bag in bags.values() for w in bag)
    total: Counter[str] = sum(bags.values(), Counter())
    centre = {w: v * np.log(1 + n / df[w]) for w, v in total.items()}
    centre_norm = float(np.sqrt(sum(v * v for v in centre.values()))) or 1.0
    # which of its words each article body and headline uses, for every candidate at once (one
    # sparse product instead of a loop over candidates x articles x words)
    vocab: dict[str, int] = {}
    for ws in words:
        for w in ws:
            vocab.setdefault(w, len(vocab))
    own = _presence([set(ws) for ws in words], vocab)
    size = np.diff(own.indptr)
    names = list(bags)
    where = {a: k for k, a in enumerate(names)}
    hits = (own @ _presence([{w for w, c in bags[a].items() if c > 0} for a in names], vocab).T).toarray()
    heads = [a for a, t in titles.items() if t]
    head_at = {a: k for k, a in enumerate(heads)}
    cover = (own @ _presence([titles[a] for a in heads], vocab).T).toarray() / np.array(
        [len(titles[a]) for a in heads], dtype=float) if heads else np.zeros((len(words), 0))
    for i, (ws, art) in enumerate(zip(words, articles)):
        if not size[i]:
            continue
        mine = where.get(art)
        others = len(names) - (mine is not None)
        other_hits = hits[i].sum() - (hits[i, mine] if mine is not None else 0.0)
        shown = np.delete(cover[i], head_at[art]) if art in head_at else cover[i]
        tf = Counter(ws)
        dot = sum(v * centre.get(w, 0.0) for w, v in tf.items())
        mean_hits = other_hits / others if others else 0.0
        rows[i] = [mean_hits / size[i] if others else 0.0, mean_hits / 10 if others else 0.0,
                   float(np.mean(shown)) if len(shown) else 0.0, float(shown.max()) if len(shown) else 0.0,
                   dot / (float(np.sqrt(sum(v * v for v in tf.values()))) * centre_norm)]
    return rows


def _presence(sets: Sequence[set[str]], vocab: dict[str, int]) -> sparse.csr_matrix:
    """Rows of 0/1 over ``vocab``: which of its words each set holds (others are left out)."""
    rows, cols = [], []
    for i, ws in enumerate(sets):
        for w in ws:
            j = vocab.get(w)
            if j is not None:
                rows.append(i)
                cols.append(j)
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sets), max(1, len(vocab))))


def lexrank(sim: np.ndarray, damping: float = 0.85, steps: int = 50) -> np.ndarray:
    """Continuous LexRank (Erkan & Radev 2004) over a similarity matrix: the stationary
    distribution of a walk that follows similarity, times n (so 1 is average centrality)."""
    n = len(sim)
    if n == 0:
        return np.zeros(0)
    w = np.clip(np.asarray(sim, dtype=float), 0.0, None)
    np.fill_diagonal(w, 0.0)
    rows = w.sum(axis=1, keepdims=True)
    w = np.where(rows > 0, w / np.where(rows > 0, rows, 1.0), 1.0 / n)
    p = np.full(n, 1.0 / n)
    for _ in range(steps):
        q = (1 - damping) / n + damping * (w.T @ p)
        if np.abs(q - p).sum() < 1e-9:
            p = q
            break
        p = q
    return np.asarray(p * n)


def select(scores: np.ndarray, words: Sequence[int], red: np.ndarray, budget: int, redundancy: float,
           same_words: Sequence[frozenset[str]] | None = None) -> list[int]:
    """Indices of the chosen candidates, in the order chosen (MMR under a word budget).

    A candidate that does not fit the words left is passed over (a shorter one may); the best
    candidate is taken even alone over budget only when none fits at all, so a briefing is never
    empty."""
    n = len(scores)
    chosen: list[int] = []
    left = budget
    open_ = set(range(n))
    while open_:
        best, best_val = -1, -np.inf
        for i in open_:
            if words[i] > left and (chosen or any(words[j] <= left for j in open_)):
                continue
            r = max((float(red[i, j]) for j in chosen), default=0.0)
            val = float(scores[i]) - redundancy * r
            if val > best_val:
                best, best_val = i, val
        if best < 0:
            break
        chosen.append(best)
        left -= words[best]
        open_.discard(best)
        for i in list(open_):
            dup = float(red[i, best]) >= DUPLICATE
            if same_words is not None:
                a, b = same_words[i], same_words[best]
                dup = dup or a <= b or b <= a
            if dup:
                open_.discard(i)
        if left <= 0:
            break
    return chosen

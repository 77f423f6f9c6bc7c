"""How alike two statements are: words, entities, figures, dates (and meaning, when available).

The score mixes TF-IDF cosine over content lemmas, WordNet concept tokens ("perished" ~ "died") and
canonical entity ids (fitted on the story's own statements, so what every article repeats
weighs little; an outlet's "Pyongyang" also counts as North Korea), a small Dice overlap of the
entity sets, a bonus for a shared figure or a shared specific date, and a penalty when both
statements are dated and no date is shared (likely different events). The cosine of MiniLM sentence vectors (``newsprism.stories.embed``) is mixed in too, except in
very large stories (or with ``use_embeddings=False``), where the lexical score stands alone.

TF-IDF is a dozen lines of numpy/scipy here rather than scikit-learn: the project does not
otherwise need scikit-learn, and the fit is per story on a few hundred statements.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from newsprism.compare.statements import Statement
from newsprism.caches import VectorCache, digest, half

W_TFIDF, W_ENT = 0.85, 0.15
W_TFIDF_EMB, W_ENT_EMB, W_EMB_ON = 0.45, 0.10, 0.45
BONUS_NUMBER, BONUS_DAY, BONUS_YEAR = 0.10, 0.10, 0.04
PENALTY_DATES = 0.15  # both statements dated, no date in common: likely different events
EMBED_MAX_STATEMENTS = 2500  # beyond this a story is aligned lexically (MiniLM runs ~130 sentences/s)


def tfidf(docs: Sequence[Sequence[str]], fit: int | None = None) -> sparse.csr_matrix:
    """Rows: L2-normalised sublinear TF-IDF vectors of the token lists.

    Document frequencies come from the first ``fit`` documents (all by default), so rows added
    after them (background claims, which repeat their sentence's words) leave the weights alone.
    """
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    df: Counter[str] = Counter()
    n = len(docs) if fit is None else fit
    for toks in docs[:n]:
        df.update(set(toks))
    for i, toks in enumerate(docs):
        tf = Counter(toks)
        for w, c in tf.items():
            j = vocab.setdefault(w, len(vocab))
            rows.append(i)
            cols.append(j)
            vals.append((1 + math.log(c)) * (math.log((1 + n) / (1 + df[w])) + 1))
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(docs), max(1, len(vocab))), dtype=np.float64)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1 / norms) @ m)


def embed_texts(texts: list[str]) -> np.ndarray:
    """Unit sentence vectors from the story stage's MiniLM encoder (a broken model fails loudly)."""
    from newsprism.stories.embed import get_embedder

    return np.asarray(get_embedder().embed(texts), dtype=np.float32)


SENTENCES_ID = "sentences"  # cache name of an article's statement vectors (the encoder id is added)


def embed_statements(statements: Sequence[Statement], cache: VectorCache | None = None) -> np.ndarray:
    """Unit vectors of the statements, made once per article: with ``cache`` (the store), an
    article whose statements were embedded before (same texts, same encoder) is read back, and
    only the others are encoded (re-comparing a story that gained one article encodes that
    article alone). Vectors are rounded as a cache keeps them, cached or not."""
    from newsprism.stories.embed import MAX_TOKENS, MODEL_ID

    model = f"{MODEL_ID}-{SENTENCES_ID}{MAX_TOKENS}"
    out = np.zeros((len(statements), 384), dtype=np.float32)
    by_article: dict[str, list[int]] = {}
    for i, s in enumerate(statements):
        by_article.setdefault(s.article.id, []).append(i)
    digests = {a: digest(model, *(statements[i].text for i in idx)) for a, idx in by_article.items()}
    stored = cache.get_vectors(list(by_article), model) if cache is not None else {}
    todo: list[str] = []
    for a, idx in by_article.items():
        hit = stored.get(a)
        if hit is not None and hit[0] == digests[a] and hit[1].size == len(idx) * out.shape[1]:
            out[idx] = hit[1].reshape(len(idx), -1)
        else:
            todo.append(a)
    rows = [i for a in todo for i in by_article[a]]
    if rows:
        # each distinct text once: syndicated copies and repeated background claims share sentences
        texts = list(dict.fromkeys(statements[i].text for i in rows))
        vecs = dict(zip(texts, half(embed_texts(texts))))
        out[rows] = np.stack([vecs[statements[i].text] for i in rows])
        if cache is not None:
            cache.put_vectors(((a, digests[a], out[by_article[a]].ravel()) for a in todo), model)
    return out


def _entity_dice(statements: Sequence[Statement]) -> np.ndarray:
    """Dice overlap of canonical entity sets, for all pairs at once (sparse incidence product)."""
    ids: dict[str, int] = {}
    rows, cols = [], []
    for i, s in enumerate(statements):
        for e in s.entities:
            rows.append(i)
            cols.append(ids.setdefault(e, len(ids)))
    n = len(statements)
    if not ids:
        return np.zeros((n, n))
    m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(ids)))
    inter = (m @ m.T).toarray()
    size = np.asarray(m.sum(axis=1)).ravel()
    denom = size[:, None] + size[None, :]
    denom[denom == 0] = 1
    return 2 * inter / denom


def _same_figure(x: Statement, y: Statement) -> bool:
    for n in x.numbers:
        for m in y.numbers:
            if n.value and abs(n.value - m.value) <= 0.02 * max(abs(n.value), abs(m.value)):
                return True
    return False


def _date_bonus(x: Statement, y: Statement) -> float:
    if not x.dates or not y.dates:
        return 0.0
    best = -PENALTY_DATES
    for _, a in x.dates:
        for _, b in y.dates:
            if a.compatible(b):
                if a.precision in ("day", "interval", "month") and b.precision in ("day", "interval", "month"):
                    return BONUS_DAY
                best = BONUS_YEAR
            elif a.precision == "year" and b.precision == "year":
                continue
    return best


def similarity_matrix(statements: Sequence[Statement], use_embeddings: bool = True, fit: int | None = None,
                      emb: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, bool]:
    """(combined similarity, lexical TF-IDF cosine, embeddings used?); pairs of one article score 0.

    TF-IDF weights are fitted on the first ``fit`` statements (all by default): the statements
    proper, not the background claims appended after them. ``emb``: the statements' unit vectors
    when the caller has them already (else they are computed here).
    """
    n = len(statements)
    if n == 0:
        return np.zeros((0, 0)), np.zeros((0, 0)), False
    # entity ids join the words, so a shared rare entity counts more than a shared 'Putin'
    x = tfidf([s.lemmas + [f'@{e}' for e in s.entities] * 2 for s in statements], fit)
    lex = (x @ x.T).toarray()
    size = n if fit is None else fit  # the cap counts statements proper, not background claims
    if emb is None and use_embeddings and size <= EMBED_MAX_STATEMENTS:
        emb = embed_texts([s.text for s in statements])
    ent = _entity_dice(statements)
    bonus = np.zeros((n, n))
    cand = np.argwhere(np.triu((lex > 0.1) | (ent > 0), 1))
    for i, j in cand:
        si, sj = statements[i], statements[j]
        if not (si.dates or si.numbers) or not (sj.dates or sj.numbers):
            continue
        b = _date_bonus(si, sj) + (BONUS_NUMBER if _same_figure(si, sj) else 0.0)
        bonus[i, j] = bonus[j, i] = b
    if emb is not None:
        sim = W_TFIDF_EMB * lex + W_ENT_EMB * ent + W_EMB_ON * np.clip(emb @ emb.T, 0, 1)
    else:
        sim = W_TFIDF * lex + W_ENT * ent
    sim = np.clip(sim + bonus, 0.0, 1.0)
    art = np.array([hash(s.article.id) for s in statements])
    same = art[:, None] == art[None, :]
    sim[same] = 0.0
    lex[same] = 0.0
    return sim, lex, emb is not None

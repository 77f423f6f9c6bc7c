"""Exact and near-duplicate detection across the store with MinHash + LSH (datasketch).

A syndicated copy is linked to the article it copies (``duplicate_of``), so later stages count
them as one source. The index is rebuilt from signatures kept in the store, so detection
works across runs, not only within one.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE = 5
THRESHOLD = 0.6  # estimated Jaccard of word 5-shingles above which two texts are copies
# Named, not left to datasketch's default: stored signatures are only comparable with ones made by
# the same permutation scheme, and datasketch >= 2.0 refuses hash values without one.
SCHEME = "affine32"


_BATCH = 8192  # shingles hashed at a time: datasketch builds a (batch x NUM_PERM) array per call


def _words(text: str) -> Iterator[str]:
    return (m.group().lower() for m in re.finditer(r"\w+", text))


def iter_shingles(text: str, k: int = SHINGLE) -> Iterator[bytes]:
    """Word k-shingles in text order (repeats included), without holding the word list."""
    window: deque[str] = deque(maxlen=k)
    n = 0
    for word in _words(text):
        window.append(word)
        n += 1
        if n >= k:
            yield " ".join(window).encode()
    if n < k:
        yield " ".join(window).encode()


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    return set(iter_shingles(text, k))


def signature(text: str) -> MinHash:
    """MinHash of the text's shingles, fed in fixed-size batches.

    ``update_batch`` over all shingles at once allocates a shingles x 128 array (5 GiB for a
    60 MB text); the minimum is the same batch by batch, so memory stays flat at any length.
    """
    m = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    batch: set[bytes] = set()
    for sh in iter_shingles(text):
        batch.add(sh)
        if len(batch) >= _BATCH:
            m.update_batch(list(batch))
            batch.clear()
    if batch:
        m.update_batch(list(batch))
    return m


class DuplicateIndex:
    """LSH over every stored article's signature."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.sigs: dict[str, MinHash] = {}

    def load(self, stored: Iterable[tuple[str, np.ndarray]]) -> None:
        for key, values in stored:
            if len(values) != NUM_PERM:
                continue  # written by another configuration: not comparable, so not a match
            try:
                m = MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME)
            except ValueError:
                continue
            self._insert(key, m)

    def _insert(self, key: str, m: MinHash) -> None:
        if key not in self.sigs:
            self.lsh.insert(key, m)
            self.sigs[key] = m

    def find(self, key: str, m: MinHash) -> tuple[str, float] | None:
        """The most similar stored article above the threshold (excluding ``key`` itself)."""
        best: tuple[str, float] | None = None
        for cand in self.lsh.query(m):
            if cand == key:
                continue
            score = float(m.jaccard(self.sigs[cand]))
            if score >= self.threshold and (best is None or score > best[1]):
                best = (cand, score)
        return best

    def add(self, key: str, m: MinHash) -> None:
        self._insert(key, m)

"""What is made once per article and kept: encoder vectors and spaCy parses.

The story clusterer embeds each article's lead, the comparison each article's statements, and
both the extract stage and the comparison need the article's parse; all depend only on the
article's own text, so they are cached by article, apart from the article record (a cache never
reaches the report or the API), with a digest of exactly what was made (or the text itself): a
changed text, lead length, encoder or parser never reuses a stale result. The store
(:class:`newsprism.store.Store`) implements :class:`VectorCache` and :class:`ParseCache`;
:class:`Memory` keeps recent vectors in the process, bounded. Vectors are kept as float16 (half
the bytes; cosines move by about 1e-3).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np


class VectorCache(Protocol):
    """Per-article vectors that persist between runs."""

    def get_vectors(self, ids: Sequence[str], model: str) -> dict[str, tuple[str, np.ndarray]]:
        """article id -> (digest of what was embedded, float32 array) for those cached under ``model``."""
        ...

    def put_vectors(self, items: Iterable[tuple[str, str, np.ndarray]], model: str) -> None:
        """Keep (article id, digest, array) rows under ``model``."""
        ...


class ParseCache(Protocol):
    """Per-article spaCy parses (``DocBin`` bytes) that persist between runs."""

    def get_parses(self, ids: Sequence[str], model: str) -> dict[str, bytes]:
        """article id -> serialized docs of its fields, for those cached under ``model``."""
        ...

    def put_parses(self, items: Iterable[tuple[str, bytes]], model: str) -> None:
        """Keep (article id, serialized docs) rows under ``model``."""
        ...


class Caches(VectorCache, ParseCache, Protocol):
    """Both kinds: what the compare stage reads back (the store is one)."""


def digest(*parts: str) -> str:
    """A short digest of what a vector was made from (encoder, cut length, text)."""
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:20]


def half(v: np.ndarray) -> np.ndarray:
    """``v`` as it comes back from a cache (float16, returned as float32): rounding fresh vectors
    the same way makes a result independent of whether its vectors were cached."""
    return np.asarray(v, dtype=np.float16).astype(np.float32)


class Memory:
    """The most recent vectors by digest, at most ``size`` of them (least recently used dropped)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()

    def get(self, key: str) -> np.ndarray | None:
        v = self._items.get(key)
        if v is not None:
            self._items.move_to_end(key)
            return v.astype(np.float32)
        return None

    def put(self, key: str, v: np.ndarray) -> None:
        self._items[key] = np.asarray(v, dtype=np.float16)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()

"""Resource limits on input, in one place: what a single file or archive may cost.

Hostile or broken input (a 200 MB text dump, a 1 MB gzip that inflates to 1 GiB) must not take
a run down with it: each limit is checked before the costly step (``stat()`` before reading,
streaming decompression that stops at the cap) and a violation is one coded line naming the
input. Defaults are generous for news: the largest article pages seen in the development data
are a few MB of HTML; 20 MB leaves room for feeds and JSONL dumps of many articles.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Per-input caps. ``max_decompressed_bytes`` is absolute; ``max_ratio`` stops a bomb early
    (news text compresses ~3-10x; 100x is far beyond any real file)."""

    max_file_bytes: int = 20 * 1024 * 1024
    max_decompressed_bytes: int = 100 * 1024 * 1024
    max_ratio: int = 100

    def decompressed_cap(self, compressed: int) -> int:
        """The most a payload of ``compressed`` bytes may inflate to (at least 1 MB)."""
        return min(self.max_decompressed_bytes, max(1024 * 1024, compressed * self.max_ratio))


DEFAULT_LIMITS = Limits()

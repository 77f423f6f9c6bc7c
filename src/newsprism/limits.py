"""Resource limits on input, in one place: what a single file, archive or article may cost.

Hostile or broken input (a 200 MB text dump, a 1 MB gzip that inflates to 1 GiB, one "article"
of three million words) must not take a run down with it: each limit is checked before the
costly step (``stat()`` before reading, streaming decompression that stops at the cap, a word
count before cleaning and parsing) and a violation is one coded line naming the input.

Defaults are generous for news: the largest pages in the development data are a few MB of
HTML and the longest articles a few thousand words (long reads reach ~20,000); 20 MB leaves
room for feeds and JSONL dumps of many articles. Each can be changed per run with a CLI option
or an environment variable (``NEWSPRISM_MAX_FILE_MB``, ``NEWSPRISM_MAX_INFLATED_MB``,
``NEWSPRISM_MAX_WORDS``, ``NEWSPRISM_MAX_STORY_STATEMENTS``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from newsprism.errors import ConfigError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Per-input caps. ``max_decompressed_bytes`` is absolute; ``max_ratio`` stops a bomb early
    (news text compresses ~3-10x; 100x is far beyond any real file). ``max_words`` applies to one
    article: the spaCy parse and the near-duplicate signature cost grow with it."""

    max_file_bytes: int = 20 * MB
    max_decompressed_bytes: int = 100 * MB
    max_ratio: int = 100
    max_words: int = 50_000
    # One story's comparison: its similarity matrices grow with the square of its statements
    # (`benchmarks/story_scale.py`, ECB+: 3,030 statements from 200 articles peak at 1.0 GB,
    # 6,286 from 400 at 3.4 GB, 13,966 from 800 need 1.5 GB for each of several matrices). A
    # larger story is stored uncompared with a coded error (E903) instead of taking the
    # machine's memory; comparing it in bounded memory is the next step (blocking).
    max_story_statements: int = 4_000

    def decompressed_cap(self, compressed: int) -> int:
        """The most a payload of ``compressed`` bytes may inflate to (at least 1 MB)."""
        return min(self.max_decompressed_bytes, max(MB, compressed * self.max_ratio))

    @classmethod
    def from_settings(cls, max_file_mb: float | None = None, max_inflated_mb: float | None = None,
                      max_words: int | None = None, max_story_statements: int | None = None) -> Limits:
        """Limits from explicit values, else the environment, else the defaults."""
        base = cls()

        def pick(value: float | None, env: str, default: float) -> float:
            if value is not None:
                return value
            raw = os.environ.get(env, "").strip()
            if not raw:
                return default
            try:
                number = float(raw)
            except ValueError:
                number = -1.0
            if number <= 0:
                raise ConfigError(f"{env}={raw!r}: expected a positive number")
            return number

        return cls(
            max_file_bytes=int(pick(max_file_mb, "NEWSPRISM_MAX_FILE_MB", base.max_file_bytes / MB) * MB),
            max_decompressed_bytes=int(pick(max_inflated_mb, "NEWSPRISM_MAX_INFLATED_MB",
                                            base.max_decompressed_bytes / MB) * MB),
            max_ratio=base.max_ratio,
            max_words=int(pick(max_words, "NEWSPRISM_MAX_WORDS", base.max_words)),
            max_story_statements=int(pick(max_story_statements, "NEWSPRISM_MAX_STORY_STATEMENTS", base.max_story_statements)),
        )


DEFAULT_LIMITS = Limits()

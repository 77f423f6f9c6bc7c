"""Reading the labelled JSONL files every evaluation command takes (one home for the loop).

Each evaluator checks its own fields; this module only turns a file into numbered JSON objects,
streaming (a large file is never held whole), and names ``file:line`` when a line is broken, so a
user sees which line to mend rather than a traceback.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def read_jsonl(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, row)`` for each non-blank line, ``where`` = "path:line". A line that is not a
    JSON object raises ValueError naming it."""
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{where}: not JSON ({exc})") from exc
            if not isinstance(row, dict):
                raise ValueError(f"{where}: not a JSON object")
            yield where, row


def parse_rows(path: str | Path, parse: Callable[[str, dict[str, Any]], T], what: str) -> Iterator[T]:
    """``parse(where, row)`` of each line; a missing or mistyped field becomes a ValueError naming
    the line and ``what`` the line should be."""
    for where, row in read_jsonl(path):
        try:
            yield parse(where, row)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{where}: not {what} ({exc})") from exc


def extract_records(records: Sequence[dict[str, Any]]) -> list[Any]:
    """Run records through the product's ingest and extract stages as one JSONL file in a
    temporary store; the article of each record, in order (None where ingest rejected it)."""
    from newsprism.pipeline import Pipeline
    from newsprism.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "records.jsonl"
        with corpus.open("w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        with Store(Path(tmp) / "eval.db") as store:
            pipe = Pipeline(store)
            articles = pipe.extract(store.get_many(pipe.ingest([str(corpus)]).article_ids))
    out: list[Any] = [None] * len(records)
    for a in articles:
        out[int(a.origin.location.rsplit("#", 1)[1]) - 1] = a
    return out

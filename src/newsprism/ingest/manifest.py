"""Sidecar manifest: users who know their sources' metadata map path/url -> outlet, url, date.

CSV with a header (``path`` or ``url`` column, plus any of ``outlet``, ``url``, ``published``,
``title``, ``byline``; comma, semicolon, tab or bar separated) or JSONL with the same keys.
Paths are relative to the manifest's folder.

A bad row is one problem naming ``file:line`` and is skipped; the good rows still apply. Only a
file that cannot be used at all (unreadable, binary, no ``path``/``url`` column, every row bad)
raises, naming the file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from newsprism.errors import E_MANIFEST, InputError
from newsprism.ingest.decode import decode_bytes
from newsprism.ingest.records import load_json

MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")
FIELDS = ("outlet", "url", "published", "title", "byline")
KEYS = ("path", "url")
DELIMITERS = ",;\t|"

Row = tuple[int, dict[str, str] | InputError]  # (line number, row or the reason it is unusable)


class Manifest:
    """Lookup of known metadata by resolved file path or URL."""

    def __init__(self) -> None:
        self.by_key: dict[str, dict[str, str]] = {}
        self.problems: list[InputError] = []  # bad rows not yet reported (see take_problems)

    def __len__(self) -> int:
        return len(self.by_key)

    def load(self, path: Path) -> list[InputError]:
        """Apply every good row of ``path``; return (and keep) one problem per bad row.

        Raises InputError naming the file when nothing in it can be used.
        """
        where = str(path)
        try:
            text, _ = decode_bytes(path.read_bytes(), where)
        except OSError as exc:
            raise InputError(E_MANIFEST, f"unreadable manifest ({exc.strerror or exc})", where) from exc
        except InputError as exc:
            raise InputError(E_MANIFEST, f"unreadable manifest ({exc.message})", where) from exc
        rows = _jsonl_rows(text) if path.suffix.lower() == ".jsonl" else _csv_rows(text, where)
        bad: list[tuple[int, str]] = []
        applied = 0
        for line, row in rows:
            problem = row if isinstance(row, InputError) else self._apply(row, path)
            if problem is None:
                applied += 1
            else:
                bad.append((line, problem.message))
        if bad and not applied:
            line, message = bad[0]
            more = f", and {len(bad) - 1} more bad rows" if len(bad) > 1 else ""
            raise InputError(E_MANIFEST, f"no usable row (line {line}: {message}{more})", where)
        problems = [InputError(E_MANIFEST, message, f"{where}:{line}") for line, message in bad]
        self.problems += problems
        return problems

    def take_problems(self) -> list[InputError]:
        """Bad rows found so far, once each (the ingest run reports them)."""
        out, self.problems = self.problems, []
        return out

    def _apply(self, row: dict[str, str], path: Path) -> InputError | None:
        meta = {f: row[f].strip() for f in FIELDS if (row.get(f) or "").strip()}
        key = (row.get("path") or "").strip()
        if key:
            try:
                self.by_key[str((path.parent / key).resolve())] = meta
            except (OSError, ValueError) as exc:  # e.g. an embedded NUL, a too-long name
                return InputError(E_MANIFEST, f"bad path {key[:80]!r} ({exc})")
        elif meta.get("url"):
            self.by_key[meta["url"]] = meta
        else:
            return InputError(E_MANIFEST, "row has neither path nor url")
        return None

    def lookup(self, location: str) -> dict[str, str]:
        hit = self.by_key.get(location)
        if hit is None and "#" not in location and "://" not in location:
            hit = self.by_key.get(str(Path(location).resolve()))
        return hit or {}


def _jsonl_rows(text: str) -> Iterator[Row]:
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = load_json(line)
        except ValueError as exc:
            yield n, InputError(E_MANIFEST, f"malformed JSON ({exc})")
            continue
        if not isinstance(row, dict):
            yield n, InputError(E_MANIFEST, f"a JSON {type(row).__name__}, not an object")
            continue
        yield n, {str(k).strip().lower(): _text(v) for k, v in row.items() if v is not None}


def _csv_rows(text: str, where: str) -> Iterator[Row]:
    lines = text.splitlines()
    header = next((h for h in lines if h.strip()), "")
    delimiter = next((d for d in DELIMITERS if _columns(header, d) & set(KEYS)), None)
    if delimiter is None:
        raise InputError(E_MANIFEST, f"no 'path' or 'url' column in the header {header[:80]!r}", where)
    reader = csv.reader(lines, delimiter=delimiter)
    names: list[str] = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, InputError(E_MANIFEST, f"malformed CSV ({exc})")
            continue
        if not any(c.strip() for c in cells):
            continue
        if not names:
            names = [c.strip().lower() for c in cells]
            continue
        if len(cells) > len(names):
            yield reader.line_num, InputError(E_MANIFEST, f"{len(cells)} fields for {len(names)} columns")
            continue
        yield reader.line_num, dict(zip(names, cells))


def _columns(header: str, delimiter: str) -> set[str]:
    try:
        return {c.strip().lower() for c in next(csv.reader([header], delimiter=delimiter), [])}
    except csv.Error:
        return set()


def _text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

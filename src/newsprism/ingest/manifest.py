"""Sidecar manifest: users who know their sources' metadata map path/url -> outlet, url, date.

CSV with a header (``path`` or ``url`` column, plus any of ``outlet``, ``url``, ``published``,
``title``) or JSONL with the same keys. Paths are relative to the manifest's folder.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from newsprism.errors import E_MANIFEST, InputError

MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")
FIELDS = ("outlet", "url", "published", "title", "byline")


class Manifest:
    """Lookup of known metadata by resolved file path or URL."""

    def __init__(self) -> None:
        self.by_key: dict[str, dict[str, str]] = {}

    def __len__(self) -> int:
        return len(self.by_key)

    def load(self, path: Path) -> None:
        rows: list[dict[str, str]] = []
        try:
            text = path.read_text(encoding="utf-8-sig")
            if path.suffix.lower() == ".jsonl":
                for n, line in enumerate(text.splitlines(), 1):
                    if line.strip():
                        row = json.loads(line)
                        if not isinstance(row, dict):
                            raise ValueError(f"line {n} is not an object")
                        rows.append({k: str(v) for k, v in row.items() if v is not None})
            else:
                rows = [dict(r) for r in csv.DictReader(text.splitlines())]
        except (OSError, ValueError, csv.Error) as exc:
            raise InputError(E_MANIFEST, f"unreadable manifest ({exc})", str(path)) from exc
        for row in rows:
            key = (row.get("path") or "").strip()
            meta = {f: row[f].strip() for f in FIELDS if (row.get(f) or "").strip()}
            if key:
                self.by_key[str((path.parent / key).resolve())] = meta
            elif meta.get("url"):
                self.by_key[meta["url"]] = meta
            else:
                raise InputError(E_MANIFEST, "a row has neither path nor url", str(path))

    def lookup(self, location: str) -> dict[str, str]:
        hit = self.by_key.get(location)
        if hit is None and "#" not in location and "://" not in location:
            hit = self.by_key.get(str(Path(location).resolve()))
        return hit or {}

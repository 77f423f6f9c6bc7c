"""Bytes -> text: gzip, BOMs and encoding detection, with binary input refused early."""

from __future__ import annotations

import gzip
import re

from charset_normalizer import from_bytes

from newsprism.errors import E_BINARY, E_EMPTY, InputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def maybe_gunzip(data: bytes, location: str) -> bytes:
    """Transparently decompress gzip payloads (``.gz`` files, gzip-encoded saves)."""
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(E_BINARY, f"corrupt gzip data ({exc})", location) from exc
    return data


def decode_bytes(data: bytes, location: str, declared: str | None = None) -> tuple[str, str]:
    """Decode to text; returns ``(text, encoding)``.

    Order: BOM, a declared charset (HTTP header or <meta>) that actually decodes, UTF-8, then
    charset-normalizer's guess. Content with NUL bytes or no plausible encoding is binary.
    """
    if not data.strip():
        raise InputError(E_EMPTY, "empty input", location)
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise InputError(E_BINARY, "binary content (NUL bytes), not text or HTML", location)
    candidates: list[str] = []
    if declared:
        candidates.append(declared)
    m = _META_CHARSET.search(data[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    candidates.append("utf-8")
    for enc in candidates:
        try:
            return data.decode(enc), enc.lower()
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise InputError(E_BINARY, "undecodable content: no text encoding fits", location)
    text = data.decode(best.encoding, errors="replace")
    if _looks_binary(text):
        raise InputError(E_BINARY, "binary content, not text or HTML", location)
    return text, best.encoding


def _looks_binary(text: str) -> bool:
    sample = text[:4000]
    if not sample:
        return True
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f") or ch == "\ufffd")
    return bad / len(sample) > 0.05

"""Bytes -> text: gzip, BOMs and encoding detection, with binary input refused early."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from newsprism.errors import E_BINARY, E_EMPTY, InputError
from newsprism.ingest.inflate import inflate_members, is_gzip
from newsprism.limits import DEFAULT_LIMITS, Limits

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
# WHATWG: pages labelled latin-1 / ascii are decoded as windows-1252 (its superset that maps
# 0x80-0x9F to curly quotes and dashes instead of C1 control characters).
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii"}
# A non-letter symbol glued between letters (Polish "ł" read as cp1252 "³"): wrong code page.
_ODD_IN_WORD = re.compile(r"[^\W\d_][\u00a1-\u00bf\u00d7\u00f7\u0080-\u009f\u2020-\u2030][^\W\d_]")


def maybe_gunzip(data: bytes, location: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Transparently decompress gzip payloads (``.gz`` files, gzip-encoded saves), within the
    size cap (E114); a payload cut short is an error (E115), never a shorter article."""
    if not is_gzip(data):
        return data
    members = inflate_members(data, location, limits)
    if members.problem is not None:
        raise members.problem
    return members.data


def decode_bytes(data: bytes, location: str, declared: str | None = None) -> tuple[str, str]:
    """Decode to text; returns ``(text, encoding)``.

    Order: BOM, a declared charset (HTTP header or <meta>) that actually decodes, UTF-8,
    windows-1252 when it reads as Western text, then charset-normalizer's guess. Content with
    NUL bytes (other than UTF-16) or no plausible encoding is binary.
    """
    if not data.strip():
        raise InputError(E_EMPTY, "empty input", location)
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(E_BINARY, f"invalid UTF-16 despite its byte-order mark ({exc.reason})", location) from exc
        if not text.strip():
            raise InputError(E_EMPTY, "empty input", location)
        return text, "utf-16"
    if b"\x00" in data[:4096]:
        utf16 = _bomless_utf16(data)
        if utf16 is None:
            raise InputError(E_BINARY, "binary content (NUL bytes), not text or HTML", location)
        return utf16
    candidates: list[str] = []
    if declared:
        candidates.append(declared)
    m = _META_CHARSET.search(data[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    candidates.append("utf-8")
    for enc in candidates:
        enc = enc.strip().lower()
        if enc in _WINDOWS_1252_LABELS:
            try:
                return data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                enc = "latin-1"
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    western = _western(data)
    if western is not None:
        return western, "cp1252"
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise InputError(E_BINARY, "undecodable content: no text encoding fits", location)
    text = data.decode(best.encoding, errors="replace")
    if _looks_binary(text):
        raise InputError(E_BINARY, "binary content, not text or HTML", location)
    return text, best.encoding


def _western(data: bytes) -> str | None:
    """windows-1252 text, if the bytes read as Western-language text in it.

    charset-normalizer guesses poorly between single-byte Latin code pages on short texts (it
    reads French latin-1 as cp1250 "ŕ", an English NBSP as cp775 "Ā"), so the Western default
    browsers use goes first, guarded so Cyrillic/Greek/Central-European bytes are left to it:
    accented letters must be a minority of the letters and no symbol may sit inside a word.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = sum(1 for ch in text if ch.isalpha())
    accented = sum(1 for ch in text if ch.isalpha() and ord(ch) > 127)
    if not letters or accented / letters > 0.3 or _ODD_IN_WORD.search(text) or _looks_binary(text):
        return None
    return text


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: ASCII-range text has a NUL in every other byte."""
    sample = data[:4096]
    even = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd > 0.4 and even < 0.05:
        enc = "utf-16-le"
    elif even > 0.4 and odd < 0.05:
        enc = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    return (None if _looks_binary(text) else (text, enc))  # type: ignore[return-value]


def _looks_binary(text: str) -> bool:
    sample = text[:4000]
    if not sample:
        return True
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f") or ch == "\ufffd" or 0x7F <= ord(ch) < 0xA0)
    return bad / len(sample) > 0.05

"""Gzip inflation in bounded memory, member by member: the one home for reading ``.gz`` input.

Why not ``gzip.decompress``: it inflates a bomb to its full size before we can look at it, and
it reads a stream cut short as an error only sometimes (warcio reads a cut WARC.gz member as a
shorter record, without a word). Here input is fed in small chunks, so one call produces at most
~1,000x a chunk (deflate's maximum ratio) before the running total is checked against the cap;
a member that ends before its end-of-stream marker is reported as truncated at its offset.
``max_length`` is deliberately not used: after end-of-stream CPython keeps returning the same
``unconsumed_tail`` and appending it to ``unused_data`` on every further call, a trap an
earlier version of this code fell into (an endless loop on a valid WARC.gz).

The source may be bytes or an open file: a WARC.gz of any size is checked while streaming.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from newsprism.errors import E_BINARY, E_INFLATE, E_TRUNCATED, InputError
from newsprism.limits import DEFAULT_LIMITS, Limits

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 16 * 1024  # at most ~16 MB of output per call, whatever the input


@dataclass(frozen=True)
class Members:
    """What inflating a gzip payload found: where its complete members end, and why it stopped
    early (``problem``), if it did. ``data`` holds the inflated bytes when they were kept."""

    ends: list[int]
    inflated: int
    problem: InputError | None
    data: bytes = b""

    @property
    def complete_prefix(self) -> int:
        """Length of the input made only of complete members."""
        return self.ends[-1] if self.ends else 0


def is_gzip(data: bytes | memoryview) -> bool:
    return bytes(data[:2]) == GZIP_MAGIC


def inflate_members(source: bytes | BinaryIO, location: str, limits: Limits = DEFAULT_LIMITS, keep: bool = True,
                    unit: str = "gzip stream", per_member: bool = False) -> Members:
    """Inflate every gzip member of ``source`` until the end, a cut, corruption or the size cap.

    The cap is the whole payload's (``limits.decompressed_cap`` of its size), or with
    ``per_member`` each member's own (a WARC.gz is one member per record and may hold millions
    of records: its records are capped, not the archive). Trailing bytes that do not start a
    member end the scan without a problem (gzip(1) ignores them too). With ``keep=False`` the
    output is counted and dropped (memory stays flat). ``unit`` names a member in messages.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        size = len(source)
        stream: BinaryIO = io.BytesIO(source)
    else:
        stream = source
        size = -1
    whole_cap = limits.decompressed_cap(size) if size >= 0 else limits.max_decompressed_bytes
    out = bytearray()
    ends: list[int] = []
    pos = total = 0
    problem: InputError | None = None
    pending = stream.read(_CHUNK)
    while pending:
        while len(pending) < 2 and (more := stream.read(_CHUNK)):
            pending += more
        if not is_gzip(pending):
            break
        d = zlib.decompressobj(wbits=31)
        fed = produced = 0
        buf = pending
        try:
            while True:
                chunk = d.decompress(buf)
                fed += len(buf)
                produced += len(chunk)
                total += len(chunk)
                cap = limits.decompressed_cap(fed) if per_member else whole_cap
                if (produced if per_member else total) > cap:
                    problem = InputError(E_INFLATE, f"{unit} at offset {pos} inflates past the limit of {cap:,} bytes"
                                         if per_member else f"inflates past the limit of {cap:,} bytes "
                                         f"({size:,} bytes compressed)", location)
                    break
                if keep:
                    out += chunk
                if d.eof:
                    break
                buf = stream.read(_CHUNK)
                if not buf:
                    problem = InputError(E_TRUNCATED, f"truncated {unit} at offset {pos} "
                                         "(the gzip data ends before its end marker)", location)
                    break
        except zlib.error as exc:
            problem = InputError(E_BINARY, f"corrupt gzip data at offset {pos} ({exc})", location)
        if problem is not None:
            break
        pending = d.unused_data
        pos += fed - len(pending)
        ends.append(pos)
        if not pending:
            pending = stream.read(_CHUNK)
    return Members(ends, total, problem, bytes(out) if keep else b"")


class FilePrefix(io.RawIOBase):
    """The first ``limit`` bytes of an open file as a seekable stream: warcio reads a stream to
    its end, and after a cut only the complete records before it may be read."""

    def __init__(self, fh: BinaryIO, limit: int) -> None:
        self._fh, self._limit, self._pos = fh, limit, 0
        fh.seek(0)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(b), self._limit - self._pos)
        if n <= 0:
            return 0
        data = self._fh.read(n)
        b[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._limit}[whence]
        self._pos = max(0, min(self._limit, base + offset))
        self._fh.seek(self._pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

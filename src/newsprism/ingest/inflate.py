"""Gzip inflation in bounded memory, member by member: the one home for reading ``.gz`` input.

Why not ``gzip.decompress``: it inflates a bomb to its full size before we can look at it, and
it reads a stream cut short as an error only sometimes (warcio reads a cut WARC.gz member as a
shorter record, without a word). Here input is fed in small chunks, so one call produces at most
~1,000x a chunk (deflate's maximum ratio) before the running total is checked against the cap;
a member that ends before its end-of-stream marker is reported as truncated at its offset.
``max_length`` is deliberately not used: after end-of-stream CPython keeps returning the same
``unconsumed_tail`` and appending it to ``unused_data`` on every further call, a trap an
earlier version of this code fell into (an endless loop on a valid WARC.gz).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

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


def inflate_members(data: bytes, location: str, limits: Limits = DEFAULT_LIMITS, keep: bool = True,
                    unit: str = "gzip stream") -> Members:
    """Inflate every gzip member of ``data`` until the end, a cut, corruption or the size cap.

    Trailing bytes that do not start a member end the scan without a problem (gzip(1) ignores
    them too). With ``keep=False`` the output is counted and dropped (memory stays flat).
    ``unit`` names what a member is in messages ("record" for a WARC.gz).
    """
    cap = limits.decompressed_cap(len(data))
    view = memoryview(data)
    out = bytearray()
    ends: list[int] = []
    pos = total = 0
    problem: InputError | None = None
    while pos < len(view) and is_gzip(view[pos:pos + 2]):
        d = zlib.decompressobj(wbits=31)
        i = pos
        try:
            while not d.eof and i < len(view):
                chunk = d.decompress(view[i:i + _CHUNK])
                i = min(i + _CHUNK, len(view))
                total += len(chunk)
                if total > cap:
                    problem = InputError(E_INFLATE, f"inflates past the limit of {cap:,} bytes "
                                         f"({len(data):,} bytes compressed)", location)
                    break
                if keep:
                    out += chunk
        except zlib.error as exc:
            problem = InputError(E_BINARY, f"corrupt gzip data at offset {pos} ({exc})", location)
        if problem is None and not d.eof:
            problem = InputError(E_TRUNCATED, f"truncated {unit} at offset {pos} "
                                 "(the gzip data ends before its end marker)", location)
        if problem is not None:
            break
        pos = i - len(d.unused_data)
        ends.append(pos)
    return Members(ends, total, problem, bytes(out) if keep else b"")

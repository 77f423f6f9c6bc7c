"""WARC / WARC.gz archives: every HTML response record becomes a document (warcio parses)."""

from __future__ import annotations

import contextlib
import io
import logging
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsprism.errors import E_SIZE, E_TRUNCATED, E_WARC, InputError
from newsprism.ingest.decode import decode_bytes
from newsprism.limits import DEFAULT_LIMITS
from newsprism.model import Origin, RawDocument

# warcio reads any text as a (legacy) ARC archive full of header-less records, so a file that
# is not an archive at all would pass silently; its first bytes must say WARC or ARC.
_MAGIC = (b"WARC/", b"filedesc://")


# warcio reports what it tolerates by writing to stderr and logging: the user gets our one line
# per problem instead (the writes are captured only while warcio itself runs, never across a yield)
logging.getLogger("warcio").addHandler(logging.NullHandler())
logging.getLogger("warcio").propagate = False


def _quiet() -> contextlib.AbstractContextManager[object]:
    return contextlib.redirect_stderr(io.StringIO())


def stream_offset(it: ArchiveIterator) -> int:
    """The byte offset of the record being read (in the file as stored)."""
    try:
        with _quiet():  # it reads to the end of the record, where warcio may complain
            return int(it.get_record_offset())
    except Exception:  # noqa: BLE001 - an offset is a courtesy in the message, never fatal
        return -1


def _first_bytes(stream: BinaryIO) -> bytes:
    head = stream.read(4096)
    stream.seek(0)
    if head[:2] == b"\x1f\x8b":
        try:
            return zlib.decompressobj(wbits=31).decompress(head, 64)
        except zlib.error:
            return b""
    return head[:64]


def iter_warc(stream: BinaryIO, location: str, fetched_at: str, require_html: bool = True,
              max_record_bytes: int = DEFAULT_LIMITS.max_file_bytes) -> Iterator[RawDocument | InputError]:
    """Yield HTML responses (status 2xx); other records are skipped silently.

    A file that is not a WARC/ARC, a broken archive, or one without any HTML response is
    reported as one error naming the file (records read before a break are kept).
    """
    head = _first_bytes(stream)
    if not head.lstrip().startswith(_MAGIC):
        first = head.lstrip().split(b"\n")[0][:40].decode("latin-1")
        yield InputError(E_WARC, f"not a WARC archive (starts with {first!r})", location)
        return
    n = 0
    html = 0
    pending: tuple[RawDocument, int, int] | None = None  # a document held until its end is confirmed
    it = ArchiveIterator(stream)
    records = iter(it)

    def settle() -> RawDocument | InputError | None:
        """The held document, now that warcio has read past its end: if it found no blank line
        where the record should have ended, its Content-Length was wrong and its content cannot
        be trusted (a shorter or longer article than the page)."""
        nonlocal pending
        if pending is None:
            return None
        doc, offset, errors = pending
        pending = None
        if getattr(it, "err_count", 0) > errors:
            return InputError(E_WARC, f"record at offset {offset}: its length does not match its content",
                              doc.origin.location)
        return doc

    try:
        while True:
            with _quiet():
                record = next(records, None)
            held = settle()
            if held is not None:
                yield held
            if record is None:
                break
            if record.rec_type != "response":
                continue
            n += 1
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            loc = f"{location}#{url or n}"
            http = record.http_headers
            if http is None:
                continue
            status = http.get_statuscode() or ""
            ctype = (http.get_header("Content-Type") or "").lower()
            if not status.startswith("2") or "html" not in ctype:
                continue
            html += 1
            charset = None
            if "charset=" in ctype:
                charset = ctype.split("charset=")[-1].split(";")[0].strip()
            with _quiet():
                payload = record.content_stream().read(max_record_bytes + 1)
            if len(payload) > max_record_bytes:  # warcio skips the rest of it before the next record
                yield InputError(E_SIZE, f"record at offset {stream_offset(it)} too large "
                                 f"(> limit {max_record_bytes:,} bytes)", loc)
                continue
            if getattr(record.raw_stream, "limit", 0) > 0:  # fewer bytes than Content-Length says
                yield InputError(E_TRUNCATED, f"truncated record at offset {stream_offset(it)}", location)
                return
            try:
                body, enc = decode_bytes(payload, loc, charset)
            except InputError as err:
                yield err
                continue
            date = record.rec_headers.get_header("WARC-Date") or fetched_at
            doc = RawDocument(origin=Origin("warc", loc, date, ctype.split(";")[0], enc), body=body, format="html",
                              url=url or None)
            errors = getattr(it, "err_count", 0)  # before stream_offset: it reads to the record's end
            pending = (doc, stream_offset(it), errors)
    except ArchiveLoadFailed as exc:
        held = settle()
        if held is not None:
            yield held
        yield InputError(E_WARC, f"malformed WARC ({str(exc).splitlines()[0]})", location)
        return
    except (ValueError, AttributeError, EOFError, OSError, zlib.error) as exc:  # warcio on cut files
        held = settle()
        if held is not None:
            yield held
        yield InputError(E_WARC, f"malformed WARC after {n} response records ({type(exc).__name__})", location)
        return
    if html == 0 and require_html:
        yield InputError(E_WARC, f"no 2xx HTML response among {n} response records", location)

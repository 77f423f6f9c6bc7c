"""WARC / WARC.gz archives: every HTML response record becomes a document (warcio parses)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsprism.errors import E_WARC, InputError
from newsprism.ingest.decode import decode_bytes
from newsprism.model import Origin, RawDocument


def iter_warc(stream: BinaryIO, location: str, fetched_at: str) -> Iterator[RawDocument | InputError]:
    """Yield HTML responses (status 2xx); other records are skipped silently."""
    n = 0
    try:
        for record in ArchiveIterator(stream):
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
            charset = None
            if "charset=" in ctype:
                charset = ctype.split("charset=")[-1].split(";")[0].strip()
            payload = record.content_stream().read()
            try:
                body, enc = decode_bytes(payload, loc, charset)
            except InputError as err:
                yield err
                continue
            date = record.rec_headers.get_header("WARC-Date") or fetched_at
            yield RawDocument(
                origin=Origin("warc", loc, date, ctype.split(";")[0], enc),
                body=body,
                format="html",
                url=url or None,
            )
    except ArchiveLoadFailed as exc:
        yield InputError(E_WARC, f"malformed WARC ({str(exc).splitlines()[0]})", location)

"""Turn command-line targets (files, folders, URLs, feeds, archives) into RawDocuments.

Yields ``RawDocument`` or ``InputError`` items so one bad input never stops a run: the caller
prints the error line and goes on with the rest.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO
from pathlib import Path

from newsprism.errors import E_BINARY, E_FETCH, E_NOTFOUND, E_SIZE, E_TYPE, InputError
from newsprism.ingest.decode import decode_bytes, maybe_gunzip
from newsprism.ingest.feeds import FeedLink, looks_like_feed, parse_feed
from newsprism.ingest.fetch import Fetched, Fetcher, FetchSettings
from newsprism.ingest.inflate import FilePrefix, inflate_members, is_gzip
from newsprism.ingest.manifest import MANIFEST_NAMES, Manifest
from newsprism.ingest.records import iter_jsonl, iter_records
from newsprism.ingest.warc import iter_warc
from newsprism.limits import DEFAULT_LIMITS, Limits
from newsprism.model import Origin, RawDocument

HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
JSON_EXT = {".json", ".jsonl", ".ndjson"}
JSONL_EXT = {".jsonl", ".ndjson"}
FEED_EXT = {".rss", ".atom", ".xml"}
WARC_EXT = {".warc", ".arc"}
# Not articles: refused by name when given explicitly (one clear line, no decoding attempt).
UNSUPPORTED_EXT = {
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".7z", ".tar",
    ".rar", ".tif", ".tiff", ".mp3", ".mp4", ".mov", ".webm", ".exe", ".dll", ".so", ".db", ".sqlite",
    ".db-wal", ".db-shm",
}
# A page saved "complete" sits beside a folder of its resources; walking a folder skips them
# quietly (they are parts of pages, not articles), while .css/.js would otherwise read as text.
ASSET_EXT = {
    ".css", ".js", ".mjs", ".map", ".svg", ".ico", ".woff", ".woff2", ".ttf", ".otf", ".eot",
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".avif",
}
SKIP_NAMES = set(MANIFEST_NAMES) | {"readme.md", "license", "license.md", "answers.json"}
E_READ = "E900"  # unexpected failure while reading one input (a bug); the pipeline's stage-bug code


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def _kind(path: Path) -> tuple[str, bool]:
    """(extension without .gz, gzipped?)"""
    name = path.name.lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    suffix = Path(name).suffix
    return suffix, gz


def expand_targets(targets: Iterable[str]) -> Iterator[str | InputError]:
    """Folders are walked recursively in sorted order; hidden files and manifests are skipped."""
    for target in targets:
        if is_url(target):
            yield target
            continue
        path = Path(target)
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                rel = p.relative_to(path)
                if p.is_file() and not any(part.startswith(".") for part in rel.parts):
                    if p.name.lower() not in SKIP_NAMES and _kind(p)[0] not in ASSET_EXT:
                        yield str(p)
        elif path.is_file():
            yield str(path)
        else:
            yield InputError(E_NOTFOUND, "no such file, folder or URL", target)


def find_manifests(targets: Iterable[str]) -> list[Path]:
    found = []
    for target in targets:
        p = Path(target)
        if p.is_dir():
            found += [m for name in MANIFEST_NAMES for m in sorted(p.rglob(name))]
    return found


class Ingestor:
    """Reads every target into documents; applies a manifest's metadata where it matches."""

    def __init__(self, fetcher: Fetcher | None = None, manifest: Manifest | None = None,
                 limits: Limits = DEFAULT_LIMITS) -> None:
        self._fetcher = fetcher
        self.manifest = manifest or Manifest()
        self.limits = limits
        # Feed links to leave alone (``newsprism watch``: links already followed), and a call
        # made once a link's documents have all been taken.
        self.skip_link: Callable[[str], bool] = lambda url: False
        self.link_done: Callable[[str], None] = lambda url: None

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher(FetchSettings(max_bytes=self.limits.max_file_bytes))
        return self._fetcher

    def iter_documents(self, targets: list[str]) -> Iterator[RawDocument | InputError]:
        for m in find_manifests(targets):
            try:
                self.manifest.load(m)
            except InputError as err:
                yield err
        yield from self.manifest.take_problems()  # bad rows (file:line), skipped; good rows apply
        for item in expand_targets(targets):
            if isinstance(item, InputError):
                yield item
                continue
            try:
                produced = self._url(item) if is_url(item) else self._file(Path(item))
                for doc in produced:
                    yield doc if isinstance(doc, InputError) else self._apply_manifest(doc)
            except InputError as err:
                yield err
            except Exception as exc:  # a parser bug on one input must not end the whole run
                first = (str(exc).strip().splitlines() or [""])[0]
                yield InputError(E_READ, f"could not read input ({type(exc).__name__}: {first})", item)

    def _apply_manifest(self, doc: RawDocument) -> RawDocument:
        meta = self.manifest.lookup(doc.origin.location)
        if not meta and doc.url:
            meta = self.manifest.lookup(doc.url)
        if meta:
            doc.outlet = meta.get("outlet") or doc.outlet
            doc.url = meta.get("url") or doc.url
            if meta.get("title"):
                doc.title = meta["title"]
                doc.extras["title_source"] = "manifest"
            doc.byline = meta.get("byline") or doc.byline
            if meta.get("published"):
                doc.published = meta["published"]
                doc.extras["published_source"] = "manifest"
        return doc

    # -- files ---------------------------------------------------------------------------
    def _file(self, path: Path) -> Iterator[RawDocument | InputError]:
        location = str(path)
        fetched_at = now_iso()
        suffix, _gz = _kind(path)
        if suffix in UNSUPPORTED_EXT or suffix in ASSET_EXT:
            raise InputError(E_TYPE, f"unsupported file type {suffix!r} (not an article format)", location)
        if suffix in WARC_EXT:  # an archive of many records: streamed, its records capped one by one
            yield from self._warc_file(path, location, fetched_at)
            return
        try:
            size = path.stat().st_size  # before reading: a huge file is refused, not loaded
            if size > self.limits.max_file_bytes and suffix in JSONL_EXT and not _gz:
                # a dump of many records: streamed line by line, each line capped instead
                yield from iter_jsonl(self._jsonl_lines(path, location), location, fetched_at)
                return
            if size > self.limits.max_file_bytes:
                raise InputError(E_SIZE, f"file too large ({size:,} bytes > limit {self.limits.max_file_bytes:,})", location)
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(E_NOTFOUND, f"cannot read file ({exc.strerror})", location) from exc
        data = maybe_gunzip(data, location, self.limits)
        text, encoding = decode_bytes(data, location)
        origin = Origin("file", str(path.resolve()), fetched_at, "", encoding)
        if suffix in JSON_EXT:
            for doc in iter_records(text, location, fetched_at):
                if isinstance(doc, RawDocument):
                    doc.origin.encoding = encoding
                yield doc
        elif suffix in FEED_EXT or (suffix not in HTML_EXT and looks_like_feed(text)):
            yield from self._feed(text, location, fetched_at)
        elif suffix in HTML_EXT or _looks_like_html(text):
            origin.content_type = "text/html"
            yield RawDocument(origin=origin, body=text, format="html")
        else:
            origin.content_type = "text/plain"
            yield RawDocument(origin=origin, body=text, format="text")

    def _jsonl_lines(self, path: Path, location: str) -> Iterator[tuple[int, str | InputError]]:
        """Lines of a large JSONL file, read one at a time (UTF-8, as JSON exchanged must be)."""
        cap = self.limits.max_file_bytes
        with path.open("rb") as fh:
            n = 0
            while raw := fh.readline(cap + 1):
                n += 1
                if len(raw) > cap:
                    while raw and not raw.endswith(b"\n"):  # skip the rest of the line, in pieces
                        raw = fh.readline(1 << 20)
                    yield n, InputError(E_SIZE, f"line {n} too large (> limit {cap:,} bytes)", f"{location}#{n}")
                    continue
                try:
                    yield n, raw.decode("utf-8-sig" if n == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    yield n, InputError(E_BINARY, f"line {n} is not UTF-8 ({exc.reason} at byte {exc.start})",
                                        f"{location}#{n}")

    def _warc_file(self, path: Path, location: str, fetched_at: str) -> Iterator[RawDocument | InputError]:
        """A WARC or WARC.gz of any size, read as a stream (real archives are ~1 GB). A WARC.gz
        is checked member by member first, in flat memory: a record inflating past the cap or cut
        short ends the read there, and only the complete records before it are read."""
        try:
            fh = path.open("rb")
        except OSError as exc:
            raise InputError(E_NOTFOUND, f"cannot read file ({exc.strerror})", location) from exc
        with fh:
            problem = None
            complete = -1  # bytes of complete records before a problem; -1: the whole file
            stream: BinaryIO = fh
            if is_gzip(fh.read(2)):
                fh.seek(0)
                members = inflate_members(fh, location, self.limits, keep=False, unit="record", per_member=True)
                problem = members.problem
                if problem is not None:
                    complete = members.complete_prefix
                    stream = io.BufferedReader(FilePrefix(fh, complete))
            fh.seek(0)
            if complete != 0:
                # before a cut, finding no HTML is not a second problem to report
                yield from iter_warc(stream, location, fetched_at, require_html=problem is None,
                                     max_record_bytes=self.limits.max_file_bytes)
            if problem is not None:
                yield problem

    # -- network -------------------------------------------------------------------------
    def _url(self, url: str) -> Iterator[RawDocument | InputError]:
        yield from self.from_fetched(self.fetcher.get(url), url)

    def from_fetched(self, fetched: Fetched, url: str) -> Iterator[RawDocument | InputError]:
        """Documents of a fetched URL: a feed's entries (link-only entries fetched in turn), a
        JSON list's records, or the page itself."""
        text, encoding = decode_bytes(maybe_gunzip(fetched.content, url, self.limits), url, fetched.charset)
        if "rss" in fetched.content_type or "atom" in fetched.content_type or looks_like_feed(text):
            yield from self._feed(text, url, now_iso())
            return
        if "json" in fetched.content_type:  # JSON Feed or an API's article list
            for doc in iter_records(text, url, now_iso()):
                if isinstance(doc, RawDocument):
                    doc.origin.encoding = encoding
                yield doc
            return
        fmt = "text" if fetched.content_type == "text/plain" else "html"
        yield RawDocument(
            origin=Origin("url", url, now_iso(), fetched.content_type, encoding),
            body=text,
            format=fmt,  # type: ignore[arg-type]
            url=fetched.url,
        )

    def _feed(self, text: str, location: str, fetched_at: str) -> Iterator[RawDocument | InputError]:
        for item in parse_feed(text, location, fetched_at):
            if isinstance(item, (RawDocument, InputError)):
                yield item
                continue
            if self.skip_link(item.url):
                continue
            transient = False
            for doc in self._feed_link(item, location):
                transient = transient or (isinstance(doc, InputError) and doc.code == E_FETCH)  # unreachable, timed out
                yield doc
            if not transient:  # a link that failed for a while is tried again next time
                self.link_done(item.url)

    def _feed_link(self, link: FeedLink, feed_location: str) -> Iterator[RawDocument | InputError]:
        try:
            for doc in self._url(link.url):
                if isinstance(doc, RawDocument):
                    doc.origin.kind = "feed"
                    doc.title = doc.title or link.title
                    doc.published = doc.published or link.published
                    doc.outlet = doc.outlet or link.outlet
                    doc.byline = doc.byline or link.byline
                    doc.extras["feed"] = feed_location
                yield doc
        except InputError as err:
            yield err


def _looks_like_html(text: str) -> bool:
    head = text[:1000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in text[:5000].lower() and "</p>" in text.lower())

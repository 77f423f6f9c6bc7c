"""URLs and feed URLs against a real HTTP server on 127.0.0.1 (started here, port 0).

Pages served are real: a saved BBC page and the seed texts, read from ../shared at test time.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from collections.abc import Iterator
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsprism.ingest.fetch import Fetcher, FetchSettings
from newsprism.pipeline import Pipeline, RunReport
from newsprism.store import Store

SLOW_SECONDS = 5.0  # the handler sleeps this long; the client gives up after 0.3 s


def seed_text(seeds_dir: Path, prefix: str) -> str:
    (path,) = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


def paragraphs_html(text: str) -> str:
    return "".join(f"<p>{escape(p.strip())}</p>" for p in text.split("\n") if p.strip())


class Site:
    """Routes: path -> (status, headers, body). Built once per module from real pages."""

    def __init__(self, seeds_dir: Path, data_dir: Path) -> None:
        bbc = (data_dir / "extraction-dev" / "readability-pages" / "bbc-1" / "source.html").read_bytes()
        s1, s2, s4 = (seed_text(seeds_dir, p) for p in ("001", "002", "004"))
        html = "text/html; charset=utf-8"
        self.base = ""
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {
            "/bbc.html": (200, {"Content-Type": html}, bbc),
            "/seed1.txt": (200, {"Content-Type": "text/plain; charset=utf-8"}, s1.encode("utf-8")),
            "/seed2.html": (200, {"Content-Type": html}, f"<html><body><article>{paragraphs_html(s2)}</article></body></html>".encode()),
            "/seed4-cp1252.html": (200, {"Content-Type": "text/html; charset=windows-1252"},
                                   f"<html><body><article>{paragraphs_html(s4)}</article></body></html>".encode("cp1252")),
            "/gzipped.html": (200, {"Content-Type": html, "Content-Encoding": "gzip"}, gzip.compress(bbc)),
            "/missing": (404, {"Content-Type": html}, b"<html><body>not found</body></html>"),
            "/image.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
            "/big.html": (200, {"Content-Type": html}, bbc),
        }
        self.seed4 = s4
        self.json_feed = lambda: _json_feed(self)
        self.redirects = {"/old": "/bbc.html", "/hop1": "/hop2", "/hop2": "/seed1.txt", "/loop": "/loop"}

    def feed(self) -> bytes:
        b = self.base
        return f"""<?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>Local Wire</title><link>{b}/</link>
        <item><title>Linked BBC</title><link>{b}/bbc.html</link><description>Short teaser.</description>
          <pubDate>Fri, 24 Jul 2015 04:36:09 GMT</pubDate></item>
        <item><title>Linked seed</title><link>{b}/seed2.html</link><description>Another teaser.</description></item>
        <item><title>Dead link</title><link>{b}/missing</link><description>Gone.</description></item>
        </channel></rss>""".encode()


def _json_feed(site: Site) -> bytes:
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "JSON Desk",
        "items": [{"id": "1", "url": site.base + "/seed4", "title": "Seed four", "content_text": site.seed4,
                   "date_published": "2024-06-18T06:00:00Z", "authors": [{"name": "Desk Writer"}]}],
    }).encode()


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = self.path.split("?")[0]
            if path == "/slow":
                time.sleep(SLOW_SECONDS)
                return self._send(200, {"Content-Type": "text/html"}, b"<html><body><p>late</p></body></html>")
            if path in site.redirects:
                return self._send(302, {"Location": site.redirects[path]}, b"")
            if path == "/feed.rss":
                return self._send(200, {"Content-Type": "application/rss+xml"}, site.feed())
            if path == "/feed-as-xml":
                return self._send(200, {"Content-Type": "text/xml; charset=utf-8"}, site.feed())
            if path == "/feed.json":
                return self._send(200, {"Content-Type": "application/feed+json"}, site.json_feed())
            if path == "/chunked-big":
                return self._chunked(site.routes["/big.html"][2])
            status, headers, body = site.routes.get(path, (404, {"Content-Type": "text/plain"}, b"no route"))
            self._send(status, headers, body)

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # client gave up (size limit, timeout)
                pass

        def _chunked(self, body: bytes) -> None:
            """No Content-Length: the size limit must hold while streaming."""
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for i in range(0, len(body), 8192):
                    chunk = body[i : i + 8192]
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@pytest.fixture(scope="module")
def site(seeds_dir: Path, data_dir: Path) -> Iterator[Site]:
    s = Site(seeds_dir, data_dir)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(s))
    server.daemon_threads = True
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield s
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    """A port nothing listens on: bind, read the number, close."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ingest(tmp_path: Path, targets: list[str], settings: FetchSettings | None = None) -> tuple[Store, RunReport]:
    store = Store(tmp_path / "store.db")
    with Fetcher(settings or FetchSettings(timeout=5)) as fetcher:
        run = Pipeline(store, fetcher=fetcher).ingest(targets)
    return store, run


def test_ingest_url_html_page(tmp_path: Path, site: Site) -> None:
    store, run = ingest(tmp_path, [site.base + "/bbc.html"])
    assert (run.ingested, run.rejected) == (1, [])
    (a,) = store.get_many(run.article_ids)
    assert a.origin.kind == "url"
    assert a.origin.location == site.base + "/bbc.html"
    assert a.origin.content_type == "text/html"
    assert a.url == site.base + "/bbc.html"
    assert a.title == "Obama admits US gun laws are his 'biggest frustration'"
    assert a.outlet == "BBC News"
    assert a.published.value == "2015-07-24"


def test_ingest_url_plain_text_and_declared_charset(tmp_path: Path, site: Site, seeds_dir: Path) -> None:
    store, run = ingest(tmp_path, [site.base + "/seed1.txt", site.base + "/seed4-cp1252.html", site.base + "/gzipped.html"])
    assert (run.ingested, run.rejected) == (3, [])
    arts = {a.origin.location.rsplit("/", 1)[1]: a for a in store.get_many(run.article_ids)}
    assert arts["seed1.txt"].title == "Putin to visit North Korea for the first time in over two decades"
    assert arts["seed1.txt"].origin.content_type == "text/plain"
    assert arts["seed4-cp1252.html"].origin.encoding == "windows-1252"
    assert "“highly appreciated" in arts["seed4-cp1252.html"].text
    assert arts["gzipped.html"].word_count > 500


def test_ingest_url_redirects_followed_final_url_kept(tmp_path: Path, site: Site) -> None:
    store, run = ingest(tmp_path, [site.base + "/old", site.base + "/hop1"])
    assert (run.ingested, run.rejected) == (2, [])
    urls = sorted(a.url or "" for a in store.get_many(run.article_ids))
    assert urls == [site.base + "/bbc.html", site.base + "/seed1.txt"]


def test_ingest_url_redirect_loop_named(tmp_path: Path, site: Site) -> None:
    _, run = ingest(tmp_path, [site.base + "/loop"], FetchSettings(timeout=5, max_redirects=3))
    (bad,) = run.rejected
    assert (bad.location, bad.code) == (site.base + "/loop", "E106")
    assert "redirects" in bad.message


def test_ingest_url_404_named(tmp_path: Path, site: Site) -> None:
    _, run = ingest(tmp_path, [site.base + "/missing", site.base + "/bbc.html"])
    assert run.ingested == 1
    (bad,) = run.rejected
    assert (bad.location, bad.code, bad.message) == (site.base + "/missing", "E107", "HTTP 404")


def test_ingest_url_wrong_content_type_named(tmp_path: Path, site: Site) -> None:
    _, run = ingest(tmp_path, [site.base + "/image.png"])
    (bad,) = run.rejected
    assert (bad.location, bad.code) == (site.base + "/image.png", "E108")
    assert "image/png" in bad.message


@pytest.mark.parametrize("path", ["/big.html", "/chunked-big"])
def test_ingest_url_size_limit_named(tmp_path: Path, site: Site, path: str) -> None:
    _, run = ingest(tmp_path, [site.base + path], FetchSettings(timeout=5, max_bytes=20_000))
    (bad,) = run.rejected
    assert (bad.location, bad.code) == (site.base + path, "E109")
    assert "20000" in bad.message


def test_ingest_url_timeout_named(tmp_path: Path, site: Site) -> None:
    start = time.perf_counter()
    _, run = ingest(tmp_path, [site.base + "/slow", site.base + "/seed1.txt"], FetchSettings(timeout=0.3))
    assert time.perf_counter() - start < SLOW_SECONDS
    assert run.ingested == 1
    (bad,) = run.rejected
    assert (bad.location, bad.code) == (site.base + "/slow", "E106")
    assert "timed out" in bad.message


def test_ingest_url_unreachable_port_named(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/article"
    _, run = ingest(tmp_path, [url])
    (bad,) = run.rejected
    assert (bad.location, bad.code) == (url, "E106")
    assert "unreachable" in bad.message


@pytest.mark.parametrize("path", ["/feed.rss", "/feed-as-xml"])
def test_ingest_feed_url_links_fetched(tmp_path: Path, site: Site, path: str) -> None:
    store, run = ingest(tmp_path, [site.base + path])
    assert run.ingested == 2
    (bad,) = run.rejected  # the dead link is named, the others go in
    assert (bad.location, bad.code) == (site.base + "/missing", "E107")
    arts = {a.url: a for a in store.get_many(run.article_ids)}
    bbc, seed = arts[site.base + "/bbc.html"], arts[site.base + "/seed2.html"]
    assert bbc.origin.kind == seed.origin.kind == "feed"
    assert bbc.extras["feed"] == site.base + path
    assert seed.title == "Linked seed"  # feed metadata fills what the page lacks
    assert seed.outlet == "Local Wire"
    assert bbc.published.value == "2015-07-24"


def test_ingest_feed_file_link_only_entries_fetched(tmp_path: Path, site: Site) -> None:
    path = tmp_path / "local.rss"
    path.write_bytes(site.feed())
    store, run = ingest(tmp_path, [str(path)])
    assert run.ingested == 2
    assert [p.code for p in run.rejected] == ["E107"]
    assert sorted(a.url or "" for a in store.get_many(run.article_ids)) == [site.base + "/bbc.html", site.base + "/seed2.html"]


def test_ingest_url_mixed_with_files_run_continues(tmp_path: Path, site: Site, seeds_dir: Path) -> None:
    bad_port = f"http://127.0.0.1:{closed_port()}/x"
    targets = [bad_port, str(sorted(seeds_dir.glob("000_*"))[0]), site.base + "/missing", site.base + "/seed2.html"]
    _, run = ingest(tmp_path, targets)
    assert run.ingested == 2
    assert sorted(p.location for p in run.rejected) == sorted([bad_port, site.base + "/missing"])


def test_ingest_url_json_feed(tmp_path: Path, site: Site) -> None:
    store, run = ingest(tmp_path, [site.base + "/feed.json"])
    assert (run.ingested, run.rejected) == (1, [])
    (a,) = store.get_many(run.article_ids)
    assert (a.title, a.outlet, a.byline, a.url, a.published.value) == (
        "Seed four", "JSON Desk", "Desk Writer", site.base + "/seed4", "2024-06-18")
    assert a.origin.location == site.base + "/feed.json#1"


@pytest.mark.parametrize("url", ["http://256.256.256.256/x", "https://[::1"])
def test_ingest_url_invalid_named(tmp_path: Path, url: str) -> None:
    """Regression: httpx.InvalidURL is not an HTTPError and escaped as an unexpected exception."""
    _, run = ingest(tmp_path, [url])
    (bad,) = run.rejected
    assert (bad.location, bad.code) == (url, "E106")
    assert bad.message.startswith("invalid URL")


def test_ingest_url_manifest_row_by_url(tmp_path: Path, site: Site) -> None:
    from newsprism.ingest.manifest import Manifest

    csv_path = tmp_path / "urls.csv"
    csv_path.write_text(f"url,outlet,published,title\n{site.base}/seed1.txt,Wire X,2024-06-17,Given headline\n", encoding="utf-8")
    manifest = Manifest()
    manifest.load(csv_path)
    store = Store(tmp_path / "m.db")
    with Fetcher(FetchSettings(timeout=5)) as fetcher:
        run = Pipeline(store, fetcher=fetcher, manifest=manifest).ingest([site.base + "/seed1.txt"])
    (a,) = store.get_many(run.article_ids)
    assert (a.outlet, a.published.value, a.title) == ("Wire X", "2024-06-17", "Given headline")
    assert a.published.evidence[0].source == "manifest"
    assert a.title_source == "manifest"  # regression: was "url"

"""Every fetch has a total wall-clock deadline, even against a server that trickles bytes.

A real threaded HTTP server on 127.0.0.1 sends headers or body one byte at a time (each byte
well inside the per-read timeout, so httpx's own timeouts never fire) or redirects slowly.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsprism.errors import FetchError
from newsprism.ingest.fetch import Fetcher, FetchSettings
from newsprism.pipeline import Pipeline
from newsprism.store import Store

DEADLINE = 1.5
SLACK = 0.75  # allowed lateness past the deadline (thread scheduling on a loaded 2-core box)
TRICKLE = 0.2  # seconds between bytes: far below the per-read timeout
MESSAGE = re.compile(r"timed out after (\d+\.\d)s \(deadline 1\.5s\)")


def _handler(article: bytes) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            try:
                self._route(self.path)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
                pass

        def _route(self, path: str) -> None:
            if path == "/article.txt":
                self._raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                          + f"Content-Length: {len(article)}\r\n\r\n".encode() + article)
            elif path == "/slow-headers":  # status line, then one header byte at a time
                self._raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Slow: ")
                self._trickle(b"a" * 200)
            elif path == "/slow-body":  # headers at once, then one body byte at a time
                self._raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 200\r\n\r\n")
                self._trickle(b"b" * 200)
            elif path.startswith("/hop/"):  # each hop is quick enough alone; the chain is not
                n = int(path.rsplit("/", 1)[1])
                time.sleep(0.6)
                self._raw(f"HTTP/1.1 302 Found\r\nLocation: /hop/{n + 1}\r\nContent-Length: 0\r\n\r\n".encode())
            else:
                self._raw(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")

        def _raw(self, data: bytes) -> None:
            self.wfile.write(data)
            self.wfile.flush()

        def _trickle(self, data: bytes) -> None:
            for i in range(len(data)):
                self._raw(data[i : i + 1])
                time.sleep(TRICKLE)

    return Handler


@pytest.fixture(scope="module")
def base(seeds_dir: Path) -> Iterator[str]:
    (seed,) = sorted(seeds_dir.glob("001_*.txt"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(seed.read_bytes()))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def timed_fetch(url: str) -> tuple[float, FetchError]:
    with Fetcher(FetchSettings(timeout=DEADLINE)) as fetcher:
        start = time.perf_counter()
        with pytest.raises(FetchError) as info:
            fetcher.get(url)
        return time.perf_counter() - start, info.value


@pytest.mark.parametrize("path", ["/slow-headers", "/slow-body", "/hop/0"])
def test_fetch_deadline_holds_against_trickling_server(base: str, path: str) -> None:
    took, err = timed_fetch(base + path)
    assert DEADLINE <= took < DEADLINE + SLACK, took
    assert (err.code, err.location) == ("E106", base + path)
    m = MESSAGE.fullmatch(err.message)
    assert m, err.message
    assert abs(float(m.group(1)) - took) <= 0.15  # the figure is the real elapsed time


def test_fetch_deadline_slow_targets_named_others_ingested(tmp_path: Path, base: str) -> None:
    targets = [base + "/slow-headers", base + "/article.txt", base + "/slow-body", base + "/hop/0"]
    store = Store(tmp_path / "s.db")
    start = time.perf_counter()
    with Fetcher(FetchSettings(timeout=DEADLINE)) as fetcher:
        run = Pipeline(store, fetcher=fetcher).ingest(targets)
    took = time.perf_counter() - start
    assert took < 3 * (DEADLINE + SLACK)
    assert run.ingested == 1
    (article,) = store.get_many(run.article_ids)
    assert article.origin.location == base + "/article.txt"
    assert sorted(p.location for p in run.rejected) == sorted(set(targets) - {base + "/article.txt"})
    assert all(p.code == "E106" and MESSAGE.fullmatch(p.message) for p in run.rejected)

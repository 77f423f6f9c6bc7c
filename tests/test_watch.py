"""`newsprism watch` against a local newsroom (HTTP on 127.0.0.1) that publishes the seed
articles one by one in an RSS feed with ETag validators."""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsprism.cli import main
from newsprism.errors import ConfigError
from newsprism.watch import parse_duration, read_sources


class Newsroom:
    """Publishes articles (seed texts as HTML pages) into a feed; logs every request."""

    def __init__(self, seeds_dir: Path) -> None:
        self.pages = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
        self.published: list[int] = []
        self.log: list[tuple[float, str, int, str | None]] = []  # (time, path, status, If-None-Match)
        self.base = ""
        self.lock = threading.Lock()

    def publish(self, *numbers: int) -> None:
        with self.lock:
            self.published += numbers

    def feed(self) -> tuple[str, bytes]:
        items = "".join(
            f"<item><title>{escape(self.pages[n].splitlines()[0])}</title><link>{self.base}/a/{n}.html</link>"
            f"<guid>{self.base}/a/{n}.html</guid><description>Teaser.</description></item>" for n in self.published)
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local Wire</title>{items}</channel></rss>'
        return '"' + hashlib.sha1(body.encode()).hexdigest()[:12] + '"', body.encode()

    def paths(self, status: int | None = None) -> list[str]:
        return [p for _, p, s, _ in self.log if status is None or s == status]


def _handler(room: Newsroom) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            asked = self.headers.get("If-None-Match")
            if self.path == "/feed.rss":
                etag, body = room.feed()
                if asked == etag:
                    return self._send(304, {"ETag": etag}, b"", asked)
                return self._send(200, {"Content-Type": "application/rss+xml", "ETag": etag}, body, asked)
            if self.path.startswith("/a/"):
                n = int(self.path[3:].split(".")[0])
                paras = "".join(f"<p>{escape(p)}</p>" for p in room.pages[n].splitlines()[1:] if p.strip())
                html = f"<html><head><title>{escape(room.pages[n].splitlines()[0])}</title></head><body><article>{paras}</article></body></html>"
                return self._send(200, {"Content-Type": "text/html; charset=utf-8"}, html.encode(), asked)
            self._send(500, {"Content-Type": "text/plain"}, b"server error", asked)

        def _send(self, status: int, headers: dict[str, str], body: bytes, asked: str | None) -> None:
            room.log.append((time.monotonic(), self.path, status, asked))
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

    return Handler


@pytest.fixture()
def room(seeds_dir: Path) -> Iterator[Newsroom]:
    r = Newsroom(seeds_dir)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(r))
    server.daemon_threads = True
    r.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield r
    server.shutdown()
    server.server_close()


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


def watch_once(sources: Path, db: Path, *extra: str) -> str:
    res = CliRunner().invoke(main, ["watch", str(sources), "--db", str(db), "--once", "--host-delay", "0.2s", *extra])
    assert res.exit_code == 0, res.output
    return res.output


def test_watch_ingests_only_new_items_with_conditional_gets(room: Newsroom, tmp_path: Path) -> None:
    sources, db = tmp_path / "sources.txt", tmp_path / "w.db"
    sources.write_text(f"# the wire\n{room.base}/feed.rss\n\nnot a url\n", encoding="utf-8")
    room.publish(0, 1)
    out = watch_once(sources, db)
    assert "sources.txt:4" in out and "not an http(s) URL" in out  # the bad line is named, the rest runs
    assert count(db, "SELECT COUNT(*) FROM articles") == 2
    assert count(db, "SELECT COUNT(*) FROM comparisons") == count(db, "SELECT COUNT(*) FROM stories") >= 1
    assert sorted(room.paths(200)) == ["/a/0.html", "/a/1.html", "/feed.rss"]

    room.log.clear()
    watch_once(sources, db)  # nothing new: the feed answers 304 and no article is fetched
    assert [(p, s) for _, p, s, _ in room.log] == [("/feed.rss", 304)]
    assert room.log[0][3]  # the GET carried the feed's ETag

    room.log.clear()
    room.publish(2)
    out = watch_once(sources, db)
    assert room.paths(200) == ["/feed.rss", "/a/2.html"]  # only the new item's link is followed
    assert count(db, "SELECT COUNT(*) FROM articles") == 3
    assert "1 new articles" in out
    gaps = [b[0] - a[0] for a, b in zip(room.log, room.log[1:])]
    assert all(g >= 0.18 for g in gaps), gaps  # requests to one host are spaced (--host-delay 0.2s)


def test_watch_backs_off_a_failing_source(room: Newsroom, tmp_path: Path) -> None:
    sources, db = tmp_path / "sources.txt", tmp_path / "w.db"
    sources.write_text(f"{room.base}/broken\n{room.base}/feed.rss\n", encoding="utf-8")
    room.publish(3)
    before = time.time()
    out = watch_once(sources, db, "--every", "10m")
    assert f"{room.base}/broken" in out and "HTTP 500" in out
    with sqlite3.connect(db) as conn:
        failures, next_poll, error = conn.execute(
            "SELECT failures, next_poll, last_error FROM watch_sources WHERE url=?", (f"{room.base}/broken",)).fetchone()
    assert failures == 1 and next_poll >= before + 2 * 600 - 1 and "HTTP 500" in error
    assert count(db, "SELECT COUNT(*) FROM articles") == 1  # the other source went on
    room.log.clear()
    watch_once(sources, db, "--every", "10m")  # in backoff: not asked again yet
    assert "/broken" not in room.paths()


def test_watch_stops_cleanly_on_ctrl_c(room: Newsroom, tmp_path: Path) -> None:
    sources, db = tmp_path / "sources.txt", tmp_path / "w.db"
    sources.write_text(f"{room.base}/feed.rss\n", encoding="utf-8")
    room.publish(0, 1, 2, 3, 4)
    cmd = [sys.executable, "-c", "from newsprism.cli import main; main()", "watch", str(sources), "--db", str(db),
           "--every", "1s", "--host-delay", "0.5s"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists() and count(db, "SELECT COUNT(*) FROM sqlite_master WHERE name='articles'") and \
                count(db, "SELECT COUNT(*) FROM articles") >= 1:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert b"stopped" in err and b"Traceback" not in err
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    watch_once(sources, db)  # the next run goes on: every article stored once, stories compared
    assert count(db, "SELECT COUNT(*) FROM articles") == 5
    assert count(db, "SELECT COUNT(*) FROM comparisons") == count(db, "SELECT COUNT(*) FROM stories") >= 1


def test_watch_settings_are_checked(tmp_path: Path) -> None:
    assert parse_duration("15m") == 900 and parse_duration("2h") == 7200 and parse_duration("30") == 30
    for bad in ("soon", "-5m", "0"):
        with pytest.raises(ConfigError):
            parse_duration(bad)
    f = tmp_path / "s.txt"
    f.write_text("https://example.org/feed\nftp://x\n", encoding="utf-8")
    urls, problems = read_sources(f)
    assert urls == ["https://example.org/feed"] and [p.location for p in problems] == [f"{f}:2"]
    res = CliRunner().invoke(main, ["watch", str(f), "--every", "often", "--db", str(tmp_path / "x.db")])
    assert res.exit_code == 2 and "not a duration" in res.output

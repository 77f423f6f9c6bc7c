"""``newsprism watch``: follow feeds and pages over time, and keep their stories current.

Each source (a feed or page URL from a sources file) is polled when it is due: a conditional
GET with the validators of the last answer (``If-None-Match`` / ``If-Modified-Since``), so a
feed that has not changed costs a 304 and nothing else. A changed feed's entries go through the
ordinary ingest (full-content entries as they are, link-only entries fetched), except links
already followed on an earlier poll, which are never fetched again; a link that failed for a
network reason is tried again next time. Requests to one host are spaced by ``host_delay``
seconds; a source that fails is polled again after ``every`` x 2, 4, ... 16 (backoff), and its
error is kept. After each round the pipeline's ``update`` extracts, groups and compares what the
round brought in.

What a source answered and which links were followed are rows in the store, written as they
happen, so a kill or Ctrl-C at any moment leaves the store consistent and the next run goes on
from there (an article whose link was not yet marked is fetched again and found already stored).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsprism.errors import E_FETCH, ConfigError, InputError
from newsprism.ingest.sources import is_url
from newsprism.model import RawDocument

MAX_BACKOFF = 16  # a failing source waits at most this many polling intervals
DEFAULT_HOST_DELAY = 1.0  # seconds between two requests to one host


def parse_duration(text: str) -> float:
    """Seconds in "90", "30s", "15m", "2h" or "1d" (ConfigError otherwise)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    t = text.strip().lower()
    try:
        seconds = float(t[:-1]) * units[t[-1]] if t and t[-1] in units else float(t)
    except ValueError:
        raise ConfigError(f"{text!r}: not a duration (e.g. 30s, 15m, 2h)") from None
    if not seconds > 0:
        raise ConfigError(f"{text!r}: a duration must be positive")
    return seconds


def read_sources(path: str | Path) -> tuple[list[str], list[InputError]]:
    """URLs of a sources file (one a line; blank lines and ``#`` comments skipped), and one
    error per line that is not an http(s) URL."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read sources file ({exc})") from exc
    urls: list[str] = []
    problems: list[InputError] = []
    for n, line in enumerate(lines, 1):
        url = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if not url:
            continue
        if is_url(url):
            if url not in urls:
                urls.append(url)
        else:
            problems.append(InputError(E_FETCH, f"not an http(s) URL: {url[:80]!r}", f"{path}:{n}"))
    return urls, problems


@dataclass
class Round:
    """What one polling round did."""

    polled: int = 0
    not_modified: int = 0
    failed: list[InputError] = field(default_factory=list)
    new_articles: int = 0
    links_followed: int = 0
    update: Any = None  # the pipeline's UpdateReport after the round

    def line(self) -> str:
        up = self.update
        after = f"; {up.extracted} extracted, {up.compared} stories compared" if up is not None else ""
        return (f"{self.polled} sources polled ({self.not_modified} unchanged, {len(self.failed)} failed), "
                f"{self.links_followed} links followed, {self.new_articles} new articles{after}")


class Watcher:
    """Polls sources into a pipeline's store (``clock`` and ``sleep`` are injectable for tests)."""

    def __init__(self, pipeline: Any, sources: Iterable[str], every: float, host_delay: float = DEFAULT_HOST_DELAY,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep) -> None:
        self.pipeline = pipeline
        self.store = pipeline.store
        self.sources = list(sources)
        self.every = every
        self.host_delay = host_delay
        self.clock, self.sleep = clock, sleep
        self._last_request: dict[str, float] = {}
        ingestor = pipeline.ingestor
        ingestor.skip_link = self.store.link_seen
        ingestor.link_done = self._followed
        self._links = 0  # links followed in the current round
        ingestor.fetcher.get = self._polite(ingestor.fetcher.get)  # link fetches are spaced per host too

    def _followed(self, url: str) -> None:
        self.store.mark_link(url)
        self._links += 1

    def _polite(self, get: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(url: str, *args: Any, **kwargs: Any) -> Any:
            host = urlsplit(url).netloc.lower()
            wait = self._last_request.get(host, -1e18) + self.host_delay - time.monotonic()
            if wait > 0:
                self.sleep(wait)
            try:
                return get(url, *args, **kwargs)
            finally:
                self._last_request[host] = time.monotonic()
        return wrapped

    def due(self, now_all: bool = False) -> list[str]:
        """Sources whose next poll time has come (never polled: now); ``now_all``: every source
        not waiting out a backoff (a run from cron)."""
        now = self.clock()
        state = self.store.watch_state()
        return [u for u in self.sources
                if state.get(u, {}).get("next_poll", 0.0) <= now or (now_all and not state[u]["failures"])]

    def poll(self, now_all: bool = False) -> Round:
        """Poll every due source once (``now_all``: see :meth:`due`), ingest what is new, then
        update the store's stories."""
        from newsprism.pipeline import RunReport

        rnd = Round()
        report = RunReport()
        state = self.store.watch_state()
        self._links = 0
        for url in self.due(now_all):
            rnd.polled += 1
            old = state.get(url, {})
            try:
                fetched = self.pipeline.ingestor.fetcher.get(url, old.get("etag"), old.get("last_modified"))
                if fetched.not_modified:
                    rnd.not_modified += 1
                else:
                    for doc in self.pipeline.ingestor.from_fetched(fetched, url):
                        if isinstance(doc, InputError):
                            rnd.failed.append(doc)
                        elif isinstance(doc, RawDocument):
                            self.pipeline.ingest_document(doc, report)
            except InputError as err:
                rnd.failed.append(err)
                failures = int(old.get("failures", 0)) + 1
                wait = self.every * min(2 ** failures, MAX_BACKOFF)
                self.store.put_watch(url, old.get("etag"), old.get("last_modified"), self.clock(), failures,
                                     self.clock() + wait, f"{err.code}: {err.message}")
                continue
            etag = fetched.etag or old.get("etag")
            modified = fetched.last_modified or old.get("last_modified")
            self.store.put_watch(url, etag, modified, self.clock(), 0, self.clock() + self.every, None)
        rnd.new_articles = report.ingested
        rnd.links_followed = self._links
        rnd.failed += [InputError(p.code, p.message, p.location) for p in report.rejected + report.failed]
        rnd.update = self.pipeline.update()
        if rnd.update.interrupted:  # update keeps what it finished; the watch stops with it
            raise KeyboardInterrupt
        return rnd

    def run(self, rounds: int | None = None, report: Callable[[Round], None] = lambda r: None) -> int:
        """Poll until interrupted (or ``rounds`` rounds, each polling every source not in
        backoff); returns how many rounds ran. Between rounds it sleeps until the next source
        is due."""
        done = 0
        while rounds is None or done < rounds:
            report(self.poll(now_all=rounds is not None))
            done += 1
            if rounds is not None and done >= rounds:
                break
            state = self.store.watch_state()
            nxt = min((state.get(u, {}).get("next_poll", 0.0) for u in self.sources), default=self.clock() + self.every)
            self.sleep(max(0.0, nxt - self.clock()))
        return done


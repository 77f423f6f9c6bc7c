"""The only module that touches the network: fetch URLs with limits, return bytes + metadata.

httpx gives timeouts, redirects and an injectable transport (tests use a local server or
``httpx.MockTransport``), so every parser downstream works on strings and is testable offline.

httpx timeouts are per socket operation, so a server sending one byte every few seconds never
trips them. Each fetch therefore carries a wall-clock budget (connect, redirects, headers and
body together): every socket operation waits at most what is left of it (CPython applies a
socket timeout to a whole TLS handshake or sendall, so a trickle cannot stretch those either),
and name look-ups, which have no timeout, run in a thread bounded by it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import typing
from contextvars import ContextVar
from dataclasses import dataclass, field

import httpcore
import httpx

from newsprism.errors import E_FETCH, E_HTTP, E_SIZE, E_TYPE, FetchError
from newsprism.limits import DEFAULT_LIMITS

USER_AGENT = "newsprism/0.1 (+https://example.invalid/newsprism)"
ACCEPTED_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
    "application/json",
)


@dataclass
class FetchSettings:
    """Network options in one object (trafilatura-style) instead of many keyword arguments.

    ``timeout`` is the whole budget of one fetch: connect + redirects + headers + body.
    """

    timeout: float = 20.0
    max_bytes: int = DEFAULT_LIMITS.max_file_bytes
    max_redirects: int = 5


@dataclass
class Fetched:
    url: str  # final URL after redirects
    content: bytes
    content_type: str
    charset: str | None
    etag: str | None = None  # validators for the next conditional GET
    last_modified: str | None = None
    not_modified: bool = False  # 304: the caller's copy is current (no content)


@dataclass
class Budget:
    """The wall-clock budget of one fetch, shared by every socket operation it makes."""

    seconds: float
    start: float = field(default_factory=time.monotonic)

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def expired(self) -> bool:
        return self.elapsed() >= self.seconds

    def clamp(self, timeout: float | None, error: type[Exception]) -> float:
        """``timeout`` cut to what is left; raises ``error`` once nothing is left."""
        left = self.seconds - self.elapsed()
        if left <= 0:
            raise error(f"deadline of {self.seconds:g}s passed")
        return left if timeout is None else min(timeout, left)


_BUDGET: ContextVar[Budget | None] = ContextVar("newsprism_fetch_budget", default=None)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read/write waits at most the current fetch's remaining budget
    (looked up per call, so a pooled connection serves each later fetch with that fetch's budget)."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def _timeout(self, timeout: float | None, error: type[Exception]) -> float | None:
        budget = _BUDGET.get()
        return timeout if budget is None else budget.clamp(timeout, error)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._timeout(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._timeout(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: typing.Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        tls = self._inner.start_tls(ssl_context, server_hostname, self._timeout(timeout, httpcore.ConnectTimeout))
        return DeadlineStream(tls)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sync backend with connects and name look-ups bounded by the fetch's budget."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        budget = _BUDGET.get()
        if budget is None:
            return DeadlineStream(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))
        error: Exception = httpcore.ConnectError(f"cannot connect to {host}")
        for address in _resolve(host, port, budget):
            try:
                stream = self._inner.connect_tcp(
                    address, port, budget.clamp(timeout, httpcore.ConnectTimeout), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return DeadlineStream(stream)
        raise error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: typing.Iterable[typing.Any] | None = None
    ) -> httpcore.NetworkStream:
        return DeadlineStream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _resolve(host: str, port: int, budget: Budget) -> list[str]:
    """Addresses of ``host``; getaddrinfo has no timeout, so it runs in a thread we may abandon."""
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    result: list[typing.Any] = []

    def lookup() -> None:
        try:
            result.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            result.append(exc)

    worker = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(budget.clamp(None, httpcore.ConnectTimeout))
    if not result:
        raise httpcore.ConnectTimeout(f"name lookup of {host} timed out")
    if isinstance(result[0], OSError):
        raise httpcore.ConnectError(f"name lookup of {host} failed: {result[0]}")
    return list(dict.fromkeys(str(info[4][0]) for info in result[0]))


def _arm(transport: object) -> None:
    """Put the deadline backend under an httpx transport's connection pool (httpx exposes no
    public hook for it; tests/test_ingest_deadline.py fails if an httpx upgrade breaks this)."""
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.NetworkBackend) and not isinstance(backend, DeadlineBackend):
        pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]


class Fetcher:
    """A reusable HTTP client; pass ``transport`` to test without a network."""

    def __init__(
        self, settings: FetchSettings | None = None, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.settings = settings or FetchSettings()
        self._client = httpx.Client(
            follow_redirects=True,
            max_redirects=self.settings.max_redirects,
            timeout=self.settings.timeout,
            headers={"User-Agent": USER_AGENT},
            transport=transport,
        )
        for t in [self._client._transport, *self._client._mounts.values()]:
            _arm(t)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """Fetch ``url`` within the budget; raise FetchError (one line, naming the URL) on failure.

        With ``etag`` / ``last_modified`` (from an earlier fetch) the GET is conditional: a
        server whose copy has not changed answers 304 and ``Fetched.not_modified`` is set."""
        budget = Budget(self.settings.timeout)
        token = _BUDGET.set(budget)
        headers = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
        try:
            return self._get(url, budget, headers)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:  # httpx/urllib on odd URLs
            raise FetchError(E_FETCH, f"invalid URL ({type(exc).__name__}: {str(exc)[:120]})", url) from exc
        except httpx.HTTPError as exc:
            if budget.expired() or isinstance(exc, httpx.TimeoutException):
                raise _timed_out(budget, url) from exc
            if isinstance(exc, httpx.TooManyRedirects):
                raise FetchError(E_FETCH, "too many redirects", url) from exc
            raise FetchError(E_FETCH, f"unreachable ({type(exc).__name__}: {exc})", url) from exc
        finally:
            _BUDGET.reset(token)

    def _get(self, url: str, budget: Budget, headers: dict[str, str] | None = None) -> Fetched:
        with self._client.stream("GET", url, headers=headers) as resp:
            validators = {"etag": resp.headers.get("etag"), "last_modified": resp.headers.get("last-modified")}
            if resp.status_code == 304:
                return Fetched(str(resp.url), b"", "", None, not_modified=True, **validators)
            if resp.status_code >= 400:
                raise FetchError(E_HTTP, f"HTTP {resp.status_code}", url)
            ctype = resp.headers.get("content-type", "")
            mime = ctype.split(";")[0].strip().lower()
            if mime and not mime.startswith(ACCEPTED_TYPES):
                raise FetchError(E_TYPE, f"unsupported content type {mime!r}", url)
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.settings.max_bytes:
                raise FetchError(E_SIZE, f"too large ({declared} bytes > {self.settings.max_bytes})", url)
            chunks: list[bytes] = []
            size = 0
            for chunk in resp.iter_bytes():
                if budget.expired():  # also holds for injected transports that bypass the sockets
                    raise _timed_out(budget, url)
                size += len(chunk)
                if size > self.settings.max_bytes:
                    raise FetchError(E_SIZE, f"too large (> {self.settings.max_bytes} bytes)", url)
                chunks.append(chunk)
            if budget.expired():
                raise _timed_out(budget, url)
            return Fetched(str(resp.url), b"".join(chunks), mime, resp.charset_encoding, **validators)


def _timed_out(budget: Budget, url: str) -> FetchError:
    """The real elapsed time, not the configured one: "timed out after 10.2s (deadline 10s)"."""
    return FetchError(E_FETCH, f"timed out after {budget.elapsed():.1f}s (deadline {budget.seconds:g}s)", url)

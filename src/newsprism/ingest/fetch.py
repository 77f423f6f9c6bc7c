"""The only module that touches the network: fetch URLs with limits, return bytes + metadata.

httpx gives timeouts, redirects and an injectable transport (tests use a local server or
``httpx.MockTransport``), so every parser downstream works on strings and is testable offline.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from newsprism.errors import E_FETCH, E_HTTP, E_SIZE, E_TYPE, FetchError

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
    """Network options in one object (trafilatura-style) instead of many keyword arguments."""

    timeout: float = 20.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5


@dataclass
class Fetched:
    url: str  # final URL after redirects
    content: bytes
    content_type: str
    charset: str | None


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

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str) -> Fetched:
        """Fetch ``url``; raise FetchError (one line, naming the URL) on any failure."""
        try:
            with self._client.stream("GET", url) as resp:
                if resp.status_code >= 400:
                    raise FetchError(E_HTTP, f"HTTP {resp.status_code}", url)
                ctype = resp.headers.get("content-type", "")
                mime = ctype.split(";")[0].strip().lower()
                if mime and not mime.startswith(ACCEPTED_TYPES):
                    raise FetchError(E_TYPE, f"unsupported content type {mime!r}", url)
                declared = resp.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.settings.max_bytes:
                    raise FetchError(
                        E_SIZE, f"too large ({declared} bytes > {self.settings.max_bytes})", url
                    )
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > self.settings.max_bytes:
                        raise FetchError(
                            E_SIZE, f"too large (> {self.settings.max_bytes} bytes)", url
                        )
                    chunks.append(chunk)
                return Fetched(str(resp.url), b"".join(chunks), mime, resp.charset_encoding)
        except httpx.InvalidURL as exc:
            raise FetchError(E_FETCH, f"invalid URL ({exc})", url) from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError(E_FETCH, "too many redirects", url) from exc
        except httpx.TimeoutException as exc:
            raise FetchError(E_FETCH, f"timed out after {self.settings.timeout:g}s", url) from exc
        except httpx.HTTPError as exc:
            raise FetchError(E_FETCH, f"unreachable ({type(exc).__name__}: {exc})", url) from exc

"""RSS/Atom feeds: parse a feed *string* with feedparser; entries become documents or links.

An entry that carries the full article (content:encoded, Atom content) becomes a document; an
entry with only a summary yields its link for the caller to fetch.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import feedparser

from newsprism.errors import E_FEED, InputError
from newsprism.escape import http_url
from newsprism.model import Origin, RawDocument

FULL_CONTENT_MIN_CHARS = 600


@dataclass
class FeedLink:
    """An entry whose article must be fetched from ``url``; metadata travels along."""

    url: str
    title: str | None
    published: str | None
    outlet: str | None
    byline: str | None


def looks_like_feed(text: str) -> bool:
    head = text[:2000].lower()
    return "<rss" in head or ("<feed" in head and "xmlns" in head) or "<rdf:rdf" in head


def _iso(entry: feedparser.FeedParserDict) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
    return entry.get("published") or entry.get("updated")


def parse_feed(text: str, location: str, fetched_at: str) -> Iterator[RawDocument | FeedLink | InputError]:
    """Yield one item per entry; raise InputError when the text is not a usable feed.

    An entry with neither content nor a link (what a truncated feed leaves) is an error item.
    """
    # Bytes, not str: feedparser would fetch a str that looks like a URL or open one naming a
    # file. The text is already decoded, so its XML declaration's charset must not apply again.
    parsed = feedparser.parse(
        io.BytesIO(text.encode("utf-8")), response_headers={"content-type": "application/xml; charset=utf-8"}
    )
    bozo = parsed.get("bozo_exception")
    if not parsed.entries:
        raise InputError(E_FEED, f"malformed or empty feed ({_one_line(bozo or 'no entries')})", location)
    outlet = parsed.feed.get("title")
    for i, entry in enumerate(parsed.entries, 1):
        content = ""
        for c in entry.get("content", []) or []:
            if len(c.get("value", "")) > len(content):
                content = c["value"]
        summary = entry.get("summary", "") or ""
        body = content if len(content) >= len(summary) else summary
        link = entry.get("link")
        byline = entry.get("author")
        if not _strip_tags(body) and not link:
            why = f"; malformed feed: {_one_line(bozo)}" if bozo else ""
            yield InputError(E_FEED, f"feed entry has neither content nor a link{why}", f"{location}#{i}")
            continue
        if len(_strip_tags(body)) >= FULL_CONTENT_MIN_CHARS or not link:
            yield RawDocument(
                origin=Origin("feed", f"{location}#{i}", fetched_at, "application/rss+xml"),
                body=body,
                format="html",
                url=link,
                title=entry.get("title"),
                outlet=outlet,
                published=_iso(entry),
                byline=byline,
            )
        elif http_url(link) is None:  # only http(s) links are fetched: never javascript:, file:, ...
            yield InputError(E_FEED, f"feed entry has too little text and its link is not an http(s) URL "
                             f"({_one_line(link)[:80]!r})", f"{location}#{i}")
        else:
            yield FeedLink(link, entry.get("title"), _iso(entry), outlet, byline)


def _strip_tags(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html).strip()


def _one_line(reason: object) -> str:
    return (str(reason).strip().splitlines() or [""])[0]

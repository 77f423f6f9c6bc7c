"""JSON / JSONL records: one article per object, fields named as most scrapers name them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from newsprism.errors import E_EMPTY, E_JSON, InputError
from newsprism.model import Origin, RawDocument

TEXT_KEYS = ("text", "body", "content", "article", "maintext", "content_text")
HTML_KEYS = ("html", "raw_html", "content_html")
TITLE_KEYS = ("title", "headline")
DATE_KEYS = ("published", "date", "published_at", "date_publish", "date_published", "pubdate", "datetime")
SOURCE_KEYS = ("source", "outlet", "site", "site_name", "publisher", "domain")
AUTHOR_KEYS = ("byline", "author", "authors")


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def load_json(text: str) -> Any:
    """``json.loads``, with lone UTF-16 surrogates (legal as ``\\udXXX`` escapes in JSON, not as
    text: they cannot be encoded, stored or hashed) replaced by U+FFFD everywhere in the value."""
    return _scrub(json.loads(text))


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    return value


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for k in keys:
        v = obj.get(k)
        if v not in (None, "", []):
            return v
    return None


def record_to_document(obj: Any, location: str, fetched_at: str) -> RawDocument:
    """Map one JSON object to a RawDocument, or raise InputError naming what is missing."""
    if not isinstance(obj, dict):
        raise InputError(E_JSON, f"record is a {type(obj).__name__}, not an object", location)
    html = _first(obj, HTML_KEYS)
    text = _first(obj, TEXT_KEYS)
    if isinstance(text, list) and all(isinstance(x, str) for x in text):
        text = "\n\n".join(text)  # scrapers that keep paragraphs as a list
    if not isinstance(html, str) and not isinstance(text, str):
        raise InputError(E_EMPTY, "record has no text or html field", location)
    author = _first(obj, AUTHOR_KEYS)
    if isinstance(author, dict):
        author = [author]
    if isinstance(author, list):  # names, or objects with a name (JSON Feed: [{"name": ...}])
        names = [a.get("name") if isinstance(a, dict) else a for a in author]
        author = ", ".join(str(n) for n in names if n)
    source = _first(obj, SOURCE_KEYS)
    if isinstance(source, dict):
        source = source.get("name") or source.get("title")
    known = set(TEXT_KEYS + HTML_KEYS + TITLE_KEYS + DATE_KEYS + SOURCE_KEYS + AUTHOR_KEYS + ("url",))
    return RawDocument(
        origin=Origin("json", location, fetched_at, "application/json"),
        body=html if isinstance(html, str) else str(text),
        format="html" if isinstance(html, str) else "text",
        url=obj["url"].strip() or None if isinstance(obj.get("url"), str) else None,
        title=_text_or_none(_first(obj, TITLE_KEYS)),
        outlet=str(source) if source else None,
        published=str(_first(obj, DATE_KEYS)) if _first(obj, DATE_KEYS) else None,
        byline=str(author) if author else None,
        extras={f"json.{k}": v for k, v in obj.items() if k not in known and _jsonable(v)},
    )


def _text_or_none(v: Any) -> str | None:
    return v if isinstance(v, str) else (str(v) if isinstance(v, (int, float)) else None)


def _jsonl_like(text: str) -> bool:
    """One object per line (vs one pretty-printed object): the first line is a whole object,
    or the second line starts another one."""
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    return len(lines) > 1 and (lines[0].endswith("}") or lines[1].startswith("{"))


def _jsonable(v: Any) -> bool:
    return isinstance(v, (str, int, float, bool)) or v is None


def iter_records(text: str, location: str, fetched_at: str) -> Iterator[RawDocument | InputError]:
    """Yield documents from a JSON array/object or JSONL text; bad lines yield errors, not stops.

    The whole text is tried as one JSON value first (a pretty-printed object has nested objects
    at line starts, so "looks like JSONL" is not a test); JSONL is the fallback for ``{``.
    """
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        try:
            data = load_json(text)
        except json.JSONDecodeError as exc:
            if stripped.startswith("[") or not _jsonl_like(stripped):
                yield InputError(E_JSON, f"malformed JSON ({exc.msg} at line {exc.lineno})", location)
                return
        else:
            if isinstance(data, dict) and isinstance(data.get("articles"), list):
                items = data["articles"]
            elif isinstance(data, dict) and isinstance(data.get("items"), list):  # JSON Feed
                items = data["items"]
            else:
                items = data if isinstance(data, list) else [data]
            feed_title = data.get("title") if isinstance(data, dict) and "jsonfeed" in str(data.get("version", "")) else None
            for i, obj in enumerate(items, 1):
                loc = f"{location}#{i}"
                try:
                    doc = record_to_document(obj, loc, fetched_at)
                except InputError as err:
                    yield err
                    continue
                if feed_title and not doc.outlet:
                    doc.outlet = str(feed_title)
                yield doc
            return
    yield from iter_jsonl(enumerate(text.splitlines(), 1), location, fetched_at)


def iter_jsonl(lines: Iterable[tuple[int, str | InputError]], location: str,
               fetched_at: str) -> Iterator[RawDocument | InputError]:
    """One document per JSON line; a line that cannot be read (an error in its place) or parsed
    is one error naming ``file#line``, and the rest are read."""
    for n, line in lines:
        if isinstance(line, InputError):
            yield line
            continue
        if not line.strip():
            continue
        loc = f"{location}#{n}"
        try:
            obj = load_json(line)
        except json.JSONDecodeError as exc:
            yield InputError(E_JSON, f"malformed JSON on line {n} ({exc.msg})", loc)
            continue
        try:
            yield record_to_document(obj, loc, fetched_at)
        except InputError as err:
            yield err

"""Main text and metadata out of HTML pages with trafilatura and htmldate (not re-implemented).

We walk trafilatura's cleaned body tree (rather than its flat text) so headings become
subheadings and list items stay separate paragraphs; figure captions are read from the page's
<figcaption> elements because trafilatura drops them from the body.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import lxml.html
import trafilatura
from htmldate import find_date

from newsprism.clean.text import normalize_line

_WIDGETS_XPATH = [
    "//*[contains(@class,'cookie')]",
    "//*[contains(@id,'cookie')]",
    "//*[contains(@class,'newsletter')]",
    "//*[contains(@class,'related')]",
]


@dataclass
class HtmlExtraction:
    paragraphs: list[str]
    subheading_idx: list[int] = field(default_factory=list)
    title: str | None = None
    byline: str | None = None
    sitename: str | None = None
    date: str | None = None  # htmldate original publication date (YYYY-MM-DD)
    date_source: str = ""
    lang: str | None = None
    captions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    url: str | None = None


def extract_html(html: str, url: str | None = None) -> HtmlExtraction:
    """Run trafilatura (precision-oriented) + htmldate on one page."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            prune_xpath=_WIDGETS_XPATH,
        )
        if doc is None or not getattr(doc, "text", None):
            doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    out = HtmlExtraction(paragraphs=[])
    if doc is None:
        return out
    meta: dict[str, Any] = doc.as_dict()
    out.title = _clean(meta.get("title"))
    out.byline = _clean(meta.get("author"))
    out.sitename = _clean(meta.get("sitename"))
    out.url = meta.get("url") or url
    out.tags = [t for t in (meta.get("tags") or []) if t] + [c for c in (meta.get("categories") or []) if c]
    body = meta.get("body")
    if body is not None:
        for el in body:
            _walk(el, out)
    elif meta.get("text"):
        out.paragraphs = [p for p in (normalize_line(x) for x in meta["text"].split("\n")) if p]
    # Drop a leading repeat of the title (trafilatura keeps the <h1> in the body).
    if out.paragraphs and out.title and normalize_line(out.paragraphs[0]) == normalize_line(out.title):
        out.paragraphs.pop(0)
        out.subheading_idx = [i - 1 for i in out.subheading_idx if i > 0]
    out.date, out.date_source = _date(html, url, meta.get("date"))
    out.lang, out.captions = _page_lang_and_captions(html)
    return out


def _clean(value: Any) -> str | None:
    if not value or not isinstance(value, str):
        return None
    value = normalize_line(value)
    return value or None


def _walk(el: Any, out: HtmlExtraction) -> None:
    tag = el.tag
    if tag == "list":
        for item in el:
            _walk(item, out)
        return
    text = normalize_line(" ".join(el.itertext()))
    if not text:
        return
    if tag == "head":
        out.subheading_idx.append(len(out.paragraphs))
    out.paragraphs.append(text)


def _date(html: str, url: str | None, trafilatura_date: str | None) -> tuple[str | None, str]:
    try:
        found = find_date(html, url=url, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    except Exception:  # htmldate raises assorted errors on broken markup; a date is optional
        found = None
    if found:
        return found, "htmldate (page metadata, original date)"
    if trafilatura_date:
        return trafilatura_date, "trafilatura metadata"
    return None, ""


def _page_lang_and_captions(html: str) -> tuple[str | None, list[str]]:
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None, []
    lang = tree.get("lang") or None
    if lang:
        lang = lang.split("-")[0].lower()
    captions: list[str] = []
    for fc in tree.iter("figcaption"):
        text = normalize_line(" ".join(fc.itertext()))
        if text and text not in captions:
            captions.append(text)
    return lang, captions

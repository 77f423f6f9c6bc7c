"""Main text and metadata out of HTML pages with trafilatura and htmldate (not re-implemented).

We walk trafilatura's cleaned body tree (rather than its flat text) so headings become
subheadings and list items stay separate paragraphs; figure captions are read from the page's
<figcaption> elements because trafilatura drops them from the body.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from html import escape
from typing import Any

import lxml.html
import trafilatura
from htmldate import find_date

from newsprism.clean.text import normalize_line

SHORT_WORDS = 250  # below this, precision mode may have kept a teaser only
FULLER_RATIO = 3  # measured on readability-pages: engadget 111 -> 1863 words; visibility-hidden 60 -> 128 (wrong) stays
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_PAGE_TAG = re.compile(r"<(?:html|body)\b", re.I)
_WIDGETS_XPATH = [
    "//*[contains(@class,'cookie')]",
    "//*[contains(@id,'cookie')]",
    "//*[contains(@class,'newsletter')]",
    "//*[contains(@class,'related')]",
]


# libxml2 (under lxml, under trafilatura) builds at most 256 levels of elements unless told
# otherwise; anything deeper is silently dropped. Pages deeper than this are flattened first.
MAX_DEPTH = 192
_HUGE = lxml.html.HTMLParser(huge_tree=True)  # 2,048 levels
_WRAPPERS = frozenset({"div", "span", "section", "font", "center"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
    html = _shallow(_as_page(html))
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
        words = len((getattr(doc, "text", None) or "").split()) if doc is not None else 0
        if words < SHORT_WORDS:
            # Precision mode sometimes keeps only a teaser (a review page's summary box); the
            # default mode's body wins when it is several times longer.
            fuller = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
            fuller_words = len((getattr(fuller, "text", None) or "").split()) if fuller is not None else 0
            if fuller_words > 0 and fuller_words >= FULLER_RATIO * words:
                doc = fuller
    out = HtmlExtraction(paragraphs=[])
    if doc is None:
        return out
    meta: dict[str, Any] = doc.as_dict()
    out.title = _clean(meta.get("title"))
    out.byline = _byline(meta.get("author"))
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
    out.lang, out.captions, page_title, meta_author = _page_lang_and_captions(html)
    out.title = _better_title(out.title, page_title, out.sitename)
    if out.byline and out.byline.casefold().rstrip(":：") in _BYLINE_LABELS:
        out.byline = meta_author
    return out


# " | Site", " - Site", " — Site" at the end of a title.
_TITLE_SEP = re.compile(r"\s+(?:[|\-–—·•:»]|::)\s+")
# Form labels trafilatura takes for an author ("Username" in a login box, "作者" before an
# empty span): a byline that is only one of these is no byline.
_BYLINE_LABELS = {"username", "user name", "author", "authors", "by", "admin", "administrator", "作者", "unknown"}


def _words(s: str | None) -> set[str]:
    return {w for w in re.findall(r"[^\W_]+", (s or "").casefold()) if len(w) > 2}


def _strip_site(title: str, sitename: str | None) -> str:
    """Drop a trailing " | Site" segment naming the outlet (the outlet is its own field)."""
    seps = list(_TITLE_SEP.finditer(title))
    if not seps or not sitename:
        return title
    last, site = _words(title[seps[-1].end():]), _words(sitename)
    if last and site and (last <= site or site <= last):
        return title[: seps[-1].start()].strip()
    return title


def _better_title(title: str | None, page_title: str | None, sitename: str | None) -> str | None:
    """trafilatura prefers a lone <h1>, which is sometimes a section banner ("Allergies Health
    Center"); a headline shares words with the page's <title>, a banner does not."""
    if not title:
        return title
    title = _strip_site(title, sitename)
    if page_title:
        pt = _strip_site(page_title, sitename)
        if pt and not (_words(title) & _words(pt)) and not (_words(pt) <= _words(sitename)):
            return pt
    return title


def _as_page(html: str) -> str:
    """Feed entries and JSON ``html`` fields carry fragments ("<p>…</p>", even bare text);
    trafilatura finds no tree in a lone fragment, so give it a page around it."""
    if _PAGE_TAG.search(html):
        return html
    if not re.search(r"<[a-z][^>]*>", html, re.I):
        paras = [escape(p.strip()) for p in re.split(r"\n\s*\n|\n", html) if p.strip()]
        html = "".join(f"<p>{p}</p>" for p in paras)
    return f"<html><body><article>{html}</article></body></html>"


def _depth(tree: Any) -> int:
    depth = deepest = 0
    for event, _ in lxml.etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _unwrap(tree: Any, keep_attributes: bool) -> None:
    """Drop wrapper elements that hold exactly one element and no text of their own: the text,
    its order and every other element stay as they were (children before parents, so a chain
    of 1,000 wrappers collapses in one pass)."""
    for el in reversed(list(tree.iter(*_WRAPPERS))):
        if el.getparent() is None or len(el) != 1 or (keep_attributes and el.attrib):
            continue
        if (el.text or "").strip() or (el[0].tail or "").strip():
            continue
        try:
            el.drop_tag()
        except ValueError:  # lxml refuses to re-set a tail holding control characters: keep it
            continue


def _shallow(html: str) -> str:
    """A page nested deeper than libxml2's default limit, flattened so its article is not lost
    (a valid page inside 300 <div>s gave "no main text"). Pages that fit are returned as they
    are: only pathological nesting pays for the second parse."""
    if html.count("<") < MAX_DEPTH:
        return html  # too few tags to be that deep
    # lxml stores no C0 control characters in a tree it edits (drop_tag raises on them)
    html = _CONTROL.sub(" ", _XML_DECL.sub("", html, count=1))
    try:
        tree = lxml.html.document_fromstring(html, parser=_HUGE)
    except (ValueError, lxml.etree.ParserError):
        return html
    if _depth(tree) <= MAX_DEPTH:
        return html
    _unwrap(tree, keep_attributes=True)  # plain wrappers first: their classes carry no hints
    if _depth(tree) > MAX_DEPTH:
        _unwrap(tree, keep_attributes=False)
    return lxml.html.tostring(tree, encoding="unicode", method="html")


def _clean(value: Any) -> str | None:
    if not value or not isinstance(value, str):
        return None
    value = normalize_line(value)
    return value or None


def _byline(value: Any) -> str | None:
    """trafilatura joins every author field it finds with "; " (often one name twice in
    different cases, "Jeffrey Gettleman; JEFFREY GETTLEMAN"): keep each name once."""
    value = _clean(value)
    if value is None:
        return None
    names: list[str] = []
    for name in (n.strip() for n in value.split(";")):
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return "; ".join(names) or None


_CONTAINERS = {"list", "div", "section", "article", "main", "body", "quote"}
_BLOCKS = {"p", "head", "list", "item", "quote", "div", "table", "section", "article", "main"}


def _walk(el: Any, out: HtmlExtraction) -> None:
    """One paragraph per block element; containers (a <div> of <p>s, lists, quotes holding
    paragraphs) are walked into, so a whole article never collapses into one paragraph."""
    tag = el.tag
    children = [c for c in el if isinstance(c.tag, str)]
    if tag in _CONTAINERS and (tag != "quote" or any(c.tag in _BLOCKS for c in children)):
        own = normalize_line(el.text or "")
        if own:
            out.paragraphs.append(own)
        for child in children:
            _walk(child, out)
            tail = normalize_line(child.tail or "")
            if tail:
                out.paragraphs.append(tail)
        return
    text = normalize_line(_inline_text(el))
    if not text:
        return
    if tag == "head":
        out.subheading_idx.append(len(out.paragraphs))
    out.paragraphs.append(text)


def _inline_text(el: Any) -> str:
    """Text of a block as written: inline markup adds no spaces ("<b>Kim</b>'s" stays "Kim's");
    a line break <lb/> becomes one."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str):
            parts.append(" " if child.tag == "lb" else _inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


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


def _page_lang_and_captions(html: str) -> tuple[str | None, list[str], str | None, str | None]:
    # lxml refuses str input that carries an XML encoding declaration (XHTML pages).
    html = _XML_DECL.sub("", html, count=1)
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None, [], None, None
    lang = tree.get("lang") or None
    if lang:
        lang = lang.split("-")[0].lower()
    captions: list[str] = []
    for fc in tree.iter("figcaption"):
        text = normalize_line(" ".join(fc.itertext()))
        if text and text not in captions:
            captions.append(text)
    page_title = _clean(tree.findtext(".//title"))
    author = None
    for m in tree.iter("meta"):
        key = (m.get("name") or m.get("property") or "").lower()
        content = normalize_line(m.get("content") or "")
        if key in ("author", "article:author", "dc.creator") and content and not content.startswith("http"):
            author = content
            break
    return lang, captions, page_title, author

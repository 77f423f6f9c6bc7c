"""Assemble an Article from a RawDocument: text, title, outlet, language and date evidence."""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any
from urllib.parse import urlparse

from newsprism.clean.dates import parse_metadata_date
from newsprism.clean.html import extract_html
from newsprism.clean.lang import detect_language
from newsprism.clean.text import CleanText, clean_paragraphs, clean_text, normalize_line
from newsprism.errors import E_HTML, E_LONG, E_TOO_SHORT, InputError
from newsprism.limits import DEFAULT_LIMITS, Limits
from newsprism.model import Article, DateEvidence, Published, RawDocument, Span

MIN_CHARS = 200
MIN_WORDS = 30
# A record (JSON line, feed entry) hands us its text as the article: a 20-word wire brief is
# real news there, while a page or a loose file that short is navigation, an error page or junk.
MIN_WORDS_RECORD = 8
MIN_CHARS_RECORD = 40
DERIVED_TITLE_MAX = 110
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# How far to trust each kind of date evidence when nothing contradicts it.
CONFIDENCE = {"manifest": 0.95, "metadata": 0.9, "htmldate": 0.8, "header_line": 0.3}


_WORD = re.compile(r"\S+")


def estimate_words(text: str) -> int:
    """Words in any script: Chinese and Japanese have no spaces, so count ~2 characters a word.
    Counted by iterating matches, never by building a list: input may be a 100 MB text."""
    cjk = sum(1 for _ in _CJK.finditer(text))
    spaced = _CJK.sub(" ", text) if cjk else text
    return sum(1 for _ in _WORD.finditer(spaced)) + (cjk + 1) // 2


def content_id(text: str) -> str:
    """Stable id from the clean body: case, spacing and quote styles do not change it."""
    folded = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))
    folded = re.sub(r"\s+", " ", folded.lower()).strip()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:16]


def clean_document(raw: RawDocument, limits: Limits = DEFAULT_LIMITS) -> Article:
    """Clean one document; raise InputError (one line) when no article text survives, or when
    it is longer than one article may be (``limits.max_words``)."""
    location = raw.origin.location
    if raw.format != "html":
        # Cleaning only drops junk lines, so a text this far over the limit stays over it: refuse
        # it before spending time and memory on it (the exact check on the clean text follows).
        raw_words = estimate_words(raw.body)
        if raw_words > 2 * limits.max_words:
            raise InputError(E_LONG, f"article too long ({raw_words:,} words > limit {limits.max_words:,})",
                             location)
    evidence: list[DateEvidence] = []
    html_meta = None
    if raw.format == "html":
        html_meta = extract_html(raw.body, raw.url)
        if not html_meta.paragraphs:
            raise InputError(E_HTML, "no main text found in the HTML", location)
        subheads = {html_meta.paragraphs[i] for i in html_meta.subheading_idx}
        cleaned = clean_paragraphs(html_meta.paragraphs, find_title=not html_meta.title)
        cleaned.subheading_idx = [i for i, p in enumerate(cleaned.paragraphs) if p in subheads]
        cleaned.captions = _unique(html_meta.captions + cleaned.captions)
        cleaned.tags = cleaned.tags or html_meta.tags
        if html_meta.date:
            evidence.append(
                DateEvidence("htmldate", html_meta.date, "day", CONFIDENCE["htmldate"], html_meta.date_source)
            )
    else:
        cleaned = clean_text(raw.body)
    evidence = _given_date(raw) + evidence + cleaned.dates

    text, paragraphs, subheadings = _assemble(cleaned)
    words = estimate_words(text)
    record = raw.origin.kind in ("json", "feed") and raw.format == "text"
    min_words, min_chars = (MIN_WORDS_RECORD, MIN_CHARS_RECORD) if record else (MIN_WORDS, MIN_CHARS)
    if words < min_words or (len(text) < min_chars and not _CJK.search(text)):
        raise InputError(E_TOO_SHORT, f"too little article text after cleaning ({words} words)", location)
    if words > limits.max_words:
        raise InputError(E_LONG, f"article too long ({words:,} words after cleaning > limit {limits.max_words:,})",
                         location)
    article = Article(id=content_id(text), origin=raw.origin, url=raw.url, text=text)
    article.paragraphs, article.subheadings = paragraphs, subheadings
    article.captions, article.tags, article.removed = cleaned.captions, cleaned.tags, cleaned.removed
    _set_title(article, raw, cleaned, html_meta.title if html_meta else None)
    article.byline = raw.byline or (html_meta.byline if html_meta else None)
    article.outlet, how = _outlet(raw, html_meta.sitename if html_meta else None, html_meta.url if html_meta else None)
    article.extras["outlet_source"] = how
    lang, prob = detect_language(text)
    article.lang = lang if lang else (html_meta.lang if html_meta else None)
    article.extras["lang_confidence"] = round(prob, 3)
    article.published = choose_published(evidence)
    article.extras.update(raw.extras)
    article.stages.append("clean")
    return article


def _unique(items: list[str]) -> list[str]:
    seen: list[str] = []
    for x in items:
        if x not in seen:
            seen.append(x)
    return seen


def _assemble(cleaned: CleanText) -> tuple[str, list[Span], list[Span]]:
    parts: list[str] = []
    paragraphs: list[Span] = []
    subheadings: list[Span] = []
    pos = 0
    for i, p in enumerate(cleaned.paragraphs):
        if parts:
            pos += 2
        span = Span(pos, pos + len(p), "", "subheading" if i in cleaned.subheading_idx else "paragraph")
        (subheadings if i in cleaned.subheading_idx else paragraphs).append(span)
        parts.append(p)
        pos += len(p)
    return "\n\n".join(parts), paragraphs, subheadings


def _set_title(article: Article, raw: RawDocument, cleaned: CleanText, html_title: str | None) -> None:
    if raw.title:
        article.title = normalize_line(raw.title)
        given_by = raw.extras.get("title_source")
        article.title_source = given_by or ("manifest" if raw.origin.kind == "file" else raw.origin.kind)
    elif html_title:
        article.title, article.title_source = html_title, "markup"
    elif cleaned.title:
        article.title, article.title_source = cleaned.title, "first_line"
    else:
        # No title anywhere: show the lead's first sentence, marked as derived, never invented.
        first = article.text.split("\n\n")[0]
        sentence = first_sentence(first)
        if len(sentence) > DERIVED_TITLE_MAX:
            sentence = sentence[:DERIVED_TITLE_MAX].rsplit(" ", 1)[0] + " …"
        article.title, article.title_source = sentence, "derived_from_lead"


_SENTENCE_END = re.compile(r"""[.!?]["'”’)]*\s+(?=["'“‘(]?[A-Z0-9])""")
_ABBREV = re.compile(
    r"(?:\b(?:[A-Z]\.){1,3}|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Prof|Inc|Corp|Co|Ltd|No|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|vs|approx)\.)$"
)


def first_sentence(paragraph: str) -> str:
    """The paragraph's first sentence; "U.S." or "Dr." inside it do not end it.

    A regex split at every period cut "... on June 18, U.S. Secretary of State" after "U.S.";
    spaCy's sentencer would do better but is too heavy to load for a title.
    """
    for m in _SENTENCE_END.finditer(paragraph):
        head = paragraph[: m.start() + 1]
        if not _ABBREV.search(head):
            return paragraph[: m.end()].rstrip()
    return paragraph


def _outlet(raw: RawDocument, sitename: str | None, page_url: str | None = None) -> tuple[str, str]:
    """(outlet, how it was found): the record's or manifest's own name, else the page's site
    name, else the registered domain of the document's URL (the page's canonical URL when the
    input gave none), else none: an unknown source of its own (:func:`newsprism.model.outlet_name`)."""
    if raw.outlet:
        return raw.outlet.strip(), "given"
    if sitename:
        return sitename, "markup"
    url = raw.url or page_url
    if url:
        host = urlparse(url).hostname or ""
        if host:
            return registered_domain(host), "url"
    return "", "unknown"


@functools.lru_cache(maxsize=1)
def _public_suffixes() -> Any:
    import tldextract

    # the suffix list snapshot bundled with tldextract: no network, no cache files
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def registered_domain(host: str) -> str:
    """The domain a publisher registered, by the Public Suffix List: "edition.cnn.com" and
    "www.cnn.com" are both "cnn.com", "www.bbc.co.uk" is "bbc.co.uk", and each blog on a shared
    host ("x.blogspot.com") stays its own. A host the list does not know (an IP address,
    "localhost", a made-up suffix) is kept as it is, without a leading "www"."""
    host = host.lower().rstrip(".")
    return _public_suffixes()(host).top_domain_under_public_suffix or re.sub(r"^www\d?\.", "", host)


def _given_date(raw: RawDocument) -> list[DateEvidence]:
    if not raw.published:
        return []
    parsed = parse_metadata_date(raw.published)
    if parsed is None:
        return []
    source = raw.extras.get("published_source", "metadata")
    return [
        DateEvidence(
            source, parsed[0], parsed[1], CONFIDENCE.get(source, 0.9), f"given by the input: {raw.published!r}"  # type: ignore[arg-type]
        )
    ]


def choose_published(evidence: list[DateEvidence]) -> Published:
    """Pick the most trusted evidence; flag disagreement between sources at shared precision."""
    if not evidence:
        return Published(note="no date evidence")
    best = max(evidence, key=lambda e: (e.confidence, _rank(e.precision)))
    conflict = any(not _compatible(best.value, e.value) for e in evidence)
    return Published(
        value=best.value,
        precision=best.precision,
        confidence=best.confidence * (0.7 if conflict else 1.0),
        evidence=list(evidence),
        conflict=conflict,
        note=f"from {best.source}" + ("; other evidence disagrees" if conflict else ""),
    )


def _rank(precision: str) -> int:
    return {"day": 3, "month": 2, "year": 1}.get(precision, 0)


def _compatible(a: str, b: str) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]

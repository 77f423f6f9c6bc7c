"""Property-based fuzzing of every input parser and of report rendering (hypothesis).

One home for the generators and the targets, used twice: ``tests/test_fuzz.py`` runs a bounded
sample in the default suite, ``benchmarks/fuzz.py`` runs 100,000+ inputs under a memory cap and
prints counts per parser and every failure found.

Inputs are built from each format's grammar (a feed with entries, a WARC of records, a page of
nested elements, JSON records with fields of every type) and then damaged the way real files are
(cut short, a byte flipped, garbage inserted, a slice repeated), so the parsers see both
near-valid and broken input. The property for input: reading the file and cleaning every
document it yields raises nothing but our coded ``InputError`` (a caught parser bug, ``E900``,
counts as a failure too). For reports: any string in any field renders to HTML whose elements
and attributes are the template's own, and to Markdown with no raw HTML and intact tables.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
from hypothesis import strategies as st

from newsprism.clean import clean_document
from newsprism.errors import InputError, NewsError
from newsprism.ingest.decode import maybe_gunzip
from newsprism.ingest.fetch import Fetcher
from newsprism.ingest.manifest import Manifest
from newsprism.ingest.sources import Ingestor
from newsprism.limits import Limits
from newsprism.model import RawDocument

# Small limits so a generated input can reach every cap without being large.
FUZZ_LIMITS = Limits(max_file_bytes=256 * 1024, max_decompressed_bytes=512 * 1024, max_ratio=50, max_words=2_000)
SLOW_SECONDS = 10.0  # one input taking longer than this is a failure (a pathological regex, a loop)

# -- text pieces ------------------------------------------------------------------------------
WORDS = ["the", "minister", "said", "on", "Tuesday", "Kim", "Jong-un", "Putin", "visit", "5", "million",
         "shells", "according", "to", "TASS", "\u201cWe", "appreciate\u201d", "June", "18", "2024", "Share:",
         "Read", "more", "Latest", "article", "\u00e9t\u00e9", "\u4e2d\u6587", "\u0645\u0631\u062d\u0628\u0627",
         "&amp;", "<b>", "</p>", "javascript:alert(1)", "\u200b", "\ufeff", "|", "*", "`", "#"]
# Any character but NUL: a NUL marks a file as binary (E102) before any parser sees it, so it
# would hide the parsers from most inputs; NUL bytes still come from st.binary and damage.
chars = st.characters(exclude_characters="\x00", exclude_categories=["Cs"])  # no NUL, no lone surrogates
word = st.one_of(st.sampled_from(WORDS), st.text(chars, min_size=1, max_size=12))
sentence = st.lists(word, min_size=1, max_size=30).map(" ".join)
paragraph = st.lists(sentence, min_size=1, max_size=6).map(lambda s: ". ".join(s) + ".")
plain_text = st.lists(paragraph, min_size=0, max_size=30).map("\n\n".join)
# text long enough to be an article (most generated text is refused as too short otherwise)
article_text = st.lists(st.lists(st.sampled_from(WORDS[:20]), min_size=8, max_size=25).map(" ".join),
                        min_size=4, max_size=12).map(lambda ps: "\n\n".join(p + "." for p in ps))
any_text = st.one_of(plain_text, st.text(chars, max_size=400), sentence)


DAMAGE = ("cut", "flip", "insert", "repeat", "drop")


def apply_damage(data: bytes, ops: list[tuple[str, int, int, bytes]]) -> bytes:
    """Apply (kind, position, amount, bytes) operations: how files break in transit and on disk."""
    for kind, i, k, junk in ops:
        if not data:
            break
        i %= len(data)
        j = min(len(data), i + k)
        if kind == "cut":
            data = data[:i]
        elif kind == "flip":
            data = data[:i] + bytes([data[i] ^ (k % 255 + 1)]) + data[i + 1:]
        elif kind == "insert":
            data = data[:i] + junk + data[i:]
        elif kind == "repeat":
            data = data[:j] + data[i:j] * (k % 8 + 1) + data[j:]
        else:
            data = data[:i] + data[j:]
    return data


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` cut, flipped, spliced or repeated (operations drawn by hypothesis)."""
    ops = draw(st.lists(st.tuples(st.sampled_from(DAMAGE), st.integers(0, max(0, len(data) - 1)), st.integers(0, 64),
                                  st.binary(min_size=1, max_size=16)), max_size=3))
    return apply_damage(data, ops)


def mutate(data: bytes, rng: random.Random) -> bytes:
    """The same damage drawn by a plain RNG: cheap volume around each generated input."""
    ops = [(rng.choice(DAMAGE), rng.randrange(max(1, len(data))), rng.randrange(65),
            rng.randbytes(rng.randint(1, 16))) for _ in range(rng.randint(1, 3))]
    return apply_damage(data, ops)


def maybe_damaged(build: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    return build.flatmap(lambda b: st.one_of(st.just(b), damaged(b)))


encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "shift_jis"])


@st.composite
def encoded(draw: st.DrawFn, text_strategy: st.SearchStrategy[str]) -> bytes:
    text = draw(text_strategy)
    return text.encode(draw(encodings), errors="replace")


# -- formats ----------------------------------------------------------------------------------
TAGS = ["div", "p", "article", "section", "span", "h1", "h2", "a", "script", "style", "figure", "figcaption",
        "table", "tr", "td", "ul", "li", "header", "footer", "nav", "main", "blockquote", "br", "img", "time"]
ATTRS = st.dictionaries(st.sampled_from(["class", "id", "href", "src", "datetime", "content", "name", "property",
                                         "lang", "onload", "style"]), st.text(chars, max_size=20), max_size=3)


def _attrs(a: dict[str, str]) -> str:
    return "".join(f' {k}="{v}"' for k, v in a.items())


html_node = st.recursive(
    st.one_of(paragraph, sentence),
    lambda children: st.builds(lambda tag, attrs, kids: f"<{tag}{_attrs(attrs)}>{''.join(kids)}</{tag}>",
                               st.sampled_from(TAGS), ATTRS, st.lists(children, max_size=5)),
    max_leaves=40,
)


@st.composite
def html_page(draw: st.DrawFn) -> str:
    head = draw(st.lists(st.one_of(
        sentence.map(lambda s: f"<title>{s}</title>"),
        st.builds(lambda k, v: f'<meta name="{k}" content="{v}">',
                  st.sampled_from(["author", "date", "og:title", "article:published_time", "description"]), sentence),
        st.just('<meta charset="utf-8">'), st.just('<meta charset="bogus-charset">'),
        st.just('<?xml version="1.0" encoding="utf-8"?>'),
    ), max_size=4))
    depth = draw(st.sampled_from([0, 0, 0, 5, 300]))
    body = "".join(draw(st.lists(html_node, max_size=8)))
    if draw(st.booleans()):  # a real article among the noise
        paras = draw(article_text).split("\n\n")
        body += "<article>" + "".join(f"<p>{p}</p>" for p in paras) + "</article>" + "".join(draw(st.lists(html_node, max_size=3)))
    wrapped = "<div>" * depth + body + "</div>" * depth
    if draw(st.booleans()):
        return f"<!DOCTYPE html><html><head>{''.join(head)}</head><body>{wrapped}</body></html>"
    return wrapped  # a fragment


JSON_KEYS = ["text", "html", "body", "content", "title", "url", "link", "published", "date", "source", "outlet",
             "author", "id", "language"]
json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), any_text),
    lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=8), kids, max_size=4)),
    max_leaves=12,
)
record = st.one_of(
    st.dictionaries(st.sampled_from(JSON_KEYS), st.one_of(any_text, html_page(), json_value), max_size=8),
    st.fixed_dictionaries({"text": st.one_of(article_text, st.lists(article_text, max_size=3))},
                          optional={k: st.one_of(any_text, json_value) for k in JSON_KEYS if k != "text"}),
    st.fixed_dictionaries({"html": html_page()}, optional={"url": any_text, "title": any_text}),
)


@st.composite
def json_file(draw: st.DrawFn) -> tuple[str, bytes]:
    recs = draw(st.lists(st.one_of(record, json_value), max_size=6))
    if draw(st.booleans()):
        return ".jsonl", "\n".join(json.dumps(r, ensure_ascii=draw(st.booleans())) for r in recs).encode()
    return ".json", json.dumps(recs).encode()


@st.composite
def feed_file(draw: st.DrawFn) -> bytes:
    def esc(s: str) -> str:
        return s.replace("&", "&amp;").replace("<", "&lt;") if draw(st.booleans()) else s
    entries = draw(st.lists(st.tuples(sentence, st.sampled_from(["https://e.example/a", "http://x", "", "ftp://y",
                                                                 "javascript:alert(1)"]),
                                      st.one_of(article_text, plain_text, html_page()), st.sampled_from(
                                          ["Tue, 18 Jun 2024 10:00:00 GMT", "2024-06-18T10:00:00Z", "yesterday", ""])),
                            max_size=5))
    if draw(st.booleans()):
        items = "".join(f"<item><title>{esc(t)}</title><link>{l}</link><description>{esc(b)}</description>"
                        f"<pubDate>{d}</pubDate></item>" for t, l, b, d in entries)
        doc = f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}</channel></rss>'
    else:
        items = "".join(f'<entry><title>{esc(t)}</title><link href="{l}"/><content type="html">{esc(b)}</content>'
                        f"<updated>{d}</updated></entry>" for t, l, b, d in entries)
        doc = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>{items}</feed>'
    return doc.encode("utf-8")


@st.composite
def warc_file(draw: st.DrawFn) -> tuple[str, bytes]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    gz = draw(st.booleans())
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    for n in range(draw(st.integers(0, 4))):
        # fixed ids and dates: the same draw must give the same bytes (hypothesis replays it)
        fixed = {"WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>", "WARC-Date": "2024-06-18T00:00:00Z"}
        status = draw(st.sampled_from(["200 OK", "200 OK", "200 OK", "404 Not Found", "301 Moved"]))
        ctype = draw(st.sampled_from(["text/html; charset=utf-8", "text/html; charset=utf-8", "text/html",
                                      "text/html; charset=bogus", "image/png", "text/plain"]))
        body = draw(st.one_of(html_page().map(lambda s: s.encode("utf-8", "replace")), st.binary(max_size=200)))
        http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        rec_type = draw(st.sampled_from(["response", "response", "response", "request", "resource"]))
        w.write_record(w.create_warc_record(draw(st.sampled_from(["https://e.example/a", "urn:x", ""])) or "https://e.example/",
                                            rec_type, payload=io.BytesIO(body), warc_headers_dict=fixed,
                                            http_headers=http if rec_type != "resource" else None))
    return (".warc.gz" if gz else ".warc"), buf.getvalue()


def _gzip(data: bytes, members: int) -> bytes:
    if members <= 1:
        return gzip.compress(data, mtime=0)
    step = max(1, len(data) // members)
    return b"".join(gzip.compress(data[i:i + step], mtime=0) for i in range(0, len(data), step)) or gzip.compress(b"", mtime=0)


@st.composite
def gzip_file(draw: st.DrawFn) -> tuple[str, bytes]:
    inner_suffix, inner = draw(st.one_of(
        encoded(plain_text).map(lambda b: (".txt", b)),
        html_page().map(lambda s: (".html", s.encode())),
        json_file(),
        st.integers(1, 64).map(lambda n: (".txt", b"The gate failed. " * 1024 * n)),  # highly compressible
    ))
    return inner_suffix + ".gz", _gzip(inner, draw(st.integers(1, 3)))


@st.composite
def manifest_file(draw: st.DrawFn) -> tuple[str, bytes]:
    cols = draw(st.lists(st.sampled_from(["path", "url", "outlet", "published", "title", "byline", "x"]),
                         min_size=0, max_size=5, unique=True))
    if draw(st.booleans()) and "path" not in cols:
        cols.insert(0, "path")
    rows = draw(st.lists(st.lists(st.one_of(any_text, st.sampled_from(["a.txt", "https://e.example/a", "2024-06-18"])),
                                  min_size=len(cols), max_size=len(cols)), max_size=5))
    if draw(st.booleans()):
        lines = [json.dumps(dict(zip(cols, r))) for r in rows]
        return "manifest.jsonl", "\n".join(lines).encode()
    delim = draw(st.sampled_from([",", ";", "\t"]))

    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if draw(st.booleans()) else v
    lines = [delim.join(cols)] + [delim.join(cell(v) for v in r) for r in rows]
    return "manifest.csv", "\n".join(lines).encode("utf-8", "replace")


# One generator a parser: (file suffix, bytes), damaged or not.
def _with(suffix: str, s: st.SearchStrategy[bytes]) -> st.SearchStrategy[tuple[str, bytes]]:
    return maybe_damaged(s).map(lambda b: (suffix, b))


def _damaged_pair(s: st.SearchStrategy[tuple[str, bytes]]) -> st.SearchStrategy[tuple[str, bytes]]:
    return s.flatmap(lambda p: st.one_of(st.just(p), damaged(p[1]).map(lambda b: (p[0], b))))


INPUTS: dict[str, st.SearchStrategy[tuple[str, bytes]]] = {
    "text": st.one_of(_with(".txt", encoded(plain_text)), _with(".txt", encoded(article_text)),
                      _with(".txt", st.binary(max_size=2000))),
    "html": _with(".html", st.builds(lambda s, e: s.encode(e, "replace"), html_page(), encodings)),
    "json": _damaged_pair(json_file()),
    "feed": _with(".rss", feed_file()),
    "warc": _damaged_pair(warc_file()),
    "gzip": _damaged_pair(gzip_file()),
    "manifest": _damaged_pair(manifest_file()),
}


# -- the input property -----------------------------------------------------------------------
# Tests never touch the network: a feed's link-only entries are "fetched" from a local 404.
_OFFLINE = Fetcher(transport=httpx.MockTransport(lambda request: httpx.Response(404)))


@dataclass
class Outcome:
    documents: int = 0
    articles: int = 0
    coded: dict[str, int] = field(default_factory=dict)  # InputError codes seen


class Failure(AssertionError):
    """An input made a parser do something other than read it or refuse it with a coded line."""


def read_input(suffix: str, data: bytes, workdir: Path) -> Outcome:
    """Ingest one generated file the way the CLI does, and clean every document it yields.

    Raises ``Failure`` for anything but our coded errors; ``E900`` (a parser exception caught by
    the ingest safety net) is reported as a failure too, since it is a bug we must fix.
    """
    out = Outcome()
    path = workdir / f"input{suffix}"
    path.write_bytes(data)
    started = time.monotonic()
    try:
        if suffix.startswith("manifest"):
            path = path.rename(workdir / suffix)
            try:
                Manifest().load(path)
            except InputError as err:
                _coded(out, err)
        else:
            for item in Ingestor(_OFFLINE, limits=FUZZ_LIMITS)._file(path):
                if isinstance(item, InputError):
                    _coded(out, item)
                    continue
                out.documents += 1
                _clean(item, out)
    except InputError as err:
        _coded(out, err)
    except NewsError:
        pass
    except Exception as exc:  # noqa: BLE001 - this is what fuzzing looks for
        raise Failure(f"{type(exc).__name__}: {str(exc)[:200]}") from exc
    finally:
        path.unlink(missing_ok=True)
    elapsed = time.monotonic() - started
    if elapsed > SLOW_SECONDS:
        raise Failure(f"took {elapsed:.1f} s (> {SLOW_SECONDS} s)")
    return out


def _clean(doc: RawDocument, out: Outcome) -> None:
    try:
        article = clean_document(doc, FUZZ_LIMITS)
    except InputError as err:
        _coded(out, err)
        return
    out.articles += 1
    # what the article model promises every later stage: spans index into the clean text
    for span in article.paragraphs:
        if not 0 <= span.start <= span.end <= len(article.text):
            raise Failure(f"paragraph span {span} outside a text of {len(article.text)} characters")


def _coded(out: Outcome, err: InputError) -> None:
    if err.code == "E900":
        raise Failure(f"caught parser bug: {err}")
    if not re.fullmatch(r"E1\d\d", err.code) or "\n" in str(err):
        raise Failure(f"not a coded one-line error: {err!r}")
    out.coded[err.code] = out.coded.get(err.code, 0) + 1


def gunzip_property(data: bytes) -> None:
    """maybe_gunzip alone: the inflated size never passes the cap."""
    try:
        result = maybe_gunzip(data, "x.gz", FUZZ_LIMITS)
    except InputError as err:
        if not re.fullmatch(r"E1\d\d", err.code):
            raise Failure(f"not a coded error: {err!r}") from err
        return
    if len(result) > FUZZ_LIMITS.decompressed_cap(len(data)) and result is not data:
        raise Failure(f"inflated {len(result)} bytes past the cap")


# -- the report property ----------------------------------------------------------------------
# Keys whose string values come from input and are shown in the report, whatever they hold.
SHOWN_KEYS = {"title", "outlet", "display_outlet", "byline", "url", "label", "speaker", "name", "cue", "value",
              "text_note", "reason", "what", "unit", "source", "lang", "language"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted(k for k, _ in attrs))))
        self.hrefs += [v or "" for k, v in attrs if k == "href"]


def replace_shown(data: Any, value: str) -> Any:
    """A copy of report ``data`` with every input-shown string replaced by ``value``."""
    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: (value if k in SHOWN_KEYS and isinstance(v, str) else walk(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node
    return walk(data)  # walk builds new dicts and lists; the leaves are immutable


def structure(page: str) -> tuple[list[tuple[str, tuple[str, ...]]], list[str]]:
    p = _Tags()
    p.feed(page)
    p.close()
    return p.tags, p.hrefs


# Appended to every fuzzed value: if any of these ever became an element or an attribute, input
# made markup, whatever else the value did.
MARKERS = '<zz9 onzz9="1">"><zz9>\'><zz9 onzz9=1>'
_RAW_TAG = re.compile(r"<[A-Za-z/!?]")


@dataclass
class Baseline:
    """The report rendered with a neutral word in every shown field: the template's own markup."""

    tags: set[tuple[str, tuple[str, ...]]]
    md_raw_tags: int

    @classmethod
    def of(cls, data: dict[str, Any]) -> Baseline:
        from newsprism.report.build import render_html, render_markdown

        neutral = replace_shown(data, "neutral")
        tags, _ = structure(render_html(neutral))
        return cls(set(tags), len(_RAW_TAG.findall(render_markdown(neutral))))


def report_property(data: dict[str, Any], value: str, base: Baseline) -> None:
    """Render ``data`` with every shown field set to ``value`` (+ markers): report.html may hold
    only the template's kinds of elements and attributes (an http(s) URL may become a link),
    links only to anchors or http(s); report.md no raw HTML beyond the template's own anchors
    and no table row with a column more or less than its header."""
    from newsprism.report.build import render_html, render_markdown

    fuzzed = replace_shown(data, value + MARKERS)
    try:
        page, md = render_html(fuzzed), render_markdown(fuzzed)
    except Exception as exc:  # noqa: BLE001
        raise Failure(f"render raised {type(exc).__name__}: {exc}") from exc
    tags, hrefs = structure(page)
    new = {t for t in tags if t not in base.tags and t[0] != "a"}
    if new or any(t[0] == "zz9" or any(a.startswith("onzz9") for a in t[1]) for t in tags):
        raise Failure(f"input became markup in report.html: {sorted(new)[:5]}")
    bad = [h for h in hrefs if not h.startswith("#") and not re.match(r"https?://", h)]
    if bad:
        raise Failure(f"non-http link in report.html: {bad[:3]}")
    if "<zz9" in md or len(_RAW_TAG.findall(md)) > base.md_raw_tags:
        m = re.search(r"<zz9|<[A-Za-z/!?]", md)
        raise Failure(f"raw HTML in report.md near {md[max(0, m.start() - 30):m.start() + 30] if m else ''!r}")
    for line, width, cells in table_rows(md):
        if cells != width:
            raise Failure(f"table row lost its columns in report.md: {line[:120]!r}")


def table_rows(md: str) -> Iterator[tuple[str, int, int]]:
    """Each Markdown table body row with its header's and its own count of cell separators
    (unescaped ``|``); a value that breaks a table shows as a row whose counts differ."""
    lines = re.split(r"\r\n|\r|\n", md)  # Markdown's line endings only (not str.splitlines')
    for i, line in enumerate(lines):
        if line.startswith("|---"):
            width = len(re.findall(r"(?<!\\)\|", lines[i - 1]))
            for row in lines[i + 1:]:
                if not row.startswith("|"):
                    break
                yield row, width, len(re.findall(r"(?<!\\)\|", row))


shown_value = st.one_of(
    any_text,
    st.sampled_from(['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
                     "https://e.example/a?b=1&c=\"><x>", "a | b | c", "[x](javascript:alert(1))", "</style><b>",
                     "{{7*7}}", "<!-- x", "<![CDATA[x]]>", "&lt;b&gt;", "\\|", "`code`", "\n\n# heading\n"]),
    st.lists(st.sampled_from(["<", ">", "&", '"', "'", "|", "`", "*", "_", "[", "]", "(", ")", "\n", "\\", "#", "!", "x"]),
             max_size=20).map("".join),
)

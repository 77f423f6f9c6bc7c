"""The shared data types: every stage reads and writes these, and nothing else.

Design rules (see docs/architecture.md):
- An ``Article`` owns its clean ``text``; every annotation is a ``(start, end)`` character
  span into that text, so highlighting and cross-article alignment never copy text around.
- Everything serialises to plain JSON-able dicts (``to_dict``/``from_dict``); the store, the
  report and the API all see the same shape. Nothing is pickled.
- Plugin or stage-specific data goes in ``Article.extras["stage.key"]`` so the core stays fixed.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

SCHEMA_VERSION = 1

Precision = Literal["day", "month", "year"]
Status = Literal["ok", "rejected", "failed", "duplicate"]

T = TypeVar("T")


def _convert(tp: Any, value: Any) -> Any:
    """Rebuild a value of (possibly generic / optional) type ``tp`` from JSON data."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if arg is type(None):
                continue
            return _convert(arg, value)
        return value
    if origin is list:
        (arg,) = typing.get_args(tp) or (Any,)
        return [_convert(arg, v) for v in value]
    if origin is dict:
        args = typing.get_args(tp)
        vt = args[1] if len(args) == 2 else Any
        return {k: _convert(vt, v) for k, v in value.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _from_dict(tp, value)
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _from_dict(cls: type[T], data: dict[str, Any]) -> T:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = typing.get_type_hints(cls)
        _HINTS[cls] = hints
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    kwargs = {k: _convert(hints[k], v) for k, v in data.items() if k in names}
    return cls(**kwargs)


class Record:
    """Mixin giving dataclasses a JSON round trip."""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload, no-any-return]

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any]) -> T:
        return _from_dict(cls, data)


@dataclass
class Span(Record):
    """A character range ``[start, end)`` in ``Article.text`` with an optional label."""

    start: int
    end: int
    text: str = ""
    label: str = ""


@dataclass
class DateEvidence(Record):
    """One clue about when an article was published, and how far to trust it."""

    source: str  # "metadata", "header_line", "htmldate", "manifest", "text", "story", ...
    value: str  # ISO date (YYYY, YYYY-MM or YYYY-MM-DD)
    precision: Precision
    confidence: float
    note: str = ""
    span: Span | None = None  # where in the clean text it was read, if it was


TRUSTED_DATE_CONFIDENCE = 0.5  # a publication date below this confidence anchors nothing


@dataclass
class Published(Record):
    """The publication date with its precision, confidence and the evidence behind it."""

    value: str | None = None  # ISO date at the given precision
    precision: Precision | None = None
    confidence: float = 0.0
    evidence: list[DateEvidence] = field(default_factory=list)
    conflict: bool = False  # sources of evidence disagree
    note: str = ""

    def trusted_day(self, min_confidence: float = TRUSTED_DATE_CONFIDENCE) -> _dt.date | None:
        """The publication day, when it is known to the day, at least this confident and not
        contradicted by other evidence: the one rule every stage trusts a date by (resolving
        "yesterday", story windows, settling dates)."""
        if self.value and self.precision == "day" and self.confidence >= min_confidence and not self.conflict:
            try:
                return _dt.date.fromisoformat(self.value[:10])
            except ValueError:  # "2024-02-30" from a feed or a JSON record: no day at all
                return None
        return None


@dataclass
class Origin(Record):
    """Where the article came from."""

    kind: str  # "file", "url", "feed", "warc", "json"
    location: str  # path, URL, or path#record
    fetched_at: str = ""  # ISO timestamp of ingest / fetch
    content_type: str = ""
    encoding: str = ""


@dataclass
class Removed(Record):
    """A piece of input dropped from the body, kept so users can audit the cleaner."""

    text: str
    kind: str  # "share", "header_date", "must_read", "repeated_caption", "tags", "blank", ...
    reason: str


@dataclass
class Mention(Record):
    """A mention of an entity; ``entity_id`` is the canonical identity across the store."""

    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, LOC, NORP, ...
    entity_id: str = ""
    role: str = ""  # title / description in front of a name ("Russian President")


@dataclass
class Entity(Record):
    """A canonical entity as seen in one article (aggregated across mentions)."""

    id: str
    name: str
    label: str
    surface_forms: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    mentions: int = 0


@dataclass
class Quote(Record):
    """Reported speech: what was said (content), by whom (speaker), introduced how (cue)."""

    kind: Literal["direct", "indirect", "partial", "mixed"]
    content: Span
    cue: Span | None = None
    speaker: Span | None = None  # the mention in the text (may be a pronoun)
    speaker_id: str = ""  # canonical entity id, "" when unresolved
    speaker_name: str = ""  # canonical display name
    resolution: str = ""  # "explicit", "pronoun", "description", "unresolved", ...


@dataclass
class Attribution(Record):
    """A statement the article attributes to a source ("according to X", "X reported")."""

    statement: Span
    source: Span
    cue: Span | None = None
    source_id: str = ""
    source_name: str = ""


@dataclass
class NumberClaim(Record):
    """A figure in the text with what it counts and who says so."""

    span: Span
    value: float
    unit: str = ""  # counted thing or unit ("artillery shells", "km", "USD")
    approx: str = ""  # "about", "at least", "more than", ... ("" = exact)
    source: str = ""  # attributed source name, if the sentence names one
    sentence: Span | None = None


@dataclass
class TimeExpr(Record):
    """A time expression normalised against an anchor date."""

    span: Span
    value: str | None  # ISO date / month / year, or "start/end" interval; None if unresolved
    precision: Literal["day", "month", "year", "interval", "unknown"] = "day"
    kind: Literal["absolute", "relative"] = "absolute"
    anchor: str | None = None  # ISO day (or "YYYY-MM"/"YYYY" when only that is known) it was resolved against


def outlet_name(outlet: str | None, location: str) -> str:
    """The outlet shown and counted for an article: its own outlet name, else the name of what
    it came from. A record inside a container (``corpus.jsonl#12``, ``crawl.warc.gz#3``) without
    an outlet is an unknown source of its own ("unknown source (corpus.jsonl#12)"), never the
    container: records of one file without outlet names are different documents, and calling
    them one outlet would make every fact they share single-source.
    """
    if outlet:
        return outlet
    base, sep, rec = (location or "").partition("#")
    name = base.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    if sep and rec:
        return f"unknown source ({name}#{rec})"
    return name[: name.rfind(".")] if name.rfind(".") > 0 else name  # a file: its stem, as pathlib's


def source_key(outlet: str | None, location: str, fallback: str) -> str:
    """The key two documents share when they count as one source (the one home of this rule:
    the story clusterer and the comparison both use it). Outlet names compare without regard to
    case or spacing ("Reuters" = "reuters"); a document without an outlet name is its own source,
    keyed by where it came from (``a/index.html`` and ``b/index.html`` are two sources even though
    both are shown as "index"), else by ``fallback`` (its id)."""
    name = " ".join((outlet or "").split()).lower()
    return f"outlet:{name}" if name else f"doc:{location or fallback}"


@dataclass
class Article(Record):
    """One news article: origin, metadata, clean text and every span-based annotation."""

    id: str
    origin: Origin
    outlet: str = ""
    url: str | None = None
    title: str | None = None
    title_source: str = ""  # "markup", "first_line", "json", "manifest", "derived_from_lead"
    byline: str | None = None
    lang: str | None = None
    text: str = ""
    paragraphs: list[Span] = field(default_factory=list)
    subheadings: list[Span] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    published: Published = field(default_factory=Published)
    duplicate_of: str | None = None  # id of the original when this is a (near-)copy
    duplicate_score: float | None = None
    mentions: list[Mention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    numbers: list[NumberClaim] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    status: Status = "ok"
    reason: str | None = None
    stages: list[str] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    def span(self, start: int, end: int, label: str = "") -> Span:
        """A span into this article's text, with its text filled in."""
        return Span(start, end, self.text[start:end], label)

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass
class RawDocument(Record):
    """What ingest produces and clean consumes: bytes or text plus known metadata."""

    origin: Origin
    body: str  # decoded content (HTML or plain text)
    format: Literal["html", "text"] = "text"
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # as given by the input (JSON field, feed, manifest)
    byline: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class Story(Record):
    """A group of articles about one real-world event; holds ids, not copies."""

    id: str
    label: str = ""
    members: dict[str, float] = field(default_factory=dict)  # article id -> membership score
    copies: list[str] = field(default_factory=list)  # member ids that are syndicated copies
    entities: list[str] = field(default_factory=list)
    date_start: str | None = None
    date_end: str | None = None
    outlets: list[str] = field(default_factory=list)
    independent_outlets: int = 0
    extras: dict[str, Any] = field(default_factory=dict)


def is_passage(obj: Any) -> bool:
    """A passage dict: anything with article / start / end / text (what :func:`newsprism.compare.common.passage` builds)."""
    return isinstance(obj, dict) and {"article", "start", "end", "text"} <= obj.keys()


# What a passage's place in the table holds; ``outlet`` is the article's (comparison["articles"]).
PASSAGE_KEYS = ("article", "field", "index", "start", "end", "text")


def pack_passages(comparison: dict[str, Any]) -> dict[str, Any]:
    """The written form of a comparison: each distinct passage once, in a top-level ``passages``
    table, and every passage dict replaced by ``{"p": <row>}`` plus its own other keys (a fact's
    ``stance`` and ``sources``, a loaded word's ``sentence``…). One sentence is cited by its
    event, its fact, its figures, its quotes and its framing rows: written out each time, the
    passages made up three quarters of a story's JSON (ECB+: 59 of 75 KB per article). ``outlet``
    is left out where it is the article's outlet in ``comparison["articles"]``, and a fact's or
    an event's ``text`` where it is the text of its ``representative`` passage. Lossless:
    :func:`unpack_passages` gives back the comparison as built. Hand-written: it is a walk over
    our own record shape, no library normalises JSON this way."""
    if "passages" in comparison:
        return comparison  # already packed
    outlets = {a.get("id"): a.get("outlet") for a in comparison.get("articles") or []}
    table: list[dict[str, Any]] = []
    rows: dict[tuple[Any, ...], int] = {}

    def walk(x: Any) -> Any:
        if isinstance(x, list):
            return [walk(v) for v in x]
        if not isinstance(x, dict):
            return x
        if not is_passage(x):
            rep = x.get("representative")
            same = is_passage(rep) and x.get("text") == rep["text"]  # a fact's or event's own sentence
            return {k: walk(v) for k, v in x.items() if not (same and k == "text")}
        key = tuple(x.get(k) for k in PASSAGE_KEYS)
        row = rows.get(key)
        if row is None:
            row = rows[key] = len(table)
            table.append({k: x[k] for k in PASSAGE_KEYS if k in x})
        ref: dict[str, Any] = {"p": row}
        if x.get("outlet") != outlets.get(x["article"]):
            ref["outlet"] = x.get("outlet")
        ref.update((k, walk(v)) for k, v in x.items() if k not in PASSAGE_KEYS and k != "outlet")
        return ref

    packed = {k: walk(v) for k, v in comparison.items()}
    packed["passages"] = table
    return packed


def unpack_passages(comparison: dict[str, Any]) -> dict[str, Any]:
    """A comparison as built, from its written form (:func:`pack_passages`); one never packed is
    returned as it is."""
    table = comparison.get("passages")
    if not isinstance(table, list):
        return comparison
    outlets = {a.get("id"): a.get("outlet") for a in comparison.get("articles") or []}

    def walk(x: Any) -> Any:
        if isinstance(x, list):
            return [walk(v) for v in x]
        if not isinstance(x, dict):
            return x
        if isinstance(x.get("p"), int) and 0 <= x["p"] < len(table):
            row = table[x["p"]]
            out = {**row, "outlet": outlets.get(row["article"])}
            out.update((k, walk(v)) for k, v in x.items() if k != "p")
            return out
        out = {k: walk(v) for k, v in x.items()}
        rep = out.get("representative")
        if "text" not in out and is_passage(rep):
            out["text"] = rep["text"]
        return out

    return {k: walk(v) for k, v in comparison.items() if k != "passages"}


def _is_span(x: Any) -> bool:
    return isinstance(x, dict) and isinstance(x.get("start"), int) and isinstance(x.get("end"), int)


def _map_spans(article: dict[str, Any], change: Callable[[dict[str, Any], str], dict[str, Any]]) -> dict[str, Any]:
    """The article with ``change(span, body text)`` applied to every span of its annotations
    (the text fields themselves are left alone)."""
    body = article.get("text")
    if not isinstance(body, str):
        return article

    def walk(x: Any) -> Any:
        if isinstance(x, list):
            return [walk(v) for v in x]
        if not isinstance(x, dict):
            return x
        out = {k: walk(v) for k, v in x.items()}
        return change(out, body) if _is_span(x) else out

    return {k: v if k in ("text", "title", "captions") else walk(v) for k, v in article.items()}


def pack_spans(article: dict[str, Any]) -> dict[str, Any]:
    """The written form of an article's annotations: a span (mention, quote content, cue,
    speaker, figure, its sentence, time expression …) whose ``text`` is the article's own
    ``text[start:end]`` is written without it, and without an empty ``label``. The annotations
    repeated the article's sentences: on the seeds they were four fifths of an article's JSON.
    Lossless: :func:`unpack_spans` gives the text back from the article's own."""

    def drop(span: dict[str, Any], body: str) -> dict[str, Any]:
        text = span.get("text")
        if not (isinstance(text, str) and text and body[span["start"]:span["end"]] == text):
            return span
        return {k: v for k, v in span.items() if k != "text" and not (k == "label" and v == "")}

    return _map_spans(article, drop)


def unpack_spans(article: dict[str, Any]) -> dict[str, Any]:
    """An article's annotations with every span's text, from its written form (:func:`pack_spans`);
    spans that kept their text are left as they are."""

    def fill(span: dict[str, Any], body: str) -> dict[str, Any]:
        return span if "text" in span else {**span, "text": body[span["start"]:span["end"]], "label": span.get("label", "")}

    return _map_spans(article, fill)


def field_text(article: Article | dict[str, Any], field: str, index: int = 0) -> str:
    """The string a passage slices: the body, the title, or one caption (of an Article or of
    its dict form, as report.json writes it)."""
    get = article.get if isinstance(article, dict) else (lambda k: getattr(article, k))
    if field == "title":
        return get("title") or ""
    if field == "caption":
        caps = get("captions") or []
        return caps[index] if 0 <= index < len(caps) else ""
    return get("text") or ""


def _beside(row: Any, articles: dict[str, dict[str, Any]]) -> str | None:
    """The string of the article written beside a passage-table row that the row slices, if any."""
    a = articles.get(row.get("article")) if isinstance(row, dict) else None
    return field_text(a, row.get("field", "text"), row.get("index", 0)) if a else None


def drop_passage_texts(comparison: dict[str, Any], articles: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A written comparison (:func:`pack_passages`) whose ``passages`` rows leave out ``text``
    where it is the slice of an article written beside it (``articles``, by id: report.json's
    own); a passage of an article not in the report keeps its text. In report.json the passage
    texts repeated the articles' sentences (seeds: 61 of 212 KB of the story)."""
    table = comparison.get("passages")
    if not isinstance(table, list):
        return comparison
    rows = []
    for row in table:
        text = _beside(row, articles)
        if text is not None and text[row["start"]:row["end"]] == row.get("text"):
            row = {k: v for k, v in row.items() if k != "text"}
        rows.append(row)
    return {**comparison, "passages": rows}


def fill_passage_texts(comparison: dict[str, Any], articles: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The written comparison with every ``passages`` row's text, put back from ``articles``
    (:func:`drop_passage_texts`)."""
    table = comparison.get("passages")
    if not isinstance(table, list):
        return comparison
    rows = []
    for row in table:
        text = _beside(row, articles) if isinstance(row, dict) and "text" not in row else None
        rows.append({**row, "text": text[row["start"]:row["end"]]} if text is not None else row)
    return {**comparison, "passages": rows}

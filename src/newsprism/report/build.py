"""Build the report data (versioned JSON) and render it as Markdown and self-contained HTML.

The JSON is the product's contract: ``schema`` + ``version`` let readers detect changes
(documented in docs/report-schema.md). Markdown and HTML are views of the same dict, rendered
with Jinja2 templates; the HTML inlines its CSS and charts (no CDN), so it opens anywhere.

Citations link to the cited passage, not just to its article: every passage of a story's
comparison gets a stable anchor (:func:`passage_anchor`) in the rendered article body, photo
caption or headline (see :func:`mark_up` for how the span is marked and highlighted).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from newsprism.compare.common import field_text, iter_passages
from newsprism.escape import html_environment, markdown_environment, md_link, md_text
from newsprism.extract.numbers import figure_text, figure_value
from newsprism.model import SCHEMA_VERSION, Article, Story, drop_passage_texts, outlet_name, pack_passages, pack_spans
from newsprism.store import Store

REPORT_SCHEMA = "newsprism.report"
REPORT_INDEX_SCHEMA = "newsprism.report-index"  # many stories: the index of one report per story
REPORT_VERSION = 4  # 2: a comparison's passages are listed once, in its `passages` table;
# 3: spans and passages leave out the text of the article written beside them (model.pack_spans,
# model.drop_passage_texts); 4: facts and events leave out the text of their representative passage


# Article-entry keys only the HTML / Markdown views use; write_reports keeps them out of report.json.
VIEW_ONLY = ("text_html", "title_html", "captions_html", "anchors")
STORY_VIEW_ONLY = ("charts",)  # rendered SVG of the comparison: the comparison itself is in the JSON


def article_entry(a: Article, cited: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """One article as it appears in the report: metadata, evidence, removals, annotations.

    ``cited`` are the passages of this article the report cites (comparison passage dicts);
    each gets an anchor in ``text_html`` / ``title_html`` / ``captions_html`` and a row in
    ``anchors`` (``id``, ``cls``, ``field``, ``index``, ``start``, ``end``, ``text``).
    """
    d = a.to_dict()
    d["word_count"] = a.word_count
    d["display_outlet"] = outlet_name(a.outlet, a.origin.location)
    anchors = passage_anchors(a, cited)
    d["anchors"] = anchors
    d["text_html"] = highlight(a, anchors)
    d["title_html"] = mark_up(a.title or "", [], [x for x in anchors if x["field"] == "title"])
    d["captions_html"] = [mark_up(c, [], [x for x in anchors if x["field"] == "caption" and x["index"] == i])
                          for i, c in enumerate(a.captions)]
    for n, nd in zip(a.numbers, d["numbers"]):
        nd["display"] = figure_text(n.value, n.approx, n.unit, n.span.text)  # how the views print it
    return d


def build_report(articles: list[Article], run: Any, store: Store | None = None,
                 stories: Sequence[Story] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema": REPORT_SCHEMA,
        "version": REPORT_VERSION,
        "article_schema_version": SCHEMA_VERSION,
        "generated_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "run": run.to_dict() if run is not None else {},
        "articles": [],
        "stories": [],
    }
    if stories is None:
        stories = getattr(run, "stories", []) or []
    cited = cited_passages(s.extras.get("comparison") for s in stories)
    data["articles"] = [article_entry(a, cited.get(a.id, ())) for a in articles]
    by_id = {a.id: a for a in articles}
    for story in stories:
        s = story.to_dict()
        s["extras"] = {k: v for k, v in s["extras"].items() if k != "comparison"}  # shown once, below
        s["articles"] = [i for i in story.members if i in by_id]
        comparison = story.extras.get("comparison")
        if comparison:
            from newsprism.report.charts import render_charts

            s["comparison"] = comparison
            s["charts"] = render_charts(comparison)
        data["stories"].append(s)
    return data


CLASS_FOR = {"entity": "ent", "quote": "quo", "number": "num", "time": "tim"}
FIELD_ORDER = {"title": 0, "text": 1, "caption": 2}
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


def passage_anchor(p: Mapping[str, Any]) -> str:
    """The id of a passage's anchor in report.html and report.md.

    Stable: it depends only on the article id, the field and the span, so a link keeps working
    across runs as long as the article's text does. ``a-<article>-t<start>-<end>`` for the body,
    ``a-<article>-c<caption index>-<start>-<end>`` for a photo caption and
    ``a-<article>-h<start>-<end>`` for the headline (``a-<article>`` alone is the article card).
    """
    art = _UNSAFE_ID.sub("_", str(p["article"]))  # ids are hex; never let one break a selector
    field = p.get("field", "text")
    start, end = int(p["start"]), int(p["end"])
    if field == "caption":
        return f"a-{art}-c{int(p.get('index') or 0)}-{start}-{end}"
    if field == "title":
        return f"a-{art}-h{start}-{end}"
    return f"a-{art}-t{start}-{end}"


def cited_passages(comparisons: Iterable[Mapping[str, Any] | None]) -> dict[str, list[dict[str, Any]]]:
    """Article id -> the distinct passages the stories' comparisons cite in it.

    Every passage dict inside a comparison is collected (:func:`iter_passages`), a superset of
    what the templates link to, so no citation the templates render can lack its anchor.
    """
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for comparison in comparisons:
        for p in iter_passages(comparison or {}):
            out.setdefault(p["article"], {}).setdefault(passage_anchor(p), dict(p))
    return {k: list(v.values()) for k, v in out.items()}


def passage_anchors(a: Article, cited: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The anchors of an article's cited passages, in reading order (headline, body, captions).

    Passages whose span does not fit the field (a stale comparison) are dropped, so no anchor
    ever points at the wrong words. ``cls`` is the class marking the passage's text (``cp<n>``,
    numbered within the article).
    """
    seen: dict[str, dict[str, Any]] = {}
    for p in cited:
        field = p.get("field", "text")
        index = int(p.get("index") or 0) if field == "caption" else 0
        if field == "caption" and not 0 <= index < len(a.captions):
            continue
        src = field_text(a, field, index)
        start, end = int(p["start"]), int(p["end"])
        if not 0 <= start <= end <= len(src):
            continue
        aid = passage_anchor({**p, "article": a.id})
        seen.setdefault(aid, {"id": aid, "field": field, "index": index, "start": start, "end": end, "text": src[start:end]})
    out = sorted(seen.values(), key=lambda x: (FIELD_ORDER.get(x["field"], 9), x["index"], x["start"], x["end"]))
    for n, x in enumerate(out):
        x["cls"] = f"cp{n}"
    return out


def highlight(a: Article, anchors: Sequence[Mapping[str, Any]] = ()) -> Markup:
    """Article text as HTML with entity / quote / number / time spans marked (overlaps allowed),
    and an anchor at the start of every cited body passage in ``anchors`` (see :func:`mark_up`)."""
    marks: list[tuple[int, int, str, str]] = []
    for m in a.mentions:
        marks.append((m.start, m.end, "ent", f"{m.label}: {m.entity_id}"))
    for q in a.quotes:
        marks.append((q.content.start, q.content.end, "quo", f"quote ({q.kind}) — {q.speaker_name or 'unresolved'}"))
    for n in a.numbers:
        marks.append((n.span.start, n.span.end, "num", figure_text(n.value, n.approx, n.unit, n.span.text)))
    for t in a.times:
        marks.append((t.span.start, t.span.end, "tim", f"{t.value} ({t.precision})"))
    return mark_up(a.text, marks, [x for x in anchors if x.get("field", "text") == "text"])


PARAGRAPH_BREAK = '<span class="pb"></span>'


def mark_up(text: str, marks: Sequence[tuple[int, int, str, str]], anchors: Sequence[Mapping[str, Any]] = ()) -> Markup:
    """``text`` as flat, always well-nested HTML: highlights, passage anchors, paragraph breaks.

    Highlights (entities, quotes, figures, times) and cited passages overlap freely: a passage
    can start inside a quote, end inside an entity, cross a paragraph or another passage. Nested
    wrapper elements cannot express crossing ranges, so nothing is nested here. The text is cut
    at every boundary (of a highlight, of a passage, of a paragraph) into segments; each segment
    is one ``<span>`` whose classes say everything that covers it (``ent quo`` for highlights,
    ``cp3 cp7`` for the cited passages it belongs to). Around these, only empty elements:

    - ``<span class="pa" id="a-…"></span>`` right where a passage starts: the stable link
      target (:func:`passage_anchor`); following it lands exactly on the cited words;
    - ``<span class="pb"></span>`` for a paragraph break (blank line), shown as a gap by CSS.

    So every anchor, segment and break is a sibling in one container, and the cited span is
    highlighted by the sibling combinator: ``#<anchor id>:target ~ .cp<n>`` (one selector per
    passage, :func:`passage_css`). No JavaScript, no ``:has()``, and no way to mis-nest tags,
    whatever overlaps. ``anchors`` are :func:`passage_anchors` rows for this string.

    Every piece of text and every attribute value is escaped here, which is why the result is
    ``Markup`` (the templates insert it as is; nothing else from input is).
    """
    breaks = [(m.start(), m.end()) for m in re.finditer("\n\n", text)]
    inside = {s + 1 for s, _ in breaks}  # a boundary between a break's two newlines moves past it
    spans = [(int(x["start"]), int(x["end"]), str(x["cls"])) for x in anchors]
    bounds = sorted(({0, len(text)} | {s for s, _, _, _ in marks} | {e for _, e, _, _ in marks}
                     | {b for br in breaks for b in br} | {s for s, _, _ in spans} | {e for _, e, _ in spans}) - inside)
    bounds = [b for b in bounds if 0 <= b <= len(text)]
    starts: dict[int, list[str]] = {}
    for x in anchors:
        at = int(x["start"])
        starts.setdefault(at + 1 if at in inside else at, []).append(str(x["id"]))
    is_break = set(breaks)
    out: list[str] = []
    for lo, hi in zip(bounds, [*bounds[1:], None]):
        out.extend(f'<span class="pa" id="{html.escape(i, quote=True)}"></span>' for i in starts.pop(lo, ()))
        if hi is None or lo >= hi:
            continue
        if (lo, hi) in is_break:
            out.append(PARAGRAPH_BREAK)
            continue
        seg = html.escape(text[lo:hi])
        active = [(c, t) for s, e, c, t in marks if s <= lo and hi <= e]
        cited = [c for s, e, c in spans if s <= lo and hi <= e]
        classes = sorted({c for c, _ in active}) + sorted(set(cited), key=lambda c: (len(c), c))
        if not classes:
            out.append(seg)
            continue
        title = ""
        if active:
            title = ' title="' + html.escape(" | ".join(t for _, t in active), quote=True) + '"'
        out.append(f'<span class="{" ".join(classes)}"{title}>{seg}</span>')
    return Markup("".join(out))


TARGET_STYLE = "background:#ffd84d;box-shadow:0 2px 0 #e0a100"


def passage_css(articles: Iterable[Mapping[str, Any]]) -> str:
    """CSS that highlights a cited passage when its anchor is the URL's target (one rule per article)."""
    rules = []
    for a in articles:
        sels = [f"#{x['id']}:target~.{x['cls']}" for x in a.get("anchors") or () if not _UNSAFE_ID.search(x["id"])]
        if sels:
            rules.append(",".join(sels) + "{" + TARGET_STYLE + "}")
    return "\n".join(rules)


def page_targets(data: Mapping[str, Any]) -> set[str]:
    """Ids a citation can point to in a rendered report: article cards and passage anchors."""
    out: set[str] = set()
    for a in data.get("articles", []):
        out.add(f"a-{a['id']}")
        out.update(x["id"] for x in a.get("anchors") or ())
    return out


def _filters(env: jinja2.Environment) -> jinja2.Environment:
    env.filters["pct"] = lambda x: f"{100 * float(x):.0f}%"
    # A NumberClaim dict as a reader should see it ("hundreds of thousands (≥100,000) Russians").
    env.filters["figure"] = lambda n: n.get("display") or figure_text(n["value"], n.get("approx", ""), n.get("unit", ""), n["span"]["text"])
    env.filters["figure_value"] = lambda n: figure_value(n["value"], n.get("approx", ""), n["span"]["text"])
    env.filters["anchor"] = passage_anchor
    return env


_LOADER = jinja2.PackageLoader("newsprism.report", "templates")


def _env() -> jinja2.Environment:
    """The HTML templates' environment: autoescape always on (newsprism.escape)."""
    return _filters(html_environment(_LOADER))


def md_citer(targets: Iterable[str] | None) -> Callable[[Mapping[str, Any]], Markup]:
    """The Markdown ``cite(passage)``: ``[outlet, headline](#anchor)``.

    The passage's own anchor when it is in ``targets`` (the ids on the page), else its article's
    card, else the label alone. In Python rather than a template macro because a macro's output
    is plain text, which the Markdown environment would escape a second time.
    """
    ids = None if targets is None else set(targets)

    def cite(p: Mapping[str, Any]) -> Markup:
        target = passage_anchor(p)
        if ids is not None and target not in ids:
            target = f"a-{p['article']}" if f"a-{p['article']}" in ids else ""
        label = str(p.get("outlet") or "")
        if p.get("field") == "caption":
            label += ", photo caption" + (f" {int(p['index']) + 1}" if p.get("index") is not None else "")
        elif p.get("field") == "title":
            label += ", headline"
        return md_link(label, target) if target else Markup(md_text(label))

    return cite


def _md_env() -> jinja2.Environment:
    """The Markdown templates' environment: every printed value Markdown-escaped."""
    env = _filters(markdown_environment(_LOADER))
    env.globals["md_citer"] = md_citer
    return env


_MD_LINK = re.compile(r"\]\(#(a-[A-Za-z0-9_-]+)\)")


def render_markdown(data: dict[str, Any]) -> str:
    """The Markdown report. Under each article it lists, with an ``<a id>`` anchor, exactly the
    passages the Markdown cites (found by rendering once and collecting the link targets)."""
    tpl = _md_env().get_template("report.md.j2")
    targets = page_targets(data)
    linked = set(_MD_LINK.findall(tpl.render(r=data, targets=targets, linked=set())))
    return tpl.render(r=data, targets=targets, linked=linked)


def render_story_markdown(story: Any, comparison: dict[str, Any]) -> str:
    """One story's comparison as Markdown (what `newsprism compare ID` prints)."""
    s = story.to_dict()
    s["comparison"] = comparison
    return _md_env().get_template("_story.md.j2").render(s=s)


def render_html(data: dict[str, Any]) -> str:
    return _env().get_template("report.html.j2").render(
        r=data, targets=page_targets(data), passage_css=Markup(passage_css(data.get("articles", []))))


SPLIT_FROM = 20  # stories in one report: from this many, one report per story plus an index page


def write_store_reports(store: Store, stories: Sequence[Story], out_dir: Path, run: Any = None,
                        article_ids: Sequence[str] = ()) -> dict[str, Any]:
    """Reports of stored stories with their stored comparisons (``article_ids``: the run's own
    articles, listed first). Up to :data:`SPLIT_FROM` stories: one report of everything.
    From that many, one report per story in ``stories/<id>/`` and an index (``report.json`` /
    ``.md`` / ``.html``) listing the stories with links: no giant file, and only one story's
    articles are held in memory at a time. Returns the top-level report data."""
    stories = store.with_comparisons(stories)
    members = dict.fromkeys(i for s in stories for i in s.members)
    if len(stories) < SPLIT_FROM:
        ids = list(dict.fromkeys([*article_ids, *members]))
        data = build_report(store.get_many(ids), run, store, stories)
        write_reports(data, out_dir)
        return data
    index: dict[str, Any] = {
        "schema": REPORT_INDEX_SCHEMA, "version": REPORT_VERSION, "article_schema_version": SCHEMA_VERSION,
        "generated_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "run": run.to_dict() if run is not None else {}, "stories": [], "unassigned": [],
    }
    for s in stories:
        folder = f"stories/{_UNSAFE_ID.sub('_', s.id)}"
        part = build_report(store.get_many(list(s.members)), run, store, [s])
        part["run"] = {}
        write_reports(part, out_dir / folder)
        comparison = s.extras.pop("comparison", None) or {}
        lines = (comparison.get("briefing") or {}).get("summary") or []
        index["stories"].append({
            "id": s.id, "label": s.label, "date_start": s.date_start, "date_end": s.date_end, "size": len(s.members),
            "independent_outlets": s.independent_outlets, "compared": bool(comparison),
            "lead": lines[0].get("text") if lines else None, "report": f"{folder}/report",
        })
    for i in article_ids:
        if i not in members:
            a = store.get(i)
            if a is not None:
                index["unassigned"].append({"id": a.id, "title": a.title, "status": a.status})
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    (out_dir / "report.md").write_text(_md_env().get_template("index.md.j2").render(r=index), encoding="utf-8")
    (out_dir / "report.html").write_text(_env().get_template("index.html.j2").render(r=index), encoding="utf-8")
    return index


def _public_story(s: Mapping[str, Any], articles: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A story as report.json holds it: no rendered views, the comparison in its written form
    (each passage once, :func:`newsprism.model.pack_passages`, without the text of the
    ``articles`` written beside it, :func:`newsprism.model.drop_passage_texts`)."""
    out = {k: v for k, v in s.items() if k not in STORY_VIEW_ONLY}
    if out.get("comparison"):
        out["comparison"] = drop_passage_texts(pack_passages(out["comparison"]), articles)
    return out


def write_reports(data: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write report.json, report.md and report.html into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.json", out_dir / "report.md", out_dir / "report.html"]
    beside = {a["id"]: a for a in data["articles"]}
    public = {**data, "articles": [pack_spans({k: v for k, v in a.items() if k not in VIEW_ONLY}) for a in data["articles"]],
              "stories": [_public_story(s, beside) for s in data["stories"]]}
    # compact: indentation alone made report.json 1.7x larger (pretty-print with `jq .` or `python -m json.tool`)
    paths[0].write_text(json.dumps(public, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    paths[1].write_text(render_markdown(data), encoding="utf-8")
    paths[2].write_text(render_html(data), encoding="utf-8")
    return paths

"""Build the report data (versioned JSON) and render it as Markdown and self-contained HTML.

The JSON is the product's contract: ``schema`` + ``version`` let readers detect changes
(documented in docs/report-schema.md). Markdown and HTML are views of the same dict, rendered
with Jinja2 templates; the HTML inlines its CSS and charts (no CDN), so it opens anywhere.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import jinja2

from newsprism.extract.numbers import figure_text, figure_value
from newsprism.model import SCHEMA_VERSION, Article
from newsprism.store import Store

REPORT_SCHEMA = "newsprism.report"
REPORT_VERSION = 1


def article_entry(a: Article) -> dict[str, Any]:
    """One article as it appears in the report: metadata, evidence, removals, annotations."""
    d = a.to_dict()
    d["word_count"] = a.word_count
    d["display_outlet"] = a.outlet or Path(a.origin.location).stem
    d["text_html"] = highlight(a)
    for n, nd in zip(a.numbers, d["numbers"]):
        nd["display"] = figure_text(n.value, n.approx, n.unit, n.span.text)  # how the views print it
    return d


def build_report(articles: list[Article], run: Any, store: Store | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema": REPORT_SCHEMA,
        "version": REPORT_VERSION,
        "article_schema_version": SCHEMA_VERSION,
        "generated_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "run": run.to_dict() if run is not None else {},
        "articles": [article_entry(a) for a in articles],
        "stories": [],
    }
    by_id = {a.id: a for a in articles}
    for story in getattr(run, "stories", []) or []:
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


def highlight(a: Article) -> str:
    """Article text as HTML with entity / quote / number / time spans marked (overlaps allowed)."""
    marks: list[tuple[int, int, str, str]] = []
    for m in a.mentions:
        marks.append((m.start, m.end, "ent", f"{m.label}: {m.entity_id}"))
    for q in a.quotes:
        marks.append((q.content.start, q.content.end, "quo", f"quote ({q.kind}) — {q.speaker_name or 'unresolved'}"))
    for n in a.numbers:
        marks.append((n.span.start, n.span.end, "num", figure_text(n.value, n.approx, n.unit, n.span.text)))
    for t in a.times:
        marks.append((t.span.start, t.span.end, "tim", f"{t.value} ({t.precision})"))
    bounds = sorted({0, len(a.text)} | {s for s, _, _, _ in marks} | {e for _, e, _, _ in marks})
    out: list[str] = []
    for lo, hi in zip(bounds, bounds[1:]):
        if lo >= hi:
            continue
        seg = html.escape(a.text[lo:hi]).replace("\n\n", "</p><p>")
        active = [(c, t) for s, e, c, t in marks if s <= lo and hi <= e]
        if active:
            classes = " ".join(sorted({c for c, _ in active}))
            title = html.escape(" | ".join(t for _, t in active), quote=True)
            out.append(f'<span class="{classes}" title="{title}">{seg}</span>')
        else:
            out.append(seg)
    return "<p>" + "".join(out) + "</p>"


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("newsprism.report", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda x: f"{100 * float(x):.0f}%"
    # A NumberClaim dict as a reader should see it ("hundreds of thousands (≥100,000) Russians").
    env.filters["figure"] = lambda n: n.get("display") or figure_text(n["value"], n.get("approx", ""), n.get("unit", ""), n["span"]["text"])
    env.filters["figure_value"] = lambda n: figure_value(n["value"], n.get("approx", ""), n["span"]["text"])
    return env


def render_markdown(data: dict[str, Any]) -> str:
    return _env().get_template("report.md.j2").render(r=data)


def render_story_markdown(story: Any, comparison: dict[str, Any]) -> str:
    """One story's comparison as Markdown (what `newsprism compare ID` prints)."""
    s = story.to_dict()
    s["comparison"] = comparison
    return _env().get_template("_story.md.j2").render(s=s)


def render_html(data: dict[str, Any]) -> str:
    return _env().get_template("report.html.j2").render(r=data)


def write_reports(data: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write report.json, report.md and report.html into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.json", out_dir / "report.md", out_dir / "report.html"]
    public = {**data, "articles": [{k: v for k, v in a.items() if k != "text_html"} for a in data["articles"]]}
    paths[0].write_text(json.dumps(public, ensure_ascii=False, indent=2), encoding="utf-8")
    paths[1].write_text(render_markdown(data), encoding="utf-8")
    paths[2].write_text(render_html(data), encoding="utf-8")
    return paths

"""The HTML report is one self-contained, well-formed page whose citations all resolve.

Runs `analyze` on the real seeds and on the example corpus and inspects report.html with the
standard library's html.parser (no browser needed): tags balance, nothing is loaded from the
network, every in-page link has a target, every story shows at least one inline chart, and the
Markdown view carries the same briefing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsprism.cli import main
from newsprism.report.charts import coverage_svg, outlets_svg, timeline_svg

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements whose closing tag the templates always write; checked for balance.
BALANCED = {"html", "body", "main", "section", "div", "table", "tr", "td", "th", "details", "summary",
            "ul", "ol", "li", "svg", "g", "text", "title", "nav", "a", "span", "q", "p", "h1", "h2", "h3", "h4"}
RESOURCE_ATTRS = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src"),
                  ("video", "src"), ("audio", "src"), ("object", "data"), ("embed", "src"), ("image", "href"),
                  ("use", "href"), ("img", "srcset")}


@dataclass
class Page(HTMLParser):
    """Collects ids, links, external resources, tag-balance errors and per-story SVG counts."""

    ids: set[str] = field(default_factory=set)
    anchors: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    story_svgs: dict[str, int] = field(default_factory=dict)
    scripts: int = 0
    styles: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []  # (tag, story id if it opens a story card)
        self._in_style = False

    def _story(self) -> str | None:
        for _, sid in reversed(self.stack):
            if sid:
                return sid
        return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            if a["id"] in self.ids:
                self.errors.append(f"duplicate id {a['id']}")
            self.ids.add(a["id"])
        if tag == "a" and a.get("href", "").startswith("#"):
            self.anchors.append(a["href"][1:])
        for t, attr in RESOURCE_ATTRS:
            if tag == t and a.get(attr) or tag == t == "link":
                self.resources.append(f"<{tag} {attr}={a.get(attr)!r}>")
        if tag == "script":
            self.scripts += 1
        if tag == "style":
            self._in_style = True
        if tag == "svg" and self._story():
            sid = self._story()
            self.story_svgs[sid] = self.story_svgs.get(sid, 0) + 1
        if tag in VOID:
            return
        sid = a["id"] if tag == "div" and a.get("id", "").startswith("story-") else None
        if sid:
            self.story_svgs.setdefault(sid, 0)
        self.stack.append((tag, sid))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Self-closing SVG shapes (<circle/>, <line/>) open and close at once.
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        if tag in VOID:
            return
        if not self.stack:
            self.errors.append(f"stray </{tag}>")
            return
        if self.stack[-1][0] == tag:
            self.stack.pop()
            return
        if tag in BALANCED or self.stack[-1][0] in BALANCED:
            self.errors.append(f"</{tag}> closes <{self.stack[-1][0]}> (open: {[t for t, _ in self.stack[-6:]]})")
        # recover: pop up to the matching tag if it is open
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k][0] == tag:
                del self.stack[k:]
                break

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def _analyze(src: Path, tmp: Path) -> Path:
    out = tmp / "out"
    result = CliRunner().invoke(main, ["analyze", str(src), "-o", str(out), "--db", str(tmp / "s.db"), "-q"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module", params=["seeds", "examples"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, Page, str]:
    src = request.getfixturevalue("seeds_dir" if request.param == "seeds" else "examples_dir")
    out = _analyze(src, tmp_path_factory.mktemp(request.param))
    html = (out / "report.html").read_text(encoding="utf-8")
    md = (out / "report.md").read_text(encoding="utf-8")
    return html, md, _parse(html), request.param


def test_report_html_parses_with_balanced_tags(report) -> None:  # type: ignore[no-untyped-def]
    html, _, page, _ = report
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert not page.errors, page.errors[:5]
    assert not [t for t, _ in page.stack], f"unclosed: {[t for t, _ in page.stack]}"


def test_report_html_is_self_contained(report) -> None:  # type: ignore[no-untyped-def]
    html, _, page, _ = report
    assert page.scripts == 0, "no JavaScript"
    assert not page.resources, page.resources
    css = "\n".join(page.styles)
    assert not re.search(r"url\(|@import", css), "CSS pulls nothing in"
    # No external resource anywhere, including inside inline SVG (xmlns is a name, not a fetch).
    for m in re.finditer(r"""(?:src|srcset|xlink:href|data)\s*=\s*["']\s*(?:https?:)?//""", html, re.I):
        pytest.fail(f"external resource: {html[m.start():m.start() + 80]}")


def test_report_html_anchor_targets_exist(report) -> None:  # type: ignore[no-untyped-def]
    _, _, page, _ = report
    assert page.anchors, "the report cites articles with in-page links"
    missing = sorted({a for a in page.anchors if a not in page.ids})
    assert not missing, missing[:10]
    assert any(a.startswith("a-") for a in page.anchors)


def test_report_html_each_story_has_inline_svg(report) -> None:  # type: ignore[no-untyped-def]
    _, _, page, _ = report
    assert page.story_svgs, "at least one story"
    assert all(n >= 1 for n in page.story_svgs.values()), page.story_svgs


def test_report_html_briefing_comes_first(report) -> None:  # type: ignore[no-untyped-def]
    html, md, _, _ = report
    order = ["-briefing", "-facts", "-quotes", "-timeline", "-framing"]
    first = html.index('class="comparison"')
    pos = [html.find(key + '"', first) for key in order]
    present = [p for p in pos if p >= 0]
    assert present == sorted(present) and pos[0] >= 0, dict(zip(order, pos))
    assert html.index('id="articles"') > pos[0], "per-article details come after the stories"
    assert "### Briefing" in md
    assert md.index("### Briefing") < md.index("### Key facts") < md.index("## Articles")


def test_report_html_captions_cited_as_captions(report) -> None:  # type: ignore[no-untyped-def]
    """Both corpora cite photo captions (timeline, facts); citations must say so in both views."""
    html, md, _, _ = report
    assert "photo caption" in html and re.search(r"\[[^\]]+, photo caption \d+\]\(#a-", md)


VAGUE_AS_NUMBER = re.compile(r"\b(?:dozens|scores|hundreds|thousands|millions|billions|tens) of [\d,.]+\b", re.I)


def test_report_vague_figures_read_as_written(report) -> None:  # type: ignore[no-untyped-def]
    """A vague amount's stored lower bound never replaces its words ("hundreds of 100,000 Russians")."""
    html, md, _, which = report
    assert not VAGUE_AS_NUMBER.search(md) and not VAGUE_AS_NUMBER.search(html)
    if which == "seeds":
        assert "  - hundreds of thousands → hundreds of thousands (≥100,000) Russians" in md
        assert "<td>hundreds of thousands</td><td>≥100,000</td>" in html
        assert 'title="hundreds of thousands (≥100,000) Russians"' in html


def test_report_charts_escape_and_handle_edge_cases() -> None:
    nasty = {"date": "2024-06-18", "start": "2024-06-18", "independent_outlets": 1, "outlets": ["<b>O&P</b>"],
             "label": {"text": "A <script>x</script> & “quoted” " + "long " * 60, "outlet": "<b>O&P</b>", "field": "caption"}}
    svg = timeline_svg([nasty, {**nasty, "date": "1990", "start": "1990-01-01"}])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "photo caption" in svg
    _parse(svg)
    assert timeline_svg([]) == "" and outlets_svg([]) == "" and coverage_svg({}) == ""
    bars = outlets_svg([{"outlet": "A very long outlet name that goes on and on", "attributed_share": 0,
                         "loaded_per_1k": 0, "quoted_voices": 0}])
    assert "NaN" not in bars and "…" in bars
    page = _parse(bars)
    assert not page.errors


def test_report_quotes_and_disputed_timeline_rows_render(report) -> None:  # type: ignore[no-untyped-def]
    """Quotes by speaker hold only what people said; speech with no speaker is listed apart; a
    timeline row that merges a side of a conflict links the conflict, in both views."""
    html, md, page, which = report
    quotes_md = md[md.index("### Quotes by speaker"): md.index("### Timeline")]
    assert "**unresolved**" not in quotes_md
    timeline_md = md[md.index("### Timeline"): md.index("### How each outlet")]
    timeline_html = html[html.index("-timeline\">Timeline</h4>"): html.index("-framing\">How each outlet")]
    if which == "seeds":
        assert "### Reported speech with no named speaker" in quotes_md and "“is believed”" in quotes_md
        assert "-unattributed" in html and "Reported speech with no named speaker (1)" in html
        assert "(indirect) “alliances”" not in quotes_md
    assert re.search(r" \(disputed: \[C\d+\]\(#cmp-[^)]+-C\d+\)", timeline_md)
    badge = re.search(r'<a class="badge warn" href="#(cmp-[^"]+-C\d+)">disputed \(C\d+\)</a>', timeline_html)
    assert badge and badge.group(1) in page.ids

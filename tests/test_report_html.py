"""The HTML report is one self-contained, well-formed page whose citations all resolve.

Runs `analyze` on the real seeds and on the example corpus and inspects report.html with the
standard library's html.parser (no browser needed): tags balance, nothing is loaded from the
network, every in-page link has a target, every citation lands on the words it cites (and the
CSS highlights exactly them), every story shows at least one inline chart, and the Markdown view
carries the same briefing and passage anchors.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import newsprism
from newsprism.cli import main
from newsprism.compare.common import iter_passages
from newsprism.model import Article, Mention, Origin, Quote, Span
from newsprism.report.build import VIEW_ONLY, article_entry, mark_up, passage_anchor, passage_css
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
def report_out(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    src = request.getfixturevalue("seeds_dir" if request.param == "seeds" else "examples_dir")
    return _analyze(src, tmp_path_factory.mktemp(request.param)), request.param


@pytest.fixture(scope="module")
def report(report_out: tuple[Path, str]) -> tuple[str, str, Page, str]:
    out, which = report_out
    html = (out / "report.html").read_text(encoding="utf-8")
    md = (out / "report.md").read_text(encoding="utf-8")
    return html, md, _parse(html), which


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
    # the timeline chart, which is what the eye reads first, flags the row too
    svg = timeline_html[timeline_html.index("<svg"): timeline_html.index("</svg>")]
    assert re.search(r">⚠ C\d+(,C\d+)*</text>", svg) and "disputed: C" in svg


# -- citations link to the cited passage ---------------------------------------------------------

PASSAGE_ID = re.compile(r"^a-[0-9A-Za-z_]+-(?:t|h|c\d+-)\d+-\d+$")


class PassageText(HTMLParser):
    """For each passage anchor (an empty ``span.pa``), the text that follows it in its container,
    as (text, marked) items: ``marked`` says the text carries the class the page's CSS
    highlights when that anchor is the target (``#id:target~.cpN``); a paragraph break
    (``span.pb``) is a "\\n\\n" item. Also notes anchors hidden inside a closed <details>."""

    def __init__(self, highlight: dict[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.highlight = highlight  # anchor id -> class
        self.stack: list[tuple[str, set[str], bool]] = []  # (tag, classes, closed <details>)
        self.open: dict[str, tuple[int, list[tuple[str, bool | None]]]] = {}
        self.items: dict[str, list[tuple[str, bool | None]]] = {}
        self.hidden: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        a = {k: v or "" for k, v in attrs}
        cls = set(a.get("class", "").split())
        if tag == "span" and "pa" in cls:
            self.open[a["id"]] = (len(self.stack), [])
            if any(closed for _, _, closed in self.stack):
                self.hidden.add(a["id"])
        if tag == "span" and "pb" in cls:
            for _, items in self.open.values():
                items.append(("\n\n", None))
        self.stack.append((tag, cls, tag == "details" and "open" not in a))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self.stack:
            return
        self.stack.pop()
        for aid, (depth, items) in list(self.open.items()):
            if len(self.stack) < depth:  # the anchor's container closed
                self.items[aid] = items
                del self.open[aid]

    def handle_data(self, data: str) -> None:
        cls = self.stack[-1][1] if self.stack else set()
        for aid, (_, items) in self.open.items():
            items.append((data, self.highlight.get(aid, "-") in cls))


def _landing(html: str, page: Page) -> tuple[dict[str, list[tuple[str, bool | None]]], set[str], dict[str, str]]:
    css = "\n".join(page.styles)
    highlight = dict(re.findall(r"#(a-[\w-]+):target~\.(cp\d+)", css))
    parser = PassageText(highlight)
    parser.feed(html)
    parser.close()
    return parser.items, parser.hidden, highlight


def _check_landing(items: list[tuple[str, bool | None]], cited: str) -> str | None:
    """None if the anchor is followed by exactly ``cited`` and the highlighted items are exactly it."""
    after = "".join(t for t, _ in items)
    if not after.startswith(cited):
        return f"text after the anchor is {after[:60]!r}"
    marked, pos, k = [], 0, 0
    while pos < len(cited) and k < len(items):  # the items spanning the cited text
        t, m = items[k]
        if m is False and t:
            return f"unhighlighted {t!r} inside the passage"
        marked.append(t)
        pos += len(t)
        k += 1
    if "".join(marked) != cited:
        return f"highlight is {''.join(marked)[:60]!r}"
    if k < len(items) and items[k][1]:
        return f"highlight runs past the passage into {items[k][0]!r}"
    return None


def _expected(out: Path) -> tuple[dict[str, str], list[str], dict]:
    """Anchor id -> cited text for every passage of every comparison; the briefing's anchors."""
    data = newsprism.read_report(out / "report.json")
    cited: dict[str, str] = {}
    briefing: list[str] = []
    for s in data["stories"]:
        c = s.get("comparison") or {}
        for p in iter_passages(c):
            cited[passage_anchor(p)] = p["text"]
        briefing += [passage_anchor(p) for item in c.get("briefing", {}).get("summary", []) for p in item["citations"]]
    return cited, briefing, data


def test_report_html_citations_land_on_the_cited_passage(report, report_out) -> None:  # type: ignore[no-untyped-def]
    """Every citation badge links to its passage's anchor (not the article's top); following it
    lands on the cited words, and the CSS :target rule highlights exactly those words."""
    html, _, page, _ = report
    out, _ = report_out
    cited, briefing, _ = _expected(out)
    cites = re.findall(r'<a class="badge cite" href="#([^"]+)"', html)
    assert cites and not [h for h in cites if not PASSAGE_ID.match(h)], [h for h in cites if not PASSAGE_ID.match(h)][:5]
    assert briefing and set(briefing) <= set(cites), "every briefing citation is a link to its passage"
    items, hidden, highlight = _landing(html, page)
    problems = []
    for aid in sorted(set(cites)):
        assert aid in page.ids and aid in cited, aid
        assert aid in highlight, f"no :target rule for {aid}"
        why = _check_landing(items.get(aid, []), cited[aid])
        if why:
            problems.append(f"{aid}: {why}")
    assert not problems, problems[:5]
    assert not hidden & set(cites), f"anchors inside closed <details>: {sorted(hidden & set(cites))[:5]}"
    # captions are cited in both corpora: their anchors are in the (opened) caption list
    assert any(re.search(r"-c\d+-\d+-\d+$", aid) for aid in cites)


def test_report_html_passage_css_is_per_passage_and_inline(report) -> None:  # type: ignore[no-untyped-def]
    html, _, page, _ = report
    css = "\n".join(page.styles)
    rules = re.findall(r"#(a-[\w-]+):target~\.(cp\d+)", css)
    assert rules and len({a for a, _ in rules}) == len(rules), "one highlight selector per anchor"
    assert ".pa:target" in css


def test_report_md_citations_link_to_listed_passages(report, report_out) -> None:  # type: ignore[no-untyped-def]
    """report.md uses the same anchor ids: each is an <a id> under its article, with the range and
    the verbatim start of the passage; every in-document link resolves."""
    _, md, _, _ = report
    out, _ = report_out
    cited, briefing, data = _expected(out)
    ids = re.findall(r'<a id="([^"]+)"></a>', md)
    assert len(ids) == len(set(ids)), "ids are unique"
    links = re.findall(r"\]\(#([^)\s]+)\)", md)
    assert links and not sorted({x for x in links if x not in set(ids)}), sorted({x for x in links if x not in set(ids)})[:5]
    passage_links = {x for x in links if PASSAGE_ID.match(x)}
    assert set(briefing) <= passage_links
    listed = {x for x in ids if PASSAGE_ID.match(x)}
    assert listed == passage_links, "exactly the passages the Markdown cites are listed"
    for line in md.splitlines():
        m = re.match(r'\s*- <a id="(a-[^"]+)"></a>(?:photo caption \d+, |headline, )?chars (\d+)–(\d+): “(.*)”$', line)
        if m and m.group(1) in listed:
            aid, text = m.group(1), cited[m.group(1)]
            assert re.search(rf"(?:-t|-h|-c\d+-){m.group(2)}-{m.group(3)}$", aid), (aid, line[:80])
            head = " ".join(text.replace("\n\n", " ¶ ").split())[:60]
            assert " ".join(m.group(4).split()).startswith(head.rsplit(" ", 1)[0]), (aid, m.group(4)[:80])
            listed.discard(aid)
    assert not listed, f"anchors not on a passage line: {sorted(listed)[:3]}"
    # the view-only markup stays out of the JSON contract
    assert not [k for a in data["articles"] for k in VIEW_ONLY if k in a]


def _article() -> Article:
    text = "Kim said “we will win the war”.\n\nPutin arrived in Pyongyang on June 18. Officials met."
    return Article(
        id="0123456789abcdef", origin=Origin("file", "x.txt"), title="Putin <visits> Kim", text=text,
        captions=["Photo: Putin & Kim", "Second caption"],
        mentions=[Mention(0, 3, "Kim", "PERSON", "PERSON:kim"), Mention(33, 38, "Putin", "PERSON", "PERSON:putin")],
        quotes=[Quote("direct", Span(9, 31, text[9:31]))],
    )


def test_mark_up_crossing_passages_and_highlights_stay_well_formed() -> None:
    """Passages that cross each other, a quote, an entity and a paragraph break: the markup is
    flat and balanced, every anchor starts its passage, every highlight covers only it."""
    a = _article()
    text = a.text
    spans = [(4, 20), (15, 45), (9, 31), (0, 3), (33, 72), (40, 40), (62, 85)]
    cited = [{"article": a.id, "field": "text", "start": s, "end": e, "text": text[s:e]} for s, e in spans]
    cited += [{"article": a.id, "field": "caption", "index": 0, "start": 7, "end": 18, "text": a.captions[0][7:18]},
              {"article": a.id, "field": "caption", "index": 1, "start": 0, "end": 6, "text": "Second"},
              {"article": a.id, "field": "title", "start": 6, "end": 14, "text": "<visits>"},
              {"article": a.id, "field": "caption", "index": 5, "start": 0, "end": 1, "text": "?"},  # no such caption
              {"article": a.id, "field": "text", "start": 80, "end": 999, "text": "?"}]  # out of range
    d = article_entry(a, cited)
    assert len(d["anchors"]) == len(spans) + 3, "impossible spans get no anchor"
    css = passage_css([d])
    doc = (f"<html><head><style>{css}</style></head><body><h3>{d['title_html']}</h3><div class=\"text\">{d['text_html']}</div>"
           f"<ol>{''.join(f'<li>{c}</li>' for c in d['captions_html'])}</ol></body></html>")
    page = _parse(doc)
    assert not page.errors and not [t for t, _ in page.stack], page.errors
    assert "<p>" not in d["text_html"] and d["text_html"].count('class="pb"') == 1
    assert "&lt;visits&gt;" in d["title_html"] and "Putin &amp; Kim" in d["captions_html"][0]
    items, _, highlight = _landing(doc, page)
    for x in d["anchors"]:
        assert x["id"] == passage_anchor({**x, "article": a.id}) and x["id"] in page.ids
        assert highlight[x["id"]] == x["cls"]
        assert _check_landing(items[x["id"]], x["text"]) is None, (x, items[x["id"]][:6])
    assert {x["id"] for x in d["anchors"]} >= {"a-0123456789abcdef-t15-45", "a-0123456789abcdef-c0-7-18",
                                                "a-0123456789abcdef-h6-14", "a-0123456789abcdef-t40-40"}
    # highlights keep their tooltips, and the paragraph break is not swallowed by a passage
    assert 'title="quote (direct) — unresolved"' in d["text_html"]
    assert mark_up("a\n\nb", [(0, 2, "ent", "x")]).count('class="pb"') == 1, "a boundary inside a break moves past it"


def test_report_lists_story_members_stored_by_an_earlier_run(tmp_path: Path, seeds_dir: Path) -> None:
    """Regression: when a second analyze run added articles to a story from the first run, the
    report left the earlier members out, so citations of them pointed at nothing."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for i, f in enumerate(sorted(seeds_dir.glob("*.txt"))):
        (first if i < 3 else second).joinpath(f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    db = str(tmp_path / "s.db")
    for src, out in ((first, tmp_path / "out1"), (second, tmp_path / "out2")):
        result = CliRunner().invoke(main, ["analyze", str(src), "-o", str(out), "--db", db, "-q"])
        assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out2" / "report.json").read_text(encoding="utf-8"))
    assert data["run"]["ingested"] == 2
    assert len(data["articles"]) == 5  # the story's three earlier members are listed too
    assert [len(s["articles"]) for s in data["stories"]] == [5]
    html = (tmp_path / "out2" / "report.html").read_text(encoding="utf-8")
    page = _parse(html)
    assert not sorted({a for a in page.anchors if a not in page.ids})
    assert "article not in this report" not in html

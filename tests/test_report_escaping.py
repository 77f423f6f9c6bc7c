"""Regression tests for issue 9: nothing from input becomes markup in report.html or report.md.

A copy of the example corpus gets injection payloads in titles, bodies, outlet names (manifest),
URLs and captions; `analyze` runs on it for real and the outputs are parsed: no element or
attribute of the HTML may come from input, no link may use a scheme other than http(s), the
Content-Security-Policy forbids scripts, and the Markdown holds no raw HTML or broken table rows.
The payloads' text must still be there, shown as text.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from fuzzing import table_rows
from newsprism.cli import main
from newsprism.escape import html_link, http_url, md_code, md_text

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"

TITLE = '"><svg onload=alert(1)><img src=x onerror=alert(2)>Gate | failure *bold* [x](javascript:alert(3))'
OUTLET = '<iframe src="javascript:alert(4)">Evil | Outlet</b>'
BODY = " <script>document.title='pwned'</script> Officials said the <b onmouseover=alert(5)>gate</b> failed."
BAD_URL = "javascript:alert(6)"


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, dict]:
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    shutil.copytree(EXAMPLES, corpus)
    rows = list(csv.DictReader((corpus / "manifest.csv").open(encoding="utf-8")))
    rows[0]["outlet"] = OUTLET
    rows[1]["url"] = BAD_URL
    rows[2]["title"] = TITLE  # a row title overrides the file's own
    with (corpus / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        fields = list(rows[0].keys()) + ["title"] * ("title" not in rows[0])
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    for name in ("cpa-wire.txt", "northern-ledger.txt"):
        p = corpus / name
        text = p.read_text(encoding="utf-8")
        head, sep, rest = text.partition("\n\n")
        p.write_text(head + sep + rest.replace(".", "." + BODY, 1), encoding="utf-8")
    jl = corpus / "kalva-valley-post.jsonl"
    recs = [json.loads(line) for line in jl.read_text(encoding="utf-8").splitlines() if line.strip()]
    recs[0]["url"] = "javascript:alert(7)"
    recs[0]["title"] = TITLE
    jl.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    out = root / "out"
    res = CliRunner().invoke(main, ["analyze", str(corpus), "-o", str(out), "--db", str(root / "db.sqlite"), "-q"])
    assert res.exit_code == 0, res.output
    return ((out / "report.html").read_text(encoding="utf-8"), (out / "report.md").read_text(encoding="utf-8"),
            json.loads((out / "report.json").read_text(encoding="utf-8")))


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.in_svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_report_html_has_no_element_or_attribute_from_input(hostile_report: tuple[str, str, dict]) -> None:
    page, _, data = hostile_report
    assert any(a.get("outlet") == OUTLET or a.get("display_outlet") == OUTLET for a in data["articles"]), "payload lost"
    p = Elements()
    p.feed(page)
    tags = {t for t, _ in p.tags}
    assert not tags & {"script", "iframe", "img", "object", "embed", "form", "base"}, tags
    for tag, attrs in p.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("#") or re.match(r"https?://", href), (tag, href)
    assert "<svg onload" not in page and "<script>" not in page and "<b onmouseover" not in page
    text = "".join(p.text)
    # the payloads are still shown, as text
    assert "<script>document.title='pwned'</script>" in text
    assert OUTLET in text and BAD_URL in text and "<svg onload=alert(1)>" in text


def test_report_html_declares_a_policy_that_forbids_scripts(hostile_report: tuple[str, str, dict]) -> None:
    page, _, _ = hostile_report
    p = Elements()
    p.feed(page)
    metas = [a for t, a in p.tags if t == "meta" and a.get("http-equiv", "").lower() == "content-security-policy"]
    assert len(metas) == 1
    policy = {d.strip().split()[0]: d.strip().split()[1:] for d in metas[0]["content"].split(";") if d.strip()}
    assert policy["default-src"] == ["'none'"] and policy["script-src"] == ["'none'"]
    # it comes before anything rendered from input
    assert page.index("Content-Security-Policy") < page.index("<body")


def test_report_markdown_has_no_raw_html_and_tables_keep_their_columns(hostile_report: tuple[str, str, dict]) -> None:
    _, md, _ = hostile_report
    for bad in ("<script", "<svg", "<img", "<iframe", "<b ", "<javascript:"):
        assert bad not in md, bad
    assert not re.search(r"(?<!\\)\]\((?!#)", md), "a link to anything but an in-page anchor"
    assert "&lt;script&gt;" in md and "&lt;iframe" in md
    # every table row has as many unescaped cell separators as its header
    rows = list(table_rows(md))
    assert [row for row, width, cells in rows if cells != width] == []
    checked = len(rows)
    assert checked > 5
    assert "Evil \\| Outlet" in md


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,<b>",
                                 "vbscript:x", "/relative/path", "//evil.example/x", "https://", "http://x.org/\"onmouseover=1"])
def test_only_absolute_http_urls_become_links(url: str) -> None:
    assert http_url(url) is None
    assert "<a " not in str(html_link(url))


def test_http_urls_become_escaped_links() -> None:
    assert str(html_link("https://e.example/a?b=1&c=2")) == (
        '<a href="https://e.example/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">https://e.example/a?b=1&amp;c=2</a>')


@pytest.mark.parametrize("value,expected", [
    ("a | b", "a \\| b"), ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"), ("*x* _y_", "\\*x\\* \\_y\\_"),
    ("# title", "\\# title"), ("1. item", "1\\. item"), ("- item", "\\- item"), ("two\n\nlines", "two lines"),
    ("[a](javascript:x)", "\\[a\\](javascript:x)"), ("Kim Jong-un", "Kim Jong-un"), ("&amp;", "&amp;amp;"),
])
def test_markdown_text_is_inert(value: str, expected: str) -> None:
    assert md_text(value) == expected


def test_markdown_code_span_cannot_be_closed_by_its_content() -> None:
    assert str(md_code("a`b")) == "``a`b``"
    assert str(md_code("``")) == "``` `` ```"


def test_templates_never_mark_input_safe() -> None:
    templates = Path(__file__).resolve().parents[1] / "src" / "newsprism" / "report" / "templates"
    for t in templates.iterdir():
        assert "|safe" not in t.read_text(encoding="utf-8").replace(" ", ""), t.name


def test_md_file_link_links_only_paths_we_write() -> None:
    """The index's Markdown links to per-story reports: a label from input is escaped text and a
    path that is not one of ours (a scheme, a parent directory, markup) gives the label alone."""
    from newsprism.escape import md_file_link

    assert str(md_file_link("Storm hits coast", "stories/story-0a1b/report.md")) == "[Storm hits coast](stories/story-0a1b/report.md)"
    for bad in ("javascript:alert(1)", "../../etc/passwd", "stories/x)](http://evil", "/abs/path.md", "stories/a b.md", ""):
        out = str(md_file_link("label", bad))
        assert "](" not in out, bad
    hostile = str(md_file_link("x](javascript:alert(1)) <img src=x onerror=alert(1)>", "stories/s/report.md"))
    assert len(re.findall(r"(?<!\\)\]\(", hostile)) == 1 and "<img" not in hostile  # the label's "](" is escaped

"""report.html in a real browser (issue 9): input that tries to run script runs none, and every
citation link still lands on its passage.

A copy of the example corpus gets injection payloads in every field that reaches the report
(manifest outlet / url / title, body text, a JSON record's url and title, an HTML page's byline,
photo caption and paragraph); each payload, if it ever ran, would leave a trace
(``window.__pwned``, ``document.title``, a dialog). ``analyze`` runs on it for real and the
report is opened from a ``file://`` URL in headless Chromium (the Debian package, driven by
Playwright; its own browser download is not used), with every non-file request blocked.

The page is checked twice: as written, and with its Content-Security-Policy ``<meta>`` removed,
so the escaping alone (not only the CSP, which would block inline script anyway) must keep the
payloads inert. Skipped, with the reason, only when no Chromium can be found or installed.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, sync_playwright

from conftest import uncapped
from newsprism.cli import main

# the first test also installs Chromium when it is missing (apt-get: minutes on a fresh machine)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
INSTALL = "apt-get update -qq && apt-get install -y -qq chromium"
CLICKED = 20  # citation links actually clicked (all are checked for a target)

# Each payload leaves its own number in window.__pwned if it runs; several also open a dialog.
SCRIPT = "<script>window.__pwned=1;document.title='pwned'</script>"
IMG = '<img src=x onerror="window.__pwned=2;alert(2)">'
SVG = '"><svg onload="window.__pwned=3">'
IFRAME = '<iframe srcdoc="<script>parent.__pwned=4</script>">'
JS_URL = "javascript:window.__pwned=5"
ANCHOR = '<a href="javascript:window.__pwned=6">click me</a>'
MD = "| x | [a](javascript:window.__pwned=7) *bold*"
STYLE = "</style><script>window.__pwned=8</script>"
TITLE_BREAK = "</title><script>window.__pwned=9</script>"
TEMPLATE = "tpl{{7*7}}end ${7*7} {% raw %}"
EVENT = "<b onmouseover=\"window.__pwned=10\" style=\"position:fixed;inset:0\">gate</b>"
DETAILS = "<details open ontoggle=\"window.__pwned=11\">x</details>"
META = '<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=12">'

TITLE = SVG + IMG + " Gate " + MD + " " + TITLE_BREAK
OUTLET = IFRAME + "Evil | Outlet</b>" + STYLE
BODY = " " + SCRIPT + " Officials said the " + EVENT + " failed. " + TEMPLATE + " " + ANCHOR + " " + DETAILS + " " + META
BYLINE = IMG + " " + STYLE
CAPTION = "Floodwater " + SCRIPT + " " + IFRAME + " " + TEMPLATE
# text that must be readable on the page (as text) after the round trip
SHOWN = [SCRIPT, IFRAME, "Evil | Outlet</b>", "<svg onload=", "onerror=", "</title><script>", "tpl{{7*7}}end",
         "javascript:window.__pwned=5", "[a](javascript:window.__pwned=7)", "<b onmouseover="]


# --- the browser ------------------------------------------------------------------------------

def _find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of a Chromium executable; installed with apt-get when missing and we are root."""
    found = _find_chromium()
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("chromium not installable: not found on PATH or at /usr/bin/chromium, and "
                    + ("apt-get is not available" if os.geteuid() == 0 else "not root, so apt-get cannot install it"))
    try:
        res = subprocess.run(INSTALL, shell=True, capture_output=True, text=True, timeout=900,
                             env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    except subprocess.TimeoutExpired:
        pytest.skip(f"chromium not installable: `{INSTALL}` took more than 15 minutes")
    found = _find_chromium()
    if not found:
        tail = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["no output"]
        pytest.skip(f"chromium not installable: `{INSTALL}` exited {res.returncode}: {tail[0]}")
    return found


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    with uncapped():  # Node and Chromium reserve far more address space than they use
        pw = sync_playwright().start()
        b = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    try:
        yield b
    finally:
        b.close()
        pw.stop()


# --- the hostile report -----------------------------------------------------------------------

def _inject_body(path: Path, payload: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\n\n")  # keep the first line (the headline) as it is
    path.write_text(head + sep + rest.replace(".", "." + payload, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``analyze`` on the example corpus with payloads in every input field; returns report.html."""
    root = tmp_path_factory.mktemp("browser")
    corpus = root / "corpus"
    shutil.copytree(EXAMPLES, corpus)
    rows = list(csv.DictReader((corpus / "manifest.csv").open(encoding="utf-8")))
    fields = list(rows[0].keys()) + ["title"] * ("title" not in rows[0])
    rows[0]["outlet"] = OUTLET
    rows[1]["url"] = JS_URL
    rows[2]["title"] = TITLE  # a row title overrides the file's own
    rows[4]["url"] = 'https://northernledger.example/x?a=1&b="><script>window.__pwned=13</script>'
    with (corpus / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    for name in ("cpa-wire.txt", "northern-ledger.txt", "nordvale-online.txt"):
        _inject_body(corpus / name, BODY)
    jl = corpus / "kalva-valley-post.jsonl"
    recs = [json.loads(line) for line in jl.read_text(encoding="utf-8").splitlines() if line.strip()]
    recs[0]["url"] = JS_URL
    recs[0]["title"] = TITLE
    jl.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    # an HTML page: payloads as (escaped) text, so they reach the article as characters, not tags
    page = corpus / "mirela-courier.html"
    src = page.read_text(encoding="utf-8")
    src = src.replace('content="Marta Quell"', f'content="{html.escape(BYLINE)}"', 1)
    src = src.replace("Floodwater in Kalva Quay", html.escape(CAPTION) + " in Kalva Quay", 1)
    src = src.replace("The 2023 report, seen by the Courier,", "The 2023 report " + html.escape(SCRIPT + ANCHOR) + ", seen by the Courier,", 1)
    page.write_text(src, encoding="utf-8")
    out = root / "out"
    res = CliRunner().invoke(main, ["analyze", str(corpus), "-o", str(out), "--db", str(root / "db.sqlite"), "-q"])
    assert res.exit_code == 0, res.output
    return out / "report.html"


@pytest.fixture(scope="module", params=["as-written", "without-csp"])
def report_file(request: pytest.FixtureRequest, hostile_report: Path) -> Path:
    """The report as written, and a copy without its CSP <meta>: escaping alone must hold."""
    if request.param == "as-written":
        return hostile_report
    page = hostile_report.read_text(encoding="utf-8")
    stripped, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    assert n == 1, "report.html has no CSP <meta> to remove"
    path = hostile_report.with_name("report-no-csp.html")
    path.write_text(stripped, encoding="utf-8")
    return path


class Visit:
    """A page opened from a file:// URL with the network cut off and everything it did recorded."""

    def __init__(self, browser: Browser, path: Path) -> None:
        self.context = browser.new_context(java_script_enabled=True)
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: None if r.url.startswith("file:") else self.requests.append(r.url))
        self.page.goto(path.as_uri(), wait_until="load")
        self.page.wait_for_timeout(300)  # let any onerror / onload / timer fire

    def _route(self, route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def visit(browser: Browser, report_file: Path) -> Iterator[Visit]:
    v = Visit(browser, report_file)
    try:
        yield v
    finally:
        v.close()


# --- the tests --------------------------------------------------------------------------------

def _report_title(path: Path) -> str:
    m = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"), re.S)
    assert m, "report.html has no <title>"
    return html.unescape(m.group(1)).strip()


def test_no_payload_runs(visit: Visit, report_file: Path) -> None:
    page = visit.page
    # open every <details> (ontoggle would fire now) and hover everything once (onmouseover)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.mouse.move(200, 200)
    page.mouse.move(400, 300)
    page.wait_for_timeout(200)
    assert visit.dialogs == []
    assert visit.errors == []
    assert page.evaluate("window.__pwned") is None
    title = _report_title(report_file)
    assert "pwned" not in title
    assert page.title() == title
    assert page.url.startswith("file:") and page.url.endswith(report_file.name), page.url  # no meta refresh


def test_dom_holds_nothing_active(visit: Visit) -> None:
    page = visit.page
    counts = page.evaluate("""() => ({
        script: document.scripts.length,
        active: document.querySelectorAll('iframe,frame,object,embed,form,base,img,link,audio,video,source').length,
        refresh: document.querySelectorAll('meta[http-equiv="refresh" i]').length,
        js_links: document.querySelectorAll('a[href^="javascript:" i]').length,
        frames: window.frames.length,
    })""")
    assert counts == {"script": 0, "active": 0, "refresh": 0, "js_links": 0, "frames": 0}, counts
    handlers = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(e =>
        [...e.attributes].filter(a => a.name.toLowerCase().startsWith('on')).map(a => e.tagName + ' ' + a.name + '=' + a.value))""")
    assert handlers == []
    # only the report's own markup: an attribute value never holds a payload fragment
    leaked = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(e =>
        [...e.attributes].filter(a => a.name !== 'title' && /pwned|javascript:/i.test(a.value)).map(a => e.tagName + ' ' + a.name))""")
    assert leaked == []
    # every external link is an http(s) URL
    hrefs = page.eval_on_selector_all("[href]", "els => els.map(e => e.getAttribute('href'))")
    bad = [h for h in hrefs if not h.startswith("#") and not re.match(r"https?://", h)]
    assert bad == []
    assert any(h.startswith("https://") for h in hrefs)
    assert "javascript:" not in "".join(page.eval_on_selector_all("[src],[srcdoc],[action],[formaction]",
                                                                  "els => els.map(e => e.outerHTML)"))


def test_payloads_are_shown_as_text(visit: Visit) -> None:
    page = visit.page
    text = page.evaluate("document.body.textContent")
    for piece in SHOWN:
        assert piece in text, piece
    assert "tpl49end" not in text  # the template syntax is not evaluated
    # and readable on screen: the article card's headline and body are not hidden
    visible = page.inner_text("body")
    assert "window.__pwned=1;document.title='pwned'" in visible
    assert "Evil | Outlet" in visible and "<svg onload=" in visible


def test_nothing_is_fetched(visit: Visit) -> None:
    assert visit.requests == []
    # the CSP reports a violation on the console when something tries to run or load
    assert [m for m in visit.console if m.startswith("error") or "Content Security Policy" in m] == []


def test_every_citation_lands_on_its_target(visit: Visit) -> None:
    page = visit.page
    ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)), "duplicate ids: a link can only reach the first"
    hrefs = page.eval_on_selector_all("a[href^='#']", "els => els.map(e => e.getAttribute('href'))")
    cites = page.eval_on_selector_all("a.cite[href^='#']", "els => els.map(e => e.getAttribute('href'))")
    assert len(cites) > 20, "the hostile corpus should still produce citations"
    assert any(re.fullmatch(r"#a-[0-9a-f]+-[thc]\d+(-\d+)*", h) for h in cites), "no link to a passage anchor"
    missing = sorted({h for h in hrefs if not page.evaluate("id => document.getElementById(id) !== null", h[1:])})
    assert missing == []

    # follow every distinct link by its fragment (clicking all ~300 would take half a minute)
    wrong = page.evaluate("""hs => hs.filter(h => {
        location.hash = h;
        const t = document.querySelector(':target');
        if (!t || '#' + t.id !== h) return true;
        if (!t.classList.contains('pa')) return false;
        for (let s = t.nextElementSibling; s; s = s.nextElementSibling)
            if (getComputedStyle(s).backgroundColor === 'rgb(255, 216, 77)') return false;
        return true;  // a passage anchor whose words are not highlighted
    })""", list(dict.fromkeys(hrefs)))
    assert wrong == []

    # click a sample: passage anchors first (they highlight their words), then other kinds
    distinct = list(dict.fromkeys(cites))
    passages = [h for h in distinct if re.search(r"-[thc]\d", h)]
    sample = (passages[: CLICKED // 2] + [h for h in distinct if h not in passages][: CLICKED // 4])
    sample += [h for h in dict.fromkeys(hrefs) if h not in sample][: CLICKED - len(sample)]
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    started = time.monotonic()
    for href in sample:
        link = page.locator(f"a[href='{href}']").first
        link.scroll_into_view_if_needed(timeout=2000)
        link.click(timeout=2000)
        target = href[1:]
        state = page.evaluate("""id => {
            const t = document.querySelector(':target');
            let lit = null;
            if (t && t.classList.contains('pa')) {  // a cited passage: its words get the highlight
                lit = false;
                for (let s = t.nextElementSibling; s; s = s.nextElementSibling)
                    if (getComputedStyle(s).backgroundColor === 'rgb(255, 216, 77)') { lit = true; break; }
            }
            return {hash: location.hash, target: t && t.id, lit: lit, scheme: location.protocol};
        }""", target)
        assert state["hash"] == href and state["target"] == target and state["scheme"] == "file:", (href, state)
        assert state["lit"] in (None, True), f"{href}: the cited words are not highlighted"
    assert time.monotonic() - started < 30
    assert visit.dialogs == [] and visit.requests == [] and page.evaluate("window.__pwned") is None

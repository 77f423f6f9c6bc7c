"""A bounded sample of the fuzz suite (tests/fuzzing.py) in the default run.

Every input parser (plain text, HTML, JSON/JSONL, feeds, WARC, gzip, manifest) gets generated,
often damaged, files and must read them or refuse them with a coded one-line error; report
rendering gets hostile strings in every shown field and must keep them as text. The full run
(100,000+ inputs, under a memory cap) is ``python benchmarks/fuzz.py``; each failure it found is
a regression test at the bottom of this file.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzzing
from newsprism.pipeline import Pipeline
from newsprism.store import Store

EXAMPLES = int(os.environ.get("NEWSPRISM_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.mark.parametrize("parser", sorted(fuzzing.INPUTS))
def test_parser_reads_or_refuses_with_a_coded_line(parser: str, workdir: Path) -> None:
    seen: dict[str, int] = {}

    @FUZZ
    @given(fuzzing.INPUTS[parser])
    def run(item: tuple[str, bytes]) -> None:
        out = fuzzing.read_input(item[0], item[1], workdir)
        for code, n in out.coded.items():
            seen[code] = seen.get(code, 0) + n
        seen["documents"] = seen.get("documents", 0) + out.documents

    run()
    assert seen, "the generator produced nothing the parser looked at"


@FUZZ
@given(st.binary(max_size=4096).flatmap(lambda b: st.one_of(st.just(b), fuzzing.damaged(gzip.compress(b, mtime=0)))))
def test_gunzip_never_passes_its_cap(data: bytes) -> None:
    fuzzing.gunzip_property(data)


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("fuzz-report")
    with Store(root / "db.sqlite") as store:
        _, data = Pipeline(store).analyze([str(seeds_dir)], str(root / "out"))
    return json.loads(json.dumps(data, default=str))


def test_report_renders_any_shown_string_as_text(seed_report: dict[str, Any]) -> None:
    base = fuzzing.Baseline.of(seed_report)

    @settings(max_examples=max(10, EXAMPLES // 4), deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(fuzzing.shown_value)
    def run(value: str) -> None:
        fuzzing.report_property(seed_report, value, base)

    run()


# -- regressions found by benchmarks/fuzz.py -------------------------------------------------
def test_report_property_can_fail(seed_report: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The property is not vacuous: a renderer that let one field through raw is caught."""
    import newsprism.report.build as build

    base = fuzzing.Baseline.of(seed_report)
    real = build.render_html
    monkeypatch.setattr(build, "render_html", lambda data: real(data).replace(
        "</body>", data["articles"][0]["title"] + "</body>"))
    with pytest.raises(fuzzing.Failure, match="markup in report.html"):
        fuzzing.report_property(seed_report, "<b>x</b>", base)


def test_deep_html_with_control_characters_is_read(workdir: Path, seeds_dir: Path) -> None:
    """Found by benchmarks/fuzz.py: unwrapping a deeply nested page raised lxml's ValueError
    ("All strings must be XML compatible") when a wrapper's tail held a control character."""
    seed = sorted(seeds_dir.glob("*.txt"))[1].read_text(encoding="utf-8")
    paras = "".join(f"<p>{p}</p>" for p in seed.split("\n") if p.strip())
    page = "<html><body>" + "<div>" * 300 + f"<article>{paras}</article>" + "</div>\x0b" * 300 + "</body></html>"
    out = fuzzing.read_input(".html", page.encode(), workdir)
    assert out.articles == 1


def test_feed_link_that_is_not_http_is_one_line_not_fetched(workdir: Path) -> None:
    """Found by benchmarks/fuzz.py: a summary-only entry linking to ``javascript:alert(1)`` was
    handed to the fetcher, which raised ValueError from urllib instead of a coded line."""
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
            "<item><title>x</title><link>javascript:alert(1)</link><description>short</description></item>"
            "<item><title>y</title><link>file:///etc/passwd</link><description>short</description></item>"
            "</channel></rss>")
    out = fuzzing.read_input(".rss", feed.encode(), workdir)
    assert out.coded == {"E105": 2} and out.documents == 0


def test_warc_record_whose_length_is_wrong_is_refused_quietly(tmp_path: Path, seeds_dir: Path,
                                                             capfd: pytest.CaptureFixture[str]) -> None:
    """Found by benchmarks/fuzz.py: a record whose Content-Length is shorter than its content
    was stored as a shorter article, and warcio printed its own warnings to the user's stderr."""
    import io
    import re

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=False)
    for i, seed in enumerate(sorted(seeds_dir.glob("*.txt"))[:2]):
        body = "".join(f"<p>{p}</p>" for p in seed.read_text(encoding="utf-8").split("\n") if p.strip())
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(f"https://e.example/{i}", "response", http_headers=http,
                                            payload=io.BytesIO(f"<html><body><article>{body}</article></body></html>".encode())))
    data = buf.getvalue()
    first = re.search(rb"Content-Length: (\d+)", data)
    assert first is not None
    short = str(int(first.group(1)) - 400).encode()
    data = data[:first.start(1)] + short + b" " * (len(first.group(1)) - len(short)) + data[first.end(1):]
    capfd.readouterr()
    out = fuzzing.read_input(".warc", data, tmp_path)
    assert out.coded.get("E111") == 1 and out.articles == 1, out  # the second record only
    assert capfd.readouterr().err == ""


def test_json_lone_surrogates_are_replaced_not_a_crash(workdir: Path, seeds_dir: Path) -> None:
    """Found by benchmarks/fuzz.py: JSON may escape a lone UTF-16 surrogate (``"\\udbab"``), which
    Python decodes into a str that cannot be encoded: hashing the article id raised
    UnicodeEncodeError. Such characters now read as U+FFFD, in records and in manifests."""
    text = sorted(seeds_dir.glob("*.txt"))[1].read_text(encoding="utf-8")
    record = json.dumps({"text": text.replace(". ", ". \udbab ", 3), "title": "Visit \ud9d4", "source": "Wire \udc00"})
    out = fuzzing.read_input(".jsonl", record.encode(), workdir)
    assert out.articles == 1 and out.coded == {}
    manifest = json.dumps({"path": "a.txt", "outlet": "Out\udbablet"}).encode()
    assert fuzzing.read_input("manifest.jsonl", manifest, workdir).coded == {}

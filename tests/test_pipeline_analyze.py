"""End to end: `analyze` on the seeds and on the bundled example corpus (real input, no mocks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import newsprism
from newsprism.cli import main

SEED = {
    "000": "000_3e0402df3bf7cf2f", "001": "001_89bc57a796e3b746", "002": "002_4380f3748c57aef3",
    "003": "003_0512410d516e8f42", "004": "004_6d9064bd1dbd574f",
}


def _analyze(src: Path, tmp: Path) -> dict:
    out = tmp / "out"
    result = CliRunner().invoke(main, ["analyze", str(src), "-o", str(out), "--db", str(tmp / "s.db"), "-q"])
    assert result.exit_code == 0, result.output
    for name in ("report.json", "report.md", "report.html"):
        assert (out / name).stat().st_size > 1000
    return newsprism.read_report(out / "report.json")


@pytest.fixture(scope="module")
def seeds_report(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _analyze(seeds_dir, tmp_path_factory.mktemp("seeds"))


@pytest.fixture(scope="module")
def examples_report(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _analyze(examples_dir, tmp_path_factory.mktemp("examples"))


def _by_file(report: dict) -> dict[str, dict]:
    out = {}
    for a in report["articles"]:
        loc = a["origin"]["location"]
        out[Path(loc.split("#")[0]).stem + ("#" + loc.split("#")[1] if "#" in loc else "")] = a
    return out


def test_analyze_seeds_form_one_story(seeds_report: dict) -> None:
    assert len(seeds_report["articles"]) == 5
    assert len(seeds_report["stories"]) == 1
    assert len(seeds_report["stories"][0]["members"]) == 5
    assert seeds_report["stories"][0]["independent_outlets"] == 5


def test_analyze_seeds_dates_settled_from_story(seeds_report: dict) -> None:
    arts = _by_file(seeds_report)
    a003, a004, a002 = arts[SEED["003"]], arts[SEED["004"]], arts[SEED["002"]]
    assert a002["published"]["value"] == "2024-06-18"
    assert a003["published"]["value"] == "2024-06-17"
    assert a004["published"]["value"] == "2024-06-18"
    assert any(e["source"] == "story" for e in a003["published"]["evidence"])
    header = [e for e in a003["published"]["evidence"] if e["source"] == "header_line"]
    assert header and header[0]["value"] == "2024-12-23" and header[0]["confidence"] <= 0.1
    assert "crawl date" in header[0]["note"]
    assert a003["published"]["conflict"] is True


def test_analyze_seeds_relative_times_reresolved(seeds_report: dict) -> None:
    a003 = _by_file(seeds_report)[SEED["003"]]
    tomorrow = [t for t in a003["times"] if t["span"]["text"].lower() == "tomorrow"]
    assert tomorrow and all(t["value"] == "2024-06-18" and t["anchor"] == "2024-06-17" for t in tomorrow)


def test_analyze_seeds_month_dated_articles_resolve_month_days(seeds_report: dict) -> None:
    """000 is stamped 2024-06 and 001 gets 2024-06 from its story: month-days need only the year."""
    arts = _by_file(seeds_report)
    a000, a001 = arts[SEED["000"]], arts[SEED["001"]]
    assert (a000["published"]["value"], a000["published"]["precision"]) == ("2024-06", "month")
    t000 = {(t["span"]["text"], t["value"], t["anchor"]) for t in a000["times"] if t["kind"] == "relative"}
    assert {("June 18", "2024-06-18", "2024-06"), ("June 16", "2024-06-16", "2024-06"),
            ("March 19", "2024-03-19", "2024-06"), ("on the eve of", None, "2024-06")} == t000
    (r,) = [t for t in a001["times"] if t["span"]["text"] == "June 18-19"]
    assert (r["value"], r["precision"], r["anchor"]) == ("2024-06-18/2024-06-19", "interval", "2024-06")


def test_analyze_seeds_story_evidence_listed_once(seeds_report: dict) -> None:
    """003's two "tomorrow"s align with the same passage of 002: one evidence item, counted."""
    evidence = _by_file(seeds_report)[SEED["003"]]["published"]["evidence"]
    story = [(e["value"], e["note"].split(" in this article")[0], e["note"].split(": ", 1)[1]) for e in evidence if e["source"] == "story"]
    assert len(story) == len(set(story)) >= 1
    assert any(n == "“tomorrow” (2 mentions)" for _, n, _ in story)


def test_analyze_seeds_vague_figure_displayed_with_its_words(seeds_report: dict) -> None:
    (n,) = [n for n in _by_file(seeds_report)[SEED["001"]]["numbers"] if n["span"]["text"] == "hundreds of thousands"]
    assert (n["value"], n["approx"]) == (100_000, "hundreds of")  # stored: the lower bound
    assert n["display"] == "hundreds of thousands (≥100,000) Russians"


def test_analyze_seeds_every_story_passage_is_verbatim(seeds_report: dict) -> None:
    arts = {a["id"]: a for a in seeds_report["articles"]}
    comparison = seeds_report["stories"][0]["comparison"]
    checked = 0

    def walk(node: object) -> None:
        nonlocal checked
        if isinstance(node, dict):
            if {"article", "start", "end", "text"} <= node.keys() and node["article"] in arts:
                a = arts[node["article"]]
                fld = node.get("field", "text")
                source = a["text"] if fld == "text" else (a["title"] or "") if fld == "title" else a["captions"][node["index"]]
                assert source[node["start"]:node["end"]] == node["text"]
                checked += 1
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(comparison)
    assert checked > 50


def test_analyze_examples_keeps_lookalike_events_apart(examples_report: dict, examples_dir: Path) -> None:
    answers = json.loads((examples_dir.parent / "ANSWERS.json").read_text(encoding="utf-8"))
    arts = _by_file(examples_report)
    story_of = {}
    for s in examples_report["stories"]:
        for aid in s["members"]:
            story_of[aid] = s["id"]
    gold = [[arts[Path(f).stem if "#" not in f else Path(f.split("#")[0]).stem + "#" + f.split("#")[1]]["id"] for f in group] for group in answers["stories"]]
    for group in gold:
        assert len({story_of[i] for i in group}) == 1
    assert story_of[gold[0][0]] != story_of[gold[1][0]]


def test_analyze_examples_links_syndicated_copy(examples_report: dict, examples_dir: Path) -> None:
    answers = json.loads((examples_dir.parent / "ANSWERS.json").read_text(encoding="utf-8"))
    arts = _by_file(examples_report)
    for copy, original in answers["syndicated"]:
        assert arts[Path(copy).stem]["duplicate_of"] == arts[Path(original).stem]["id"]

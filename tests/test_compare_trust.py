"""What a reader is told is corroborated must be: briefing lines count only the outlets that
state the line's claim, details resting on one outlet say so, and spelling slips inside one
article are not disagreements between reports. Checked on the seeds through the real CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import newsprism


@pytest.fixture(scope="module")
def seeds_comparison(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("trust")
    subprocess.run([sys.executable, "-m", "newsprism", "analyze", str(seeds_dir), "-o", str(out / "r"), "--db", str(out / "s.db")],
                   check=True, capture_output=True, timeout=600)
    report = newsprism.read_report(out / "r" / "report.json")
    assert len(report["stories"]) == 1
    return report["stories"][0]["comparison"]


def _seed_texts(seeds_dir: Path) -> dict[str, str]:
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in seeds_dir.iterdir()}


def test_a_figure_one_seed_gives_is_never_counted_for_others(seeds_comparison: dict[str, Any], seeds_dir: Path) -> None:
    # gold from the texts themselves: which seeds state each figure a briefing line carries
    texts = _seed_texts(seeds_dir)
    for line in seeds_comparison["briefing"]["summary"]:
        for d in line["details"]:
            if d["kind"] != "figure" or not re.search(r"\d", d["text"]):
                continue
            digits = re.sub(r"[^\d.]", "", d["text"])
            stating = {k for k, t in texts.items() if digits in re.sub(r"(?<=\d),(?=\d)", "", t)}
            assert {o[:3] for o in d["outlets"]} <= stating, (line["text"], d)


def test_counted_outlets_each_have_a_cited_passage(seeds_comparison: dict[str, Any]) -> None:
    for line in seeds_comparison["briefing"]["summary"]:
        cited = {p["outlet"] for p in line["citations"]}
        assert set(line["outlets"]) == cited and line["independent_outlets"] <= len(cited)
        assert not cited & {x["outlet"] for x in line["partial"]}  # partial support is never counted
        assert line["single_source"] == (line["independent_outlets"] == 1)


def test_the_decorated_streets_are_one_outlet_s_claim(seeds_comparison: dict[str, Any], seeds_dir: Path) -> None:
    # only one seed describes the decorated streets; a line saying so cannot count four outlets
    texts = _seed_texts(seeds_dir)
    assert sum("decorated" in t for t in texts.values()) == 1
    for line in seeds_comparison["briefing"]["summary"]:
        if "decorated" in line["text"]:
            assert line["independent_outlets"] == 1


def test_a_name_spelt_two_ways_in_one_article_is_no_conflict(seeds_comparison: dict[str, Any]) -> None:
    for c in seeds_comparison["conflicts"]:
        if c["kind"] == "name":
            arts = [{p["article"] for p in side["passages"]} for side in c["sides"]]
            assert not set.intersection(*arts), c


def test_events_group_passages_of_several_outlets_without_swallowing_the_story(seeds_comparison: dict[str, Any]) -> None:
    events = seeds_comparison["events"]
    shared = [e for e in events if not e["single_source"]]
    assert len(shared) >= 5
    passages = sum(len(e["passages"]) for e in events)
    # no event holds most of the story's passages (one "event" per story would tell a reader nothing)
    assert max(len(e["passages"]) for e in events) <= 0.3 * passages
    assert any(p["field"] == "title" for e in events for p in e["passages"])  # headlines take part


def test_every_passage_of_an_event_states_one_of_its_trigger_words(seeds_comparison: dict[str, Any]) -> None:
    from newsprism.extract.nlp import get_nlp

    nlp = get_nlp()
    shown = [e for e in seeds_comparison["events"] if e["eventive"] and not e["single_source"]]
    assert shown and all(e["triggers"] for e in shown)
    for e in shown[:15]:  # what the report lists
        for p in e["passages"]:
            lemmas = {t.lemma_.lower() for t in nlp(p["text"])}
            assert lemmas & set(e["triggers"]), (e["triggers"], p["text"])


def test_one_number_about_two_things_is_not_one_figure() -> None:
    from newsprism.compare.events import same_figure

    # regression (ECB+): "rebounding (10.0)" was credited as the "last 10 games" of another outlet
    assert not same_figure((10.0, "", "", False), (10.0, "games", "", False))
    # the same count, once with its noun and once without, is one figure when what it counts agrees
    assert same_figure((4200.0, "", "evacuate", True), (4200.0, "people", "evacuate", True))
    assert not same_figure((12.0, "people", "kill", False), (12.0, "people", "injure", False))


def test_no_briefing_line_credits_an_outlet_with_a_figure_its_passages_lack(seeds_comparison: dict[str, Any]) -> None:
    from newsprism.evaluate.corroboration import briefing_overclaims

    audit = briefing_overclaims([seeds_comparison])
    assert audit["lines"] >= 5 and audit["overclaims"] == []


def test_other_sources_of_a_line_are_shown_as_variants_each_from_its_own_passage(seeds_comparison: dict[str, Any]) -> None:
    facts = {f["id"]: f for f in seeds_comparison["facts"]}
    shown = 0
    for line in seeds_comparison["briefing"]["summary"]:
        for d in line["details"]:
            for v in d.get("variants", []):
                shown += 1
                assert v["text"].lower() != d["text"].lower()
                giving = {p["outlet"] for p in facts[line["fact"]]["passages"] if v["text"] in (p.get("sources") or [])}
                assert set(v["outlets"]) <= giving, (line["text"], v)
    # the seeds attribute the arms estimate to the South Korean ministry, to South Korea, to "South
    # Korea and Kyiv" and to "Seoul, Washington and Kyiv": a reader sees them side by side
    assert shown >= 1


def test_overclaim_audit_reads_a_spelled_out_hundred() -> None:
    """Regression: the audit flagged an outlet credited with "100" whose passage says "more than
    a hundred people" (ECB+ topic 19)."""
    from newsprism.evaluate.corroboration import _numbers

    assert "100" in _numbers("more than a hundred people joined the vigil")
    assert "12" in _numbers("a dozen officers") and "100" not in _numbers("a hundredth of a second")
    # one value however it is written (ECB+ topic 36: "$334 million" and "$334m")
    assert _numbers("a $334 million bet") == _numbers("for $334m.") == _numbers("334,000,000 dollars")
    assert _numbers("one million dollars") == _numbers("$1 million") != _numbers("$1")
    assert _numbers("a 100km drive") == {"100"}


_SENSE_ID = re.compile(r"\b[a-z_]+\.[nvasr]\.\d\d\b")


def test_no_wordnet_sense_id_reaches_a_reader(seeds_comparison: dict[str, Any]) -> None:
    # the compare stage keys happenings by WordNet sense ("meet.v.01"); subjects and reasons
    # shown to a reader say the word ("meet"). Regression: place conflict "meet.v.01: Kim ..."
    shown = [c["subject"] for c in seeds_comparison["conflicts"]] + [c["reason"] for c in seeds_comparison["conflicts"]]
    shown += [r.get("reason", "") for r in seeds_comparison.get("related_figures", [])]
    assert shown and not [s for s in shown if _SENSE_ID.search(s)]


def test_concepts_read_as_words_and_group_nouns_name_no_happening() -> None:
    from newsprism.compare.vocabulary import EVENT_NOUN_CONCEPTS, concept_word

    assert concept_word("meet.v.01") == "meet" and concept_word("give_way.v.01") == "give way"
    assert concept_word("people") == "people"
    # "people", "crowd", "staff" give WordNet verbs ("to people a town"); they are no happening, so
    # "12 people" counts no "people.v.01". A gathering spelt apart from its verb still is one.
    assert not {"people", "crowd", "staff", "team"} & set(EVENT_NOUN_CONCEPTS)
    assert "meeting" in EVENT_NOUN_CONCEPTS and "conference" in EVENT_NOUN_CONCEPTS


def _number_conflicts(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for s in report["stories"] for c in s.get("comparison", {}).get("conflicts", []) if c["kind"] == "number"]


def test_conflicts_never_pit_an_article_against_itself_nor_equal_values(tmp_path: Path, data_dir: Path) -> None:
    """Regression (briefing-dev, real reports of the 2019 Ethiopian Airlines crash): the same
    article's "157 people died" (this crash) and "189" (the Lion Air crash it recalls) were two
    sides of one conflict, and other stories listed "three" on two sides. An article that gives
    differing values for a thing takes no side; equal values are one side."""
    recs = [json.loads(line) for line in (data_dir / "briefing-dev" / "allsides_roundups_dev.jsonl").open(encoding="utf-8")]
    corpus = tmp_path / "crash.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in recs if r["cluster_id"] == "neus-train-0567"), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "newsprism", "analyze", str(corpus), "-o", str(tmp_path / "r"),
                    "--db", str(tmp_path / "s.db"), "-q"], check=True, capture_output=True, timeout=600)
    report = newsprism.read_report(tmp_path / "r" / "report.json")
    for c in _number_conflicts(report):
        values = [{f["value"] for f in side["figures"]} for side in c["sides"]]
        articles = [{f["article"] for f in side["figures"]} for side in c["sides"]]
        for i in range(len(values)):
            for j in range(i + 1, len(values)):
                assert not values[i] & values[j], c["reason"]
                assert not articles[i] & articles[j], c["reason"]
        assert not ({157.0, 189.0} <= {v for vs in values for v in vs}), c["reason"]

"""The compare stage on the fictional example corpus, checked against its answer key.

examples/ANSWERS.json plants conflicts (a death toll, a place, a date), figures that must *not*
be opposed, corroborated and single-source facts, a timeline and loaded words. Each capability
has its own test. Skipped with the reason when the corpus or a needed stage is missing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from newsprism.compare import compare_story
from newsprism.compare.common import verify_passages
from newsprism.extract.annotate import annotate_many
from newsprism.model import Article, Story
from newsprism.stories.settle import settle_dates


def _file(a: Article) -> str:
    return Path(a.origin.location).name


@pytest.fixture(scope="module")
def example(examples_dir: Path) -> tuple[dict[str, Any], list[Article], dict[str, Any]]:
    answers_path = examples_dir.parent / "ANSWERS.json"
    if not examples_dir.is_dir() or not answers_path.is_file():
        pytest.skip("examples/corpus or examples/ANSWERS.json not present")
    from newsprism.clean import clean_document
    from newsprism.clean.dedup import DuplicateIndex, signature
    from newsprism.errors import InputError
    from newsprism.ingest.sources import Ingestor

    answers = json.loads(answers_path.read_text(encoding="utf-8"))
    arts = [clean_document(d) for d in Ingestor().iter_documents([str(examples_dir)]) if not isinstance(d, InputError)]
    index = DuplicateIndex()
    for a in arts:  # the pipeline links syndicated copies before extraction
        sig = signature(a.text)
        hit = index.find(a.id, sig)
        if hit:
            a.duplicate_of, a.duplicate_score = hit[0], hit[1]
        index.add(a.id, sig)
    story_a = set(answers["stories"][0])
    members = annotate_many([a for a in arts if _file(a) in story_a])
    settle_dates(members)
    return answers, members, compare_story(Story("dravo"), members)


def _outlet_files(answers: dict[str, Any], outlets: list[str]) -> set[str]:
    return {f for f, o in answers["outlets"].items() if o in outlets}


def test_compare_examples_traceable(example) -> None:  # type: ignore[no-untyped-def]
    _, arts, comparison = example
    assert verify_passages(comparison, arts) == []


def test_compare_examples_death_toll_conflict(example) -> None:  # type: ignore[no-untyped-def]
    answers, _, comparison = example
    planted = next(c for c in answers["conflicts"] if c["kind"] == "number")
    found = [c for c in comparison["conflicts"] if c["kind"] == "number"]
    assert found, "12 dead vs 9 dead is a number conflict"
    sides = [_outlet_files(answers, s["outlets"]) for s in found[0]["sides"]]
    twelve, nine = set(planted["sides"][0]["files"]), set(planted["sides"][1]["files"])
    assert any(s & twelve and not s & nine for s in sides)
    assert any(s & nine and not s & twelve for s in sides)
    assert any("Interior Ministry" in src for s in found[0]["sides"] for src in s["sources"])


@pytest.mark.xfail(strict=True, reason="lost with the hand-written paraphrase classes (issue 14): WordNet's first senses "
                   "do not make 'told reporters' and 'speaking at a press conference' one happening; it should come back with a general event-word similarity")
def test_compare_examples_place_conflict(example) -> None:  # type: ignore[no-untyped-def]
    answers, _, comparison = example
    found = [c for c in comparison["conflicts"] if c["kind"] == "place"]
    assert found, "where Solvik spoke on 12 March is a place conflict"
    values = " | ".join(s["value"] for s in found[0]["sides"])
    assert "Mirela City Hall" in values and "Interior Ministry" in values


@pytest.mark.xfail(strict=True, reason="lost with the hand-written paraphrase classes (issue 14): WordNet's first senses "
                   "do not make 'gave way' and 'failed' one happening; it should come back with a general event-word similarity")
def test_compare_examples_date_conflict(example) -> None:  # type: ignore[no-untyped-def]
    answers, _, comparison = example
    found = [c for c in comparison["conflicts"] if c["kind"] == "date"]
    assert found, "when the gate gave way (Tuesday vs Monday night) is a date conflict"
    by_value = {s["value"]: _outlet_files(answers, s["outlets"]) for s in found[0]["sides"]}
    assert "drevna-mail.txt" in by_value.get("2025-03-10", set())
    assert by_value.get("2025-03-11", set()) & {"cpa-wire.txt", "nordvale-online.txt", "kalva-valley-post.jsonl#1"}


def test_compare_examples_no_false_number_conflicts(example) -> None:  # type: ignore[no-untyped-def]
    answers, arts, comparison = example
    files = {a.id: _file(a) for a in arts}
    for c in comparison["conflicts"]:
        if c["kind"] != "number":
            continue
        side_texts = [{(files[f["article"]], f["passage"]["text"]) for f in s["figures"]} for s in c["sides"]]
        for nc in answers["not_conflicts"]:
            a, b = nc["a"], nc["b"]
            for x, y in ((a, b), (b, a)):
                in_x = [k for k, s in enumerate(side_texts) if any(fl == x["file"] and x["text"] in t for fl, t in s)]
                in_y = [k for k, s in enumerate(side_texts) if any(fl == y["file"] and y["text"] in t for fl, t in s)]
                assert not (in_x and in_y and set(in_x) != set(in_y)), f"{nc['why']}: opposed in {c['id']}"
    # at most the three planted conflicts plus spelling variants: precision over recall
    assert len([c for c in comparison["conflicts"] if c["kind"] != "name"]) <= 4


def test_compare_examples_corroboration_counts_copies_once(example) -> None:  # type: ignore[no-untyped-def]
    answers, arts, comparison = example
    files = {a.id: _file(a) for a in arts}
    covered = 0
    for item in answers["corroborated"]:
        want = set(item["files"])
        best = max((len({files[p["article"]] for p in f["passages"]} & want) for f in comparison["facts"]), default=0)
        covered += best >= 2
    assert covered >= len(answers["corroborated"]) - 1  # measured: 6 of 6
    for f in comparison["facts"]:
        fs = {files[p["article"]] for p in f["passages"]}
        if {"cpa-wire.txt", "northern-ledger.txt"} <= fs:
            outlets_without_copy = {p["outlet"] for p in f["passages"] if files[p["article"]] != "northern-ledger.txt"}
            assert f["independent_outlets"] == len(outlets_without_copy)


def test_compare_examples_same_figure_worded_differently_is_one_fact(example) -> None:  # type: ignore[no-untyped-def]
    """Regression: "About 3,000 homes were flooded, Mayor Varga-Orsi told the Post" and "About
    3,000 homes are under water, according to the city council" stood alone next to the wire's
    "About 3,000 homes were flooded in the low-lying districts ...": one quantity of one thing
    (events.same_claim) makes them one fact, with the other counts still apart."""
    answers, arts, comparison = example
    files = {a.id: _file(a) for a in arts}
    want = set(next(c for c in answers["corroborated"] if "3,000" in c["fact"])["files"])
    homes = [f for f in comparison["facts"] if any("3,000 homes" in p["text"] for p in f["passages"])]
    assert len(homes) == 1
    assert {files[p["article"]] for p in homes[0]["passages"]} >= want  # measured: all 4 (+ the wire copy)
    assert not any("4,200" in p["text"] or "450" in p["text"] for p in homes[0]["passages"])


def test_compare_examples_single_source_facts_stay_single(example) -> None:  # type: ignore[no-untyped-def]
    _, _, comparison = example
    for needle in ("18 million verants", "about 450 people", "50 million verants", "completed in 1971"):
        facts = [f for f in comparison["facts"] if any(needle in p["text"] for p in f["passages"])]
        assert facts, needle
        assert all(f["independent_outlets"] == 1 for f in facts), needle


def test_compare_examples_timeline(example) -> None:  # type: ignore[no-untyped-def]
    answers, _, comparison = example
    dates = {d for e in comparison["timeline"] for d in e["dates"]}
    expected = {t["date"] for t in answers["timeline"] if t["story"] == 0}
    found = {d for d in expected if any(x.startswith(d) for x in dates)}
    # measured: 6 of 7 (the time extractor reads "until Monday" as the past Monday, not 17 March)
    assert len(found) >= len(expected) - 1, sorted(expected - found)
    starts = [e["start"] for e in comparison["timeline"]]
    assert starts == sorted(starts)


def test_compare_examples_loaded_language(example) -> None:  # type: ignore[no-untyped-def]
    answers, arts, comparison = example
    outlets = {o["outlet"]: o for o in comparison["framing"]["outlets"]}
    found = 0
    for item in answers["loaded_language"]:
        o = outlets[answers["outlets"][item["file"]]]
        words = re.findall(r"[a-z]+", item["phrase"].lower())
        found += any(any(w in h["passage"]["text"].lower() for w in words) for h in o["loaded_hits"])
    assert found >= len(answers["loaded_language"]) - 2  # measured 7 of 8 ("night of terror" is in a headline)
    for name in answers["neutral_outlets"]:
        assert outlets[name]["loaded_own_voice"] == 0, name


def test_compare_examples_labels(example) -> None:  # type: ignore[no-untyped-def]
    answers, _, comparison = example
    fr = comparison["framing"]
    ids = {a["name"]: a["id"] for a in fr["actors"]}
    outlets = {o["outlet"]: o for o in fr["outlets"]}
    hits = 0
    total = 0
    for person, per_outlet in answers["labels"].items():
        actor = next((i for n, i in ids.items() if person in n or n in person), None)
        if actor is None:
            continue
        for outlet, label in per_outlet.items():
            total += 1
            labels = [lab["label"].lower() for lab in outlets[outlet]["actors"][actor]["labels"]]
            hits += any(label.lower() in x or x in label.lower() for x in labels)
    assert total >= 6 and hits >= total - 1  # measured: all 8


def test_compare_examples_timeline_rows_merging_conflict_sides_are_disputed(example) -> None:  # type: ignore[no-untyped-def]
    """The 11 March row merges the death-toll sides: it links the conflict and is labelled with a
    passage that takes no side. (It also merged the planted date conflict until issue 14 lost
    that conflict with the hand-written word classes: see the strict xfail above.)"""
    from newsprism.compare.common import disputed_passages, passage_key

    _, _, comparison = example
    kinds = {c["id"]: c["kind"] for c in comparison["conflicts"]}
    disputed = disputed_passages(comparison["conflicts"])
    rows = [e for e in comparison["timeline"] if e["date"] == "2025-03-11" and e["disputed"]]
    assert rows
    assert {kinds[c] for e in rows for c in e["disputed"]} >= {"number"}
    for e in comparison["timeline"]:
        if any(passage_key(p) not in disputed for p in e["passages"]):
            assert passage_key(e["label"]) not in disputed, e["label"]["text"]
    assert all(passage_key(e["label"]) not in disputed for e in rows)


def test_compare_examples_briefing_opens_with_the_lead_and_reads_in_story_order(example) -> None:  # type: ignore[no-untyped-def]
    """Regression: the briefing listed lines in selection order, so it opened with a detail (the
    time the gate gave way) and the lead about the dam failure came ninth."""
    _, arts, comparison = example
    summary = comparison["briefing"]["summary"]
    assert "spillway gate" in summary[0]["text"] and re.search(r"failed|gave way", summary[0]["text"])
    by_id = {a.id: a for a in arts}

    def rel(item: dict[str, Any]) -> float:
        p = item["passage"]
        return p["start"] / len(by_id[p["article"]].text)

    assert rel(summary[0]) < 0.1
    assert rel(summary[0]) <= min(rel(i) for i in summary[1:]) + 1e-9


def test_compare_examples_a_report_date_is_no_event_date_in_a_conflict(example) -> None:  # type: ignore[no-untyped-def]
    """Regression: "Twelve people died in the flood, the mayor's office said on Wednesday" was one
    side of a date conflict (Wednesday against Tuesday): the date of the report was read as the
    date of the deaths. Reporting dates are reference times, never a conflict's value."""
    _, _, comparison = example
    for c in comparison["conflicts"]:
        if c["kind"] != "date":
            continue
        for side in c["sides"]:
            texts = [p["text"] for p in side.get("passages", side.get("citations", []))]
            assert not any(re.search(r"\bsaid on \w+day\.?$", t) for t in texts), texts


def test_compare_examples_names_differing_only_by_an_accent_are_no_conflict(example) -> None:  # type: ignore[no-untyped-def]
    # ANSWERS.json lists "Pavel Kostic" and "Pavel Kostić" as one entity: dropping an accent is a
    # transliteration choice, not a disagreement between reports (issue 14, item 4)
    import unicodedata

    def fold(s: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower()

    _, _, comparison = example
    for c in comparison["conflicts"]:
        if c["kind"] == "name":
            assert len({fold(s["value"]) for s in c["sides"]}) == len(c["sides"]), c

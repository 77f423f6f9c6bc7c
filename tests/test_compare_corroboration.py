"""``newsprism eval corroboration``: outlet recall / precision of facts against gold claims.

Gold: examples/ANSWERS.json (own labelling of the fictional corpus) and
tests/data/corroboration_seeds.json (own labelling of six claims of ../shared/seeds). The floors
sit a little below the measured values, which are written next to them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsprism.evaluate.corroboration import DEFAULT_FILE, command, evaluate_corroboration, read_gold, states

DATA = Path(__file__).parent / "data"
SEEDS_GOLD = DATA / "corroboration_seeds.json"


def test_compare_corroboration_reads_the_answer_key() -> None:
    gold = read_gold(DEFAULT_FILE)
    assert gold.own_answers
    assert len(gold.corroborated) == 6 and len(gold.single) == 8
    # not_conflicts whose 'why' says they are one fact are not "different things"
    assert gold.different and not any(p.why.startswith("same") or "same fact" in p.why for p in gold.different)
    copies = next(g for g in gold.single if "1971" in g.fact)
    assert copies.optional == ["northern-ledger.txt"]


def test_compare_corroboration_reads_jsonl(tmp_path: Path) -> None:
    f = tmp_path / "gold.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in [
        {"fact": "a", "files": ["x.txt", "y.txt"], "keys": ["alpha"]},
        {"kind": "single_source", "fact": "b", "file": "x.txt", "quote": "beta gamma"},
        {"why": "different", "a": {"file": "x.txt", "text": "one"}, "b": {"file": "y.txt", "text": "two"}},
    ]) + "\n", encoding="utf-8")
    gold = read_gold(f)
    assert [g.fact for g in gold.corroborated] == ["a"]
    assert gold.single[0].keys == ["beta gamma"] and gold.single[0].files == ["x.txt"]
    assert gold.different[0].a == ("x.txt", "one")


def test_compare_corroboration_claim_keys() -> None:
    gold = read_gold(SEEDS_GOLD)
    visit = gold.corroborated[0]
    assert states(visit, "ahead of his first visit to the country since 2000")
    assert states(visit, "He made his first trip just months into his first-ever presidential term 24 years ago")
    assert not states(visit, "On Tuesday, June 18, Vladimir Putin began his visit to North Korea.")
    supply = gold.corroborated[1]
    assert states(supply, "North Korea had sent about 7,400 containers of ammunition to Russia")  # words start words
    assert not states(supply, "Seoul is a major weapons exporter to Kyiv")
    # no keys: half the fact's words (crudely stemmed) and every figure
    answers = read_gold(DEFAULT_FILE)
    homes = next(g for g in answers.corroborated if "3,000" in g.fact)
    assert states(homes, "About 3,000 homes are under water, according to the city council.")
    assert not states(homes, "About 600 homes were flooded.")


@pytest.fixture(scope="module")
def examples_result(examples_dir: Path) -> dict:
    if not examples_dir.is_dir():
        pytest.skip("examples/corpus not present")
    return evaluate_corroboration(DEFAULT_FILE)


@pytest.fixture(scope="module")
def seeds_result(seeds_dir: Path) -> dict:
    return evaluate_corroboration(SEEDS_GOLD, seeds_dir)


def test_compare_corroboration_examples_floor(examples_result: dict) -> None:
    # Measured (MiniLM embeddings): outlet recall 0.826 (19 of 23 gold outlets; 0.696 before
    # background claims, claim links and the join pass), precision 0.952 (0.941 before), no false
    # merges. The misses: The Drevna Mail dates the gate failure to Monday night (a planted date
    # conflict, kept apart on purpose); Kalva Valley Post names the gate failure only inside "an
    # inquiry into the failure of ..." (no date of its own) and its "failed at about 2:40 a.m."
    # sits in a sentence about the minister; The Mirela Courier's "Solvik, who on Wednesday
    # promised an independent inquiry" links to the inquiry fact just under the threshold.
    # Without the embedding model (lexical alignment): recall 0.826 (was 0.652), precision 0.870 (0.833).
    o = examples_result["overall"]
    assert "our own labelling" in examples_result["note"]
    assert o["outlet_recall"] >= 0.80
    assert o["outlet_precision"] >= (0.92 if examples_result["similarity"] == "embeddings" else 0.85)
    assert o["false_merges"] == 0
    assert o["single_source_checked"] == 8


def test_compare_corroboration_seeds_floor(seeds_result: dict) -> None:
    # Measured: outlet recall 0.750, precision 1.000, no false merges; lexical alignment: recall
    # 0.600, precision 1.000. Before issue 14 replaced the hand-written word classes with WordNet's
    # (tools/derive_wordnet.py) recall was 0.950 / 0.700: the (supply, arms) frame, "praise" ~
    # "thank" and "trip" ~ "visit" were written for these seeds. Precision and false merges held.
    o = seeds_result["overall"]
    assert o["outlet_recall"] >= (0.73 if seeds_result["similarity"] == "embeddings" else 0.58)
    assert o["outlet_precision"] >= 0.95
    assert o["false_merges"] == 0
    assert not seeds_result["missing_files"]
    by_fact = {r["fact"]: r for r in seeds_result["facts"]}
    assert by_fact["Putin's visit is his first to North Korea since 2000"]["found"] >= 3  # measured 4 (was 2); lexical 3
    # measured 2 with either alignment; 4 with the seeds' own (supply, arms) frame, removed in issue 14
    assert by_fact["North Korea supplies weapons and munitions to Russia"]["found"] >= 2


def test_compare_corroboration_cli_prints_the_table_and_the_note(examples_dir: Path, tmp_path: Path) -> None:
    if not examples_dir.is_dir():
        pytest.skip("examples/corpus not present")
    result = CliRunner().invoke(command, ["--lexical"])
    assert result.exit_code == 0, result.output
    assert "Corroboration" in result.output and "overall (micro)" in result.output
    assert "our own labelling" in result.output
    result = CliRunner().invoke(command, [str(SEEDS_GOLD), "--corpus", str(tmp_path), "--json"])
    assert result.exit_code != 0 and "nothing ingested" in result.output

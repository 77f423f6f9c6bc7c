"""``newsprism eval framing``: the loaded-language detector scored on labelled spans."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsprism.evaluate.framing import command, evaluate_framing, read_labelled

DATA = Path(__file__).parent / "data"


def test_compare_eval_framing_jsonl_scores_above_floor() -> None:
    # Own labelled sentences (tests/data/loaded_language.jsonl, 71 lines, 38 gold spans).
    # Measured: exact P 1.000 R 0.947 F1 0.973; overlap the same. The misses are words the
    # lexicon does not list ("embattled", "hailed"); it was written before these sentences were
    # labelled, then extended once, so the floors sit a little below the measured values.
    # Lexicon v2 dropped entries that came from our own corpora and are not attested as loaded
    # in SemEval-2020 T11 ("pariah", "iron fist" among them): these sentences were written by the
    # same hands, and recall on them fell to 0.895 (34/38) by design; the floor follows it.
    res = evaluate_framing(DATA / "loaded_language.jsonl")
    assert res["documents"] == 71
    assert res["exact"]["f1"] >= 0.90
    assert res["exact"]["precision"] >= 0.92
    assert res["overlap"]["recall"] >= 0.88
    assert res["label_exact"]["f1"] >= 0.90


def test_compare_eval_framing_reads_brat() -> None:
    docs = read_labelled(DATA / "loaded_language_brat")
    assert [d.name for d in docs] == ["doc1", "doc2"]
    for d in docs:
        for s, e, _ in d.spans:
            assert d.text[s:e].strip() == d.text[s:e] and d.text[s:e]
    res = evaluate_framing(DATA / "loaded_language_brat")
    assert res["exact"]["f1"] >= 0.99  # measured 1.0 (4 spans)


def test_compare_eval_framing_cli_json() -> None:
    result = CliRunner().invoke(command, [str(DATA / "loaded_language.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["exact"]) == {"precision", "recall", "f1"}

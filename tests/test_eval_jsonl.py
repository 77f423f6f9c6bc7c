"""Every evaluation command that reads a labelled JSONL file names the broken line of a bad file
in one line (``file:line``), with no traceback: the shared reader ``evaluate.jsonl``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsprism.cli import main
from newsprism.evaluate.jsonl import parse_rows, read_jsonl

GOOD = {
    "alignment": {"doc_id": "d1", "topic": 1, "cluster_id": "c1", "text": "A dam failed.", "sentences": []},
    "clustering": {"id": "d1", "cluster_id": "c1", "text": "A dam failed."},
    "framing": {"text": "A dam failed.", "spans": []},
    "timex": {"text": "A dam failed on Monday.", "expr": "Monday", "start": 16},
}


@pytest.mark.parametrize("command", sorted(GOOD))
@pytest.mark.parametrize("broken", ["{not json", "[1, 2]"])
def test_eval_command_names_the_broken_line_without_a_traceback(tmp_path: Path, command: str, broken: str) -> None:
    f = tmp_path / "labelled.jsonl"
    f.write_text(json.dumps(GOOD[command]) + "\n\n" + broken + "\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["eval", command, str(f)])
    assert r.exit_code != 0
    assert "labelled.jsonl:3" in r.output, r.output
    assert "Traceback" not in r.output
    assert isinstance(r.exception, SystemExit)  # click's clean exit, not an uncaught error


def test_eval_alignment_names_a_line_missing_its_fields(tmp_path: Path) -> None:
    f = tmp_path / "gold.jsonl"
    f.write_text(json.dumps(GOOD["alignment"]) + "\n" + json.dumps({"doc_id": "d2"}) + "\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["eval", "alignment", str(f)])
    assert r.exit_code != 0 and "gold.jsonl:2: not an alignment record" in r.output
    assert isinstance(r.exception, SystemExit)


def test_read_jsonl_streams_numbered_objects_and_skips_blank_lines(tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    f.write_text('{"a": 1}\n   \n{"a": 2}\n', encoding="utf-8")
    assert [(w.rsplit(":", 1)[1], r["a"]) for w, r in read_jsonl(f)] == [("1", 1), ("3", 2)]
    assert list(parse_rows(f, lambda w, r: r["a"] * 10, "a row")) == [10, 20]
    with pytest.raises(ValueError, match=r"x.jsonl:1: not a row with b"):
        list(parse_rows(f, lambda w, r: r["b"], "a row with b"))

"""report.json keeps to its checked-in JSON Schema (src/newsprism/data/report.schema.json): the
contract readers (the web app, scripts, other tools) code against. Real runs of the seeds and
the example corpus are checked, and the schema is shown to reject what breaks the contract."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import report_schema_errors

from newsprism.cli import main


def _report(src: Path, tmp: Path) -> dict[str, Any]:
    res = CliRunner().invoke(main, ["analyze", str(src), "-o", str(tmp / "out"), "--db", str(tmp / "s.db"), "-q"])
    assert res.exit_code == 0, res.output
    return json.loads((tmp / "out" / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seeds_report(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _report(seeds_dir, tmp_path_factory.mktemp("schema-seeds"))


def test_seeds_and_examples_reports_keep_to_the_schema(seeds_report: dict[str, Any], examples_dir: Path, tmp_path: Path) -> None:
    assert report_schema_errors(seeds_report) == []
    assert seeds_report["stories"][0]["comparison"]["passages"]
    examples = _report(examples_dir, tmp_path)
    assert len(examples["stories"]) == 2 and report_schema_errors(examples) == []


def test_the_schema_rejects_what_breaks_the_contract(seeds_report: dict[str, Any]) -> None:
    def broken(change: Any) -> list[str]:
        data = copy.deepcopy(seeds_report)
        change(data, data["stories"][0]["comparison"])
        return report_schema_errors(data)

    table = seeds_report["stories"][0]["comparison"]["passages"]
    assert broken(lambda d, c: c.pop("passages"))  # the table is required
    assert broken(lambda d, c: c["facts"][0].update(representative={**table[0], "outlet": "X"}))  # a passage written in full
    assert broken(lambda d, c: c["facts"][0]["passages"][0].update(p=len(table)))  # a citation past the table
    assert "text" not in table[0] and not broken(lambda d, c: None)  # the article is beside it: its text is there
    gone = table[0]["article"]
    assert broken(lambda d, c: d.update(articles=[a for a in d["articles"] if a["id"] != gone]))  # nowhere to read it
    assert broken(lambda d, c: d["articles"][0]["quotes"][0].update(kind="rumour"))  # an annotation kind not in the schema
    assert broken(lambda d, c: d.update(version=1))

"""Malformed settings files (manifests, --aliases, --lexicon): one line naming the file (and the
row's line), never a traceback; a bad manifest row is skipped while the good rows still apply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newsprism.cli import main
from newsprism.store import Store


def seed_path(seeds_dir: Path, prefix: str) -> Path:
    (path,) = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
    return path


@pytest.fixture()
def corpus(tmp_path: Path, seeds_dir: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, prefix in (("a.txt", "000"), ("b.txt", "001"), ("c.txt", "002")):
        (folder / name).write_text(seed_path(seeds_dir, prefix).read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def outlets(db: Path) -> dict[str, str]:
    with Store(db) as store:
        return {Path(a.origin.location).name: a.outlet for a in store.iter_articles()}


def assert_one_line_naming(result: Result, name: str) -> list[str]:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if name in ln]
    assert lines, result.stderr
    return lines


CSV_WITH_BAD_ROWS = "path,outlet\na.txt,Alpha\n,Nobody\nb.txt,Beta,extra\nc.txt,Gamma\n"
JSONL_WITH_BAD_ROWS = (
    json.dumps({"path": "a.txt", "outlet": "Alpha"}) + "\n"
    + "[1, 2]\n"
    + "{not json\n"
    + json.dumps({"Path": "c.txt", "Outlet": "Gamma"}) + "\n"
)


@pytest.mark.parametrize(("name", "content", "bad_lines"), [
    ("manifest.csv", CSV_WITH_BAD_ROWS, [3, 4]),
    ("manifest.jsonl", JSONL_WITH_BAD_ROWS, [2, 3]),
])
def test_manifest_in_folder_bad_rows_named_by_line_good_rows_apply(
    tmp_path: Path, corpus: Path, name: str, content: str, bad_lines: list[int]
) -> None:
    (corpus / name).write_text(content, encoding="utf-8")
    db = tmp_path / "s.db"
    result = run_cli("ingest", str(corpus), "--db", str(db), "--json")
    assert result.exit_code == 1
    run = json.loads(result.stdout)
    assert run["ingested"] == 3
    assert [(p["location"], p["code"]) for p in run["problems"]] == [
        (f"{corpus / name}:{n}", "E112") for n in bad_lines
    ]
    got = outlets(db)
    assert (got["a.txt"], got["c.txt"]) == ("Alpha", "Gamma")


def test_manifest_option_bad_row_skipped_run_goes_on(tmp_path: Path, corpus: Path) -> None:
    manifest = tmp_path / "meta.csv"
    manifest.write_text(
        f"path,outlet\n{corpus / 'a.txt'},Alpha\n,Nobody\n{corpus / 'c.txt'},Gamma\n", encoding="utf-8"
    )
    db = tmp_path / "s.db"
    result = run_cli("ingest", str(corpus), "--db", str(db), "--manifest", str(manifest), "-q")
    assert result.exit_code == 1
    (line,) = assert_one_line_naming(result, "meta.csv")
    assert f"{manifest}:3: E112: row has neither path nor url" in line
    assert "3 ingested" in result.stderr
    assert outlets(db) == {"a.txt": "Alpha", "b.txt": "", "c.txt": "Gamma"}


@pytest.mark.parametrize(("content", "reason"), [
    (b"outlet,title\nAlpha,Something\n", "no 'path' or 'url' column"),
    (b"\x00\x01\x02\x03\x04" * 40, "unreadable manifest"),
    (b"path,outlet\n,Nobody\n,Nobody either\n", "no usable row (line 2: row has neither path nor url, and 1 more"),
    (b"", "unreadable manifest (empty input)"),
])
def test_manifest_option_unusable_stops_before_ingest_one_line(
    tmp_path: Path, corpus: Path, content: bytes, reason: str
) -> None:
    manifest = tmp_path / "meta.csv"
    manifest.write_bytes(content)
    db = tmp_path / "s.db"
    result = run_cli("ingest", str(corpus), "--db", str(db), "--manifest", str(manifest), "-q")
    assert result.exit_code == 1
    (line,) = assert_one_line_naming(result, "meta.csv")
    assert line.startswith(f"error: {manifest}: E112: ") and reason in line, line
    assert outlets(db) == {}  # stopped before storing articles without the metadata asked for


def test_manifest_in_folder_unusable_named_run_goes_on(tmp_path: Path, corpus: Path) -> None:
    (corpus / "manifest.csv").write_text("outlet;title\nAlpha;x\n", encoding="utf-8")
    db = tmp_path / "s.db"
    result = run_cli("ingest", str(corpus), "--db", str(db), "-q")
    assert result.exit_code == 1
    (line,) = assert_one_line_naming(result, "manifest.csv")
    assert f"skipped {corpus / 'manifest.csv'}: E112:" in line
    assert len(outlets(db)) == 3


def test_manifest_semicolon_separated_and_header_case_accepted(tmp_path: Path, corpus: Path) -> None:
    (corpus / "manifest.csv").write_text("Path;Outlet\na.txt;Alpha\n", encoding="utf-8")
    db = tmp_path / "s.db"
    result = run_cli("ingest", str(corpus), "--db", str(db), "-q")
    assert result.exit_code == 0, result.stderr
    assert outlets(db)["a.txt"] == "Alpha"


@pytest.mark.parametrize(("option", "content"), [
    ("--aliases", b"{bad"),
    ("--aliases", b"[]"),
    ("--aliases", b'{"Kim Jong Un": {"label": "WIZARD", "aliases": []}}'),
    ("--aliases", b'{"Kim Jong Un": {"label": "PERSON", "aliases": "Kim"}}'),
    ("--aliases", b"\xff\xfe\x00\xd8garbage"),
    ("--lexicon", b"{bad"),
    ("--lexicon", b"[1, 2]"),
    ("--lexicon", b'{"categories": {"insult": {"terms": [1, 2]}}}'),
    ("--lexicon", b'{"categories": {"insult": "tyrant"}}'),
    ("--lexicon", b'{"exceptions": {"regime": 3}}'),
])
def test_settings_file_malformed_one_line_before_ingest(
    tmp_path: Path, corpus: Path, option: str, content: bytes
) -> None:
    bad = tmp_path / "settings.json"
    bad.write_bytes(content)
    db = tmp_path / "s.db"
    result = run_cli("analyze", str(corpus), "-o", str(tmp_path / "out"), "--db", str(db), "-q", option, str(bad))
    assert result.exit_code == 1
    (line,) = assert_one_line_naming(result, "settings.json")
    assert line.startswith(f"error: {bad}: "), line
    assert len(result.stderr.strip().splitlines()) == 1
    assert outlets(db) == {}  # found before the slow stages, not after them

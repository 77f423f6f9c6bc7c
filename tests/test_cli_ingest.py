"""`newsprism ingest` / `articles` / `show` through click's CliRunner on a temp-dir store."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newsprism.cli import main
from newsprism.model import Article
from newsprism.store import Store


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def seed_path(seeds_dir: Path, prefix: str) -> Path:
    (path,) = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
    return path


def summary(result: Result) -> dict[str, object]:
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_cli_ingest_seeds_twice_stores_five(tmp_path: Path, seeds_dir: Path) -> None:
    db = str(tmp_path / "seeds.db")
    first = run_cli("ingest", str(seeds_dir), "--db", db, "--json")
    assert first.exit_code == 0, first.stderr
    s1 = summary(first)
    assert (s1["ingested"], s1["already_stored"], s1["duplicates"], s1["rejected"], s1["failed"]) == (5, 0, 0, 0, 0)
    second = run_cli("ingest", str(seeds_dir), "--db", db, "--json")
    assert second.exit_code == 0, second.stderr
    s2 = summary(second)
    assert (s2["ingested"], s2["already_stored"], s2["rejected"]) == (0, 5, 0)
    with Store(db) as store:
        assert store.count() == 5


def test_cli_ingest_human_summary_on_stderr(tmp_path: Path, seeds_dir: Path) -> None:
    result = run_cli("ingest", str(seeds_dir), "--db", str(tmp_path / "s.db"), "-q")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "5 ingested, 0 already stored, 0 near-duplicates linked, 0 rejected, 0 failed" in result.stderr


def _bad_inputs(tmp_path: Path, seeds_dir: Path) -> tuple[Path, dict[str, str]]:
    """A folder of good and bad inputs; returns it and {input name: expected error code}."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    good = seed_path(seeds_dir, "001").read_text(encoding="utf-8")
    (folder / "good.txt").write_text(good, encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("\n\n   \n", encoding="utf-8")
    (folder / "broken.html").write_text("<html><body><div><p>Hello <b>world</div></p><p>cut", encoding="utf-8")
    (folder / "utf32.txt").write_bytes(good.encode("utf-32-le"))  # an encoding we do not read
    (folder / "bad.json").write_text('[{"title": "x", "text": "unterminated', encoding="utf-8")
    (folder / "bad.rss").write_text('<?xml version="1.0"?><rss><channel><title>T</title><item><title>x</ti', encoding="utf-8")
    (folder / "notes.warc").write_text("not an archive\n" * 30, encoding="utf-8")
    # a page whose <meta> claims utf-8 but whose bytes are cp1252 still goes in
    body = "".join(f"<p>{p}</p>" for p in seed_path(seeds_dir, "004").read_text(encoding="utf-8").split("\n") if p)
    (folder / "lying-charset.html").write_bytes(
        f'<html><head><meta charset="utf-8"></head><body><article>{body}</article></body></html>'.encode("cp1252")
    )
    expected = {
        "binary.txt": "E102", "empty.txt": "E101", "blank.txt": "E101", "broken.html": "E103",
        "utf32.txt": "E102", "bad.json": "E104", "bad.rss": "E105", "notes.warc": "E111",
    }
    return folder, expected


def test_cli_ingest_bad_inputs_one_line_each_run_continues(tmp_path: Path, seeds_dir: Path) -> None:
    folder, expected = _bad_inputs(tmp_path, seeds_dir)
    missing = str(tmp_path / "does-not-exist")
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        unreachable = f"http://127.0.0.1:{sock.getsockname()[1]}/article"
    result = run_cli("ingest", str(folder), missing, unreachable, "--db", str(tmp_path / "m.db"), "-q")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    for name, code in {**expected, missing: "E110", unreachable: "E106"}.items():
        hits = [x for x in lines if name in x]
        assert len(hits) == 1, (name, hits)
        assert f": {code}: " in hits[0], hits[0]
    assert not [x for x in lines if "good.txt" in x or "lying-charset" in x]
    assert lines[-1].startswith("2 ingested,")
    with Store(tmp_path / "m.db") as store:
        assert store.count() == 2


def test_cli_ingest_bad_inputs_json_summary(tmp_path: Path, seeds_dir: Path) -> None:
    folder, expected = _bad_inputs(tmp_path, seeds_dir)
    result = run_cli("ingest", str(folder), "--db", str(tmp_path / "j.db"), "--json")
    assert result.exit_code == 1
    data = summary(result)
    assert data["ingested"] == 2
    problems = {Path(p["location"]).name.split("#")[0]: p["code"] for p in data["problems"]}  # type: ignore[union-attr, index]
    assert problems == expected



def test_cli_ingest_error_line_names_input_verbatim(tmp_path: Path) -> None:
    folder = tmp_path / "[bold]"
    folder.mkdir()
    (folder / "notes[draft].txt").write_bytes(b"")
    result = run_cli("ingest", str(folder), "--db", str(tmp_path / "b.db"), "-q")
    assert result.exit_code == 1
    assert f"{folder / 'notes[draft].txt'}: E101: empty input" in result.stderr


def test_cli_ingest_all_good_exit_zero_nonexistent_exit_one(tmp_path: Path, seeds_dir: Path) -> None:
    db = str(tmp_path / "e.db")
    assert run_cli("ingest", str(seed_path(seeds_dir, "002")), "--db", db, "-q").exit_code == 0
    result = run_cli("ingest", str(tmp_path / "nope.txt"), "--db", db, "-q")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].endswith("nope.txt: E110: no such file, folder or URL")


def test_cli_ingest_manifest_option(tmp_path: Path, seeds_dir: Path) -> None:
    manifest = tmp_path / "meta.csv"
    src = seed_path(seeds_dir, "002")
    manifest.write_text(f"path,outlet,published\n{src},Kyiv Example,2024-06-18\n", encoding="utf-8")
    db = str(tmp_path / "man.db")
    assert run_cli("ingest", str(src), "--manifest", str(manifest), "--db", db, "-q").exit_code == 0
    with Store(db) as store:
        (a,) = list(store.iter_articles())
    assert (a.outlet, a.published.value) == ("Kyiv Example", "2024-06-18")


def test_cli_usage_error_exit_two(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", "--db", str(tmp_path / "u.db")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


# -- articles / show -----------------------------------------------------------------------------
@pytest.fixture
def seeded_db(tmp_path: Path, seeds_dir: Path) -> str:
    db = str(tmp_path / "store.db")
    assert run_cli("ingest", str(seeds_dir), "--db", db, "-q").exit_code == 0
    return db


def test_cli_articles_search_fts(seeded_db: str) -> None:
    result = run_cli("articles", "--db", seeded_db, "--search", "limousine", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["title"] for r in rows] == ["Putin’s mission: Forming new ties with Kim Jong Un in isolated North Korea"]
    # porter stemming: "shells" matches the seed that says "artillery shells"
    rows = json.loads(run_cli("articles", "--db", seeded_db, "--search", "shell", "--json").stdout)
    assert sorted(r["title"][:30] for r in rows) == ["Putin to visit North Korea for", "Putin will travel to North Kor"]
    rows = json.loads(run_cli("articles", "--db", seeded_db, "--search", "Blinken AND despair", "--json").stdout)
    assert len(rows) == 1 and rows[0]["title"].startswith("Russian dictator Vladimir Putin")
    everything = json.loads(run_cli("articles", "--db", seeded_db, "--json").stdout)
    assert len(everything) == 5


def test_cli_articles_bad_search_one_line(seeded_db: str) -> None:
    result = run_cli("articles", "--db", seeded_db, "--search", '"unclosed')
    assert result.exit_code == 1
    assert result.stderr.startswith("error: bad search query")
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_articles_table_lists_all(seeded_db: str) -> None:
    result = run_cli("articles", "--db", seeded_db)
    assert result.exit_code == 0
    with Store(seeded_db) as store:
        ids = [a.id for a in store.iter_articles()]
    assert len(ids) == 5 and all(i in result.stdout for i in ids)


def test_cli_show_json_round_trips(seeded_db: str) -> None:
    with Store(seeded_db) as store:
        stored = list(store.iter_articles())
    for a in stored:
        result = run_cli("show", a.id, "--db", seeded_db, "--json")
        assert result.exit_code == 0
        assert Article.from_dict(json.loads(result.stdout)) == a
    # a unique id prefix works too
    a = stored[0]
    assert Article.from_dict(json.loads(run_cli("show", a.id[:8], "--db", seeded_db, "--json").stdout)) == a


def test_cli_show_human_and_unknown_id(seeded_db: str) -> None:
    with Store(seeded_db) as store:
        (a,) = [x for x in store.iter_articles() if x.title_source == "derived_from_lead"]
    result = run_cli("show", a.id, "--db", seeded_db)
    assert result.exit_code == 0
    assert "(derived_from_lead)" in result.stdout
    assert "2024-06 (month" in result.stdout
    missing = run_cli("show", "ffffffffffff", "--db", seeded_db)
    assert missing.exit_code == 1
    assert "no such article" in missing.stderr



def test_cli_show_and_articles_titles_with_brackets(tmp_path: Path, seeds_dir: Path) -> None:
    rows = [{"title": "Putin in Pyongyang [video] [/b]", "text": seed_path(seeds_dir, "002").read_text(encoding="utf-8")}]
    src = tmp_path / "b.json"
    src.write_text(json.dumps(rows), encoding="utf-8")
    db = str(tmp_path / "b.db")
    assert run_cli("ingest", str(src), "--db", db, "-q").exit_code == 0
    with Store(db) as store:
        (a,) = list(store.iter_articles())
    shown = CliRunner().invoke(main, ["show", a.id, "--db", db])
    listed = CliRunner().invoke(main, ["articles", "--db", db])
    assert shown.exit_code == 0 and "[video] [/b]" in shown.stdout
    assert listed.exit_code == 0 and "[video]" in listed.stdout


def test_cli_analyze_bad_alias_file_is_one_line(tmp_path, seeds_dir):
    """A malformed --aliases file is a user mistake: one line naming it, exit 1, no traceback."""
    from click.testing import CliRunner

    from newsprism.cli import main

    bad = tmp_path / "aliases.json"
    bad.write_text("{bad", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["analyze", str(seeds_dir / "001_89bc57a796e3b746.txt"), "-o", str(tmp_path / "o"),
         "--db", str(tmp_path / "s.db"), "-q", "--aliases", str(bad)],
    )
    assert result.exit_code == 1
    assert "aliases.json: cannot read alias file" in result.output
    assert "Traceback" not in result.output

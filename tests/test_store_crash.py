"""Crash safety: kill `newsprism ingest` mid-run (SIGKILL, SIGINT); the store stays whole."""

from __future__ import annotations

import json
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsprism.cli import main
from newsprism.model import Article

N_ARTICLES = 300
KILL_AFTER = 30  # committed rows seen before the signal is sent

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """~300 small distinct articles, words drawn from the seeds (random, so no near-copies)."""
    words = re.findall(r"[A-Za-z]+", " ".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))))
    rng = random.Random(20240618)
    folder = tmp_path_factory.mktemp("generated")
    for i in range(N_ARTICLES):
        paras = [" ".join(rng.choice(words) for _ in range(25)).capitalize() + "." for _ in range(3)]
        (folder / f"a{i:03d}.txt").write_text(f"Generated article number {i}\n\n" + "\n\n".join(paras), encoding="utf-8")
    return folder


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # schema not created yet
        return 0


def _start_and_signal(corpus: Path, db: Path, sig: int) -> tuple[subprocess.Popen[bytes], int]:
    cmd = [sys.executable, "-c", "from newsprism.cli import main; main()", "ingest", str(corpus), "--db", str(db), "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    seen = 0
    while time.monotonic() < deadline and proc.poll() is None:
        seen = _count(db)
        if seen >= KILL_AFTER:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "ingest finished before it could be interrupted"
    proc.send_signal(sig)
    proc.wait(timeout=30)
    return proc, seen


def _check_store(db: Path) -> int:
    """Integrity ok; every row is a complete article with its signature and FTS row."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT id, location, title, words, data FROM articles").fetchall()
        sigs = {r[0] for r in conn.execute("SELECT id FROM minhashes")}
        fts = [r[0] for r in conn.execute("SELECT id FROM articles_fts")]
    for aid, location, title, words, data in rows:
        a = Article.from_dict(json.loads(data))
        assert (a.id, a.origin.location, a.title, a.word_count) == (aid, location, title, words)
        assert a.text and a.paragraphs and a.stages == ["clean"]
        assert Article.from_dict(a.to_dict()) == a
    assert sigs == {r[0] for r in rows}
    assert sorted(fts) == sorted(r[0] for r in rows)
    return len(rows)


def _rerun(corpus: Path, db: Path) -> dict[str, int]:
    result = CliRunner().invoke(main, ["ingest", str(corpus), "--db", str(db), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    data: dict[str, int] = json.loads(result.stdout)
    return data


def test_store_crash_sigkill_mid_ingest_then_resume(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "crash.db"
    proc, seen = _start_and_signal(corpus, db, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    stored = _check_store(db)
    assert KILL_AFTER <= seen <= stored < N_ARTICLES
    run = _rerun(corpus, db)
    assert (run["ingested"], run["already_stored"], run["duplicates"]) == (N_ARTICLES - stored, stored, 0)
    assert _check_store(db) == N_ARTICLES
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(DISTINCT location) FROM articles").fetchone()[0] == N_ARTICLES


def test_store_crash_sigint_exit_130_keeps_committed(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "interrupt.db"
    proc, seen = _start_and_signal(corpus, db, signal.SIGINT)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    assert "Traceback" not in stderr
    stored = _check_store(db)
    assert KILL_AFTER <= seen <= stored < N_ARTICLES
    run = _rerun(corpus, db)
    assert run["ingested"] + run["already_stored"] == N_ARTICLES
    assert _check_store(db) == N_ARTICLES

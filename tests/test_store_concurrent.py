"""Concurrent `newsprism ingest` processes on one folder and one SQLite store: the counts each
process reports are what it actually stored, so together they add up to the rows stored."""

from __future__ import annotations

import json
import random
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newsprism.clean import clean_document
from newsprism.ingest.sources import Ingestor
from newsprism.model import RawDocument
from newsprism.store import Store

N_ARTICLES = 300
N_PROCESSES = 3


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """Small distinct articles, words drawn from the seeds (random, so no near-copies)."""
    words = re.findall(r"[A-Za-z]+", " ".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))))
    rng = random.Random(20240619)
    folder = tmp_path_factory.mktemp("concurrent")
    for i in range(N_ARTICLES):
        paras = [" ".join(rng.choice(words) for _ in range(25)).capitalize() + "." for _ in range(3)]
        (folder / f"a{i:03d}.txt").write_text(f"Concurrent article number {i}\n\n" + "\n\n".join(paras), encoding="utf-8")
    return folder


def ingest_concurrently(folder: Path, db: Path) -> list[dict[str, int]]:
    cmd = [sys.executable, "-c", "from newsprism.cli import main; main()", "ingest", str(folder), "--db", str(db), "--json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(N_PROCESSES)]
    runs = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        assert p.returncode == 0, stderr.decode()
        assert b"Traceback" not in stderr
        runs.append(json.loads(stdout))
    return runs


def test_store_concurrent_ingests_count_exactly_what_they_stored(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "shared.db"
    runs = ingest_concurrently(corpus, db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT COUNT(*), COUNT(DISTINCT location) FROM articles").fetchone()
        signatures = conn.execute("SELECT COUNT(*) FROM minhashes").fetchone()[0]
        fts = conn.execute("SELECT COUNT(*), COUNT(DISTINCT id) FROM articles_fts").fetchone()
    assert tuple(rows) == (N_ARTICLES, N_ARTICLES)
    assert signatures == N_ARTICLES
    assert tuple(fts) == (N_ARTICLES, N_ARTICLES)  # nothing indexed twice
    assert sum(r["ingested"] for r in runs) == N_ARTICLES, runs
    assert all(r["ingested"] + r["already_stored"] == N_ARTICLES for r in runs), runs
    assert all(r["duplicates"] == r["rejected"] == r["failed"] == 0 for r in runs), runs


def test_store_put_new_only_reports_an_id_another_connection_stored(tmp_path: Path, corpus: Path) -> None:
    (raw,) = Ingestor().iter_documents([str(corpus / "a000.txt")])
    assert isinstance(raw, RawDocument)
    article = clean_document(raw)
    sig = np.arange(128, dtype=np.uint64)
    with Store(tmp_path / "s.db") as first, Store(tmp_path / "s.db") as second:
        assert first.put(article, sig, replace=False)
        assert not second.put(article, sig, replace=False)  # written by the other connection
        assert second.put(article, sig)  # replace=True (re-annotation) still rewrites
        rows = second.conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0]
    assert rows == 1

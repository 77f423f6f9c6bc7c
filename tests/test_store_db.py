"""The SQLite store: migrations, writes, lookups, search and stories, on cleaned seed articles."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsprism.clean import clean_document
from newsprism.cli import main
from newsprism.errors import StoreError
from newsprism.ingest.sources import Ingestor
from newsprism.model import Article, RawDocument, Story
from newsprism.store import Store
from newsprism.store import migrations as mig


@pytest.fixture(scope="module")
def seed_articles(seeds_dir: Path) -> list[Article]:
    docs = [d for d in Ingestor().iter_documents([str(seeds_dir)]) if isinstance(d, RawDocument)]
    return [clean_document(d) for d in docs]


def names(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY name")]


# -- migrations --------------------------------------------------------------------------------
def old_store(path: Path, applied: int) -> sqlite3.Connection:
    """A store as an earlier version left it: only the first ``applied`` migrations run."""
    conn = sqlite3.connect(path, isolation_level=None)
    old = mig.MIGRATIONS[:applied]
    for _, fn in old:
        fn(conn)
    conn.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    conn.executemany("INSERT INTO _migrations(name) VALUES (?)", [(n,) for n, _ in old])
    return conn


def test_store_migrations_recorded_and_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    with Store(db) as store:
        assert names(store.conn) == [n for n, _ in mig.MIGRATIONS]
        stamps = list(store.conn.execute("SELECT applied_at FROM _migrations"))
        assert all(s[0] for s in stamps)
        assert mig.migrate(store.conn) == []  # nothing pending on the same connection
    with Store(db) as again:  # reopening applies nothing and records nothing twice
        assert names(again.conn) == [n for n, _ in mig.MIGRATIONS]
        assert list(again.conn.execute("SELECT applied_at FROM _migrations")) == stamps


def test_store_migration_failure_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("boom")

    conn = sqlite3.connect(tmp_path / "r.db", isolation_level=None)
    good = [name for name, _ in mig.MIGRATIONS]
    monkeypatch.setattr(mig, "MIGRATIONS", mig.MIGRATIONS + [("999_broken", broken)])
    with pytest.raises(RuntimeError):
        mig.migrate(conn)
    assert names(conn) == good  # the good ones stay applied
    assert conn.execute("SELECT name FROM sqlite_master WHERE name='half_done'").fetchone() is None
    monkeypatch.setattr(mig, "MIGRATIONS", mig.MIGRATIONS[: len(good)])
    assert mig.migrate(conn) == []
    conn.close()


def test_store_concurrent_first_open_no_race(tmp_path: Path) -> None:
    """Regression: processes opening a new store together failed with "table articles already
    exists" (migration applied twice) or "database is locked" (switching to WAL)."""
    import threading

    for trial in range(8):
        path = tmp_path / f"race{trial}.db"
        barrier = threading.Barrier(4)
        errors: list[BaseException] = []

        def open_store() -> None:
            barrier.wait()
            try:
                Store(path).close()
            except BaseException as exc:  # collected and asserted on below
                errors.append(exc)

        threads = [threading.Thread(target=open_store) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        with Store(path) as store:
            assert names(store.conn) == [n for n, _ in mig.MIGRATIONS]
            assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_not_a_database_is_store_error(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        Store(bad)
    result = CliRunner().invoke(main, ["articles", "--db", str(bad)])
    assert result.exit_code == 3
    assert result.stderr.startswith("error: cannot open store")
    assert "Traceback" not in result.output
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError):  # regression: an OSError (parent is a file) escaped
        Store(blocker / "sub" / "s.db")


# -- articles ------------------------------------------------------------------------------------
def test_store_put_get_round_trip(seed_articles: list[Article]) -> None:
    with Store() as store:
        for a in seed_articles:
            store.put(a)
        assert store.count() == 5
        for a in seed_articles:
            assert store.get(a.id) == a
            assert store.has(a.id)
        assert sorted(a.id for a in store.iter_articles(batch=2)) == sorted(a.id for a in seed_articles)


def test_store_get_by_unique_prefix_only(seed_articles: list[Article]) -> None:
    with Store() as store:
        for a in seed_articles:
            store.put(a)
        a = seed_articles[0]
        assert store.get(a.id[:6]) == a
        assert store.get("") is None  # every id matches: ambiguous
        assert store.get("%") is None  # no SQL wildcards through the prefix
        assert store.get("zz") is None
    with Store() as single:  # regression: "%" and "" matched the only article through LIKE
        single.put(seed_articles[0])
        assert single.get("%") is None and single.get("") is None and single.get("_") is None


def test_store_rewrite_updates_row_and_search(seed_articles: list[Article]) -> None:
    a = Article.from_dict(seed_articles[2].to_dict())
    with Store() as store:
        store.put(a)
        assert [r["id"] for r in store.list_articles(query="limousine")] == [a.id]
        a.text = a.text.replace("limousine", "sedan")
        a.outlet = "Changed"
        store.update_many([a])
        assert store.count() == 1
        assert store.list_articles(query="limousine") == []
        assert [r["id"] for r in store.list_articles(query="sedan")] == [a.id]
        assert store.get(a.id).outlet == "Changed"  # type: ignore[union-attr]
        assert store.conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0] == 1


def test_store_list_filters(seed_articles: list[Article]) -> None:
    arts = [Article.from_dict(a.to_dict()) for a in seed_articles]
    for a, outlet in zip(arts, ["A", "B", "A", "C", "B"]):
        a.outlet = outlet
    with Store() as store:
        for a in arts:
            store.put(a)
        assert {r["outlet"] for r in store.list_articles(outlet="A")} == {"A"}
        assert len(store.list_articles(outlet="A")) == 2
        dated = store.list_articles(since="2024-01-01")
        assert {r["published"] for r in dated} == {"2024-06", "2024-12-23"}  # seeds 000 and 003
        assert [r["published"] for r in store.list_articles(until="2024-07-01")] == ["2024-06"]
        rows = store.list_articles()
        assert [r["published"] for r in rows][-3:] == [None, None, None]  # undated last
        assert len(store.list_articles(limit=2)) == 2
        with pytest.raises(StoreError):
            store.list_articles(query='"unbalanced')


def test_store_signature_and_duplicate_fk(seed_articles: list[Article]) -> None:
    import numpy as np

    original = seed_articles[1]
    copy = Article.from_dict(original.to_dict())
    copy.id, copy.duplicate_of = "copy-of-001", original.id
    with Store() as store:
        store.put(original, np.arange(128, dtype=np.uint64))
        store.put(copy)
        assert store.list_articles(query="decades")[0]["id"] in {original.id, copy.id}
        assert [k for k, _ in store.signatures()] == [original.id]
        orphan = Article.from_dict(copy.to_dict())
        orphan.id, orphan.duplicate_of = "orphan", "no-such-article"
        with pytest.raises(StoreError, match="FOREIGN KEY"):
            store.put(orphan)
        assert not store.has("orphan")  # the failed write left nothing behind


# -- stories ---------------------------------------------------------------------------------
def test_store_stories_round_trip_and_replace(seed_articles: list[Article]) -> None:
    with Store() as store:
        for a in seed_articles:
            store.put(a)
        ids = [a.id for a in seed_articles]
        s1 = Story("story-one", "Putin in Pyongyang", {i: 1.0 for i in ids[:3]}, date_start="2024-06-18")
        s2 = Story("story-two", "Other", {ids[3]: 0.8})
        store.put_stories([s1, s2])
        assert [s.id for s in store.list_stories()] == ["story-one", "story-two"]  # biggest first
        assert store.get_story("story-one") == s1
        assert store.get_story("story-o") == s1
        assert store.get_story("story-") is None  # ambiguous prefix
        store.put_stories([Story("story-three", "All", {i: 1.0 for i in ids})], replace_all=True)
        assert [s.id for s in store.list_stories()] == ["story-three"]
        assert store.conn.execute("SELECT COUNT(*) FROM story_members").fetchone()[0] == 5


def test_store_keeps_comparisons_with_each_passage_once(seed_articles: list[Article]) -> None:
    a = seed_articles[0]
    cite = {"article": a.id, "outlet": "X", "start": 0, "end": 5, "text": a.text[:5], "field": "text"}
    built = {"articles": [{"id": a.id, "outlet": "X"}], "facts": [{"passages": [cite]}], "events": [{"passages": [cite]}]}
    with Store() as store:
        store.put(a)
        store.put_stories([Story("s1", "One", {a.id: 1.0})])
        store.put_comparison("s1", "digest", built)
        raw = json.loads(store.conn.execute("SELECT data FROM comparisons").fetchone()[0])
        assert raw["passages"] == [{k: v for k, v in cite.items() if k != "outlet"}]
        assert raw["facts"] == [{"passages": [{"p": 0}]}]
        assert store.get_comparison("s1") == ("digest", built)


def test_store_fts_rows_keyed_by_rowid_after_migration(tmp_path: Path, seeds_dir: Path) -> None:
    """Regression: FTS rows were deleted by the unindexed ``id`` column, a full scan per write
    (10k-article ingest spent 116 s in the store). Rows are now keyed by the article rowid, and
    a store created before migration 003 keeps working."""
    from newsprism.clean import clean_document
    from newsprism.ingest.sources import Ingestor

    docs = [clean_document(d) for d in Ingestor().iter_documents([str(seeds_dir)])]
    path = tmp_path / "old.db"
    conn = old_store(path, 2)
    for a in docs[:2]:  # rows written the old way: FTS rowids unrelated to article rowids
        conn.execute(
            "INSERT INTO articles(id, location, status, data, title) VALUES (?,?,?,?,?)",
            (a.id, a.origin.location, "ok", __import__("json").dumps(a.to_dict()), a.title),
        )
        conn.execute("INSERT INTO articles_fts(id, title, text) VALUES (?,?,?)", (a.id, a.title, a.text))
    conn.close()
    with Store(path) as store:
        for a in docs:
            store.put(a)
            store.put(a)  # rewriting keeps exactly one FTS row per article
        n_fts = store.conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0]
        assert n_fts == store.count() == 5
        aligned = store.conn.execute(
            "SELECT COUNT(*) FROM articles a JOIN articles_fts f ON f.rowid = a.rowid AND f.id = a.id"
        ).fetchone()[0]
        assert aligned == 5
        assert {r["id"] for r in store.list_articles(query="Vladivostok")} == {
            a.id for a in docs if "Vladivostok" in a.text
        }


def test_store_moves_cached_vectors_out_of_the_article_record(tmp_path: Path, seed_articles: list[Article]) -> None:
    """Regression: the story clusterer's embedding (float16 hex) was kept in
    ``Article.extras``, so every report and API answer carried ~1.5 KB of cache per article. A
    store written that way is migrated: the vector moves to the ``vectors`` table, the record
    keeps everything else."""
    import json

    import numpy as np

    path = tmp_path / "old.db"
    conn = old_store(path, 3)
    a = seed_articles[0]
    vec = np.linspace(-1, 1, 384).astype(np.float16)
    d = a.to_dict()
    d["extras"] = {**d["extras"], "stories.embedding": vec.tobytes().hex(), "stories.embedding_model": "enc-lead128",
                   "kept": "yes"}
    conn.execute("INSERT INTO articles(id, location, status, data) VALUES (?,?,?,?)",
                 (a.id, a.origin.location, "ok", json.dumps(d)))
    conn.close()
    with Store(path) as store:
        back = store.get(a.id)
        assert back is not None and back.extras.get("kept") == "yes"
        assert not any(k.startswith("stories.embedding") for k in back.extras)
        got = store.get_vectors([a.id, "missing"], "enc-lead128")
        assert list(got) == [a.id] and got[a.id][0] == "" and np.allclose(got[a.id][1], vec.astype(np.float32))
        assert store.get_vectors([a.id], "another-model") == {}


def test_store_vector_cache_keeps_only_stored_articles(seed_articles: list[Article]) -> None:
    import numpy as np

    with Store() as store:
        store.put(seed_articles[0])
        v = np.ones(384, dtype=np.float32) / np.sqrt(384)
        store.put_vectors([(seed_articles[0].id, "d1", v), ("not-an-article", "d2", v)], "m")
        got = store.get_vectors([seed_articles[0].id, "not-an-article"], "m")
        assert list(got) == [seed_articles[0].id] and got[seed_articles[0].id][0] == "d1"
        assert np.allclose(got[seed_articles[0].id][1], v, atol=1e-3)

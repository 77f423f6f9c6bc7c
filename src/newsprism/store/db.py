"""The article store over SQLite.

Every write is one short transaction (``BEGIN IMMEDIATE``), so a crash or Ctrl-C in the middle
of a 10,000-file ingest keeps everything committed before it and never a half-written article.
Rows hold the article's full ``to_dict()`` JSON plus a few indexed columns for listing; the
JSON is the source of truth, so the store, the API and the report see one shape.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.errors import StoreError
from newsprism.model import Article, Story, pack_passages, unpack_passages
from newsprism.store.migrations import migrate

DEFAULT_DB = "newsprism.db"
_UPSERT = """ON CONFLICT(id) DO UPDATE SET location=excluded.location, url=excluded.url,
    outlet=excluded.outlet, title=excluded.title, published=excluded.published, lang=excluded.lang,
    status=excluded.status, duplicate_of=excluded.duplicate_of, words=excluded.words,
    data=excluded.data, updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now')"""


def default_db_path() -> str:
    return os.environ.get("NEWSPRISM_DB", DEFAULT_DB)


def _enable_wal(conn: sqlite3.Connection, attempts: int = 100) -> None:
    """Switch to WAL. Switching needs the database to itself and SQLite reports "locked"
    without waiting when processes open a new store together, so we wait here (<= ~10 s)."""
    for attempt in range(attempts):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.1)


class Store:
    """One SQLite database file (or ``:memory:``)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.conn.row_factory = sqlite3.Row
            _enable_wal(self.conn)
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            migrate(self.conn)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing; SQLite failures (disk full, constraint, lock timeout) surface as one
        StoreError line instead of a traceback, with the transaction rolled back."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to store {self.path}: {exc}") from exc
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"store write failed, nothing written ({exc})") from exc
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
            self.conn.execute("ROLLBACK")

    # -- articles -------------------------------------------------------------------------
    def has(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone() is not None

    def put(self, article: Article, signature: np.ndarray | None = None, replace: bool = True) -> bool:
        """Store one article (and its MinHash signature) atomically; True if written.

        ``replace=False`` stores a new id only and returns False, writing nothing, when the id is
        stored already: the check and the write share one write-locked transaction, so concurrent
        ingests of the same files each count exactly what they themselves stored.
        """
        with self.transaction() as c:
            if not self._write(c, article, replace):
                return False
            if signature is not None:
                c.execute(
                    "INSERT OR REPLACE INTO minhashes(id, signature) VALUES (?,?)",
                    (article.id, signature.astype(np.uint64).tobytes()),
                )
        return True

    def update_many(self, articles: Iterable[Article]) -> None:
        """Rewrite annotated articles in one transaction (after extraction / story dating)."""
        with self.transaction() as c:
            for a in articles:
                self._write(c, a)

    def _write(self, c: sqlite3.Connection, a: Article, replace: bool = True) -> bool:
        """Upsert one article row and its FTS row; with ``replace=False`` an existing row is left
        alone and False returned."""
        data = json.dumps(a.to_dict(), ensure_ascii=False)
        on_conflict = _UPSERT if replace else "ON CONFLICT(id) DO NOTHING"
        cur = c.execute(
            f"""INSERT INTO articles(id, location, url, outlet, title, published, lang, status,
                   duplicate_of, words, data)
               VALUES (?,?,?,?,?,?,?,?,?,?,?) {on_conflict}""",
            (
                a.id, a.origin.location, a.url, a.outlet, a.title, a.published.value, a.lang,
                a.status, a.duplicate_of, a.word_count, data,
            ),
        )
        if cur.rowcount == 0:
            return False
        rowid = c.execute("SELECT rowid FROM articles WHERE id=?", (a.id,)).fetchone()[0]
        c.execute("DELETE FROM articles_fts WHERE rowid=?", (rowid,))
        c.execute("INSERT INTO articles_fts(rowid, id, title, text) VALUES (?,?,?,?)", (rowid, a.id, a.title or "", a.text))
        return True

    def _by_id_or_prefix(self, table: str, key: str) -> sqlite3.Row | None:
        """The row with this id, else the only row whose id starts with it (no LIKE wildcards)."""
        row = self.conn.execute(f"SELECT data FROM {table} WHERE id=?", (key,)).fetchone()
        if row is None and key:
            rows = self.conn.execute(
                f"SELECT data FROM {table} WHERE substr(id, 1, ?) = ? LIMIT 2", (len(key), key)
            ).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return row  # type: ignore[no-any-return]

    def get(self, article_id: str) -> Article | None:
        row = self._by_id_or_prefix("articles", article_id)
        return Article.from_dict(json.loads(row["data"])) if row else None

    def get_many(self, ids: Iterable[str]) -> list[Article]:
        out = []
        for i in ids:
            a = self.get(i)
            if a is not None:
                out.append(a)
        return out

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        last = ""
        while True:
            rows = self.conn.execute(
                "SELECT id, data FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            for r in rows:
                yield Article.from_dict(json.loads(r["data"]))
            last = rows[-1]["id"]

    def list_articles(
        self, outlet: str | None = None, query: str | None = None, since: str | None = None,
        until: str | None = None, limit: int = 50,
    ) -> list[dict[str, Any]]:
        """Summary rows for listing; ``query`` is an FTS5 full-text search."""
        sql = "SELECT a.id, a.outlet, a.title, a.published, a.status, a.duplicate_of, a.words, a.location FROM articles a"
        args: list[Any] = []
        where = []
        if query:
            sql += " JOIN articles_fts f ON f.rowid = a.rowid"
            where.append("articles_fts MATCH ?")
            args.append(query)
        if outlet:
            where.append("a.outlet = ?")
            args.append(outlet)
        if since:
            where.append("a.published >= ?")
            args.append(since)
        if until:
            where.append("a.published <= ?")
            args.append(until)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.published IS NULL, a.published, a.id LIMIT ?"
        args.append(limit)
        try:
            return [dict(r) for r in self.conn.execute(sql, args)]
        except sqlite3.OperationalError as exc:
            raise StoreError(f"bad search query {query!r}: {exc}") from exc

    def pending_extraction(self, settings: str = "") -> list[str]:
        """Ids of usable articles the extract stage has not annotated yet, or annotated with
        other settings than ``settings`` (``extras["extract.settings"]``, "" for the defaults),
        in storage order."""
        return [r[0] for r in self.conn.execute(
            """SELECT id FROM articles WHERE status='ok' AND (NOT EXISTS
               (SELECT 1 FROM json_each(articles.data, '$.stages') WHERE value='extract')
               OR coalesce(json_extract(data, '$.extras."extract.settings"'), '') != ?) ORDER BY rowid""", (settings,))]

    def unassigned(self) -> list[str]:
        """Ids of usable articles in no story yet, in publication order (undated last)."""
        return [r[0] for r in self.conn.execute(
            """SELECT id FROM articles a WHERE status='ok' AND NOT EXISTS
               (SELECT 1 FROM story_members m WHERE m.article_id=a.id)
               ORDER BY a.published IS NULL, a.published, a.rowid""")]

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def signatures(self, originals_only: bool = False) -> Iterator[tuple[str, np.ndarray]]:
        """Stored MinHash signatures; ``originals_only`` skips articles linked as copies."""
        sql = "SELECT m.id, m.signature FROM minhashes m"
        if originals_only:
            sql += " JOIN articles a ON a.id = m.id WHERE a.duplicate_of IS NULL"
        for r in self.conn.execute(sql + " ORDER BY m.rowid"):
            yield r["id"], np.frombuffer(r["signature"], dtype=np.uint64)

    # -- caches -------------------------------------------------------------------------
    def _rows_in(self, sql: str, ids: Sequence[str], *args: Any) -> Iterator[sqlite3.Row]:
        """Rows of ``sql`` (whose ``{ids}`` is an ``IN`` list) for ``ids``, 500 at a time:
        SQLite caps the number of bound parameters."""
        ids = list(ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            yield from self.conn.execute(sql.format(ids=",".join("?" * len(chunk))), [*args, *chunk])

    def get_vectors(self, ids: Sequence[str], model: str) -> dict[str, tuple[str, np.ndarray]]:
        """article id -> (digest of what was embedded, float32 vector) for those cached with ``model``."""
        rows = self._rows_in("SELECT article_id, digest, vector FROM vectors WHERE model=? AND article_id IN ({ids})", ids, model)
        return {r["article_id"]: (r["digest"], np.frombuffer(r["vector"], dtype=np.float16).astype(np.float32)) for r in rows}

    def put_vectors(self, items: Iterable[tuple[str, str, np.ndarray]], model: str) -> None:
        """Cache (article id, digest, vector) rows as float16, in one transaction; ids not stored
        as articles are skipped (a cache never holds what the store does not)."""
        with self.transaction() as c:
            for article_id, digest, vector in items:
                c.execute(
                    """INSERT OR REPLACE INTO vectors(article_id, model, digest, vector)
                       SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM articles WHERE id=?)""",
                    (article_id, model, digest, np.asarray(vector, dtype=np.float16).tobytes(), article_id),
                )

    def get_parses(self, ids: Sequence[str], model: str) -> dict[str, bytes]:
        """article id -> serialized parses of its fields, for those cached with ``model``."""
        rows = self._rows_in("SELECT article_id, data FROM parses WHERE model=? AND article_id IN ({ids})", ids, model)
        return {r["article_id"]: bytes(r["data"]) for r in rows}

    def put_parses(self, items: Iterable[tuple[str, bytes]], model: str) -> None:
        """Cache (article id, serialized parses) rows in one transaction; ids not stored as
        articles are skipped."""
        with self.transaction() as c:
            for article_id, data in items:
                c.execute(
                    """INSERT OR REPLACE INTO parses(article_id, model, data)
                       SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM articles WHERE id=?)""",
                    (article_id, model, data, article_id),
                )

    # -- watch ----------------------------------------------------------------------------
    def watch_state(self) -> dict[str, dict[str, Any]]:
        """url -> {etag, last_modified, polled_at, failures, next_poll, last_error} of watched sources."""
        return {r["url"]: dict(r) for r in self.conn.execute("SELECT * FROM watch_sources")}

    def put_watch(self, url: str, etag: str | None, last_modified: str | None, polled_at: float, failures: int,
                  next_poll: float, last_error: str | None) -> None:
        with self.transaction() as c:
            c.execute(
                """INSERT OR REPLACE INTO watch_sources(url, etag, last_modified, polled_at, failures, next_poll, last_error)
                   VALUES (?,?,?,?,?,?,?)""",
                (url, etag, last_modified, polled_at, failures, next_poll, last_error),
            )

    def link_seen(self, url: str) -> bool:
        """The feed link was followed on an earlier poll."""
        return self.conn.execute("SELECT 1 FROM watch_links WHERE url=?", (url,)).fetchone() is not None

    def mark_link(self, url: str) -> None:
        with self.transaction() as c:
            c.execute("INSERT OR IGNORE INTO watch_links(url) VALUES (?)", (url,))

    # -- stories --------------------------------------------------------------------------
    def put_stories(self, stories: Iterable[Story], replace_all: bool = False) -> None:
        with self.transaction() as c:
            if replace_all:
                c.execute("DELETE FROM story_members")
                c.execute("DELETE FROM stories")
            for s in stories:
                d = s.to_dict()
                d["extras"] = {k: v for k, v in d["extras"].items() if k != "comparison"}  # its own table
                c.execute(
                    """INSERT INTO stories(id, label, date_start, date_end, size, data) VALUES (?,?,?,?,?,?)
                       ON CONFLICT(id) DO UPDATE SET label=excluded.label, date_start=excluded.date_start,
                       date_end=excluded.date_end, size=excluded.size, data=excluded.data,
                       updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now')""",
                    (s.id, s.label, s.date_start, s.date_end, len(s.members), json.dumps(d, ensure_ascii=False)),
                )
                c.execute("DELETE FROM story_members WHERE story_id=?", (s.id,))
                for aid, score in s.members.items():
                    c.execute(
                        "INSERT OR REPLACE INTO story_members(article_id, story_id, score) VALUES (?,?,?)",
                        (aid, s.id, score),
                    )

    def get_story(self, story_id: str) -> Story | None:
        row = self._by_id_or_prefix("stories", story_id)
        return Story.from_dict(json.loads(row["data"])) if row else None

    def story_of_many(self, article_ids: list[str]) -> dict[str, str]:
        """article id -> story id for the given articles that are already in a story."""
        rows = self._rows_in("SELECT article_id, story_id FROM story_members WHERE article_id IN ({ids})", article_ids)
        return {r["article_id"]: r["story_id"] for r in rows}

    def put_comparison(self, story_id: str, inputs: str, comparison: dict[str, Any]) -> None:
        """Store one story's comparison with the digest of what it was computed from."""
        with self.transaction() as c:
            c.execute(
                """INSERT INTO comparisons(story_id, inputs, data) SELECT ?, ?, ? WHERE EXISTS
                   (SELECT 1 FROM stories WHERE id=?) ON CONFLICT(story_id) DO UPDATE SET inputs=excluded.inputs,
                   data=excluded.data, updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now')""",
                (story_id, inputs, json.dumps(pack_passages(comparison), ensure_ascii=False, separators=(",", ":")), story_id),
            )

    def get_comparison(self, story_id: str) -> tuple[str, dict[str, Any]] | None:
        """(inputs digest, comparison) of a story, or None if it was never compared."""
        row = self.conn.execute("SELECT inputs, data FROM comparisons WHERE story_id=?", (story_id,)).fetchone()
        return (row["inputs"], unpack_passages(json.loads(row["data"]))) if row else None

    def with_comparisons(self, stories: Iterable[Story]) -> list[Story]:
        """The stories, each with its stored comparison (if any) on ``extras["comparison"]``."""
        out = list(stories)
        for s in out:
            stored = self.get_comparison(s.id)
            if stored is not None:
                s.extras["comparison"] = stored[1]
        return out

    def comparison_inputs(self) -> dict[str, str]:
        """story id -> the inputs digest of its stored comparison (stories never compared are absent)."""
        return {r[0]: r[1] for r in self.conn.execute("SELECT story_id, inputs FROM comparisons")}

    def list_stories(self) -> list[Story]:
        rows = self.conn.execute("SELECT data FROM stories ORDER BY size DESC, date_start").fetchall()
        return [Story.from_dict(json.loads(r["data"])) for r in rows]

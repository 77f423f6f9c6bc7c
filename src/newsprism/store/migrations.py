"""Schema migrations: named, ordered, each applied once inside a transaction and recorded."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def _script(conn: sqlite3.Connection, sql: str) -> None:
    """Run statements one by one: ``executescript`` would COMMIT our open transaction."""
    for stmt in sql.split(";"):
        if stmt.strip():
            conn.execute(stmt)


def m001_articles(conn: sqlite3.Connection) -> None:
    _script(conn, 
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            location TEXT NOT NULL,
            url TEXT,
            outlet TEXT,
            title TEXT,
            published TEXT,
            lang TEXT,
            status TEXT NOT NULL,
            duplicate_of TEXT REFERENCES articles(id),
            words INTEGER,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
            data TEXT NOT NULL
        );
        CREATE INDEX articles_outlet ON articles(outlet);
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_url ON articles(url);
        CREATE TABLE minhashes (
            id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            signature BLOB NOT NULL
        );
        CREATE VIRTUAL TABLE articles_fts USING fts5(id UNINDEXED, title, text, tokenize='porter unicode61');
        """
    )


def m002_stories(conn: sqlite3.Connection) -> None:
    _script(conn, 
        """
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            label TEXT,
            date_start TEXT,
            date_end TEXT,
            size INTEGER,
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
            data TEXT NOT NULL
        );
        CREATE TABLE story_members (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            score REAL
        );
        CREATE INDEX story_members_story ON story_members(story_id);
        """
    )


def m003_fts_rowid(conn: sqlite3.Connection) -> None:
    """Key the full-text rows by the article's rowid: FTS5 cannot index ``id``, so deleting
    by ``id`` scanned the whole table on every write (quadratic ingest)."""
    _script(
        conn,
        """
        DROP TABLE articles_fts;
        CREATE VIRTUAL TABLE articles_fts USING fts5(id UNINDEXED, title, text, tokenize='porter unicode61');
        INSERT INTO articles_fts(rowid, id, title, text)
            SELECT rowid, id, coalesce(title, ''), json_extract(data, '$.text') FROM articles
        """,
    )


def m004_vectors(conn: sqlite3.Connection) -> None:
    """Article vectors (the story clusterer's embedding cache) in their own table, out of the
    article JSON: a cache is not part of the article, so it must not reach the report or the
    API. Vectors stored inside ``data`` by earlier versions are moved here."""
    _script(
        conn,
        """
        CREATE TABLE vectors (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            digest TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (article_id, model)
        )
        """,
    )
    old = conn.execute("SELECT id, data FROM articles WHERE instr(data, '\"stories.embedding\"') > 0").fetchall()
    for article_id, data in old:
        d = json.loads(data)
        extras = d.get("extras") or {}
        vector, model = extras.pop("stories.embedding", None), extras.pop("stories.embedding_model", None)
        if vector and model:  # what was embedded is not known: "" is trusted by the model id, as before
            conn.execute("INSERT OR REPLACE INTO vectors(article_id, model, digest, vector) VALUES (?,?,?,?)",
                         (article_id, model, "", bytes.fromhex(vector)))
        conn.execute("UPDATE articles SET data=? WHERE id=?", (json.dumps(d, ensure_ascii=False), article_id))


def m005_comparisons(conn: sqlite3.Connection) -> None:
    """Each story's comparison in its own row, written in its own transaction once the story is
    compared, with a digest of what it was computed from (``inputs``: the members and the
    settings). A story whose row is missing or whose digest no longer matches is stale, and
    ``newsprism update`` compares it again; a kill between the two writes never leaves a story
    with a comparison of other members. Comparisons kept inside the story record by earlier
    versions move here, marked stale (``inputs`` "")."""
    _script(
        conn,
        """
        CREATE TABLE comparisons (
            story_id TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
            inputs TEXT NOT NULL,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
        )
        """,
    )
    old = conn.execute("SELECT id, data FROM stories WHERE instr(data, '\"comparison\"') > 0").fetchall()
    for story_id, data in old:
        d = json.loads(data)
        comparison = (d.get("extras") or {}).pop("comparison", None)
        if comparison:
            conn.execute("INSERT OR REPLACE INTO comparisons(story_id, inputs, data) VALUES (?,?,?)",
                         (story_id, "", json.dumps(comparison, ensure_ascii=False)))
        conn.execute("UPDATE stories SET data=? WHERE id=?", (json.dumps(d, ensure_ascii=False), story_id))


def m006_watch(conn: sqlite3.Connection) -> None:
    """What ``newsprism watch`` knows between runs: each source's validators, failures and next
    poll time, and the feed links already followed."""
    _script(
        conn,
        """
        CREATE TABLE watch_sources (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            polled_at REAL,
            failures INTEGER NOT NULL DEFAULT 0,
            next_poll REAL NOT NULL DEFAULT 0,
            last_error TEXT
        );
        CREATE TABLE watch_links (
            url TEXT PRIMARY KEY,
            seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
        )
        """,
    )


def m007_parses(conn: sqlite3.Connection) -> None:
    """Each article's spaCy parses (body, and captions once compared) as DocBin bytes, apart
    from the article record: the comparison reads them instead of parsing again."""
    _script(
        conn,
        """
        CREATE TABLE parses (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (article_id, model)
        )
        """,
    )


MIGRATIONS: list[tuple[str, Migration]] = [
    ("001_articles", m001_articles),
    ("002_stories", m002_stories),
    ("003_fts_rowid", m003_fts_rowid),
    ("004_vectors", m004_vectors),
    ("005_comparisons", m005_comparisons),
    ("006_watch", m006_watch),
    ("007_parses", m007_parses),
]


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations in order; returns the names applied now."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL "
        "DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))"
    )
    done = {r[0] for r in conn.execute("SELECT name FROM _migrations")}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        # Another process may have applied it since we looked: check again under the write lock.
        if conn.execute("SELECT 1 FROM _migrations WHERE name=?", (name,)).fetchone():
            conn.execute("COMMIT")
            continue
        try:
            fn(conn)
            conn.execute("INSERT INTO _migrations(name) VALUES (?)", (name,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied

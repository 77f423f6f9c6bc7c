"""Schema migrations: named, ordered, each applied once inside a transaction and recorded."""

from __future__ import annotations

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


MIGRATIONS: list[tuple[str, Migration]] = [
    ("001_articles", m001_articles),
    ("002_stories", m002_stories),
    ("003_fts_rowid", m003_fts_rowid),
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

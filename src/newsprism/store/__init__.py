"""Store: SQLite by default (one file), single writer, one transaction per article."""

from newsprism.store.db import DEFAULT_DB, Store

__all__ = ["DEFAULT_DB", "Store"]

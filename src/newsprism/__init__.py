"""newsprism: multi-source news analysis with every statement traced to its passage.

The library the CLI is a thin layer over::

    import newsprism

    run = newsprism.analyze(["../shared/seeds"], db="news.db", out="out")  # out=None: no report files
    for story in run.stories:
        print(story.label, story.extras["comparison"]["briefing"]["summary"][0]["text"])

    with newsprism.open("news.db") as store:           # the store is the system of record
        store.list_stories(); store.get_comparison(story_id); store.list_articles(query="Putin")
        newsprism.Pipeline(store).update()              # extract / group / compare what is missing

``Pipeline`` and ``Store`` are imported on first use (they load the stages' libraries).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsprism.errors import ConfigError, FetchError, InputError, NewsError, StoreError
from newsprism.model import (
    Article,
    Attribution,
    DateEvidence,
    Entity,
    Mention,
    NumberClaim,
    Origin,
    Published,
    Quote,
    RawDocument,
    Removed,
    Span,
    Story,
    TimeExpr,
)

__version__ = "0.1.0"


def open(db: str | Path | None = None) -> Any:  # noqa: A001 (the name the API documents)
    """The store at ``db`` (default: ``$NEWSPRISM_DB`` or ``newsprism.db``; ``":memory:"`` for
    a throwaway one), created and migrated if needed; use it as a context manager."""
    from newsprism.store.db import Store, default_db_path

    return Store(db if db is not None else default_db_path())


def analyze(paths: list[str] | str, db: str | Path | None = None, out: str | Path | None = None,
            briefing_words: int | None = None) -> Any:
    """Ingest ``paths`` (files, folders, URLs) into the store ``db`` and run every stage on what
    is new or stale; write report.json/.md/.html into ``out`` if given. Returns the run's
    ``RunReport``: counts, problems (one per bad input) and ``stories`` (each with
    ``extras["comparison"]``)."""
    from newsprism.pipeline import Pipeline

    with open(db) as store:
        run, _ = Pipeline(store, briefing_words=briefing_words).analyze([paths] if isinstance(paths, str) else list(paths), out)
    return run


def read_report(path: str | Path) -> dict[str, Any]:
    """A report.json written by ``analyze`` or ``report`` (a file, or the folder holding it), with
    each story's comparison as built: passages written once in its ``passages`` table are put
    back where they are cited (:func:`newsprism.model.unpack_passages`), and each article's spans
    and each passage get back the text written once in the article
    (:func:`newsprism.model.unpack_spans`, :func:`newsprism.model.fill_passage_texts`)."""
    import json

    from newsprism.model import fill_passage_texts, unpack_passages, unpack_spans

    p = Path(path)
    data = json.loads((p / "report.json" if p.is_dir() else p).read_text(encoding="utf-8"))
    if isinstance(data.get("articles"), list):
        data["articles"] = [unpack_spans(a) if isinstance(a, dict) else a for a in data["articles"]]
    by_id = {a["id"]: a for a in data.get("articles") or [] if isinstance(a, dict) and "id" in a}
    for story in data.get("stories") or []:
        if isinstance(story, dict) and isinstance(story.get("comparison"), dict):
            story["comparison"] = unpack_passages(fill_passage_texts(story["comparison"], by_id))
    return data


def __getattr__(name: str) -> Any:
    if name == "Pipeline":
        from newsprism.pipeline import Pipeline

        return Pipeline
    if name == "Store":
        from newsprism.store.db import Store

        return Store
    raise AttributeError(f"module 'newsprism' has no attribute {name!r}")

__all__ = [
    "Article",
    "Pipeline",
    "Store",
    "analyze",
    "open",
    "read_report",
    "Attribution",
    "ConfigError",
    "DateEvidence",
    "Entity",
    "FetchError",
    "InputError",
    "Mention",
    "NewsError",
    "NumberClaim",
    "Origin",
    "Published",
    "Quote",
    "RawDocument",
    "Removed",
    "Span",
    "StoreError",
    "Story",
    "TimeExpr",
    "__version__",
]

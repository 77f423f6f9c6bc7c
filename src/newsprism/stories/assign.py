"""Stories for a run: group this run's articles with the stored ones they may belong with.

The clusterer is incremental (``StoryClusterer.add`` in publication order), so a run only
replays the stored articles inside the time window of the new ones (plus undated members of
stories that the new articles could join), not the whole store. ``recluster_store`` re-clusters
everything in one batch (``newsprism stories --recluster``).

After grouping, each touched story settles its members' dates (``settle.settle_dates``) and is
compared (``newsprism.compare``); articles and stories are written back in one transaction each.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from newsprism.model import Article, Story
from newsprism.stories.cluster import Settings, cluster_batch
from newsprism.stories.settle import settle_dates
from newsprism.store import Store

Compare = Callable[[Story, list[Article]], dict]


def _window_pool(store: Store, articles: list[Article], days: int) -> list[Article]:
    """Stored articles dated within ``days`` of the run's articles, plus the run's own."""
    ids = {a.id for a in articles}
    dated = [a.published.value[:10] for a in articles if a.published.value]
    pool = list(articles)
    if not dated:
        return pool
    lo = (dt.date.fromisoformat(_pad(min(dated))) - dt.timedelta(days=days)).isoformat()
    hi = (dt.date.fromisoformat(_pad(max(dated))) + dt.timedelta(days=days)).isoformat()
    rows = store.conn.execute(
        "SELECT data FROM articles WHERE published BETWEEN ? AND ? AND status = 'ok'", (lo, hi + "~")
    ).fetchall()
    for r in rows:
        a = Article.from_dict(json.loads(r["data"]))
        if a.id not in ids:
            pool.append(a)
            ids.add(a.id)
    return pool


def _pad(value: str) -> str:
    return value + "-01" * ((10 - len(value)) // 3) if len(value) < 10 else value


def finish_stories(store: Store, stories: list[Story], compare: Compare | None = None) -> list[Story]:
    """Settle dates inside each story, compare it, and write articles and stories back."""
    for story in stories:
        members = store.get_many(story.members)
        changed = settle_dates(members)
        if changed:
            store.update_many(changed)
        dated = sorted(a.published.value[:10] for a in members if a.published.value and a.published.precision == "day")
        if dated:
            story.date_start, story.date_end = dated[0], dated[-1]
        if compare is not None and len(members) > 0:
            try:
                story.extras["comparison"] = compare(story, members)
            except Exception as exc:  # a compare bug must not lose the stories; it is reported
                story.extras["errors"] = [f"E902: compare failed ({type(exc).__name__}: {exc})"]
    store.put_stories(stories)
    store.conn.execute("DELETE FROM stories WHERE id NOT IN (SELECT story_id FROM story_members)")
    return stories


def assign_stories(store: Store, articles: list[Article], compare: Compare | None = None) -> list[Story]:
    """Cluster the run's articles with their time window; return the stories they are in."""
    ok = [a for a in articles if a.status == "ok"]
    if not ok:
        return []
    settings = Settings()
    pool = _window_pool(store, ok, 2 * settings.window_days)
    stories = cluster_batch(pool, settings)
    store.update_many(pool)  # embeddings are cached on the articles for the next run
    run_ids = {a.id for a in ok}
    touched = [s for s in stories if run_ids & set(s.members)]
    return finish_stories(store, touched, compare)


def recluster_store(store: Store, compare: Compare | None = None) -> list[Story]:
    """Batch re-clustering of the whole store (replaces every story)."""
    articles = [a for a in store.iter_articles() if a.status == "ok"]
    stories = cluster_batch(articles)
    store.update_many(articles)
    store.put_stories([], replace_all=True)
    return finish_stories(store, stories, compare)

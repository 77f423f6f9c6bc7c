"""Stories for a run: group this run's articles with the stored ones they may belong with.

The clusterer is incremental (``StoryClusterer.add`` in publication order): a run resumes it
from the stored stories inside the time window of the new articles (``resume`` re-makes no
decision) and adds only the new articles, so its cost does not grow with the store. ``recluster_store`` re-clusters
everything in one batch (``newsprism stories --recluster``).

After grouping, each touched story settles its members' dates (``settle.settle_dates``); the
stories are written, then each is compared (``newsprism.compare``) and its comparison stored in
its own transaction, with a digest of its inputs (:func:`comparison_inputs`) that tells a
current comparison from a stale one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable

import numpy as np

from newsprism.errors import StoryTooLarge
from newsprism.model import Article, Story
from newsprism.stories.cluster import Settings, StoryClusterer, cluster_batch, embed_many, stream_order
from newsprism.stories.features import published_day
from newsprism.stories.settle import settle_dates
from newsprism.store import Store

Compare = Callable[[Story, list[Article]], dict]


def _stored_stories_near(store: Store, days: list[dt.date | None], window: int, undated_limit: int = 200) -> list[Story]:
    """Stored stories that a new article (of publication ``days``, None if undated) could still
    join: active within ``window`` days of the run's dates, plus the most recently updated
    undated ones (bounded, so cost does not grow with the store)."""
    dated = [d for d in days if d is not None]
    rows: list[sqlite3.Row] = []
    if dated:
        lo = (min(dated) - dt.timedelta(days=window)).isoformat()
        rows += store.conn.execute("SELECT data FROM stories WHERE date_end >= ?", (lo,)).fetchall()
    if len(dated) < len(days):  # an article without a trusted date may belong to any recent story
        rows += store.conn.execute(
            "SELECT data FROM stories ORDER BY updated_at DESC, rowid DESC LIMIT ?", (undated_limit,)
        ).fetchall()
    rows += store.conn.execute(
        "SELECT data FROM stories WHERE date_end IS NULL ORDER BY updated_at DESC LIMIT ?", (undated_limit,)
    ).fetchall()
    seen: dict[str, Story] = {}
    for r in rows:
        story = Story.from_dict(json.loads(r["data"]))
        seen.setdefault(story.id, story)
    return list(seen.values())


def comparison_inputs(story: Story, settings: str = "") -> str:
    """Digest of what a story's comparison is computed from: its members (article ids are
    content digests) and ``settings`` (the pipeline's: the comparison's version, the briefing
    budget, the lexicon). A stored comparison with another digest is stale."""
    key = json.dumps([sorted(story.members), settings])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def compare_and_store(store: Store, story: Story, compare: Compare, settings: str = "") -> None:
    """Compare one story and store the comparison in its own transaction (kept on
    ``story.extras["comparison"]`` for this run's report); a failure is recorded on the story."""
    members = store.get_many(story.members)
    if not members:
        return
    try:
        comparison = compare(story, members)
    except StoryTooLarge as exc:  # a limit, not a bug: the story stays, uncompared, with the reason
        story.extras["errors"] = [str(exc)]
        store.put_stories([story])
        return
    except Exception as exc:  # a compare bug must not lose the stories; it is reported
        story.extras["errors"] = [f"E902: compare failed ({type(exc).__name__}: {exc})"]
        store.put_stories([story])
        return
    if story.extras.pop("errors", None) is not None:
        store.put_stories([story])  # an earlier failure is no longer the story's state
    story.extras["comparison"] = comparison
    store.put_comparison(story.id, comparison_inputs(story, settings), comparison)


def finish_stories(store: Store, stories: list[Story], compare: Compare | None = None, settings: str = "") -> list[Story]:
    """Settle dates inside each story and write the stories (membership first), then compare
    each one and store its comparison as soon as it is done: a kill in between leaves stories
    whose comparison is missing or stale, which ``newsprism update`` finds and redoes."""
    for story in stories:
        members = store.get_many(story.members)
        changed = settle_dates(members)
        if changed:
            store.update_many(changed)
        dated = sorted(a.published.value[:10] for a in members if a.published.value and a.published.precision == "day")
        if dated:
            story.date_start, story.date_end = dated[0], dated[-1]
    store.put_stories(stories)
    store.conn.execute("DELETE FROM stories WHERE id NOT IN (SELECT story_id FROM story_members)")
    if compare is not None:
        for story in stories:
            stored = store.get_comparison(story.id)
            if stored is not None and stored[0] == comparison_inputs(story, settings):
                story.extras["comparison"] = stored[1]  # same members, same settings: nothing to redo
            else:
                compare_and_store(store, story, compare, settings)
    return stories


def assign_stories(store: Store, articles: list[Article], compare: Compare | None = None, compare_settings: str = "") -> list[Story]:
    """Add the run's new articles to the stored stories, incrementally; return the touched stories.

    The clusterer resumes from the stored stories a new article could still join (no stored
    decision is re-made), then takes each new article in publication order.
    """
    ok = {a.id: a for a in articles if a.status == "ok"}
    return _assign(store, list(ok), lambda ids: [ok[i] for i in ids], compare, compare_settings, None)


def assign_backlog(store: Store, ids: list[str], compare: Compare | None = None, compare_settings: str = "",
                   batch: int = 200) -> list[Story]:
    """:func:`assign_stories` for stored articles read ``batch`` at a time: one clusterer over
    the whole backlog in publication order (the stories do not depend on the batch size), and
    only one batch of articles in memory."""
    return _assign(store, ids, store.get_many, compare, compare_settings, batch)


def _assign(store: Store, ids: list[str], load: Callable[[list[str]], list[Article]], compare: Compare | None,
            compare_settings: str, batch: int | None) -> list[Story]:
    if not ids:
        return []
    settings = Settings()
    in_story = store.story_of_many(ids)
    new = [i for i in ids if i not in in_story]
    clusterer = StoryClusterer(settings, cache=store)
    if new:
        step = batch or len(new)
        days: dict[str, dt.date | None] = {}
        vectors: dict[str, np.ndarray] = {}  # lead vectors (float16): they place undated articles in the stream, then cluster
        for k in range(0, len(new), step):
            arts = load(new[k:k + step])
            days.update((a.id, published_day(a)) for a in arts)
            vectors.update((a.id, v.astype(np.float16)) for a, v in zip(arts, embed_many(arts, cache=store)))  # kept in the store too
        rank = {i: k for k, i in enumerate(new)}
        ids_in = sorted(days, key=rank.__getitem__)
        undated = any(d is None for d in days.values())
        order = [ids_in[k] for k in stream_order([days[i] for i in ids_in], np.stack([vectors[i] for i in ids_in]) if undated else None)]
        stored = _stored_stories_near(store, list(days.values()), 2 * settings.window_days)
        clusterer.resume(stored, store.get_many([m for st in stored for m in st.members]))
        for k in range(0, len(order), step):
            for a in load(order[k:k + step]):  # float16, as the store keeps (and embed_many gives back) them
                in_story[a.id] = clusterer.add(a, vectors.pop(a.id).astype(np.float32))[0]
        for moved in clusterer.reconsider():  # articles left alone get a second chance
            in_story[moved] = clusterer.story_of(moved) or in_story[moved]
    by_id = {s.id: s for s in clusterer.stories()}
    touched_ids = list(dict.fromkeys(in_story[i] for i in ids if i in in_story))
    touched = [by_id.get(sid) or store.get_story(sid) for sid in touched_ids]
    return finish_stories(store, [s for s in touched if s is not None], compare, compare_settings)


def recluster_store(store: Store, compare: Compare | None = None, settings: str = "") -> list[Story]:
    """Batch re-clustering of the whole store (replaces every story)."""
    articles = [a for a in store.iter_articles() if a.status == "ok"]
    stories = cluster_batch(articles, cache=store)
    store.put_stories([], replace_all=True)
    return finish_stories(store, stories, compare, settings)

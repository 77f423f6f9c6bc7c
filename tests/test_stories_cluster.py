"""Story clustering on real articles: ECB+ look-alike events, the seeds, copies, time windows."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from newsprism.evaluate.clustering import annotate, bcubed, load_rows, row_article
from newsprism.model import Article, Published, Story
from newsprism.stories.cluster import (
    TEXT_MODEL,
    StoryClusterer,
    cluster_batch,
    embed_many,
    shouts,
    story_id,
    stream_order,
)
from newsprism.stories.embed import DIM
from newsprism.stories.features import ArticleFeatures

TOPICS = {"ecbplus-t1", "ecbplus-t2", "ecbplus-t3"}  # rehab x2, Oscars host x2, prison x2


@pytest.fixture(scope="module")
def ecb(data_dir: Path) -> tuple[list[Article], dict[str, str]]:
    """Three ECB+ topics (six events, two look-alikes per topic), annotated and embedded once."""
    rows = [r for r in load_rows(data_dir / "clustering-dev" / "ecbplus.jsonl") if r["topic_id"] in TOPICS]
    arts = [row_article(r, f"ecb#{r['id']}") for r in rows]
    annotate(arts)
    embed_many(arts)  # made once: later calls in this process reuse them
    return arts, {r["id"]: r["cluster_id"] for r in rows}


def fresh(arts: list[Article]) -> list[Article]:
    return [dataclasses.replace(a, extras=dict(a.extras)) for a in arts]


def partition(stories: list[Story]) -> dict[str, str]:
    return {m: s.id for s in stories for m in s.members}


def test_stories_cluster_keeps_look_alike_events_apart(ecb: tuple[list[Article], dict[str, str]]) -> None:
    arts, gold = ecb
    c = StoryClusterer()
    pred = {a.id: c.add(a)[0] for a in fresh(arts)}
    p, r, f1 = bcubed(pred, gold)
    assert f1 >= 0.85, (p, r, f1)  # measured 0.947 (precision 1.0, recall 0.90)
    # Tara Reid's and Lindsay Lohan's rehab stays are two stories, whatever else happens
    reid = {pred[a] for a, g in gold.items() if g == "ecbplus-t1-ecb"}
    lohan = {pred[a] for a, g in gold.items() if g == "ecbplus-t1-ecbplus"}
    assert not reid & lohan


def test_stories_cluster_batch_agrees_with_incremental(ecb: tuple[list[Article], dict[str, str]]) -> None:
    arts, gold = ecb
    batch = partition(cluster_batch(fresh(arts)))
    c = StoryClusterer()
    inc = {a.id: c.add(a)[0] for a in fresh(arts)}
    assert bcubed(inc, batch)[2] >= 0.85  # measured 0.93 here; 0.996 on all of ECB+
    assert bcubed(batch, gold)[2] >= 0.8  # measured 0.899


def test_stories_cluster_records_are_complete(ecb: tuple[list[Article], dict[str, str]]) -> None:
    arts, _ = ecb
    stories = cluster_batch(fresh(arts))
    titles = {a.id: a.title for a in arts}
    assert sorted(m for s in stories for m in s.members) == sorted(a.id for a in arts)
    for s in stories:
        first = next(iter(s.members))
        assert s.id == story_id(first)
        assert s.label in {titles[m] for m in s.members}  # a member's headline, never generated
        assert all(0.0 <= v <= 1.0 for v in s.members.values())
        assert s.independent_outlets >= 1
    big = max(stories, key=lambda s: len(s.members))
    assert big.entities and all(":" in e for e in big.entities)


def test_stories_cluster_ids_are_stable_across_runs(ecb: tuple[list[Article], dict[str, str]]) -> None:
    arts, _ = ecb
    one = cluster_batch(fresh(arts))
    two = cluster_batch(fresh(arts))
    assert [(s.id, s.label, s.members) for s in one] == [(s.id, s.label, s.members) for s in two]


def test_stories_cluster_copies_join_their_original_and_count_once(ecb: tuple[list[Article], dict[str, str]]) -> None:
    arts, _ = ecb
    original = dataclasses.replace(arts[0], outlet="AP", extras=dict(arts[0].extras))
    copy = dataclasses.replace(arts[0], id="copy-1", outlet="Yahoo", duplicate_of=original.id, extras=dict(arts[0].extras))
    other = dataclasses.replace(arts[1], outlet="Reuters", extras=dict(arts[1].extras))
    c = StoryClusterer()
    sid, _ = c.add(original)
    assert c.add(copy)[0] == sid
    assert c.add(other)[0] == sid  # same event (Tara Reid in rehab)
    (story,) = [s for s in c.stories() if s.id == sid]
    assert story.copies == ["copy-1"]
    assert story.outlets == ["AP", "Yahoo", "Reuters"] and story.independent_outlets == 2


def test_stories_cluster_time_window_separates_recurrences(ecb: tuple[list[Article], dict[str, str]]) -> None:
    arts, _ = ecb
    day = dt.date(2024, 3, 1)

    def dated(a: Article, aid: str, d: dt.date) -> Article:
        return dataclasses.replace(a, id=aid, published=Published(d.isoformat(), "day", 0.9), extras=dict(a.extras))

    c = StoryClusterer()
    first, _ = c.add(dated(arts[0], "a", day))
    assert c.add(dated(arts[1], "b", day + dt.timedelta(days=3)))[0] == first
    later, _ = c.add(dated(arts[2], "c", day + dt.timedelta(days=90)))
    assert later != first  # the same kind of report three months on is another story
    # and the old story was frozen as the stream moved on: it no longer costs memory or time
    assert c.active_stories == 1
    (old,) = [s for s in c.stories() if s.id == first]
    assert old.date_start == "2024-03-01" and old.date_end == "2024-03-04"


def test_stories_cluster_resume_goes_on_where_it_stopped(ecb: tuple[list[Article], dict[str, str]]) -> None:
    arts, gold = ecb
    half = len(arts) // 2
    c = StoryClusterer()
    for a in fresh(arts[:half]):
        c.add(a)
    saved = c.stories()
    d = StoryClusterer()
    d.resume(saved, fresh(arts[:half]))
    assert d.stories() == saved
    rest = fresh(arts[half:])
    assert [d.add(a) for a in rest] == [c.add(a) for a in fresh(arts[half:])]


def test_stories_cluster_keeps_vectors_in_the_store_not_on_the_article(ecb: tuple[list[Article], dict[str, str]],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """An article's vector is cached apart from it (the store's vector table), keyed by what was
    embedded: a later process reuses it without the encoder, and an article whose lead changed
    is embedded again."""
    from newsprism.stories import cluster
    from newsprism.store import Store

    arts, _ = ecb
    a = fresh(arts[:1])[0]
    with Store() as store:
        store.put(a)
        first = StoryClusterer(cache=store).vector(a)
        assert not any("embedding" in k for k in a.extras)
        monkeypatch.setattr(cluster, "_memory", cluster.Memory(10))  # a new process
        monkeypatch.setattr(cluster, "embed_articles", lambda *x, **k: pytest.fail("embedded again"))
        again = Article.from_dict(a.to_dict())
        assert np.allclose(StoryClusterer(cache=store).vector(again), first, atol=2e-3)
        monkeypatch.undo()
        changed = dataclasses.replace(again, title="A different headline entirely")
        assert cluster.lead_digest(changed) != cluster.lead_digest(again)
        other = StoryClusterer(cache=store).vector(changed)
        assert not np.allclose(other, first, atol=2e-3)


def test_stories_cluster_the_seed_articles_are_one_story(seeds_dir: Path) -> None:
    from newsprism.clean import clean_document
    from newsprism.ingest.sources import Ingestor

    arts = [clean_document(doc) for doc in Ingestor().iter_documents([str(seeds_dir)])]
    annotate(arts)
    c = StoryClusterer()
    ids = {c.add(a)[0] for a in arts}
    assert len(ids) == 1
    (story,) = c.stories()
    assert "PERSON:vladimir-putin" in story.entities and "GPE:north-korea" in story.entities
    assert "Putin" in story.label
    # Regression: the label was 003's "Putin will travel to North Korea TOMORROW ..." — a
    # headline that shouts and dates itself; a plain-case member headline names the story.
    assert not shouts(story.label), story.label


def test_stories_cluster_shouting_headlines_are_told_from_acronyms() -> None:
    assert shouts("Putin will travel to North Korea TOMORROW for two-day visit")
    assert shouts("BREAKING: dam fails in Mirela")
    assert not shouts("UN and NATO condemn KCNA report")
    assert not shouts("DAM FAILS IN MIRELA")  # all capitals is a style, not emphasis
    assert not shouts("Putin to visit North Korea for the first time in over two decades")


def _alone(aid: str, vector: np.ndarray) -> ArticleFeatures:
    """Features with nothing but a lead vector (no words, entities or dates to weigh)."""
    padded = np.zeros(DIM, dtype=np.float32)
    padded[: len(vector)] = vector
    return ArticleFeatures(id=aid, vector=padded, terms={}, entities={}, dates=[], published=None, source=aid, title=aid)


def test_stories_cluster_an_article_left_alone_joins_the_story_that_grew_after_it() -> None:
    """B reads unlike A (cosine 0.6: it stays alone when it comes); C is close to both and joins
    A (0.9 against 0.85). Against the story of A and C as it ends, B belongs (mean cosine 0.725),
    so the run's second chance puts it there; the story B founded is gone."""
    gram = np.array([[1.0, 0.6, 0.9], [0.6, 1.0, 0.85], [0.9, 0.85, 1.0]])
    a, b, c = np.linalg.cholesky(gram)  # rows: three unit vectors with these cosines
    model = TEXT_MODEL  # no entities on either side: the text-only model scores
    assert model.prob(np.array([0.0, 0.0, 0.6, 0.0, 0.0])) < model.threshold <= model.prob(np.array([0.0, 0.0, 0.725, 0.0, 0.0]))
    clusterer = StoryClusterer()
    first = [clusterer.add_features(_alone(x, v))[0] for x, v in (("A", a), ("B", b), ("C", c))]
    assert first[0] == first[2] != first[1]
    assert clusterer.reconsider() == ["B"]
    assert clusterer.story_of("B") == clusterer.story_of("A") == first[0]
    assert [s.id for s in clusterer.stories()] == [first[0]]
    assert clusterer.stories()[0].members.keys() == {"A", "B", "C"}
    assert clusterer.reconsider() == []  # nothing left alone


def test_stories_cluster_an_undated_article_comes_on_the_day_of_the_one_it_reads_like() -> None:
    june, january = dt.date(2024, 6, 1), dt.date(2024, 1, 10)
    vectors = np.array([[1.0, 0.0], [0.2, 0.98], [0.0, 1.0], [0.9, 0.1]], dtype=np.float32)
    days = [june, None, january, None]
    assert stream_order(days, vectors) == [2, 1, 0, 3]  # each undated one after its nearest's day
    assert stream_order(days) == [2, 0, 1, 3]  # without vectors: undated last, in input order
    assert stream_order([None, None], vectors[:2]) == [0, 1]  # nothing dated to go by

"""Stories across runs: new articles join stored stories incrementally; batch agrees."""

from __future__ import annotations

import json
from pathlib import Path

from newsprism.compare import compare_story
from newsprism.pipeline import Pipeline
from newsprism.stories.assign import recluster_store
from newsprism.store import Store


def _partition(store: Store) -> set[frozenset[str]]:
    return {frozenset(s.members) for s in store.list_stories()}


def test_stories_assign_second_run_joins_stored_story(seeds_dir: Path, tmp_path: Path) -> None:
    files = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    with Store(tmp_path / "s.db") as store:
        first = Pipeline(store).analyze(files[:3], tmp_path / "o1")[0]
        assert len(first.stories) == 1
        story_id = first.stories[0].id
        second = Pipeline(store).analyze(files[3:], tmp_path / "o2")[0]
        assert [s.id for s in second.stories] == [story_id]
        stored = store.get_story(story_id)
        assert stored is not None and len(stored.members) == 5
        # re-running the same input changes nothing
        third = Pipeline(store).analyze(files, tmp_path / "o3")[0]
        assert third.ingested == 0 and [s.id for s in third.stories] == [story_id]
        incremental = _partition(store)
        recluster_store(store, compare_story)
        assert _partition(store) == incremental


def test_stories_assign_examples_incremental_matches_batch(examples_dir: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        Pipeline(store).analyze([str(examples_dir)], tmp_path / "o")
        incremental = _partition(store)
        assert len(incremental) == 2
        recluster_store(store)
        assert _partition(store) == incremental


def test_stories_assign_an_undated_article_meets_the_stories_of_its_time(data_dir: Path, tmp_path: Path) -> None:
    """Regression (briefing-dev, three real events seven months apart, three outlets each): a
    record without a date came after every dated one, when its event's story, months older, was
    already closed, and it made a story of its own. It now comes on the day of the dated article
    its lead reads most like."""
    events = ["neus-train-2060", "neus-train-1600", "neus-train-2140"]  # 2016-10-24, 2017-03-02, 2017-05-30
    recs = [json.loads(line) for line in (data_dir / "briefing-dev" / "allsides_roundups_dev.jsonl").open(encoding="utf-8")]
    chosen = [r for r in recs if r["cluster_id"] in events]
    undated = next(r for r in chosen if r["cluster_id"] == events[0])
    corpus = tmp_path / "three.jsonl"
    corpus.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "cluster_id" and not (r is undated and k == "published")}) + "\n"
                              for r in chosen), encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        Pipeline(store).analyze([str(corpus)], tmp_path / "o")
        event_of = {a.id: chosen[int(a.origin.location.rsplit("#", 1)[1]) - 1]["cluster_id"] for a in store.iter_articles()}
        found = {frozenset(event_of[m] for m in s.members) for s in store.list_stories()}
        assert sorted(len(s.members) for s in store.list_stories()) == [3, 3, 3]
    assert found == {frozenset([e]) for e in events}

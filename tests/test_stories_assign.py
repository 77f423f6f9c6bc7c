"""Stories across runs: new articles join stored stories incrementally; batch agrees."""

from __future__ import annotations

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

"""The library API the README documents: newsprism.open, analyze, Pipeline, Store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import newsprism


def test_api_exports_exactly_what_is_documented() -> None:
    documented = {"open", "analyze", "Pipeline", "Store", "Article", "Story", "NewsError", "InputError", "StoreError"}
    assert documented <= set(newsprism.__all__)
    for name in newsprism.__all__:
        assert getattr(newsprism, name) is not None, name


def test_api_import_is_light() -> None:
    """`import newsprism` loads no stage library (spaCy, onnxruntime, trafilatura)."""
    code = "import sys, newsprism; print(sorted(m for m in ('spacy', 'onnxruntime', 'trafilatura') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_api_analyze_then_query_the_store(seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    run = newsprism.analyze(str(seeds_dir), db=db)
    assert run.ingested == 5 and len(run.stories) == 1
    (story,) = run.stories
    assert story.extras["comparison"]["briefing"]["summary"]
    with newsprism.open(db) as store:
        assert isinstance(store, newsprism.Store)
        assert [s.id for s in store.list_stories()] == [story.id]
        inputs, comparison = store.get_comparison(story.id)
        assert inputs and comparison["briefing"] == story.extras["comparison"]["briefing"]
        assert store.list_articles(query="Pyongyang")
        again = newsprism.Pipeline(store).update()
        assert (again.extracted, again.assigned, again.compared) == (0, 0, 0)

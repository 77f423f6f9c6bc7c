"""The library API the README documents: newsprism.open, analyze, Pipeline, Store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import newsprism
from newsprism.compare.common import iter_passages, verify_passages


def test_api_exports_exactly_what_is_documented() -> None:
    documented = {"open", "analyze", "read_report", "Pipeline", "Store", "Article", "Story", "NewsError", "InputError", "StoreError"}
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
    run = newsprism.analyze(str(seeds_dir), db=db, out=tmp_path / "out")
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

    # report.json lists each passage once; read_report gives back the comparison as built
    raw = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["stories"][0]["comparison"]
    keys = [(p["article"], p.get("field"), p.get("index"), p["start"], p["end"]) for p in raw["passages"]]
    assert len(keys) == len(set(keys)) > 50
    assert not list(iter_passages({k: v for k, v in raw.items() if k != "passages"}))  # only references outside the table
    read = newsprism.read_report(tmp_path / "out")
    assert read["stories"][0]["comparison"] == story.extras["comparison"]
    with newsprism.open(db) as store:
        assert not verify_passages(read["stories"][0]["comparison"], store.get_many(story.members))
        # an article's spans are written without the text the article holds; read back, each is whole
        stored = {a.id: a.to_dict() for a in store.get_many(story.members)}
    written = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["articles"]
    assert all("text" not in m for a in written for m in a["mentions"])
    for a in read["articles"]:
        for key in ("mentions", "quotes", "attributions", "times", "paragraphs"):
            assert a[key] == stored[a["id"]][key], key
        assert [{k: v for k, v in n.items() if k != "display"} for n in a["numbers"]] == stored[a["id"]]["numbers"]

"""Near-duplicate (syndicated copy) detection on a real seed, within and across ingest runs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from newsprism.cli import main
from newsprism.clean.dedup import DuplicateIndex, signature
from newsprism.store import Store


def seed_path(seeds_dir: Path, prefix: str) -> Path:
    (path,) = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
    return path


def syndicated_copy(seeds_dir: Path) -> str:
    """A wire rewrite of seed 001: new headline, one sentence changed, "(Reuters)" dateline."""
    lines = seed_path(seeds_dir, "001").read_text(encoding="utf-8").split("\n")
    assert lines[0].startswith("Putin to visit North Korea")
    lines[0] = "Kremlin confirms Putin trip to Pyongyang next week"
    lead = next(i for i, x in enumerate(lines) if x.startswith("Russian president Vladimir Putin"))
    lines[lead] = "MOSCOW (Reuters) - " + lines[lead]
    changed = next(i for i, x in enumerate(lines) if x.startswith("The Kremlin chief has also ordered"))
    lines[changed] = "Putin also told officials to draft a strategic partnership treaty with Pyongyang."
    return "\n".join(lines)


def ingest(db: str, *targets: str) -> dict[str, int]:
    result = CliRunner().invoke(main, ["ingest", *targets, "--db", db, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    data: dict[str, int] = json.loads(result.stdout)
    return data


def test_clean_dedup_syndicated_copy_linked_across_runs(tmp_path: Path, seeds_dir: Path) -> None:
    db = str(tmp_path / "dedup.db")
    first = ingest(db, str(seeds_dir))
    assert (first["ingested"], first["duplicates"]) == (5, 0)  # five outlets, five independent reports
    copy = tmp_path / "wire" / "reuters.txt"
    copy.parent.mkdir()
    copy.write_text(syndicated_copy(seeds_dir), encoding="utf-8")
    second = ingest(db, str(copy))  # a new process-level run: the index is rebuilt from the store
    assert (second["ingested"], second["duplicates"]) == (1, 0 + 1)
    with Store(db) as store:
        arts = {Path(a.origin.location).name: a for a in store.iter_articles()}
    original, dup = arts[seed_path(seeds_dir, "001").name], arts["reuters.txt"]
    assert dup.id != original.id
    assert dup.duplicate_of == original.id
    assert dup.duplicate_score is not None and 0.6 <= dup.duplicate_score < 1.0
    assert "dedup" in dup.stages
    assert original.duplicate_of is None
    assert all(a.duplicate_of is None for a in arts.values() if a is not dup)


def test_clean_dedup_copy_linked_within_one_run(tmp_path: Path, seeds_dir: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a_original.txt").write_text(seed_path(seeds_dir, "001").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b_copy.txt").write_text(syndicated_copy(seeds_dir), encoding="utf-8")
    db = str(tmp_path / "one.db")
    run = ingest(db, str(folder))
    assert (run["ingested"], run["duplicates"]) == (2, 1)
    with Store(db) as store:
        arts = {Path(a.origin.location).name: a for a in store.iter_articles()}
    assert arts["b_copy.txt"].duplicate_of == arts["a_original.txt"].id


def test_clean_dedup_exact_reingest_is_not_a_new_article(tmp_path: Path, seeds_dir: Path) -> None:
    """The same text under another name and with other spacing is the same article (same id)."""
    text = seed_path(seeds_dir, "002").read_text(encoding="utf-8")
    (tmp_path / "again.txt").write_text(text.replace("\n", "\n\n").replace(" ", "  "), encoding="utf-8")
    db = str(tmp_path / "same.db")
    ingest(db, str(seed_path(seeds_dir, "002")))
    second = ingest(db, str(tmp_path / "again.txt"))
    assert (second["ingested"], second["already_stored"]) == (0, 1)


def test_clean_dedup_signature_survives_store_round_trip(tmp_path: Path, seeds_dir: Path) -> None:
    ingest(str(tmp_path / "sig.db"), str(seed_path(seeds_dir, "004")))
    with Store(tmp_path / "sig.db") as store:
        ((key, values),) = list(store.signatures())
        text = store.get(key).text  # type: ignore[union-attr]
    sig = signature(text)
    index = DuplicateIndex()
    index.load([(key, values)])
    assert values.dtype == np.uint64
    assert np.array_equal(values, sig.hashvalues)  # stored losslessly
    hit = index.find("other", signature(syndicated_text_variant(text)))
    assert hit is not None and hit[0] == key
    assert index.find(key, sig) is None  # an article is not its own duplicate


def syndicated_text_variant(text: str) -> str:
    return "WASHINGTON (AP) — " + text.replace("AFP reported", "the agency reported")


def test_clean_dedup_index_skips_foreign_signatures(seeds_dir: Path) -> None:
    """Regression: loading stored signatures raised in datasketch 2 (no scheme given), which
    crashed every ingest of a new article into a non-empty store."""
    text = seed_path(seeds_dir, "003").read_text(encoding="utf-8")
    sig = signature(text)
    index = DuplicateIndex()
    index.load([("good", sig.hashvalues.astype(np.uint64)), ("short", np.arange(10, dtype=np.uint64)),
                ("wide", np.full(128, 2**40, dtype=np.uint64))])
    assert set(index.sigs) == {"good"}
    assert index.find("new", sig) == ("good", 1.0)


def test_pipeline_links_copy_of_copy_to_root(tmp_path, seeds_dir):
    """Regression: a copy of a syndicated copy pointed at the copy, not the original."""
    from newsprism.pipeline import Pipeline
    from newsprism.store import Store

    original = (seeds_dir / "001_89bc57a796e3b746.txt").read_text(encoding="utf-8")
    copy1 = original.replace("Putin to visit North Korea", "Putin set to visit North Korea", 1) + "\n\n(Reuters)\n"
    copy2 = copy1.replace("(Reuters)", "(Reuters, edited)") + "\nAdditional reporting by staff.\n"
    for name, text in (("a.txt", original), ("b.txt", copy1), ("c.txt", copy2)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        run = Pipeline(store).ingest([str(tmp_path / n) for n in ("a.txt", "b.txt", "c.txt")])
        a, b, c = (store.get(i) for i in run.article_ids)
        assert b.duplicate_of == a.id
        assert c.duplicate_of == a.id


def test_pipeline_indexes_only_originals_so_lookups_do_not_grow_with_copies(tmp_path, seeds_dir):
    """Cost regression: every syndicated copy was added to the LSH index, so each later look-up
    checked one more candidate per stored copy. Copies link to their root and stay out of the
    index, in this run and when a later run reloads the index from the store."""
    from newsprism.pipeline import Pipeline
    from newsprism.store import Store

    original = (seeds_dir / "001_89bc57a796e3b746.txt").read_text(encoding="utf-8")
    for i in range(6):
        (tmp_path / f"copy{i}.txt").write_text(original + f"\n\nDistributed by wire desk {i}.\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(original, encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        p = Pipeline(store)
        run = p.ingest([str(tmp_path / "a.txt")] + [str(tmp_path / f"copy{i}.txt") for i in range(6)])
        assert (run.ingested, run.duplicates) == (7, 6)
        assert list(p.dups.sigs) == [run.article_ids[0]]
        (tmp_path / "late.txt").write_text(original + "\n\nLate edition.\n", encoding="utf-8")
        p2 = Pipeline(store)
        run2 = p2.ingest([str(tmp_path / "late.txt")])
        assert run2.duplicates == 1
        assert store.get(run2.article_ids[0]).duplicate_of == run.article_ids[0]
        assert list(p2.dups.sigs) == [run.article_ids[0]]

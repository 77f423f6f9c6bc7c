"""Which outlet an article is shown and counted under when its source names none."""

from __future__ import annotations

from pathlib import Path

from newsprism.compare.common import independence_keys, outlet_label
from newsprism.model import Article, Origin, outlet_name


def test_record_in_a_container_is_named_for_itself_not_the_file() -> None:
    assert outlet_name("", "corpus/roundup.jsonl#3") == "roundup.jsonl#3"
    assert outlet_name(None, "crawl.warc.gz#12") == "crawl.warc.gz#12"


def test_named_outlet_and_plain_file_keep_their_names() -> None:
    assert outlet_name("Reuters", "roundup.jsonl#3") == "Reuters"
    assert outlet_name("", str(Path("seeds") / "000.txt")) == "000"


def test_records_of_one_file_without_outlets_are_independent_sources() -> None:
    # regression: every record of a JSONL file without a "source" was the file's outlet, so
    # nothing they shared could ever be corroborated
    arts = [Article(id=f"a{i}", origin=Origin(kind="file", location=f"/data/pool.jsonl#{i}"), text="x") for i in (1, 2, 3)]
    assert len({outlet_label(a) for a in arts}) == 3
    assert len(set(independence_keys(arts).values())) == 3


def test_files_of_one_name_in_two_folders_are_two_sources_and_outlet_case_is_one() -> None:
    # regression: the comparison keyed sources by the shown name, so a/index.html and
    # b/index.html (both shown as "index") counted as one outlet
    arts = [Article(id="1", origin=Origin(kind="file", location="a/index.html"), text="x"),
            Article(id="2", origin=Origin(kind="file", location="b/index.html"), text="x"),
            Article(id="3", origin=Origin(kind="file", location="c.html"), text="x", outlet="Reuters"),
            Article(id="4", origin=Origin(kind="file", location="d.html"), text="x", outlet="reuters ")]
    keys = independence_keys(arts)
    assert keys["1"] != keys["2"] and keys["3"] == keys["4"]
    assert len(set(keys.values())) == 3

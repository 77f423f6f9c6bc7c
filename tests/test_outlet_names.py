"""Which outlet an article is shown and counted under when its source names none."""

from __future__ import annotations

from pathlib import Path

from newsprism.compare.common import independence_keys, outlet_label
from newsprism.model import Article, Origin, outlet_name


def test_record_in_a_container_is_named_for_itself_not_the_file() -> None:
    assert outlet_name("", "corpus/roundup.jsonl#3") == "unknown source (roundup.jsonl#3)"
    assert outlet_name(None, "crawl.warc.gz#12") == "unknown source (crawl.warc.gz#12)"


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


# -- outlet identity on real records (briefing-dev: AllSides roundups; extraction-dev pages) ------
def _records(data_dir: Path, n: int = 6) -> list[dict]:
    import json

    with (data_dir / "briefing-dev" / "allsides_roundups_dev.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(next(fh)) for _ in range(n)]


def _clean(obj: dict, location: str):  # type: ignore[no-untyped-def]
    from newsprism.clean.document import clean_document
    from newsprism.ingest.records import record_to_document

    return clean_document(record_to_document(obj, location, "2026-01-01T00:00:00Z"))


def test_outlet_comes_from_the_record_first(data_dir: Path) -> None:
    r = _records(data_dir, 1)[0]
    a = _clean(r, "dev.jsonl#1")
    assert a.outlet == r["source"] and a.extras["outlet_source"] == "given"


def test_outlet_without_a_name_is_the_urls_registered_domain(data_dir: Path) -> None:
    r = _records(data_dir, 1)[0]
    rec = {k: v for k, v in r.items() if k != "source"}
    hosts = ["https://www.cnn.com/2020/x", "https://edition.cnn.com/2020/x", "https://cnn.com/x"]
    arts = [_clean({**rec, "url": u, "text": rec["text"]}, f"dev.jsonl#{i}") for i, u in enumerate(hosts, 1)]
    assert {a.outlet for a in arts} == {"cnn.com"}
    assert len(set(independence_keys(arts).values())) == 1
    assert _clean({**rec, "url": "https://www.bbc.co.uk/news/x"}, "dev.jsonl#9").outlet == "bbc.co.uk"
    # a blog on a shared host is its own publisher, not the host
    assert _clean({**rec, "url": "https://someone.blogspot.com/x"}, "dev.jsonl#10").outlet == "someone.blogspot.com"


def test_page_names_its_outlet_from_its_own_metadata(data_dir: Path) -> None:
    from newsprism.clean.document import clean_document
    from newsprism.model import RawDocument

    pages = data_dir / "extraction-dev" / "readability-pages"
    page = pages / "bbc-1" / "source.html"
    a = clean_document(RawDocument(origin=Origin("file", str(page)), body=page.read_text(encoding="utf-8"), format="html"))
    assert a.outlet == "BBC News" and a.extras["outlet_source"] == "markup"


def test_records_without_source_or_url_are_each_an_unknown_source(data_dir: Path) -> None:
    recs = [{"id": r["id"], "text": r["text"]} for r in _records(data_dir, 3)]
    arts = [_clean(r, f"/in/roundups.jsonl#{i}") for i, r in enumerate(recs, 1)]
    labels = [outlet_label(a) for a in arts]
    assert all(x.startswith("unknown source (roundups.jsonl#") for x in labels) and len(set(labels)) == 3
    assert len(set(independence_keys(arts).values())) == 3

"""Issue 9: a huge file or a gzip bomb is one named line, costs bounded memory, and the good
files of the same run are still stored."""

from __future__ import annotations

import io
import json
import os
import sys
import zlib
from pathlib import Path

import pytest

from conftest import capped_run
from newsprism.errors import E_INFLATE, E_TRUNCATED, InputError
from newsprism.ingest.decode import maybe_gunzip
from test_ingest_files import ingest
from newsprism.limits import Limits

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _bomb(path: Path, inflated: int) -> None:
    """A gzip file of zeros that inflates to ``inflated`` bytes, written in a streaming way."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    with path.open("wb") as fh:
        for _ in range(inflated // len(block)):
            fh.write(c.compress(block))
        fh.write(c.flush())


def test_gzip_is_inflated_up_to_the_cap_only() -> None:
    data = zlib.compressobj(9, zlib.DEFLATED, 31)
    blob = data.compress(b"a" * (8 << 20)) + data.flush()
    with pytest.raises(InputError) as exc:
        maybe_gunzip(blob, "x.txt.gz", Limits(max_decompressed_bytes=2 << 20))
    assert exc.value.code == E_INFLATE and "limit" in exc.value.message
    # past the ratio cap too: 1,000x is no real text
    with pytest.raises(InputError):
        maybe_gunzip(blob, "x.txt.gz", Limits())
    text = os.urandom(3 << 20).hex().encode()  # compresses ~2x, like real text does ~3-10x
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    assert maybe_gunzip(c.compress(text) + c.flush(), "x.txt.gz", Limits()) == text


def test_truncated_gzip_is_corrupt_not_shorter() -> None:
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    blob = c.compress(b"Officials said the gate failed. " * 2000) + c.flush()
    with pytest.raises(InputError) as exc:
        maybe_gunzip(blob[: len(blob) // 2], "x.txt.gz")
    assert exc.value.code == E_TRUNCATED and "offset 0" in exc.value.message


def test_multi_member_gzip_is_read_whole() -> None:
    def gz(b: bytes) -> bytes:
        c = zlib.compressobj(6, zlib.DEFLATED, 31)
        return c.compress(b) + c.flush()
    assert maybe_gunzip(gz(b"one ") + gz(b"two"), "x.gz") == b"one two"


@pytest.mark.slow
def test_huge_file_and_gzip_bomb_are_refused_with_bounded_memory(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    seed = sorted(SEEDS.glob("*.txt"))[0]
    (corpus / "good.txt").write_bytes(seed.read_bytes())
    with (corpus / "huge.txt").open("wb") as fh:  # 200 MB of words
        line = b"The spillway gate failed early on Tuesday, officials said. " * 100 + b"\n"
        for _ in range(200 * 1024 * 1024 // len(line)):
            fh.write(line)
    _bomb(corpus / "bomb.txt.gz", 1 << 30)
    assert (corpus / "bomb.txt.gz").stat().st_size < 2 << 20
    res = capped_run([sys.executable, "-m", "newsprism", "ingest", str(corpus), "--db", str(tmp_path / "db.sqlite"),
                      "--json"], mem="3G", timeout=300)
    assert res.returncode == 1, res.stderr
    run = json.loads(res.stdout[res.stdout.index("{"):])
    problems = {(Path(p["location"]).name, p["code"]) for p in run["problems"]}
    assert problems == {("huge.txt", "E109"), ("bomb.txt.gz", "E114")}, run["problems"]
    assert len(run["problems"]) == 2 and run["ingested"] == 1
    assert res.peak_rss_kb < 1_200_000, f"peak RSS {res.peak_rss_kb} kB"  # spaCy-free ingest; cap-bounded


def _warc(path: Path, bodies: list[bytes], gz: bool) -> list[int]:
    """A WARC of HTML responses; returns each record's starting offset."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    offsets = []
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        for i, body in enumerate(bodies):
            offsets.append(fh.tell())
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(f"https://example.org/{i}", "response",
                                                payload=io.BytesIO(body), http_headers=http))
    return offsets


def _page(seed: Path) -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in seed.read_text(encoding="utf-8").split("\n") if p.strip())
    return f"<html><head><title>{seed.stem}</title></head><body><article>{paras}</article></body></html>".encode()


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_truncated_warc_keeps_complete_records_and_names_the_cut(tmp_path: Path, gz: bool) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))[:3]
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    offsets = _warc(path, [_page(s) for s in seeds], gz)
    data = path.read_bytes()
    cut = offsets[2] + (len(data) - offsets[2]) // 2  # the middle of the last record
    path.write_bytes(data[:cut])
    store, run = ingest(tmp_path, [path])
    assert run.ingested == 2  # the complete records before the cut
    (bad,) = run.rejected
    assert (bad.location, bad.code) == (str(path), E_TRUNCATED)
    assert f"truncated record at offset {offsets[2]}" in bad.message
    # nothing partial is stored as if complete: the stored texts are the two whole pages
    texts = sorted(len(a.text) for a in store.get_many(run.article_ids))
    assert len(texts) == 2 and min(texts) > 1000


def test_gzip_cut_at_every_point_is_never_a_shorter_article(tmp_path: Path) -> None:
    text = sorted(SEEDS.glob("*.txt"))[1].read_bytes()
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    blob = c.compress(text) + c.flush()
    for cut in range(2, len(blob), max(1, len(blob) // 40)):
        with pytest.raises(InputError) as exc:
            maybe_gunzip(blob[:cut], "x.txt.gz")
        assert exc.value.code in (E_TRUNCATED, "E102"), (cut, exc.value)

"""Hostile input (issues 9 and 20): a huge file, a gzip bomb, a multi-million-word article, a cut
archive or pathologically deep HTML is one named line (or, for deep HTML, just works), costs
bounded memory, and the good files of the same run are still stored."""

from __future__ import annotations

import io
import json
import os
import random
import sys
import tracemalloc
import zlib
from pathlib import Path

import pytest

from conftest import DATA, SEEDS, capped_run
from newsprism.clean.dedup import shingles, signature
from newsprism.clean.html import extract_html
from newsprism.errors import E_INFLATE, E_LONG, E_TRUNCATED, ConfigError, InputError
from newsprism.ingest.decode import maybe_gunzip
from newsprism.limits import Limits
from test_ingest_files import ingest

ECB = DATA / "clustering-dev" / "ecbplus.jsonl"


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


def _warc(path: Path, bodies: list[bytes], gz: bool, ctypes: list[str] | None = None) -> list[int]:
    """A WARC of responses (HTML unless ``ctypes`` says otherwise); returns each record's offset."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    offsets = []
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        for i, body in enumerate(bodies):
            offsets.append(fh.tell())
            ctype = (ctypes or [])[i] if i < len(ctypes or []) else "text/html; charset=utf-8"
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
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


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_warc_larger_than_the_file_limit_is_streamed_record_by_record(tmp_path: Path, gz: bool) -> None:
    # real archives are ~1 GB: the file cap does not apply to them, each record is capped instead
    seeds = sorted(SEEDS.glob("*.txt"))
    path = tmp_path / ("big.warc.gz" if gz else "big.warc")
    filler = os.urandom(300_000)  # an image record, skipped, making the archive larger than the cap
    _warc(path, [_page(s) for s in seeds[:2]] + [filler] + [_page(s) for s in seeds[2:4]], gz,
          ctypes=["text/html"] * 2 + ["image/png"])
    limits = Limits(max_file_bytes=200_000)
    assert path.stat().st_size > limits.max_file_bytes
    _, run = ingest(tmp_path, [path], limits=limits)
    assert (run.ingested, run.rejected) == (4, [])


def test_warc_record_over_the_limit_is_named_and_the_others_are_read(tmp_path: Path) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    big = _page(seeds[0]).replace(b"</article>", b"<p>" + b"filler words here " * 20_000 + b"</p></article>")
    path = tmp_path / "a.warc.gz"
    offsets = _warc(path, [_page(seeds[1]), big, _page(seeds[2])], gz=True)
    _, run = ingest(tmp_path, [path], limits=Limits(max_file_bytes=200_000))
    assert run.ingested == 2
    (bad,) = run.rejected
    assert bad.code == "E109" and f"record at offset {offsets[1]} too large" in bad.message
    assert bad.location.startswith(f"{path}#https://example.org/1")


def test_warc_gz_record_that_is_a_bomb_stops_the_read_there(tmp_path: Path) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    path = tmp_path / "bomb.warc.gz"
    offsets = _warc(path, [_page(seeds[1]), b"\0" * (64 << 20), _page(seeds[2])], gz=True)
    assert path.stat().st_size < 1 << 20
    _, run = ingest(tmp_path, [path])
    assert run.ingested == 1  # the record before the bomb; nothing after it is trusted
    (bad,) = run.rejected
    assert bad.code == E_INFLATE and f"record at offset {offsets[1]} inflates past the limit" in bad.message


def test_gzip_cut_at_every_point_is_never_a_shorter_article(tmp_path: Path) -> None:
    text = sorted(SEEDS.glob("*.txt"))[1].read_bytes()
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    blob = c.compress(text) + c.flush()
    for cut in range(2, len(blob), max(1, len(blob) // 40)):
        with pytest.raises(InputError) as exc:
            maybe_gunzip(blob[:cut], "x.txt.gz")
        assert exc.value.code in (E_TRUNCATED, "E102"), (cut, exc.value)


# -- articles too long, signatures in bounded memory ------------------------------------------
def _sentences() -> list[str]:
    """Real news sentences (ECB+), to build long texts that are not one repeated line."""
    out = []
    for line in ECB.read_text(encoding="utf-8").splitlines():
        out += [s.strip() + "." for s in json.loads(line)["text"].split(". ") if len(s.split()) > 5]
    return out


def _varied_text(path: Path, size: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    sents = _sentences()
    written = 0
    with path.open("w", encoding="utf-8") as fh:
        while written < size:
            para = " ".join(rng.choice(sents) for _ in range(rng.randint(2, 6))) + "\n\n"
            fh.write(para)
            written += len(para)


@pytest.mark.parametrize("size", [450_000, 1_500_000], ids=["just-over", "far-over"])
def test_article_over_the_word_limit_is_one_line_and_others_are_stored(tmp_path: Path, size: int) -> None:
    # ~75k and ~250k words: the first is refused after cleaning, the second before it
    _varied_text(tmp_path / "long.txt", size)
    good = sorted(SEEDS.glob("*.txt"))[0]
    store, run = ingest(tmp_path, [tmp_path / "long.txt", good])
    assert run.ingested == 1
    (bad,) = run.rejected
    assert (Path(bad.location).name, bad.code) == ("long.txt", E_LONG)
    assert "article too long" in bad.message and "limit 50,000" in bad.message
    # a higher limit takes it
    _, run = ingest(tmp_path, [tmp_path / "long.txt"], limits=Limits(max_words=400_000))
    assert (run.ingested, run.rejected) == (1, [])


def test_signature_memory_is_flat_whatever_the_length() -> None:
    rng = random.Random(3)
    sents = _sentences()
    text = " ".join(rng.choice(sents) for _ in range(2_000))  # ~200k words, as many distinct shingles
    tracemalloc.start()
    try:
        sig = signature(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024, f"signature peaked at {peak / 1e6:.0f} MB"  # all at once: ~90 MB
    # batching changes nothing: the same minimum as hashing every shingle at once
    from datasketch import MinHash
    whole = MinHash(num_perm=128, scheme="affine32")
    short = " ".join(sents[:300])
    whole.update_batch(list(shingles(short)))
    assert (whole.hashvalues == signature(short).hashvalues).all()
    assert sig.hashvalues.shape == (128,)


def test_limits_from_environment_and_a_bad_value_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSPRISM_MAX_WORDS", "1000")
    monkeypatch.setenv("NEWSPRISM_MAX_FILE_MB", "0.5")
    lim = Limits.from_settings()
    assert (lim.max_words, lim.max_file_bytes) == (1000, 512 * 1024)
    assert Limits.from_settings(max_words=7).max_words == 7  # an option beats the environment
    monkeypatch.setenv("NEWSPRISM_MAX_WORDS", "lots")
    with pytest.raises(ConfigError, match="NEWSPRISM_MAX_WORDS"):
        Limits.from_settings()
    from click.testing import CliRunner

    from newsprism.cli import main
    res = CliRunner().invoke(main, ["ingest", str(sorted(SEEDS.glob("*.txt"))[0]), "--db", str(tmp_path / "d.db")])
    assert res.exit_code == 1 and "NEWSPRISM_MAX_WORDS='lots'" in res.output
    assert "Traceback" not in res.output


# -- deep HTML ----------------------------------------------------------------------------------
def _deep_page(depth: int, attrs: bool = False, seed_index: int = 1) -> str:
    seed = sorted(SEEDS.glob("*.txt"))[seed_index].read_text(encoding="utf-8")
    body = "".join(f"<p>{p}</p>" for p in seed.split("\n") if p.strip())
    div = '<div class="wrap">' if attrs else "<div>"
    return ("<html><head><title>Deep page</title></head><body>" + div * depth + f"<article>{body}</article>"
            + "</div>" * depth + "</body></html>")


@pytest.mark.parametrize("depth,attrs", [(200, False), (300, False), (1000, False), (1000, True)])
def test_deep_but_valid_html_still_extracts_its_article(depth: int, attrs: bool) -> None:
    shallow = extract_html(_deep_page(3))
    deep = extract_html(_deep_page(depth, attrs))
    assert len(shallow.paragraphs) > 5
    assert deep.paragraphs == shallow.paragraphs and deep.title == shallow.title


# -- every probe at full size, through the real CLI, under a cap --------------------------------
@pytest.mark.slow
def test_hostile_files_are_named_and_memory_stays_bounded(tmp_path: Path) -> None:
    """The probes of issue 20, at full size: each is one line naming the input and the reason,
    the good files of the same run are stored, and the process stays under 1.5 GB."""
    corpus = tmp_path / "in"
    corpus.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    (corpus / "good.txt").write_bytes(seeds[0].read_bytes())
    with (corpus / "huge.txt").open("wb") as fh:  # 200 MB of one repeated paragraph
        line = b"The spillway gate failed early on Tuesday, officials said. " * 100 + b"\n"
        for _ in range(200 * 1024 * 1024 // len(line)):
            fh.write(line)
    _varied_text(corpus / "varied60.txt", 60 * 1024 * 1024)  # 60 MB of varied real sentences
    _varied_text(corpus / "varied19.txt", 19 * 1024 * 1024, seed=8)  # under the file cap: word cap
    _bomb(corpus / "bomb.txt.gz", 1 << 30)
    text_bomb = zlib.compressobj(9, zlib.DEFLATED, 31)  # 256 MiB of text-like bytes
    block = (seeds[1].read_bytes()[:3000] + b"\n\n")
    with (corpus / "textbomb.txt.gz").open("wb") as fh:
        for _ in range((256 << 20) // len(block)):
            fh.write(text_bomb.compress(block))
        fh.write(text_bomb.flush())
    offsets = _warc(corpus / "cut.warc.gz", [_page(s) for s in seeds[1:4]], gz=True)
    data = (corpus / "cut.warc.gz").read_bytes()
    (corpus / "cut.warc.gz").write_bytes(data[: offsets[2] + (len(data) - offsets[2]) // 2])
    (corpus / "deep300.html").write_text(_deep_page(300, seed_index=4), encoding="utf-8")
    # a 40 MB archive (over the file cap, as real WARCs are): streamed, its two pages stored
    _warc(corpus / "big.warc.gz", [_page(seeds[0]).replace(b"<article>", b"<article><p>Archived copy.</p>"),
                                   os.urandom(40 << 20), _page(seeds[4]).replace(b"<article>", b"<article><p>Copy.</p>")],
          gz=True, ctypes=["text/html", "image/png", "text/html"])
    assert (corpus / "big.warc.gz").stat().st_size > 40 << 20
    res = capped_run([sys.executable, "-m", "newsprism", "ingest", str(corpus), "--db", str(tmp_path / "db.sqlite"),
                      "--json", "-q"], mem="3G", timeout=280)
    assert res.returncode == 1, res.stderr
    run = json.loads(res.stdout[res.stdout.index("{"):])
    problems = {(Path(p["location"]).name, p["code"]) for p in run["problems"]}
    assert problems == {("huge.txt", "E109"), ("varied60.txt", "E109"), ("varied19.txt", E_LONG),
                        ("bomb.txt.gz", E_INFLATE), ("textbomb.txt.gz", E_INFLATE), ("cut.warc.gz", E_TRUNCATED)}
    assert len(run["problems"]) == 6, run["problems"]
    # good.txt, the two complete records of cut.warc.gz, the deep page, big.warc.gz's two pages
    # (near-copies of good.txt and the deep page: linked as duplicates, still stored)
    assert run["ingested"] == 6, run
    assert res.peak_rss_kb < 1_500_000, f"peak RSS {res.peak_rss_kb} kB"
    # with the file cap lifted, the big texts meet the word cap instead, still in bounded memory
    res = capped_run([sys.executable, "-m", "newsprism", "ingest", str(corpus / "huge.txt"), str(corpus / "varied60.txt"),
                      str(corpus / "good.txt"), "--db", str(tmp_path / "db2.sqlite"), "--json", "-q", "--max-file-mb", "300"],
                     mem="3G", timeout=280)
    run = json.loads(res.stdout[res.stdout.index("{"):])
    assert {(Path(p["location"]).name, p["code"]) for p in run["problems"]} == {("huge.txt", E_LONG),
                                                                                ("varied60.txt", E_LONG)}
    assert run["ingested"] == 1
    assert res.peak_rss_kb < 1_500_000, f"peak RSS {res.peak_rss_kb} kB"


def test_jsonl_dump_larger_than_the_file_limit_is_streamed_line_by_line(tmp_path: Path) -> None:
    lines = ECB.read_bytes().splitlines()[:60]
    path = tmp_path / "dump.jsonl"
    bad_utf8 = json.dumps({"title": "x", "text": "caf\u00e9 " * 40}, ensure_ascii=False).encode().replace(b"\xc3\xa9", b"\xe9")
    huge = json.dumps({"title": "big", "text": "word " * 60_000}).encode()
    path.write_bytes(b"\n".join(lines[:30] + [bad_utf8, huge] + lines[30:]) + b"\n")
    limits = Limits(max_file_bytes=200_000)
    assert path.stat().st_size > limits.max_file_bytes
    store, run = ingest(tmp_path, [path], limits=limits)
    problems = sorted((p.location.rsplit("#", 1)[1], p.code) for p in run.rejected)
    assert problems == [("31", "E102"), ("32", "E109")], run.rejected
    assert run.ingested + run.already_stored == 60
    # the same articles as when the valid lines are read whole (default limits); with the
    # non-UTF-8 line in, the whole file would be decoded as cp1252 and every curly quote mangled
    (tmp_path / "whole").mkdir()
    (tmp_path / "whole" / "dump.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    _, whole = ingest(tmp_path / "whole", [tmp_path / "whole" / "dump.jsonl"])
    assert set(run.article_ids) <= set(whole.article_ids) and len(run.article_ids) > 50

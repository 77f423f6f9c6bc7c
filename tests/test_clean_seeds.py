"""The cleaner on the five real seed articles (read from ../shared/seeds, never copied)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsprism.clean import clean_document
from newsprism.ingest.sources import Ingestor
from newsprism.model import Article

# Kinds of ``Removed`` entries that account for a dropped seed line.
JUNK_KINDS = {"widget", "header_date", "repeated_caption", "repeated_paragraph", "caption", "tags"}
TERMINAL = re.compile(r"""[.!?]["'”’»)]*$""")


def norm(s: str) -> str:
    """Whitespace normalisation only (NBSP and runs of spaces), as the cleaner is allowed to do."""
    return " ".join(s.split())


def fold(s: str) -> str:
    """Quote styles folded: the seeds print some captions twice, once with ’ and once with '."""
    return norm(s).translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))


def seed_lines(path: Path) -> list[str]:
    return [norm(x) for x in path.read_text(encoding="utf-8").splitlines() if norm(x)]


def seed_path(seeds_dir: Path, prefix: str) -> Path:
    (path,) = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
    return path


@pytest.fixture(scope="module")
def cleaned(seeds_dir: Path) -> dict[str, Article]:
    """Every seed ingested and cleaned once, keyed by its 3-digit prefix."""
    out = {}
    for doc in Ingestor().iter_documents([str(seeds_dir)]):
        assert not isinstance(doc, Exception), doc
        out[Path(doc.origin.location).name[:3]] = clean_document(doc)
    assert sorted(out) == ["000", "001", "002", "003", "004"]
    return out


def body_blocks(a: Article) -> list[str]:
    """Paragraphs and subheadings in text order, read back through their spans."""
    spans = sorted(a.paragraphs + a.subheadings, key=lambda s: s.start)
    return [a.text[s.start : s.end] for s in spans]


def expected_body(seeds_dir: Path, prefix: str) -> list[str]:
    """The seed's body lines: all non-blank lines except the ones the brief names as non-body."""
    lines = seed_lines(seed_path(seeds_dir, prefix))
    if prefix == "000":
        return lines[1:]  # the " date 2024-06 Share:" stamp
    if prefix == "001":
        return lines[1:-1]  # the headline and the trailing tag line
    if prefix in ("002", "004"):
        return lines[1:]  # the headline
    assert prefix == "003"
    # Header date, headline, "Must read"/"Latest article" and the captions (no closing
    # punctuation, all after the headline) are not body; every body line here is a sentence.
    return [x for x in lines[2:] if TERMINAL.search(x) and x not in ("Must read", "Latest article")]


# -- 000 ---------------------------------------------------------------------------------
def test_clean_seed000_share_stamp_and_blank_lines_gone(cleaned: dict[str, Article]) -> None:
    a = cleaned["000"]
    assert "Share" not in a.text.split("\n\n")[0]
    assert "2024-06" not in a.text
    assert "\n\n\n" not in a.text
    assert all(block.strip() == block and block for block in a.text.split("\n\n"))
    assert [r.kind for r in a.removed if "Share:" in r.text] == ["header_date"]


def test_clean_seed000_title_derived_verbatim_from_lead(cleaned: dict[str, Article]) -> None:
    a = cleaned["000"]
    assert a.title_source == "derived_from_lead"
    assert a.title
    # Verbatim lead text; a truncated lead is marked with a trailing ellipsis, nothing invented.
    assert a.text.startswith(a.title.removesuffix(" …"))
    assert len(a.title.removesuffix(" …").split()) >= 5


def test_clean_seed000_published_month_from_header(cleaned: dict[str, Article]) -> None:
    p = cleaned["000"].published
    assert (p.value, p.precision) == ("2024-06", "month")
    assert [e.source for e in p.evidence] == ["header_line"]
    assert "Share" in p.evidence[0].note
    assert 0 < p.confidence < 0.9  # a header stamp is evidence, not metadata


# -- 001 ---------------------------------------------------------------------------------
def test_clean_seed001_title_from_first_line(cleaned: dict[str, Article]) -> None:
    a = cleaned["001"]
    assert a.title == "Putin to visit North Korea for the first time in over two decades"
    assert a.title_source == "first_line"
    assert not a.text.startswith(a.title)


def test_clean_seed001_tag_line_is_tags_not_body(cleaned: dict[str, Article]) -> None:
    a = cleaned["001"]
    assert a.tags == ["North Korea", "Russia", "Kim Jong-un", "Putin"]
    assert "Kim Jong-un, Putin" not in a.text
    assert a.text.rstrip().endswith(".")
    assert any(r.kind == "tags" for r in a.removed)


# -- 003 ---------------------------------------------------------------------------------
def test_clean_seed003_title_is_headline_not_header_or_widget(seeds_dir: Path, cleaned: dict[str, Article]) -> None:
    a = cleaned["003"]
    lines = seed_lines(seed_path(seeds_dir, "003"))
    assert a.title == lines[1]
    assert a.title_source == "first_line"
    assert a.title not in ("Monday, December 23, 2024", "Must read")


def test_clean_seed003_header_and_widgets_gone_from_body(cleaned: dict[str, Article]) -> None:
    a = cleaned["003"]
    blocks = a.text.split("\n\n")
    for junk in ("Monday, December 23, 2024", "Must read", "Latest article"):
        assert junk not in blocks
        assert junk not in a.text
    kinds = {r.text: r.kind for r in a.removed}
    assert kinds["Monday, December 23, 2024"] == "header_date"
    assert kinds["Must read"] == "widget"
    assert kinds["Latest article"] == "widget"


def test_clean_seed003_each_caption_once_as_caption(seeds_dir: Path, cleaned: dict[str, Article]) -> None:
    a = cleaned["003"]
    lines = seed_lines(seed_path(seeds_dir, "003"))
    captions = [x for x in lines[2:] if not TERMINAL.search(x) and x not in ("Must read", "Latest article")]
    distinct = {fold(c) for c in captions}
    assert len(distinct) >= 10
    folded = [fold(c) for c in a.captions]
    assert sorted(folded) == sorted(distinct)  # each caption exactly once
    text = fold(a.text)
    for c in distinct:
        assert c not in text  # ... and not in the article text


def test_clean_seed003_header_date_low_confidence_evidence(cleaned: dict[str, Article]) -> None:
    p = cleaned["003"].published
    header = [e for e in p.evidence if e.source == "header_line"]
    assert [e.value for e in header] == ["2024-12-23"]
    assert header[0].confidence <= 0.3
    assert p.confidence <= 0.3
    assert "crawl" in header[0].note


# -- all five ----------------------------------------------------------------------------
@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_clean_seed_body_paragraphs_intact_and_in_order(seeds_dir: Path, cleaned: dict[str, Article], prefix: str) -> None:
    a = cleaned[prefix]
    assert body_blocks(a) == expected_body(seeds_dir, prefix)
    assert a.text == "\n\n".join(body_blocks(a))
    assert a.lang == "en"
    assert a.status == "ok"


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_clean_seed_nothing_lost(seeds_dir: Path, cleaned: dict[str, Article], prefix: str) -> None:
    """Each line of the seed is in the body, the title, a caption, the tags or ``removed``."""
    a = cleaned[prefix]
    body = {norm(b) for b in a.text.split("\n\n")}
    removed = {norm(r.text) for r in a.removed if r.kind in JUNK_KINDS}
    captions = {norm(c) for c in a.captions}
    tags = ", ".join(a.tags)
    for line in seed_lines(seed_path(seeds_dir, prefix)):
        placed = line in body or line == a.title or line in captions or line in removed or (tags and line == tags)
        assert placed, f"{prefix}: line lost: {line[:80]!r}"
    # and the body does not contain anything that was not in the seed
    lines = set(seed_lines(seed_path(seeds_dir, prefix)))
    assert body <= lines


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_clean_seed_paragraph_spans_match_text(cleaned: dict[str, Article], prefix: str) -> None:
    a = cleaned[prefix]
    assert a.paragraphs
    for s in a.paragraphs + a.subheadings:
        block = a.text[s.start : s.end]
        assert block and "\n" not in block
        assert s.start == 0 or a.text[s.start - 2 : s.start] == "\n\n"


def test_clean_seed_ids_distinct_and_stable(seeds_dir: Path, cleaned: dict[str, Article]) -> None:
    ids = {k: a.id for k, a in cleaned.items()}
    assert len(set(ids.values())) == 5
    again = {Path(d.origin.location).name[:3]: clean_document(d).id for d in Ingestor().iter_documents([str(seeds_dir)])}
    assert again == ids

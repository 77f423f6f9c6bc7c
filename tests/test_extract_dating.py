"""Publication dates from metadata, header lines and the text, on hand-built seed articles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsprism.extract.dating import dateline_length, infer_published
from newsprism.extract.times import extract_times
from newsprism.model import Article, DateEvidence, Origin, Published, Span

TERMINAL = re.compile(r"""[.!?]["'”’]*$""")


def make_article(paragraphs: list[str], evidence: list[DateEvidence] | None = None, captions: list[str] | None = None) -> Article:
    """An Article as the cleaner would build it: paragraphs joined by blank lines, with spans."""
    text = "\n\n".join(paragraphs)
    spans, pos = [], 0
    for p in paragraphs:
        spans.append(Span(pos, pos + len(p), "", "paragraph"))
        pos += len(p) + 2
    a = Article(id="test", origin=Origin("file", "test.txt"), text=text, paragraphs=spans, captions=captions or [])
    a.published = Published(evidence=list(evidence or []))
    return a


def seed_article(seeds_dir: Path, prefix: str) -> Article:
    """A seed cleaned by hand: junk lines out; 000's stamp and 003's header kept as evidence."""
    (path,) = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
    lines = [x.strip() for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    evidence: list[DateEvidence] = []
    captions: list[str] = []
    if prefix == "000":
        evidence.append(DateEvidence("header_line", "2024-06", "month", 0.5, "date stamp line 'date 2024-06 Share:'"))
        body = lines[1:]
    elif prefix == "001":
        body = lines[1:-1]
    elif prefix == "003":
        evidence.append(DateEvidence("header_line", "2024-12-23", "day", 0.3, "page header line 'Monday, December 23, 2024'"))
        rest = [x for x in lines[2:] if x not in ("Must read", "Latest article")]
        body = [x for x in rest if TERMINAL.search(x)]
        for x in rest:
            if not TERMINAL.search(x) and x.replace("’", "'") not in [c.replace("’", "'") for c in captions]:
                captions.append(x)
    else:
        body = lines[1:]
    return make_article(body, evidence, captions)


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> dict[str, Article]:
    return {p: seed_article(seeds_dir, p) for p in ("000", "001", "002", "003", "004")}


def test_dating_seed002_weekday_fixes_the_year(seeds: dict[str, Article], nlp) -> None:  # type: ignore[no-untyped-def]
    a = seeds["002"]
    p = infer_published(a, nlp(a.text))
    assert (p.value, p.precision, p.conflict) == ("2024-06-18", "day", False)
    assert p.confidence >= 0.5  # trusted enough to anchor relative expressions
    (e,) = [e for e in p.evidence if e.source == "text"]
    assert e.span is not None and a.text[e.span.start : e.span.end] == "Tuesday, June 18"
    assert "2024" in e.note


def test_dating_seed000_month_stamp_stays_month(seeds: dict[str, Article], nlp) -> None:  # type: ignore[no-untyped-def]
    a = seeds["000"]
    p = infer_published(a, nlp(a.text))
    # "a statement by ISW on June 18" dates an event, not the article: no day precision from it.
    assert (p.value, p.precision, p.conflict) == ("2024-06", "month", False)
    assert [e.source for e in p.evidence] == ["header_line"]


def test_dating_seed003_header_date_contradicted(seeds: dict[str, Article], nlp) -> None:  # type: ignore[no-untyped-def]
    a = seeds["003"]
    assert "May 11, 2024" not in a.text and any("May 11, 2024" in c for c in a.captions)
    p = infer_published(a, nlp(a.text))
    assert p.conflict
    assert p.confidence <= 0.15
    (header,) = [e for e in p.evidence if e.source == "header_line"]
    assert header.value == "2024-12-23" and header.confidence <= 0.15
    assert "crawl" in p.note and "2024-05-11" in p.note and "tomorrow" in p.note
    assert "September" in p.note  # "in September" would be 2024-09 against the header; captions say 2023
    assert a.published.evidence[0].confidence == 0.3  # the input article is not mutated


def test_dating_seeds_without_evidence(seeds: dict[str, Article], nlp) -> None:  # type: ignore[no-untyped-def]
    for prefix in ("001", "004"):  # "will visit on June 18-19", "later on Tuesday": no year, no weekday+date
        a = seeds[prefix]
        p = infer_published(a, nlp(a.text))
        assert p.value is None and p.evidence == []


def test_dating_anchor_from_text_resolves_relative_times(seeds: dict[str, Article], nlp) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    a = seeds["002"]
    doc = nlp(a.text)
    p = infer_published(a, doc)
    times = extract_times(a.text, dt.date.fromisoformat(p.value), doc)  # type: ignore[arg-type]
    assert {t.span.text: t.value for t in times}["Tuesday, June 18"] == "2024-06-18"


def test_dating_metadata_outranks_text_and_agrees_within_days(nlp) -> None:  # type: ignore[no-untyped-def]
    a = make_article(
        ["On Tuesday, June 18, the minister opened the new bridge in 2024's biggest ceremony so far.", "More text."],
        [DateEvidence("metadata", "2024-06-19", "day", 0.9, "given")],
    )
    p = infer_published(a, nlp(a.text))
    assert (p.value, p.conflict) == ("2024-06-19", False)
    assert p.confidence > 0.9  # the text's date (a day earlier: the event) agrees
    assert any(e.source == "text" and e.value == "2024-06-18" for e in p.evidence)


def test_dating_metadata_disagreeing_with_text_is_flagged(nlp) -> None:  # type: ignore[no-untyped-def]
    a = make_article(
        ["On June 18, 2024, the minister opened the new bridge.", "More text."],
        [DateEvidence("metadata", "2023-01-05", "day", 0.9, "given")],
    )
    p = infer_published(a, nlp(a.text))
    assert p.value == "2023-01-05" and p.conflict and p.confidence < 0.9
    assert "text 2024-06-18" in p.note


def test_dating_text_full_date_beats_header_and_flags_it(nlp) -> None:  # type: ignore[no-untyped-def]
    a = make_article(
        ["On March 3, 2021, the council voted to close the plant.", "It closed a year later."],
        [DateEvidence("header_line", "2024-12-23", "day", 0.3, "page header")],
    )
    p = infer_published(a, nlp(a.text))
    assert (p.value, p.precision, p.conflict) == ("2021-03-03", "day", True)
    assert "header_line 2024-12-23" in p.note


def test_dating_dateline(nlp) -> None:  # type: ignore[no-untyped-def]
    a = make_article(["MOSCOW, June 18, 2024 (Reuters) - Russia's president flew to Pyongyang.", "More text."])
    p = infer_published(a, nlp(a.text))
    assert (p.value, p.precision) == ("2024-06-18", "day")
    assert p.confidence >= 0.7 and "dateline" in p.evidence[0].note


def test_dating_future_tense_lead_is_not_the_date(nlp) -> None:  # type: ignore[no-untyped-def]
    a = make_article(["The president will visit Seoul on Tuesday, June 18, 2024, officials said.", "More."])
    p = infer_published(a, nlp(a.text))
    assert p.value is None


def test_dating_weekday_year_follows_other_evidence(nlp) -> None:  # type: ignore[no-untyped-def]
    a = make_article(
        ["On Wednesday, June 18, the parliament met.", "More."],
        [DateEvidence("header_line", "2025-06", "month", 0.5, "stamp")],
    )
    p = infer_published(a, nlp(a.text))
    assert (p.value, p.precision) == ("2025-06-18", "day")  # June 18 is a Wednesday in 2025


def test_dating_is_idempotent(seeds: dict[str, Article], nlp) -> None:  # type: ignore[no-untyped-def]
    for prefix in ("002", "003"):
        a = seeds[prefix]
        doc = nlp(a.text)
        once = infer_published(a, doc)
        a2 = Article.from_dict(a.to_dict())
        a2.published = once
        twice = infer_published(a2, doc)
        assert (twice.value, twice.precision, twice.conflict, len(twice.evidence)) == (
            once.value, once.precision, once.conflict, len(once.evidence)
        )


@pytest.mark.parametrize("lead, dateline", [
    ("NEW YORK (AP) — The city said on Monday it would reopen the schools.", "NEW YORK (AP) — "),
    ("WASHINGTON (Reuters) - A top U.S. health official cautioned on Thursday that it could spread.", "WASHINGTON (Reuters) - "),
    ("WASHINGTON—President Donald Trump has made his first nomination to the court.", "WASHINGTON—"),
    ("ALBANY, N.Y. – The governor resigned on Tuesday afternoon after a long inquiry.", "ALBANY, N.Y. – "),
    ("ST. LOUIS (AP) — Prosecutors charged two men on Friday over the shooting.", "ST. LOUIS (AP) — "),
    ("BEIJING (CNN) Officials ordered the factories closed for a week on Monday.", "BEIJING (CNN) "),
    ("LONDON -- \"We will not back down,\" the prime minister told lawmakers on Monday.", "LONDON -- "),
    ("MOSCOW, June 18 (Reuters) - President Vladimir Putin arrived in the city on Tuesday.", "MOSCOW, June 18 (Reuters) - "),
    ("LYON, France, Sept. 3, 2024 (AFP) – Firefighters put out the blaze after six hours.", "LYON, France, Sept. 3, 2024 (AFP) – "),
])
def test_dateline_of_a_wire_lead_is_found_whole(lead: str, dateline: str) -> None:
    assert lead[:dateline_length(lead)] == dateline


@pytest.mark.parametrize("lead", [
    "A V-22 Osprey crashed into the sea near the base on Monday, officials said.",
    "Sen. Kamala Harris (D-Calif.) said she would end her campaign on Tuesday.",
    "U.S. — the country said it would leave the agreement within a year.",  # no capital after the dash
    "NATO said on Monday it would send more troops to the region this year.",
    # a place in title case is not read as one: too like "Sen. Kamala Harris (D-Calif.) ..."
    "Washington (CNN) By injecting a heavy dose of rhetoric into the visit, he changed it.",
    "WASHINGTON — Trump won.",  # too little after it to stand as a line
])
def test_a_lead_without_a_dateline_keeps_every_word(lead: str) -> None:
    assert dateline_length(lead) == 0

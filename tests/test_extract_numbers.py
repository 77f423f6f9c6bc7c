"""Numeric claims: the seeds' figures with unit, approximation and source; what is not a claim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsprism.extract.numbers import extract_numbers, figure_text, figure_value, words_to_number
from newsprism.model import Attribution, NumberClaim, Span


def seed_body(seeds_dir: Path, prefix: str) -> str:
    """The seed's body lines (no headline, stamp, header, tag or caption lines), one paragraph each."""
    (path,) = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
    lines = [x.strip() for x in path.read_text(encoding="utf-8").splitlines() if x.strip()][1:]
    if prefix == "001":
        lines = lines[:-1]
    if prefix == "003":
        lines = [x for x in lines[1:] if re.search(r"""[.!?]["'”’]*$""", x)]
    return "\n\n".join(lines)


def claim(claims: list[NumberClaim], surface: str) -> NumberClaim:
    (c,) = [c for c in claims if c.span.text == surface]
    return c


def test_numbers_seed001_five_million_shells_from_the_sentence(seeds_dir: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(seed_body(seeds_dir, "001"))
    c = claim(extract_numbers(doc), "5 million")
    assert (c.value, c.unit, c.approx) == (5_000_000, "artillery shells", "around")
    assert c.source == "South Korean Ministry of Defense"  # "According to the South Korean Ministry of Defense, ..."
    assert c.sentence is not None and "around 5 million artillery shells" in c.sentence.text
    assert doc.text[c.sentence.start : c.sentence.end] == c.sentence.text


def test_numbers_seed001_source_from_given_attribution(seeds_dir: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    text = seed_body(seeds_dir, "001")
    doc = nlp(text)
    src = text.index("the South Korean Ministry of Defense")
    stmt = text.index("North Korea has sent containers")
    stmt_end = text.index(".", text.index("artillery shells")) + 1
    att = Attribution(
        statement=Span(stmt, stmt_end, text[stmt:stmt_end]),
        source=Span(src, src + 36, text[src : src + 36]),
        source_name="Ministry of National Defense (South Korea)",
    )
    c = claim(extract_numbers(doc, [att]), "5 million")
    assert c.source == "Ministry of National Defense (South Korea)"


def test_numbers_seed001_hundreds_of_thousands(seeds_dir: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    c = claim(extract_numbers(nlp(seed_body(seeds_dir, "001"))), "hundreds of thousands")
    assert (c.value, c.approx, c.unit) == (100_000, "hundreds of", "Russians")


def test_numbers_vague_amount_renders_its_words_with_the_bound(seeds_dir: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    """The stored value of a vague plural is a lower bound: views print the words, never "hundreds of 100,000"."""
    c = claim(extract_numbers(nlp(seed_body(seeds_dir, "001"))), "hundreds of thousands")
    assert figure_text(c.value, c.approx, c.unit, c.span.text) == "hundreds of thousands (≥100,000) Russians"
    assert figure_value(c.value, c.approx, c.span.text) == "≥100,000"


@pytest.mark.parametrize(
    "text, shown",
    [
        ("Dozens of people were hurt.", "Dozens (≥12) people"),
        ("Tens of thousands of people marched.", "Tens of thousands (≥10,000) people"),
        ("Several hundred people were killed.", "several hundred (≥100) people"),
        ("A few thousand troops arrived.", "a few thousand (≥1,000) troops"),
        ("Some 10 to 15 people died.", "some 10 to 15 people"),  # a range as written, not "some 10"
        ("South Korea said about 7,400 containers of ammunition were sent.", "about 7,400 containers of ammunition"),
        ("It may contain around 5 million artillery shells.", "around 5,000,000 artillery shells"),
        ("Prices rose 2.5% in May.", "2.5%"),
    ],
)
def test_numbers_figure_text_reads_as_the_claim(text: str, shown: str, nlp) -> None:  # type: ignore[no-untyped-def]
    (c,) = extract_numbers(nlp(text))
    assert figure_text(c.value, c.approx, c.unit, c.span.text) == shown


def test_numbers_seed002_containers_of_ammunition(seeds_dir: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    claims = extract_numbers(nlp(seed_body(seeds_dir, "002")))
    c = claim(claims, "7,400")
    assert (c.value, c.unit, c.approx) == (7400, "containers of ammunition", "about")
    assert c.source == "South Korea's Defense Ministry"
    years = claim(claims, "twenty")  # "in over twenty years": a duration, kept in years
    assert (years.value, years.unit, years.approx) == (20, "years", "over")


def test_numbers_seed000_at_least_ten_missiles(seeds_dir: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    claims = extract_numbers(nlp(seed_body(seeds_dir, "000")))
    c = claim(claims, "10")
    assert (c.value, c.approx) == (10, "at least")
    assert "missiles" in c.unit
    assert c.source == "U.S. Department of State"
    assert len(claims) == 1  # June 18, June 16, March 19, 2000, 2022 are dates; "two dictatorships" refers


def test_numbers_seeds_dates_names_and_ordinals_are_not_claims(seeds_dir: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    for prefix in ("000", "001", "002", "003", "004"):
        text = seed_body(seeds_dir, prefix)
        for c in extract_numbers(nlp(text)):
            assert text[c.span.start : c.span.end] == c.span.text
            assert c.value not in (2000, 2002, 2019, 2022, 2023, 2024, 18, 19), c
            assert c.span.text.lower() not in ("first", "second", "16", "19", "72")


def test_numbers_seed003_quarter_century(seeds_dir: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    claims = extract_numbers(nlp(seed_body(seeds_dir, "003")))
    c = claim(claims, "a quarter century")
    assert (c.value, c.unit, c.approx) == (25, "years", "almost")
    assert not [x for x in claims if x.span.text in ("24", "nine")]  # "24 years ago", "nine months after" are times


@pytest.mark.parametrize(
    "text, surface, value, unit, approx",
    [
        ("Nine people died in the blast, police said.", "Nine", 9, "people", ""),
        ("The war has lasted two decades.", "two", 20, "years", ""),
        ("Officials counted more than 1,200 injured.", "1,200", 1200, "", "more than"),
        ("Turnout was 62.5 percent.", "62.5", 62.5, "%", ""),
        ("The aid package is worth $1.5bn.", "$1.5bn", 1_500_000_000, "USD", ""),
        ("Up to €30 million was pledged.", "€30 million", 30_000_000, "EUR", "up to"),
        ("Tens of thousands of people marched.", "Tens of thousands", 10_000, "people", "tens of"),
        ("Some 10 to 15 soldiers were wounded.", "10 to 15", 10, "soldiers", "some"),
        ("The 240mm launcher was shown again.", "240mm", 240, "mm", ""),
        ("It was a two-day visit.", "two", 2, "days", ""),
        ("Nearly half a million people fled.", "half a million", 500_000, "people", "nearly"),
    ],
)
def test_numbers_values_units_and_approximations(text: str, surface: str, value: float, unit: str, approx: str, nlp) -> None:  # type: ignore[no-untyped-def]
    c = claim(extract_numbers(nlp(text)), surface)
    assert (c.value, c.unit, c.approx) == (value, unit, approx)


@pytest.mark.parametrize(
    "text",
    [
        "F-16 jets and T-72B3 tanks passed COVID-19 posters.",
        "The first and second rounds ended on 9/11 at 10 a.m.",
        "The two leaders met in 2000 under Resolution 2231 aboard a Boeing 737.",
        "One of them said so.",
        "The court issued a 5-4 ruling on June 18.",
    ],
)
def test_numbers_non_claims(text: str, nlp) -> None:  # type: ignore[no-untyped-def]
    assert extract_numbers(nlp(text)) == []


def test_numbers_words_to_number() -> None:
    assert words_to_number("nine") == 9
    assert words_to_number("twenty-four") == 24
    assert words_to_number("two hundred and fifty") == 250
    assert words_to_number("five million") == 5_000_000
    assert words_to_number("a dozen") == 12
    assert words_to_number("artillery") is None


@pytest.mark.parametrize("text, unit", [
    ("The death toll rose to 12 yesterday, the mayor's office said.", ""),  # regression: unit was "yesterday"
    ("The toll reached 30 today.", ""),
    ("They sold 40 tonnes on Tuesday.", "tonnes"),
    ("He served 12 years in prison.", "years"),  # a duration is still counted in its unit
])
def test_numbers_a_time_word_after_a_figure_is_not_what_it_counts(text: str, unit: str, nlp) -> None:  # type: ignore[no-untyped-def]
    assert [n.unit for n in extract_numbers(nlp(text))] == [unit]


def test_numbers_a_figure_inside_a_name_is_no_count(nlp) -> None:  # type: ignore[no-untyped-def]
    """Regression (briefing-dev, reports of the 2019 Ethiopian Airlines crash): "737" of "Boeing
    737 MAX 8" was a count of jets, and a conflict set it against another outlet's figure."""
    doc = nlp("Ethiopian Airlines grounded its Boeing 737 MAX 8 jets after 157 people died. "
              "Section 230 of the Communications Decency Act shields them.")
    found = {n.span.text: n.unit for n in extract_numbers(doc)}
    assert "737" not in found and "230" not in found
    assert found.get("157") == "people"

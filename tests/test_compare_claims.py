"""One claim in different words: background claims, claim links, and the join pass.

Small made-up articles annotated by the compare stage's own fallbacks (as in
test_compare_events.py), so each mechanism is checked on its own.
"""

from __future__ import annotations

from newsprism.compare import compare_story
from newsprism.compare.common import verify_passages
from newsprism.compare.events import claim_key, same_claim, story_window
from newsprism.compare.background import background_statements
from newsprism.compare.statements import Statement, build_statements
from newsprism.model import Article, Origin, Published, Story


def _art(aid: str, text: str, published: str = "2024-06-18") -> Article:
    return Article(id=aid, origin=Origin("file", f"/tmp/{aid}.txt"), outlet=aid.upper(), text=text,
                   published=Published(published, "day", 0.9))


def _one(sts: list[Statement], needle: str) -> Statement:
    hits = [s for s in sts if needle in s.text]
    assert len(hits) == 1, (needle, [s.text for s in sts])
    return hits[0]


def test_compare_claims_background_claim_of_a_sentence_is_a_part() -> None:
    a = _art("a", "The streets of Pyongyang were decorated with Russian flags ahead of his first visit to the country since 2000.")
    sts, fields = build_statements([a])
    parts = background_statements(sts, fields)
    part = next(p for p in parts if p.text == "his first visit to the country since 2000")
    assert part.part_of == sts[0].idx and part.idx >= len(sts)
    assert [r.value for _, r in part.dates] == ["2000"]


def test_compare_claims_sentences_of_a_quotation_are_parts() -> None:
    a = _art("a", '"The visit helps legitimize his regime at home. Foreign leaders rarely visit North Korea, '
                  'and Putin last visited North Korea in 2000," the article says.')
    sts, fields = build_statements([a])
    assert len(sts) == 1  # no statement starts or ends inside the quotation
    parts = [p.text for p in background_statements(sts, fields)]
    assert any(t.startswith("Putin last visited North Korea in 2000") for t in parts), parts
    assert all(len(t) < len(sts[0].text) for t in parts)


def test_compare_claims_same_past_event_same_frame_same_figure() -> None:
    a = _art("a", "This will be Putin's first visit to North Korea since 2000. "
                  "North Korea is supplying weapons to Russia. About 3,000 homes were flooded. Smith scored 14 points in the game against Boston.")
    b = _art("b", "Putin last visited North Korea in 2000. North Korea has provided crates of weapons to Russia. "
                  "About 3,000 homes are under water. Russia has provided North Korea with technical help. "
                  "About 600 homes were flooded. Jones scored 14 points in the final game of the season.")
    sts, _ = build_statements([a, b])
    window = story_window(sts)

    def same(x: str, y: str) -> bool:
        return same_claim(claim_key(_one(sts, x), window), claim_key(_one(sts, y), window))

    assert same("first visit to North Korea since 2000", "last visited North Korea in 2000")
    # one happening (WordNet: "supply" and "provide" share their first sense) on one kind of thing
    assert same("supplying weapons", "crates of weapons")
    assert not same("supplying weapons", "technical help")  # supplied, but not weapons
    assert same("3,000 homes were flooded", "3,000 homes are under water")
    assert not same("3,000 homes were flooded", "600 homes")
    assert not same("Smith scored 14 points", "Jones scored 14 points")  # a small count alone names no claim


def test_compare_claims_join_one_claim_across_outlets_without_part_only_facts() -> None:
    a = _art("a", "This will be Putin's first visit to North Korea since his first presidential term in 2000. "
                  "The talks will cover trade.")
    b = _art("b", "The streets of Pyongyang were decorated with Russian flags ahead of his first visit to the country since 2000. "
                  "Officials prepared a banquet for the guests.")
    c = _art("c", "In 2000, the last time Putin visited North Korea, he was a frequent traveller. "
                  "The weather in the capital was mild.")
    arts = [a, b, c]
    comparison = compare_story(Story("s"), arts, use_embeddings=False)
    assert verify_passages(comparison, arts) == []
    best = max(comparison["facts"], key=lambda f: f["independent_outlets"])
    assert best["independent_outlets"] == 3, [f["passages"] for f in comparison["facts"]]
    # the background claim is cited by its whole sentence
    b_passage = next(p for p in best["passages"] if p["article"] == "b")
    assert b_passage["text"].startswith("The streets of Pyongyang")
    # the part joined the fact its sentence did not: b's sentence is cited once, and no fact is
    # made of background claims only (every passage is a whole statement)
    cited = [(p["article"], p["start"], p["end"]) for f in comparison["facts"] for p in f["passages"]]
    assert len(cited) == len(set(cited)) == comparison["method"]["statements"] == 6

"""Settling dates from the story: month anchors, day anchors winning, and merged alignment evidence."""

from __future__ import annotations

import datetime as dt

from newsprism.extract.times import extract_times
from newsprism.model import Article, DateEvidence, Origin, Published
from newsprism.stories.settle import coarse_anchor, settle_dates

JUNE_18 = dt.date(2024, 6, 18)
DATED = "On Tuesday, June 18, Vladimir Putin began his visit to North Korea."


def art(aid: str, text: str, published: Published | None = None) -> Article:
    a = Article(id=aid, origin=Origin("json", aid), outlet=aid.upper(), text=text, published=published or Published())
    return a


def dated_member() -> Article:
    a = art("a", DATED, Published("2024-06-18", "day", 0.6, [DateEvidence("text", "2024-06-18", "day", 0.6)]))
    a.times = extract_times(a.text, JUNE_18)
    return a


def month_stamped(text: str, confidence: float = 0.5, conflict: bool = False) -> Article:
    ev = DateEvidence("header_line", "2024-06", "month", confidence, "date stamp line")
    a = art("b", text, Published("2024-06", "month", confidence, [ev], conflict))
    a.times = extract_times(a.text, dt.date(2024, 6, 1), precision="month")
    return a


def times_of(a: Article) -> dict[str, list[tuple[str | None, str | None]]]:
    out: dict[str, list[tuple[str | None, str | None]]] = {}
    for t in a.times:
        out.setdefault(t.span.text, []).append((t.value, t.anchor))
    return out


def test_settle_story_month_anchors_a_member_without_a_date() -> None:
    """Like seed 001: no date of its own, the story's month 2024-06 resolves its "June 18-19"."""
    undated = art("c", "Russian president Vladimir Putin will visit North Korea on June 18-19 at the invitation of Kim Jong Un.")
    undated.times = extract_times(undated.text, None)
    assert times_of(undated)["June 18-19"] == [(None, None)]
    settle_dates([dated_member(), undated])
    assert (undated.published.value, undated.published.precision) == ("2024-06", "month")
    assert undated.published.confidence < 0.5  # a weak publication date, but the story's month and year
    assert times_of(undated)["June 18-19"] == [("2024-06-18/2024-06-19", "2024-06")]


def test_settle_day_found_later_wins_over_the_month_anchor() -> None:
    b = month_stamped("Vladimir Putin will begin his visit to North Korea tomorrow. He will be there on June 18-19.")
    assert times_of(b) == {"tomorrow": [(None, "2024-06")], "June 18-19": [("2024-06-18/2024-06-19", "2024-06")]}
    settle_dates([dated_member(), b])
    assert (b.published.value, b.published.precision) == ("2024-06-17", "day")
    assert times_of(b) == {"tomorrow": [("2024-06-18", "2024-06-17")], "June 18-19": [("2024-06-18/2024-06-19", "2024-06-17")]}


def test_settle_coarse_anchor_needs_the_day_anchor_trust() -> None:
    text = "Putin met Kim on June 18."
    assert coarse_anchor(month_stamped(text)) == (dt.date(2024, 6, 1), "month")
    assert coarse_anchor(month_stamped(text, confidence=0.35)) is None  # a weak stamp is no anchor
    assert coarse_anchor(month_stamped(text, conflict=True)) is None
    year = art("y", text, Published("2024", "year", 0.6, [DateEvidence("header_line", "2024", "year", 0.6)]))
    assert coarse_anchor(year) == (dt.date(2024, 1, 1), "year")
    assert coarse_anchor(art("d", text, Published("2024-06-18", "day", 0.9))) is None  # a day is no coarse anchor


def test_settle_merges_repeated_alignment_evidence() -> None:
    """Like seed 003: two "tomorrow"s aligned with one dated passage are one piece of evidence."""
    b = art("b", "Putin will travel to North Korea tomorrow amid suspicion about munitions supply from Pyongyang.\n\n"
                 "His arrival in North Korea tomorrow marks the second visit.")
    b.times = extract_times(b.text, None)
    assert [t.span.text for t in b.times] == ["tomorrow", "tomorrow"]
    settle_dates([dated_member(), b])
    story = [e for e in b.published.evidence if e.source == "story"]
    assert len(story) == 1
    (e,) = story
    assert (e.value, e.precision) == ("2024-06-17", "day")
    assert e.note.startswith("“tomorrow” (2 mentions) in this article aligns with a dated passage of A: “On Tuesday")
    sims = _similarities(b)
    assert len(set(sims)) == 2 and e.confidence == round(min(0.85, 0.4 + max(sims)), 2)  # the better alignment kept
    assert e.span is not None and e.span.start == b.times[sims.index(max(sims))].span.start
    assert b.published.note.startswith("dated from its story: “tomorrow” (2 mentions)")


def test_settle_keeps_different_expressions_as_separate_evidence() -> None:
    """"today" and "on Tuesday" both give June 18 from the same passage: two clues, not one."""
    b = art("b", "Vladimir Putin begins his visit to North Korea today.\n\nPutin's visit to North Korea began on Tuesday.")
    b.times = extract_times(b.text, None)
    settle_dates([dated_member(), b])
    story = [e for e in b.published.evidence if e.source == "story"]
    assert b.published.value == "2024-06-18"
    assert sorted(e.note.split(" in this article")[0] for e in story) == ["“Tuesday”", "“today”"]
    assert all("mentions)" not in e.note for e in story)


def _similarities(b: Article) -> list[float]:
    from newsprism.stories.settle import _similarity, _words, sentence_around

    pool = _words(DATED)
    return [_similarity(_words(sentence_around(b.text, t.span.start, t.span.end).text), pool) for t in b.times]


def test_one_trust_rule_for_a_publication_day_in_every_stage() -> None:
    from newsprism.extract.annotate import anchor_date
    from newsprism.model import Article, Origin, Published
    from newsprism.stories.features import published_day
    from newsprism.stories.settle import trusted_day

    def art(value: str, precision: str, confidence: float, conflict: bool = False) -> Article:
        return Article(id="a", origin=Origin(kind="json", location="x#1"),
                       published=Published(value, precision, confidence, conflict=conflict))  # type: ignore[arg-type]

    cases = [(art("2024-06-18", "day", 0.9), dt.date(2024, 6, 18)), (art("2024-06-18", "day", 0.3), None),
             (art("2024-06-18", "day", 0.9, conflict=True), None), (art("2024-06", "month", 0.9), None),
             (art("2024-02-30", "day", 0.9), None)]  # no such day: trusted nowhere, and no crash
    for a, day in cases:
        assert anchor_date(a) == trusted_day(a) == published_day(a) == day, a.published

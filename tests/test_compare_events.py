"""Which statements may never be aligned into one fact (newsprism.compare.events).

Small made-up articles, annotated by the compare stage's own fallbacks, so each rule is checked
on its own: incompatible explicit dates, the story's own event vs a date years away, different
cities; and what must stay linkable (a shared reference year, report dates, capitals as actors).
"""

from __future__ import annotations

import numpy as np
import pytest

from newsprism.compare.events import cannot_link, event_time, story_window
from newsprism.compare.facts import cluster
from newsprism.compare.statements import Statement, build_statements
from newsprism.model import Article, Origin, Published


def _art(aid: str, text: str, captions: tuple[str, ...] = (), published: str = "2024-06-18") -> Article:
    return Article(id=aid, origin=Origin("file", f"/tmp/{aid}.txt"), outlet=aid.upper(), text=text,
                   captions=list(captions), published=Published(published, "day", 0.9))


@pytest.fixture(scope="module")
def story() -> tuple[list[Statement], np.ndarray, list[dict]]:  # type: ignore[type-arg]
    a = _art("a", "Vladimir Putin began his visit to North Korea on June 18, 2024. "
                  "Kim Jong Un personally welcomed Vladimir Putin at the airport when he arrived in Pyongyang.")
    b = _art("b", "Vladimir Putin will visit North Korea on June 18-19, 2024. "
                  "This will be Putin's first visit to North Korea since 2000.")
    c = _art("c", "Putin last visited North Korea in 2000. Kim Jong Un met Vladimir Putin in Vladivostok on June 19, 2024. "
                  "Seoul said on June 19, 2024 that the talks were a threat.",
             ("FILE: Vladimir Putin welcomes Kim Jong Un prior to their talks at the Far Eastern Federal University "
              "campus in the port of Vladivostok on April 25, 2019",))
    d = _art("d", "Kim Jong Un met Vladimir Putin in Pyongyang on June 19, 2024. "
                  "Kyiv said on June 19, 2024 that the talks were a threat.")
    sts, _ = build_statements([a, b, c, d])
    forbid, cuts = cannot_link(sts)
    return sts, forbid, cuts


def _find(sts: list[Statement], needle: str) -> int:
    hits = [s.idx for s in sts if needle in s.text]
    assert len(hits) == 1, (needle, [s.text for s in sts])
    return hits[0]


def test_compare_events_old_photo_caption_never_corroborates_the_story_event(story) -> None:  # type: ignore[no-untyped-def]
    sts, forbid, _ = story
    caption = _find(sts, "April 25, 2019")
    assert sts[caption].field == "caption"
    # the undated arrival continues a passage dated within the story: it is the story's own event
    arrival = _find(sts, "at the airport")
    assert forbid[arrival, caption]
    assert forbid[_find(sts, "will visit North Korea"), caption]  # future tense: the story's own event
    assert forbid[_find(sts, "began his visit"), caption]  # explicit, incompatible dates


def test_compare_events_incompatible_explicit_dates_are_kept_apart(story) -> None:  # type: ignore[no-untyped-def]
    sts, forbid, cuts = story
    began, last = _find(sts, "began his visit"), _find(sts, "last visited North Korea in 2000")
    assert forbid[began, last]
    assert any({c["a"], c["b"]} == {began, last} and c["reason"] == "incompatible dates" for c in cuts)


def test_compare_events_shared_reference_year_stays_linkable(story) -> None:  # type: ignore[no-untyped-def]
    sts, forbid, _ = story
    since = _find(sts, "first visit to North Korea since 2000")
    last = _find(sts, "last visited North Korea in 2000")
    window = story_window(sts)
    assert event_time(sts[since], window).current  # "will be": about the story's own event
    assert event_time(sts[last], window).remote
    assert not forbid[since, last]  # both say 2000: "first since 2000" and "last in 2000" agree


def test_compare_events_different_cities_are_kept_apart_but_capitals_as_actors_are_not(story) -> None:  # type: ignore[no-untyped-def]
    sts, forbid, cuts = story
    vlad, pyong = _find(sts, "in Vladivostok on June 19"), _find(sts, "in Pyongyang on June 19")
    assert forbid[vlad, pyong]
    assert any({c["a"], c["b"]} == {vlad, pyong} and c["reason"].startswith("different cities") for c in cuts)
    # "Seoul said" / "Kyiv said": capitals speaking for their governments, not where something happened
    assert not forbid[_find(sts, "Seoul said"), _find(sts, "Kyiv said")]


def test_compare_events_report_date_is_not_the_event_date() -> None:
    a = _art("a", "At least 12 people were killed when the dam failed on March 11, 2025.", published="2025-03-12")
    b = _art("b", "Twelve people died in the flood, the mayor's office said on March 12, 2025.", published="2025-03-12")
    sts, _ = build_statements([a, b])
    forbid, _ = cannot_link(sts)
    assert len(sts) == 2 and not forbid[0, 1]


def test_compare_events_cluster_never_merges_a_forbidden_pair(story) -> None:  # type: ignore[no-untyped-def]
    sts, forbid, _ = story
    sim = np.full((len(sts), len(sts)), 0.95)
    for i, s in enumerate(sts):
        for j, t in enumerate(sts):
            if s.article.id == t.article.id:
                sim[i, j] = 0.0
    for group in cluster(sts, sim, 0.5, forbid):
        assert not forbid[np.ix_(group, group)].any()
    assert len(cluster(sts, sim, 0.5)) < len(cluster(sts, sim, 0.5, forbid))

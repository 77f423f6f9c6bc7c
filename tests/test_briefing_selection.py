"""The briefing's line selection: a word budget it never exceeds, and no line that repeats
another (``newsprism.compare.selection.select``)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from newsprism.compare.selection import lexrank, select, word_overlap


def test_selection_stays_within_the_word_budget_and_fills_it_with_what_fits() -> None:
    scores = np.array([3.0, 2.0, 1.0, 0.5])
    words = [30, 25, 12, 10]
    red = np.eye(4)
    chosen = select(scores, words, red, budget=45, redundancy=0.0)
    assert chosen[0] == 0  # the best line first
    assert sum(words[i] for i in chosen) <= 45
    assert chosen == [0, 2]  # 25 words no longer fit after 30; the 12-word line does


def test_selection_never_takes_a_line_that_repeats_a_chosen_one() -> None:
    scores = np.array([3.0, 2.9, 1.0])
    words = [10, 10, 10]
    red = np.array([[1.0, 0.9, 0.1], [0.9, 1.0, 0.1], [0.1, 0.1, 1.0]])
    assert select(scores, words, red, budget=100, redundancy=0.0) == [0, 2]
    same = [frozenset("a b c".split()), frozenset("a b c d".split()), frozenset("x y".split())]
    assert select(scores, words, np.eye(3), budget=100, redundancy=0.0, same_words=same) == [0, 2]


def test_selection_is_never_empty_when_every_line_is_longer_than_the_budget() -> None:
    assert select(np.array([1.0, 2.0]), [50, 40], np.eye(2), budget=20, redundancy=0.0) == [1]


def test_lexrank_ranks_the_sentence_linked_to_all_others_highest() -> None:
    sim = np.array([[1, 0.8, 0.8, 0.8], [0.8, 1, 0.1, 0.0], [0.8, 0.1, 1, 0.0], [0.8, 0.0, 0.0, 1]])
    r = lexrank(sim)
    assert int(np.argmax(r)) == 0 and abs(r.sum() - 4) < 1e-6


def test_word_overlap_rewards_the_words_other_outlets_and_the_headlines_share() -> None:
    bags = {"a": Counter(["quake", "kill", "10"]), "b": Counter(["quake", "rescue"]),
            "c": Counter(["kill", "quake", "10"])}
    titles = {"b": {"quake", "kill"}, "c": {"rescue", "team"}}
    rows = word_overlap([["quake", "kill", "10"], ["rescue", "team"]], ["a", "b"], bags, titles)
    shared, count, title, title_max, centroid = rows[0]
    assert shared == pytest.approx((1 / 3 + 3 / 3) / 2)  # b uses 1 of its 3 words, c all 3
    assert count == pytest.approx(0.2)  # 2 words on average, per 10
    assert (title, title_max) == pytest.approx((0.5, 1.0))  # all of one headline, none of the other
    assert centroid == pytest.approx(0.9212, abs=1e-3)  # worked by hand: 5.7446 / (1.7321 * 3.6004)
    # "team" is in no article body: the second line shares only "rescue", with no other article;
    # it is all of c's headline (b's own headline is left out, so the mean is over c's alone)
    assert rows[1][0] == pytest.approx(0.0) and tuple(rows[1][2:4]) == pytest.approx((1.0, 1.0))
    own = word_overlap([["rescue", "team"]], ["c"], bags, titles)[0]
    assert tuple(own[2:4]) == pytest.approx((0.0, 0.0))  # c's own headline does not count for c
    assert word_overlap([], [], bags, titles).shape == (0, 5)

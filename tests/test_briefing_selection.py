"""The briefing's line selection: a word budget it never exceeds, and no line that repeats
another (``newsprism.compare.selection.select``)."""

from __future__ import annotations

import numpy as np

from newsprism.compare.selection import lexrank, select


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

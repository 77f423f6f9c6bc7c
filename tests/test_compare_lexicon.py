"""The loaded-language lexicon: inflections, exceptions, part-of-speech filter, user extension."""

from __future__ import annotations

import json
from pathlib import Path

from newsprism.compare.lexicon import Lexicon


def _terms(lex: Lexicon, text: str, nlp=None) -> list[str]:  # type: ignore[no-untyped-def]
    doc = nlp(text) if nlp is not None else None
    return [h.term for h in lex.find(text, doc)]


def test_lexicon_matches_inflected_forms() -> None:
    lex = Lexicon.load()
    assert _terms(lex, "Two dictators met.") == ["dictator"]
    assert _terms(lex, "Critics slammed the plan and lashed out at the mayor.") == ["slam", "lash out"]
    assert _terms(lex, "It was an utterly hell-bent effort.") == ["utterly", "hell-bent"]


def test_lexicon_exceptions_keep_neutral_uses_out() -> None:
    lex = Lexicon.load()
    assert _terms(lex, "The sanctions regime was tightened.") == []
    assert _terms(lex, "The regime in the capital banned rallies.") == ["regime"]


def test_lexicon_pos_filter_separates_noun_and_verb(nlp) -> None:  # type: ignore[no-untyped-def]
    lex = Lexicon.load()
    assert _terms(lex, "The claims were investigated.", nlp) == []
    assert _terms(lex, "Rebels claimed the town.", nlp) == ["claim"]


def test_lexicon_hits_are_exact_spans() -> None:
    lex = Lexicon.load()
    text = "State media repeated the propaganda."
    (hit,) = lex.find(text)
    assert text[hit.start : hit.end] == hit.text == "propaganda"
    assert hit.category == "pejorative_label"


def test_lexicon_user_file_adds_and_removes(tmp_path: Path) -> None:
    user = tmp_path / "mine.json"
    user.write_text(json.dumps({"categories": {"sports_cliche": {"description": "x", "terms": ["smashed it"]}},
                                "remove": ["propaganda"]}), encoding="utf-8")
    lex = Lexicon.load(user)
    assert _terms(lex, "They smashed it, said the propaganda.") == ["smashed it"]
    assert "sports_cliche" in lex.describe()

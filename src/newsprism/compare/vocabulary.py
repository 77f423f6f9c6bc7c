"""The word classes the compare stage reads statements with: event words, what a figure counts,
paraphrase concepts, claim frames, facility and region nouns, first-person and negation words.

One home for these tables (the aligner, the event rules and the conflict finder import them
from here). They are general English words; ``tests/test_no_corpus_words.py`` keeps words of
our own corpora out of them.
"""

from __future__ import annotations

import json
import re
from importlib import resources

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Token

from newsprism.extract.quotes import BELIEF_CUES, SPEECH_CUES

# -- happenings and what they count: WordNet 3.0 ------------------------------------------------
# Derived by tools/derive_wordnet.py (its docstring states the rules; the file carries WordNet's
# licence and a digest of the database files). Hand lists drift towards the corpora they are
# written beside; a lexical database does not.
_WORDNET = json.loads((resources.files("newsprism") / "data" / "wordnet_lexicon.json").read_text())
HAPPENING_VERBS: dict[str, str] = _WORDNET["verbs"]  # verb lemma -> concept ("perish" -> "die.v.01")
EVENT_NOUN_CONCEPTS: dict[str, str] = _WORDNET["event_nouns"]  # "evacuation" -> "evacuate.v.01"
NOUN_CONCEPTS: dict[str, str] = _WORDNET["nouns"]  # synonyms: "pact" / "treaty" -> "treaty.n.01"
COUNTED_EVENTS = frozenset(_WORDNET["counted"])  # what news counts: people killed, injured, evacuated, arrested ...
SITE_VERBS = frozenset(_WORDNET["site_verbs"])  # "visited Porto", "toured the plant": the object is where it happens
EVENT_NOUNS = frozenset(EVENT_NOUN_CONCEPTS)

def concept_word(concept: str) -> str:
    """A concept as a reader reads it: "meet.v.01" -> "meet", "give_way.v.01" -> "give way";
    anything else (a plain lemma) unchanged. Reports show words, never WordNet's sense ids."""
    m = _SENSE.fullmatch(concept)
    return m.group(1).replace("_", " ") if m else concept


_SENSE = re.compile(r"(.+)\.[nvasr]\.\d\d")

# Verbs of quantity: "the death toll rose to 12" counts what its subject names (English grammar).
GENERIC_VERBS = {"be", "rise", "reach", "climb", "stand", "total", "include", "number", "hit", "exceed", "top", "increase", "grow", "fall", "drop"}


def _phrasal(t: Token) -> str:
    """The verb with its particle or fixed object when WordNet lists the pair ("gave way" ->
    "give_way", "blew up" -> "blow_up"), else its lemma."""
    lemma = t.lemma_.lower()
    for c in t.children:
        if c.dep_ in ("prt", "dobj") and f"{lemma}_{c.lower_}" in HAPPENING_VERBS:
            return f"{lemma}_{c.lower_}"
    return lemma


def happening(t: Token) -> str | None:
    """The concept of a token that names a happening: a happening verb (not one of spaCy's stop
    words: "go", "make", "take" say nothing alone; not a verb of saying or believing, which
    reports a claim rather than a happening) or an event noun."""
    if t.pos_ == "VERB":
        word = _phrasal(t)
        if word == t.lemma_.lower() and (t.is_stop or word in STOP_WORDS or word in SPEECH_CUES or word in BELIEF_CUES):
            return None
        return HAPPENING_VERBS.get(word)
    if t.pos_ == "NOUN":
        return EVENT_NOUN_CONCEPTS.get(t.lemma_.lower())
    return None


def concept(t: Token) -> str | None:
    """What a word means beyond its spelling, for paraphrase: a happening's concept, or a noun's
    WordNet synonym set; None when the word is its own concept."""
    return happening(t) or (NOUN_CONCEPTS.get(t.lemma_.lower()) if t.pos_ == "NOUN" else None)


# Kinds of facility where news events happen (general building and amenity classes, as in
# OpenStreetMap's map features); words met only in our own corpora were removed.
FACILITY_NOUNS = {
    "airport": "airport", "airbase": "base", "base": "base", "spaceport": "spaceport",
    "palace": "palace", "hotel": "hotel",
    "stadium": "stadium", "university": "university", "station": "station",
    "embassy": "embassy", "hall": "hall", "square": "square", "plant": "plant", "factory": "plant",
    "shipyard": "shipyard", "harbour": "port", "harbor": "port", "hospital": "hospital",
    "headquarters": "headquarters", "parliament": "parliament",
}
REGION_WORDS = {
    "region", "province", "territory", "state", "county", "district", "east",
    "west", "north", "south", "island", "peninsula", "coast", "sea", "border", "area", "continent",
    "europe", "asia", "africa", "america", "middle",
}
FIRST_PERSON = {"i", "we", "my", "our", "us", "me", "ours", "myself", "ourselves"}

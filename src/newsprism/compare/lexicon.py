"""The loaded-language lexicon: load it (plus a user file) and find its terms in text.

Why hand-written: no maintained PyPI package ships an English lexicon of *journalistic* loaded
wording with exceptions ("sanctions regime" is not pejorative); sentiment lexicons (VADER,
AFINN) score emotion, not evaluative labels. The lexicon lives in
``newsprism/data/loaded_words.json`` (categories -> terms, exceptions, optional part-of-speech
filters) so users can read and extend it without touching code.

Matching is a single compiled regular expression over generated inflections (fast, no parse
needed); when a spaCy ``Doc`` of the same text is given, the part-of-speech filter drops noun
uses of verb-only terms ("the claims" vs "claimed").
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

ENV_VAR = "NEWSPRISM_LEXICON"


@dataclass(frozen=True)
class LoadedHit:
    """One loaded term found in a text: a character span and the lexicon entry it matched."""

    start: int
    end: int
    text: str
    term: str
    category: str


def _forms(word: str) -> set[str]:
    """Regular inflections of one word (over-generation is harmless: non-words never match)."""
    w = word.lower()
    out = {w, w + "s", w + "ing"}
    if w.endswith("e"):
        out |= {w + "d", w + "r", w + "rs", w[:-1] + "ing"}
    else:
        out |= {w + "ed", w + "er", w + "ers"}
    if w.endswith(("s", "x", "z", "ch", "sh")):
        out.add(w + "es")
    if w.endswith("y") and len(w) > 2 and w[-2] not in "aeiou":
        out |= {w[:-1] + "ies", w[:-1] + "ied"}
    if len(w) >= 3 and w[-1] not in "aeiouwxy" and w[-2] in "aeiou" and w[-3] not in "aeiou":
        out |= {w + w[-1] + "ed", w + w[-1] + "ing", w + w[-1] + "er"}
    if w.endswith("ly") or " " in w or "-" in w:
        return {w}
    return out


def _phrase_forms(term: str) -> set[str]:
    parts = term.lower().split()
    if len(parts) == 1:
        return _forms(term)
    # multiword: inflect the verb when the phrase starts with one ("lash out" -> "lashed out"),
    # else the last word ("rogue state" -> "rogue states")
    head_first = {parts[0] + " " + " ".join(parts[1:])}
    first_forms = {f + " " + " ".join(parts[1:]) for f in _forms(parts[0])}
    last_forms = {" ".join(parts[:-1]) + " " + f for f in _forms(parts[-1])}
    return head_first | first_forms | last_forms


class Lexicon:
    """Terms by category, exceptions and POS filters, compiled into one matcher."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.categories: dict[str, dict[str, Any]] = {}
        self.term_category: dict[str, str] = {}
        self.exceptions: dict[str, list[str]] = {}
        self.pos: dict[str, set[str]] = {}
        self.merge(data)

    # -- building -------------------------------------------------------------------------
    def merge(self, data: Mapping[str, Any]) -> None:
        """Add (or override) categories, terms, exceptions and POS filters from ``data``."""
        for name, cat in (data.get("categories") or {}).items():
            entry = self.categories.setdefault(name, {"description": "", "terms": []})
            if cat.get("description"):
                entry["description"] = cat["description"]
            for term in cat.get("terms", []):
                t = term.strip().lower()
                if not t:
                    continue
                old = self.term_category.get(t)
                if old and old != name and t in self.categories[old]["terms"]:
                    self.categories[old]["terms"].remove(t)
                if t not in entry["terms"]:
                    entry["terms"].append(t)
                self.term_category[t] = name
        for term, phrases in (data.get("exceptions") or {}).items():
            if term.startswith("_"):
                continue
            self.exceptions.setdefault(term.lower(), [])
            self.exceptions[term.lower()] += [p.lower() for p in phrases]
        for term, tags in (data.get("pos") or {}).items():
            if not term.startswith("_"):
                self.pos[term.lower()] = set(tags)
        for term in data.get("remove") or []:
            t = term.lower()
            cat = self.term_category.pop(t, None)
            if cat:
                self.categories[cat]["terms"].remove(t)
        self._compile()

    def _compile(self) -> None:
        self.form_term: dict[str, str] = {}
        for term in self.term_category:
            for f in _phrase_forms(term):
                self.form_term.setdefault(f, term)
        for term in self.term_category:  # a term's own form always maps to itself
            self.form_term[term] = term
        forms = sorted(self.form_term, key=len, reverse=True)
        alts = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms) or r"(?!x)x"
        self._re = re.compile(rf"(?<![\w\-’'])(?:{alts})(?![\w\-])", re.IGNORECASE)

    @classmethod
    def load(cls, user_file: str | Path | None = None) -> Lexicon:
        """The packaged lexicon, with ``user_file`` (or ``$NEWSPRISM_LEXICON``) merged on top."""
        lex = cls(_packaged())
        user = user_file or os.environ.get(ENV_VAR)
        if user:
            lex.merge(json.loads(Path(user).read_text(encoding="utf-8")))
        return lex

    # -- matching -------------------------------------------------------------------------
    def find(self, text: str, doc: Doc | None = None) -> list[LoadedHit]:
        """Every loaded term in ``text`` (non-overlapping, longest first), minus exceptions."""
        hits: list[LoadedHit] = []
        low = text.lower()
        for m in self._re.finditer(text):
            form = re.sub(r"\s+", " ", m.group(0).lower())
            term = self.form_term.get(form)
            if term is None:
                continue
            if self._excepted(low, m.start(), m.end(), term):
                continue
            if doc is not None and term in self.pos and not self._pos_ok(doc, m.start(), m.end(), term):
                continue
            hits.append(LoadedHit(m.start(), m.end(), text[m.start() : m.end()], term, self.term_category[term]))
        return hits

    def _excepted(self, low: str, start: int, end: int, term: str) -> bool:
        for phrase in self.exceptions.get(term, ()):
            # the exception phrase must contain the hit: look in a window around it
            lo, hi = max(0, start - len(phrase)), min(len(low), end + len(phrase))
            for m in re.finditer(re.escape(phrase), low[lo:hi]):
                if lo + m.start() <= start and end <= lo + m.end() + 3:
                    return True
        return False

    def _pos_ok(self, doc: Doc, start: int, end: int, term: str) -> bool:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            return True
        head = span[0] if term.split()[0] in span[0].lower_ else span.root
        return head.pos_ in self.pos[term]

    def describe(self) -> dict[str, Any]:
        """Categories with descriptions and term counts, for the report's methods note."""
        return {k: {"description": v["description"], "terms": len(v["terms"])} for k, v in self.categories.items()}


@functools.lru_cache(maxsize=1)
def _packaged() -> dict[str, Any]:
    text = resources.files("newsprism").joinpath("data/loaded_words.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.lru_cache(maxsize=4)
def default_lexicon(user_file: str | None = None) -> Lexicon:
    """Cached ``Lexicon.load`` (the compare stage calls it once per story)."""
    return Lexicon.load(user_file)


def in_any(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    """True when ``[start, end)`` lies inside one of ``spans``."""
    return any(s <= start and end <= e for s, e in spans)

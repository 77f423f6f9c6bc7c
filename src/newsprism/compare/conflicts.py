"""Where reports disagree: figures, dates, places, name spellings and negation.

Precision comes first: a false contradiction costs users' trust, so each detector demands that
the two passages are about the same thing (aligned into one fact, or the same event: the same
people, the same kind of event, compatible dates) *and* that the values are incompatible after
normalisation (units converted, "about"/"at least" and rounding respected). Figures that count
different things ("7,400 containers" vs "5 million shells") are listed as *related figures*,
never as conflicts. No NLI model ships on PyPI, so all of this is rules over the annotations.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein

from newsprism.compare.common import outlet_label, passage
from newsprism.compare.events import place_pair, places_compatible, specific_places, trusted_time
from newsprism.compare.similarity import PENALTY_DATES
from newsprism.compare.statements import FieldDoc, Statement
from newsprism.compare.vocabulary import concept_word
from newsprism.model import NumberClaim

MIN_CONFIDENCE = 0.5  # weaker pairs only join a conflict that a stronger pair established
RELATED_MARGIN = 0.7  # figures in passages this aligned are shown together as related
SIDE_MARGIN = 0.6  # a figure joins a side when its passage is this aligned with a conflicting one

# -- figures -----------------------------------------------------------------------------------
ABOUT = {"about", "around", "approximately", "roughly", "some", "circa", "an estimated", "estimated", "nearly", "almost", "close to", "as many as"}
AT_LEAST = {"at least", "more than", "over", "above", "upwards of", "in excess of", "no fewer than", "no less than"}
AT_MOST = {"up to", "at most", "less than", "fewer than", "under", "below", "no more than"}
UNITS: dict[str, tuple[str, float]] = {
    "km": ("length", 1000), "kilometre": ("length", 1000), "kilometer": ("length", 1000),
    "mile": ("length", 1609.344), "m": ("length", 1), "metre": ("length", 1), "meter": ("length", 1),
    "kg": ("mass", 1), "kilogram": ("mass", 1), "tonne": ("mass", 1000), "ton": ("mass", 1000),
    "usd": ("usd", 1), "dollar": ("usd", 1), "$": ("usd", 1), "us$": ("usd", 1),
    "eur": ("eur", 1), "euro": ("eur", 1), "€": ("eur", 1), "gbp": ("gbp", 1), "pound": ("gbp", 1), "£": ("gbp", 1),
    "%": ("percent", 1), "percent": ("percent", 1), "per cent": ("percent", 1),
    "year": ("years", 1), "month": ("months", 1), "day": ("days", 1), "hour": ("hours", 1),
}
TIME_UNITS = {"years", "months", "days", "hours"}
PEOPLE = {"people", "person", "resident", "civilian", "villager", "citizen", "inhabitant", "victim", "individual", "men", "women", "child", "children"}
_UNIT_STOP = {"the", "a", "an", "of", "more", "additional", "new", "other", "some", "such", "these", "those", "its", "their", "his", "her"}


def _singular(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def unit_key(unit: str) -> tuple[str, str, frozenset[str]]:
    """(kind, head, modifiers): ("dim", "length", {}) for measures, ("thing", "shell", {"artillery"})."""
    u = unit.lower().strip()
    if u in UNITS:
        return ("dim", UNITS[u][0], frozenset())
    main = re.split(r"\s+(?:of|in|for|from|to|on)\s+", u)[0]
    words = [_singular(w) for w in re.findall(r"[a-z$€£%]+", main) if w not in _UNIT_STOP]
    if not words:
        return ("thing", "", frozenset())
    if words[-1] in UNITS:
        return ("dim", UNITS[words[-1]][0], frozenset())
    if words[-1] in PEOPLE:
        return ("thing", "people", frozenset())  # "4,200 people" and "4,200 residents" count the same kind
    return ("thing", words[-1], frozenset(words[:-1]))


def _factor(unit: str) -> float:
    u = unit.lower().strip()
    if u in UNITS:
        return UNITS[u][1]
    words = [_singular(w) for w in re.findall(r"[a-z$€£%]+", u)]
    return UNITS[words[-1]][1] if words and words[-1] in UNITS else 1.0


def _rounding(v: float) -> float:
    """Half a unit of the last significant digit of a round figure (5 million -> 500,000)."""
    v = abs(v)
    if v < 100 or v != int(v):
        return 0.0
    k = 0
    n = int(v)
    while n % 10 == 0 and n > 0:
        n //= 10
        k += 1
    return 0.5 * 10**k if k else 0.0


def value_interval(n: NumberClaim) -> tuple[float, float]:
    """The values a figure, as stated, is compatible with."""
    v = n.value * _factor(n.unit)
    tol = _rounding(n.value) * _factor(n.unit)
    if unit_key(n.unit)[0] == "dim":  # a measure is rounded to its last digit ("16 km" = 15.5-16.5 km)
        decimals = len(f"{n.value:g}".split(".")[1]) if "." in f"{n.value:g}" else 0
        tol = max(tol, 0.5 * 10**-decimals * _factor(n.unit))
    ap = (n.approx or "").lower().strip()
    if ap in AT_LEAST:
        return v - tol, math.inf
    if ap in AT_MOST:
        return -math.inf, v + tol
    if ap in ABOUT or ap:
        slack = 0.1 * abs(v)
        return v - slack - tol, v + slack + tol
    return v - tol - 1e-9 * abs(v), v + tol + 1e-9 * abs(v)


def figures_conflict(a: NumberClaim, b: NumberClaim) -> bool:
    lo1, hi1 = value_interval(a)
    lo2, hi2 = value_interval(b)
    return hi1 < lo2 or hi2 < lo1


def _figure(st: Statement, n: NumberClaim) -> dict[str, Any]:
    return {
        "value": n.value, "unit": n.unit, "approx": n.approx, "text": n.span.text,
        "source": n.source or (st.sources[0] if st.sources else ""), "outlet": st.outlet,
        "article": st.article.id, "passage": passage(st.article, st.start, st.end, st.outlet, st.field, st.index),
        "figure": passage(st.article, n.span.start, n.span.end, st.outlet, st.field, st.index),
    }


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# -- the detector ------------------------------------------------------------------------------
class ConflictFinder:
    """Runs every detector over one story's aligned statements."""

    def __init__(self, statements: Sequence[Statement], sim: np.ndarray, fact_of: dict[int, str], threshold: float, fields: Sequence[FieldDoc]) -> None:
        self.st = statements
        self.sim = sim
        self.fact_of = fact_of
        self.threshold = threshold
        self.fields = fields

    def aligned(self, i: int, j: int, margin: float = 0.8) -> bool:
        """Same fact, or nearly as similar as the clustering requires."""
        fi, fj = self.fact_of.get(i), self.fact_of.get(j)
        return (fi is not None and fi == fj) or self.sim[i, j] >= margin * self.threshold

    def _pairs(self) -> list[tuple[int, int]]:
        """Pairs from different independent sources that share words, entities or a person."""
        n = len(self.st)
        if n < 2:
            return []
        src = np.array([hash(s.source) for s in self.st])
        people = sorted({p for s in self.st for p in s.persons})
        pid = {p: k for k, p in enumerate(people)}
        inc = np.zeros((n, max(1, len(people))), dtype=np.float32)
        for i, s in enumerate(self.st):
            for p in s.persons:
                inc[i, pid[p]] = 1.0
        mask = ((self.sim > 0.05) | ((inc @ inc.T) > 0)) & (src[:, None] != src[None, :])
        return [(int(i), int(j)) for i, j in np.argwhere(np.triu(mask, 1))]

    def run(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        pairs = self._pairs()
        conflicts = self.numbers(pairs) + self.dates(pairs) + self.places(pairs) + self.negations(pairs) + self.names()
        related = self.related_figures(pairs)
        conflicts.sort(key=lambda c: -c["confidence"])
        for k, c in enumerate(conflicts, 1):
            c["id"] = f"C{k}"
        for k, r in enumerate(related, 1):
            r["id"] = f"R{k}"
        return conflicts, related

    # -- figures --------------------------------------------------------------------------
    def _figure_pairs(self, pairs: list[tuple[int, int]], margin: float = 0.8) -> list[tuple[int, int, NumberClaim, NumberClaim]]:
        out = []
        for i, j in pairs:
            a, b = self.st[i], self.st[j]
            if not a.numbers or not b.numbers or not self.aligned(i, j, margin):
                continue
            for n in a.numbers:
                for m in b.numbers:
                    out.append((i, j, n, m))
        return out

    def _thing(self, i: int, n: NumberClaim) -> tuple[str, str, str]:
        """(kind, head, predicate) of what a figure counts."""
        k = unit_key(n.unit)
        return k[0], k[1], self.st[i].predicates.get(n.span.start, "")

    def _same_thing(self, i: int, n: NumberClaim, j: int, m: NumberClaim) -> bool:
        kn, km = unit_key(n.unit), unit_key(m.unit)
        if not kn[1] or kn[:2] != km[:2]:
            return False
        if kn[2] and km[2] and not (kn[2] & km[2]):
            return False  # "artillery shells" vs "tank shells"
        pn, pm = self.st[i].predicates.get(n.span.start, ""), self.st[j].predicates.get(m.span.start, "")
        if kn[0] == "thing" and (pn != pm or not pn) and not (not pn and not pm and self.fact_of.get(i) == self.fact_of.get(j)):
            return False  # "12 people killed" vs "4,200 people evacuated"; unknown on one side: no claim
        return True

    def _places_apart(self, i: int, j: int) -> bool:
        """Both passages name cities and none in common: likely different events."""
        ca = {p.key for p in self.st[i].places if p.kind == "city"}
        cb = {p.key for p in self.st[j].places if p.kind == "city"}
        return bool(ca and cb and not ca & cb)

    def numbers(self, pairs: list[tuple[int, int]]) -> list[dict[str, Any]]:
        edges: list[tuple[float, int, int, NumberClaim, NumberClaim]] = []
        for i, j, n, m in self._figure_pairs(pairs):
            if not self.aligned(i, j, 1.0) or not self._same_thing(i, n, j, m):
                continue
            if self._dated_apart(i, j) or self._places_apart(i, j) or not figures_conflict(n, m):
                continue
            conf = round(min(0.9, 0.45 + 0.5 * float(self.sim[i, j])), 2)
            edges.append((conf, i, j, n, m))
        out = []
        done: set[tuple[str, str, str]] = set()
        seen_sides: set[frozenset[tuple[str, int]]] = set()
        for conf, i, j, n, m in sorted(edges, key=lambda e: -e[0]):
            thing = self._thing(i, n)
            if thing in done:
                continue
            done.add(thing)
            best = max(c for c, a, b, x, _ in edges if self._thing(a, x) == thing)
            if best < MIN_CONFIDENCE:
                continue
            # every figure of this thing in a passage aligned with the conflicting ones joins a side
            core = {a for c, a, b, x, _ in edges if self._thing(a, x) == thing} | {b for c, a, b, x, y in edges if self._thing(a, x) == thing}
            cands = [(k, f) for k, st in enumerate(self.st) for f in st.numbers
                     if any(self._same_thing(k, f, c, g) for c in core for g in self.st[c].numbers if self._thing(c, g) == thing)]
            members = set(core)
            grown = True
            while grown:  # agreeing figures join through any aligned passage already in the conflict
                grown = False
                for k, _ in cands:
                    if k not in members and any(self.aligned(k, c, SIDE_MARGIN) and not self._places_apart(k, c) for c in members):
                        members.add(k)
                        grown = True
            figs = [(k, f) for k, f in cands if k in members]
            # An article that itself gives differing values for the thing ("157 died in this
            # crash, 189 in the last one"; several sums of one bill) shows the words name more
            # than one quantity there: its figures take no side. What is left must still
            # disagree across reports.
            by_article: dict[str, list[NumberClaim]] = defaultdict(list)
            for k, f in figs:
                by_article[self.st[k].article.id].append(f)
            several = {a for a, fs in by_article.items() if any(figures_conflict(x, y) for x in fs for y in fs)}
            figs = [(k, f) for k, f in figs if self.st[k].article.id not in several]
            sig = frozenset((self.st[k].article.id, f.span.start) for k, f in figs)
            if sig in seen_sides:  # the same figures under another name of the thing
                continue
            seen_sides.add(sig)
            sides: list[dict[str, Any]] = []
            for k, f in figs:
                st = self.st[k]
                # equal values are agreement: a figure joins the side that states its value, else
                # the first side it is compatible with
                home = next((sd for sd in sides if any(value_interval(f) == value_interval(g) for g in sd["_claims"])), None)
                home = home or next((sd for sd in sides if all(not figures_conflict(f, g) for g in sd["_claims"])), None)
                if home is None:
                    home = {"value": f.span.text, "_claims": [], "figures": [], "passages": [], "outlets": [], "_sources": set(), "sources": []}
                    sides.append(home)
                home["_claims"].append(f)
                home["figures"].append(_figure(st, f))
                home["passages"].append(passage(st.article, st.start, st.end, st.outlet, st.field, st.index))
                if st.outlet not in home["outlets"]:
                    home["outlets"].append(st.outlet)
                home["_sources"].add(st.source)
                src = f.source or (st.sources[0] if st.sources else "")
                if src and src not in home["sources"]:
                    home["sources"].append(src)
            if len(sides) < 2 or len({x for sd in sides for x in sd["_sources"]}) < 2:
                continue
            for sd in sides:
                sd.pop("_claims")
                sd["independent_outlets"] = len(sd.pop("_sources"))
            head = thing[1] + (f" ({concept_word(thing[2])})" if thing[2] else "")
            vals = " vs ".join(f"“{sd['value']}” ({', '.join(sd['outlets'])})" for sd in sides)
            out.append(self._conflict("number", head, sides, best,
                                      f"Aligned passages count the same thing ({head}) with values that differ beyond the stated approximation and rounding: {vals}."))
        return out

    def related_figures(self, pairs: list[tuple[int, int]]) -> list[dict[str, Any]]:
        """Figures in aligned passages that measure different things: shown together, not opposed."""
        bucket: dict[str, dict[str, Any]] = {}
        for i, j, n, m in self._figure_pairs(pairs, RELATED_MARGIN):
            if self.fact_of.get(i) != self.fact_of.get(j) and not self._share_words(i, j):
                continue  # related figures belong to one fact, or to aligned passages about the same thing
            kn, km = unit_key(n.unit), unit_key(m.unit)
            if self._same_thing(i, n, j, m) or kn[0] == km[0] == "dim" and kn[1] in TIME_UNITS and km[1] in TIME_UNITS:
                continue
            pn, pm = self.st[i].predicates.get(n.span.start, ""), self.st[j].predicates.get(m.span.start, "")
            if not figures_conflict(n, m) and (kn[:2] == km[:2] or (pn and pn == pm)):
                continue  # the same figure worded differently ("4,200 people" / "4,200 residents")
            if kn[:2] == km[:2] and not (kn[2] and km[2] and not kn[2] & km[2]) and not self._differ_by_predicate(i, n, j, m):
                continue  # same unit, unclear what is counted: neither a conflict nor clearly related
            key = self.fact_of.get(i) or self.fact_of.get(j) or f"{i}-{j}"
            entry = bucket.setdefault(key, {"fact": self.fact_of.get(i) if self.fact_of.get(i) == self.fact_of.get(j) else None, "figures": [], "things": []})
            for st, claim, k in ((self.st[i], n, kn), (self.st[j], m, km)):
                if not any(f["figure"]["start"] == claim.span.start and f["article"] == st.article.id for f in entry["figures"]):
                    entry["figures"].append(_figure(st, claim))
                pred = self.st[i if st is self.st[i] else j].predicates.get(claim.span.start, "")
                thing = (claim.unit or k[1]) + (f" ({concept_word(pred)})" if pred and k[0] == "thing" else "")
                if thing and thing not in entry["things"]:
                    entry["things"].append(thing)
        merged: list[dict[str, Any]] = []
        for entry in bucket.values():  # entries sharing a figure are one group
            keys = {(f["article"], f["figure"]["start"]) for f in entry["figures"]}
            home = next((m for m in merged if keys & {(f["article"], f["figure"]["start"]) for f in m["figures"]}), None)
            if home is None:
                merged.append(entry)
                continue
            for f in entry["figures"]:
                if (f["article"], f["figure"]["start"]) not in {(g["article"], g["figure"]["start"]) for g in home["figures"]}:
                    home["figures"].append(f)
            home["things"] += [t for t in entry["things"] if t not in home["things"]]
            if home["fact"] != entry["fact"]:
                home["fact"] = None
        out = []
        for entry in merged:
            things = entry.pop("things")
            entry["reason"] = "Different things are counted (" + "; ".join(things) + "): these figures complement each other and are not a contradiction."
            out.append(entry)
        return out

    def _share_words(self, i: int, j: int) -> bool:
        """A content word in common besides names and reporting verbs ("sent ... containers")."""
        skip = {"say", "tell", "report", "accord", "add", "state", "#say"}
        wa = {w for w in self.st[i].lemmas if not w.isdigit() and w not in skip}
        return bool(wa & {w for w in self.st[j].lemmas if w not in skip})

    def _differ_by_predicate(self, i: int, n: NumberClaim, j: int, m: NumberClaim) -> bool:
        pn, pm = self.st[i].predicates.get(n.span.start, ""), self.st[j].predicates.get(m.span.start, "")
        return bool(pn and pm and pn != pm)

    def _dated_apart(self, i: int, j: int) -> bool:
        a, b = self.st[i].dates, self.st[j].dates
        return bool(a and b and not any(x.compatible(y) for _, x in a for _, y in b))

    # -- dates ----------------------------------------------------------------------------
    def dates(self, pairs: list[tuple[int, int]]) -> list[dict[str, Any]]:
        edges = []
        for i, j in pairs:
            a, b = self.st[i], self.st[j]
            # a date the event is measured from, or the date of the report ("twelve died, the
            # mayor's office said on Wednesday"), is not the event's date (statements._reference_time)
            da = [(t, r) for t, r in a.dates if t.span.start not in a.reference_times]
            db = [(t, r) for t, r in b.dates if t.span.start not in b.reference_times]
            if len(da) != 1 or len(db) != 1:
                continue
            (ta, ra), (tb, rb) = da[0], db[0]
            if ra.compatible(rb) or not trusted_time(a, ta) or not trusted_time(b, tb):
                continue
            if ra.precision == "year" or rb.precision == "year" or ra.days_apart(rb) > 400:
                continue  # a different year is more often a different event than a contradiction
            if self._places_apart(i, j):
                continue
            base = float(self.sim[i, j]) + PENALTY_DATES  # similarity without the date penalty
            frame = bool(a.frames & b.frames)  # same subject doing the same thing: "the gate gave way"
            if frame and ra.days_apart(rb) <= 60 and base >= self.threshold - 0.25:
                conf = 0.55 + 0.3 * base
            elif (a.events & b.events) and ((a.persons & b.persons) or (a.entities & b.entities)) and base >= self.threshold + 0.1:
                conf = 0.35 + 0.5 * base
            else:
                continue
            conf -= 0.05 if "relative" in (ta.kind, tb.kind) else 0.0
            edges.append((round(min(0.85, conf), 2), i, j))
        out = []
        for best, members in self._components(edges):
            if best < MIN_CONFIDENCE:
                continue
            sides: list[dict[str, Any]] = []
            for k in members:
                st = self.st[k]
                t, r = st.dates[0]
                home = next((sd for sd in sides if sd["_range"].compatible(r)), None)
                if home is None:
                    home = {"value": r.value, "_range": r, "passages": [], "value_passages": [], "outlets": [], "sources": []}
                    sides.append(home)
                home["passages"].append(passage(st.article, st.start, st.end, st.outlet, st.field, st.index))
                home["value_passages"].append(passage(st.article, t.span.start, t.span.end, st.outlet, st.field, st.index))
                if st.outlet not in home["outlets"]:
                    home["outlets"].append(st.outlet)
                home["sources"] = list(dict.fromkeys(home["sources"] + st.sources))
            if len(sides) < 2:
                continue
            for sd in sides:
                sd.pop("_range")
            events = sorted(set.intersection(*[self.st[k].events for k in members]) or self.st[members[0]].events)
            out.append(self._conflict("date", " / ".join(concept_word(e) for e in events), sides, best,
                                      "Passages describing the same event give different dates: "
                                      + " vs ".join(f"{sd['value']} ({', '.join(sd['outlets'])})" for sd in sides) + "."))
        return out

    @staticmethod
    def _components(edges: list[tuple[float, int, int]] | list[tuple[float, int, int, str]]) -> list[tuple[float, list[int]]]:
        """Connected groups of conflicting passages, each with its strongest edge's confidence."""
        parent: dict[int, int] = {}

        def find(x: int) -> int:
            while parent.setdefault(x, x) != x:
                x = parent[x]
            return x

        for e in edges:
            parent[find(e[1])] = find(e[2])
        groups: dict[int, list[Any]] = defaultdict(list)
        for e in edges:
            groups[find(e[1])].append(e)
        return [(max(e[0] for e in es), sorted({k for e in es for k in (e[1], e[2])})) for es in groups.values()]

    # -- places ---------------------------------------------------------------------------
    def _same_event(self, i: int, j: int) -> float:
        """How surely two passages describe one event (0 = not the same event)."""
        a, b = self.st[i], self.st[j]
        if not (a.events & b.events):
            return 0.0
        shared = a.persons & b.persons
        if not (len(shared) >= 2 or (len(shared) == 1 and len(a.persons) == len(b.persons) == 1)):
            return 0.0
        da = [r for _, r in a.dates] or a.context_dates
        db = [r for _, r in b.dates] or b.context_dates
        if da and db:
            if not any(x.compatible(y) for x in da for y in db):
                return 0.0
            return 1.0 if a.dates and b.dates else 0.9  # a date read from the previous sentences
        # one side undated: only when the passages are aligned as one fact
        return 0.8 if self.aligned(i, j, 1.0) else 0.0

    def places(self, pairs: list[tuple[int, int]]) -> list[dict[str, Any]]:
        edges: list[tuple[float, int, int, str]] = []
        for i, j in pairs:
            same = self._same_event(i, j)
            if not same:
                continue
            res = place_pair(self.st[i], self.st[j])
            if res:
                edges.append((round(res[0] * same, 2), i, j, res[1]))
        out = []
        for best, members in self._components(edges):
            if best < MIN_CONFIDENCE:
                continue
            sides = self._place_sides(members)
            if len(sides) < 2:
                continue
            why = max((e for e in edges if e[1] in members), key=lambda e: e[0])[3]
            persons = sorted(set.intersection(*[self.st[k].persons for k in members]) or self.st[members[0]].persons)
            dates = sorted({r.value for k in members for _, r in self.st[k].dates})
            names = " and ".join(p.split(":", 1)[-1].replace("-", " ").title() for p in persons)
            events = sorted(set.intersection(*[self.st[k].events for k in members]) or self.st[members[0]].events)
            out.append(self._conflict("place", f"{'/'.join(concept_word(e) for e in events)}: {names}" + (f" ({', '.join(dates)})" if dates else ""), sides, best,
                                      f"Passages about the same event (same people, same kind of event, compatible dates) place it differently: {why}."))
        return out

    def _place_sides(self, members: list[int]) -> list[dict[str, Any]]:
        groups: list[dict[str, Any]] = []
        for k in members:
            st = self.st[k]
            ps = specific_places(st)
            home = None
            for g in groups:
                if any(places_compatible(p, q) for p in ps for q in g["_places"]):
                    home = g
                    break
            if home is None:
                home = {"value": ps[0].text, "_places": [], "passages": [], "outlets": [], "sources": []}
                groups.append(home)
            home["_places"] += ps
            if any(p.named for p in ps) and not any(p.named for p in home["_places"][: -len(ps)] or [ps[0]]):
                home["value"] = next(p.text for p in ps if p.named)
            home["passages"].append(passage(st.article, st.start, st.end, st.outlet, st.field, st.index))
            home["places"] = home.get("places", []) + [passage(st.article, p.start, p.end, st.outlet, st.field, st.index) for p in ps]
            if st.outlet not in home["outlets"]:
                home["outlets"].append(st.outlet)
            home["sources"] = list(dict.fromkeys(home["sources"] + st.sources))
        for g in groups:
            g.pop("_places")
        return groups

    # -- negation -------------------------------------------------------------------------
    def negations(self, pairs: list[tuple[int, int]]) -> list[dict[str, Any]]:
        out = []
        for i, j in pairs:
            a, b = self.st[i], self.st[j]
            if a.negated == b.negated or a.main_lemma != b.main_lemma or a.main_lemma in ("say", "be", "deny"):
                continue
            if self.fact_of.get(i) != self.fact_of.get(j) or self.fact_of.get(i) is None:
                continue
            if float(self.sim[i, j]) < self.threshold + 0.1 or self._dated_apart(i, j):
                continue
            conf = round(min(0.8, 0.3 + 0.5 * float(self.sim[i, j])), 2)
            if conf < MIN_CONFIDENCE:
                continue
            neg, pos = (a, b) if a.negated else (b, a)
            out.append(self._conflict("negation", a.main_lemma, [self._side(pos, "affirms"), self._side(neg, "negates")], conf,
                                      f"Aligned passages with the same main verb ('{a.main_lemma}'): one affirms, the other negates."))
        return out

    # -- names ----------------------------------------------------------------------------
    def names(self) -> list[dict[str, Any]]:
        """Spelling variants of one person's name across reports ("Kim Yo Jong" vs "Kim Yo Jon");
        variants inside one article are that article's typo, merged, not a disagreement."""
        forms: dict[str, dict[str, Any]] = {}
        for fd in self.fields:
            for m in fd.mentions:
                if m.label != "PERSON":
                    continue
                norm = re.sub(r"[’']s$", "", m.text).replace("-", " ")
                norm = re.sub(r"\s+", " ", norm).strip()
                key = norm.lower()
                if len(key.split()) < 2:
                    continue
                f = forms.setdefault(key, {"form": norm, "ids": set(), "items": []})
                f["ids"].add(m.entity_id)
                f["items"].append((fd, m))
        keys = sorted(forms)
        out = []
        for x, k1 in enumerate(keys):
            for k2 in keys[x + 1 :]:
                t1, t2 = k1.split(), k2.split()
                if len(t1) != len(t2):
                    continue
                diff = [(a, b) for a, b in zip(t1, t2) if a != b]
                if len(diff) != 1:
                    continue
                a, b = diff[0]
                if min(len(a), len(b)) < 3 or Levenshtein.distance(a, b) != 1:
                    continue
                if {fd.article.id for fd, _ in forms[k1]["items"]} & {fd.article.id for fd, _ in forms[k2]["items"]}:
                    continue  # one article writes the name both ways: one entity, not two reports disagreeing
                same_id = bool(forms[k1]["ids"] & forms[k2]["ids"])
                truncated = a.startswith(b) or b.startswith(a)
                if not same_id and not truncated:
                    continue
                if _fold(a) == _fold(b):
                    continue  # only an accent differs ("Jose" / "José"): a transliteration choice, one spelling
                conf = 0.8 if same_id else 0.6
                sides = [self._name_side(forms[k]) for k in (k1, k2)]
                why = (f"Two spellings of one name differ by one letter ('{a}' vs '{b}')"
                       + (" and were resolved to the same person." if same_id else "; one is a truncation of the other."))
                out.append(self._conflict("name", forms[k1]["form"], sides, conf, why))
        return out

    @staticmethod
    def _name_side(form: dict[str, Any]) -> dict[str, Any]:
        passages, outlets = [], []
        for fd, m in form["items"]:
            o = outlet_label(fd.article)
            passages.append(passage(fd.article, m.start, m.end, o, fd.field, fd.index))
            if o not in outlets:
                outlets.append(o)
        return {"value": form["form"], "passages": passages, "outlets": outlets, "sources": []}

    # -- helpers --------------------------------------------------------------------------
    @staticmethod
    def _side(st: Statement, value: str, span: list[int] | None = None) -> dict[str, Any]:
        side = {"value": value, "passages": [passage(st.article, st.start, st.end, st.outlet, st.field, st.index)],
                "outlets": [st.outlet], "sources": st.sources}
        if span:
            side["value_passage"] = passage(st.article, span[0], span[1], st.outlet, st.field, st.index)
        return side

    @staticmethod
    def _conflict(kind: str, subject: str, sides: list[dict[str, Any]], confidence: float, reason: str) -> dict[str, Any]:
        return {"kind": kind, "subject": subject, "sides": sides, "confidence": confidence, "reason": reason}

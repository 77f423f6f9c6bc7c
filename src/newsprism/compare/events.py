"""When and where a statement's event happens, and which statements cannot be one fact.

Corroboration means two outlets report *the same event*. Similar wording is not enough: an old
photo caption "The president welcomes the prime minister ... in Porto on April 25, 2019" reads much
like "The prime minister personally welcomed the president at the airport when he arrived in
Lisbon" (this year's visit). :func:`cannot_link` marks pairs of statements the aligner must never put into
one fact, from the extracted time expressions and places only:

- **Dates**: both statements carry explicit dates (absolute, or relative ones resolved against a
  trusted publication date) and no date of one is compatible with a date of the other
  ("2019-04-25" vs "2024-06-18"). A statement in the future or present progressive ("will
  visit", "is visiting") is about the story's own event; its dates outside the story's window
  are reference points ("since 2000", "initiated in February 2022"), not its event's date.
- **Story time vs years before**: one statement is about the story's own event (future or
  ongoing tense, an explicit date within the story window, or undated but continuing a passage
  dated within the window) and the other is dated only years away from the story's dates,
  with no date in common ("This will be the president's first visit since 2000" and "he last visited
  in 2000" still align: they share 2000).
- **Places**: both statements say where something happened ("in Lisbon", "at the
  university campus", "visited Porto"; not "Madrid said") and name
  different cities or different named sites, neither passage naming the other's place.

A statement counts as "dated" only by its own words, never by the story: an undated statement
about the past is left to the similarity score.

The other way round, :func:`same_claim` says when two statements make one specific claim however
they word it (the same past event on the same date, the same claim frame between the same
participants, the same quantity of the same thing); the aligner's join pass uses it to bring a
claim's scattered facts together.

The same place rules serve the conflict finder (``newsprism.compare.conflicts``), which looks for
exactly the pairs cut here that are nonetheless about one event.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from newsprism.compare.dates import DateRange, date_range
from newsprism.compare.places import Place
from newsprism.compare.statements import Statement
from newsprism.compare.vocabulary import COUNTED_EVENTS

MIN_ANCHOR_CONFIDENCE = 0.5  # a publication date this sure anchors "tomorrow" and defines the story window
NEAR_WINDOW_DAYS = 7  # a date this close to the story window is about the story's own event
REMOTE_DAYS = 365  # a date this far from the story window is another event ("years away")


# -- time ----------------------------------------------------------------------------------------
def trusted_time(st: Statement, t: Any) -> bool:
    """Absolute expressions, and relative ones resolved against the article's trusted date."""
    if t.kind == "absolute":
        return True
    p = st.article.published
    return bool(t.anchor and p.value and p.precision == "day" and t.anchor[:10] == p.value[:10]
                and p.confidence >= MIN_ANCHOR_CONFIDENCE)


def story_window(statements: Sequence[Statement]) -> DateRange | None:
    """The days the story's articles were published (trusted dates only), or None."""
    ranges = []
    for a in {s.article.id: s.article for s in statements}.values():
        p = a.published
        if p.value and p.confidence >= MIN_ANCHOR_CONFIDENCE and p.precision in ("day", "month"):
            r = date_range(p.value, p.precision)
            if r is not None:
                ranges.append(r)
    if not ranges:
        return None
    lo, hi = min(r.lo for r in ranges), max(r.hi for r in ranges)
    return DateRange(f"{lo.isoformat()}/{hi.isoformat()}", "interval", lo, hi)


@dataclass(frozen=True)
class EventTime:
    """What a statement's own words say about when its event happens."""

    dates: tuple[DateRange, ...]  # trusted explicit dates (event dates and reference dates)
    event_dates: tuple[DateRange, ...]  # the same without reference points ("since 2000")
    current: bool  # about the story's own event (future/ongoing tense, or dated/continued within the window)
    remote: bool  # dated only years away from the story window, and not about the story's own event
    references_only: bool  # current by tense, every explicit date outside the window ("since 2000")


def event_time(st: Statement, window: DateRange | None) -> EventTime:
    dates = tuple(r for t, r in st.dates if trusted_time(st, t))
    event = tuple(r for t, r in st.dates if trusted_time(st, t) and t.span.start not in st.reference_times)
    if window is None:
        return EventTime(dates, event, False, False, False)
    near = [r for r in event if r.days_apart(window) <= NEAR_WINDOW_DAYS]
    continued = not st.dates and any(r.days_apart(window) <= NEAR_WINDOW_DAYS for r in st.context_dates)
    current = st.current_tense or bool(near) or continued
    remote = bool(event) and not st.current_tense and all(r.days_apart(window) > REMOTE_DAYS for r in event)
    return EventTime(dates, event, current, remote, st.current_tense and bool(event) and not near)


def _share_date(a: EventTime, b: EventTime) -> bool:
    return any(x.compatible(y) for x in a.dates for y in b.dates)


def dates_apart(a: EventTime, b: EventTime) -> str:
    """Why two statements' times rule out one event ("" when they do not)."""
    if _share_date(a, b):
        return ""
    if a.event_dates and b.event_dates and not a.references_only and not b.references_only:
        return "incompatible dates"
    if (a.remote and b.current) or (b.remote and a.current):
        return "one is about the story's own event, the other is dated years away"
    return ""


# -- places --------------------------------------------------------------------------------------
def specific_places(st: Statement, located_only: bool = False) -> list[Place]:
    """Cities and sites (countries and regions never pin an event down)."""
    return [p for p in st.places if p.kind in ("city", "facility") and (p.located or not located_only)]


def places_compatible(p: Place, q: Place) -> bool:
    if p.key == q.key:
        return True
    pt, qt = p.text.lower(), q.text.lower()
    if pt in qt or qt in pt:
        return True
    if p.kind == q.kind == "facility":
        # an unnamed "a spaceport" can be any named one of its class
        pc, qc = p.key.split(":")[1], q.key.split(":")[1]
        return pc == qc and (not p.named or not q.named)
    return False


def place_pair(a: Statement, b: Statement, located_only: bool = False) -> tuple[float, str] | None:
    """(strength, reason) when two statements place their event differently, else None.

    0.75 different cities, 0.6 different named sites, 0.45 a city against a site.
    """
    pa, pb = specific_places(a, located_only), specific_places(b, located_only)
    if not pa or not pb:
        return None
    if any(places_compatible(p, q) for p in pa for q in pb):
        return None
    # a place named on one side that the other side's passage also names: not a contradiction
    if any(p.text.lower() in b.text.lower() for p in pa) or any(q.text.lower() in a.text.lower() for q in pb):
        return None
    ca = [p for p in pa if p.kind == "city"]
    cb = [q for q in pb if q.kind == "city"]
    fa = [p for p in pa if p.kind == "facility"]
    fb = [q for q in pb if q.kind == "facility"]
    if ca and cb:
        return 0.75, f"different cities: {', '.join(p.text for p in ca)} vs {', '.join(q.text for q in cb)}"
    if fa and fb and all(p.named for p in fa + fb):
        return 0.6, f"different named sites: {', '.join(p.text for p in fa)} vs {', '.join(q.text for q in fb)}"
    if (ca and fb) or (fa and cb):
        return 0.45, "a city on one side, a site on the other that the passage does not place in that city"
    return None


PLACE_CUT = 0.6  # different cities or different named sites; a city against a site may be one place


def places_apart(a: Statement, b: Statement) -> str:
    """Why two statements' places rule out one event ("" when they do not)."""
    res = place_pair(a, b, located_only=True)
    return res[1] if res and res[0] >= PLACE_CUT else ""


# -- one claim, however worded ------------------------------------------------------------------
PARTICIPANT_LABELS = ("PERSON", "GPE", "ORG")


@dataclass(frozen=True)
class ClaimKey:
    """What identifies a statement's claim beyond its wording (see :func:`same_claim`)."""

    participants: frozenset[str]  # people, places, organisations (a background claim adds its sentence's)
    events: frozenset[str]  # happenings as WordNet concepts ("visit.v.01", "collapse.v.01")
    frames: frozenset[tuple[str, str, frozenset[str]]]  # (happening, object concept, participants): statements._claim_frames
    past: tuple[DateRange, ...]  # explicit dates away from the story window: a past event ("since 2000")
    figures: tuple[tuple[float, str, str, bool], ...] = ()  # (value, unit, what it counts, approximate?): "about 3,000 homes flooded"


def claim_key(st: Statement, window: DateRange | None, parent: Statement | None = None) -> ClaimKey:
    ents = set(st.entities) | (set(parent.entities) if parent is not None else set())
    past: tuple[DateRange, ...] = ()
    if window is not None:
        past = tuple(r for t, r in st.dates if trusted_time(st, t) and r.days_apart(window) > NEAR_WINDOW_DAYS)
    figures = tuple(figure_key(st, x) for x in st.numbers if _specific(x, st.predicates.get(x.span.start, "")))
    return ClaimKey(
        frozenset(e for e in ents if e.split(":")[0] in PARTICIPANT_LABELS),
        frozenset(st.events),
        frozenset((p, o, frozenset(e for e in who if e.split(":")[0] in PARTICIPANT_LABELS)) for p, o, who in st.claims),
        past,
        figures,
    )


SPECIFIC_VALUE = 100  # a count this large names one quantity; a smaller one only with what it counts
VAGUE = re.compile(r"\b(several|few|many|dozens|scores|tens|hundreds|thousands|millions|billions)\b", re.I)  # "several hundred"


def _specific(n: Any, predicate: str) -> bool:
    """A figure that can identify a claim: a large count of something ("about 3,000 homes"), or a
    count of casualties, evacuees, arrests ... ("twelve people died": with a participant in
    common, see :func:`same_claim`), never a small count of anything ("14 points", "two miles")."""
    if not n.value or not (n.unit or predicate) or VAGUE.search(n.approx or ""):
        return False
    return abs(float(n.value)) >= SPECIFIC_VALUE or predicate in COUNTED_EVENTS


def figure_key(st: Statement, n: Any) -> tuple[float, str, str, bool]:
    """(value, unit, what it counts, approximate?) of a figure of a statement: what
    :func:`same_figure` compares."""
    return float(n.value), (n.unit or "").lower(), st.predicates.get(n.span.start, ""), bool(n.approx)


def same_figure(x: tuple[float, str, str, bool], y: tuple[float, str, str, bool]) -> bool:
    """One quantity: equal values (within 2% when either is approximate: "about", "some"), and
    the same unit with what they count compatible ("3,000 homes flooded" / "3,000 homes are under
    water"), or the same thing counted ("4,200 people evacuated" / "some 4,200 were evacuated")."""
    if x[0] != y[0] and not ((x[3] or y[3]) and abs(x[0] - y[0]) <= 0.02 * max(abs(x[0]), abs(y[0]))):
        return False
    if x[1] and x[1] == y[1]:
        return not (x[2] and y[2] and x[2] != y[2])
    return bool(x[2]) and x[2] == y[2]


def _buckets(v: float) -> set[str]:
    """Two-significant-digit buckets of v and v ± 2%: values within 2% share one."""
    return {f"#{x:.2g}" for x in (v * 0.98, v, v * 1.02)}


def same_claim(a: ClaimKey, b: ClaimKey) -> bool:
    """Two statements make one specific claim, however worded: the same kind of event at the same
    past date with a participant in common ("first visit since 2000" / "last visited Portugal
    in 2000" / "his first trip 24 years ago"), or the same predicate on the same kind of object
    between the same two or more participants ("shipping weapons to Portugal" / "sent containers
    of ammunition to Portugal"), or the same quantity of the same thing ("about 3,000 homes"; a
    count under 100 only with a participant in common).
    Dates inside the story's window are left out: every report shares them."""
    shared = a.participants & b.participants
    if any(same_figure(x, y) and (x[0] >= SPECIFIC_VALUE or shared) for x in a.figures for y in b.figures):
        return True
    if any(p == q and o == r and len(x & y) >= 2 for p, o, x in a.frames for q, r, y in b.frames):
        return True
    if not shared or not a.events & b.events:
        return False
    return any(x.compatible(y) for x in a.past for y in b.past)


def claim_links(statements: Sequence[Statement]) -> np.ndarray:
    """n x n bool: pairs of statements of different articles that make one claim (:func:`same_claim`)."""
    n = len(statements)
    out = np.zeros((n, n), dtype=bool)
    if n < 2:
        return out
    window = story_window(statements)
    keys = [claim_key(s, window, statements[s.part_of] if s.part_of is not None else None) for s in statements]
    # only pairs with a participant or a figure's value in common can make one claim (sparse product)
    ids: dict[str, int] = {}
    rows, cols = [], []
    for i, k in enumerate(keys):
        for e in list(k.participants) + [b for f in k.figures for b in _buckets(f[0])]:
            rows.append(i)
            cols.append(ids.setdefault(e, len(ids)))
    if not ids:
        return out
    m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(ids)))
    art = np.array([hash(s.article.id) for s in statements])
    mask = ((m @ m.T).toarray() > 0) & (art[:, None] != art[None, :])
    for i, j in np.argwhere(np.triu(mask, 1)):
        if same_claim(keys[i], keys[j]):
            out[i, j] = out[j, i] = True
    return out


# -- the constraint ------------------------------------------------------------------------------
def cannot_link(statements: Sequence[Statement], among: np.ndarray | None = None) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """(n x n bool matrix of pairs never aligned into one fact, the cut pairs with reasons).

    Only pairs of different articles are examined (the aligner never pairs one article's
    statements anyway), and only those ``among`` marks when given (the aligner passes the pairs
    similar enough to ever share a fact, which keeps large stories fast).
    """
    n = len(statements)
    forbid = np.zeros((n, n), dtype=bool)
    cuts: list[dict[str, Any]] = []
    if n < 2:
        return forbid, cuts
    window = story_window(statements)
    times = [event_time(s, window) for s in statements]
    timed = np.array([bool(t.dates or t.current) for t in times])
    placed = np.array([bool(specific_places(s, located_only=True)) for s in statements])
    art = np.array([hash(s.article.id) for s in statements])
    mask = ((timed[:, None] & timed[None, :]) | (placed[:, None] & placed[None, :])) & (art[:, None] != art[None, :])
    if among is not None:
        mask &= among | among.T
    for i, j in np.argwhere(np.triu(mask, 1)):
        i, j = int(i), int(j)
        a, b = statements[i], statements[j]
        why = dates_apart(times[i], times[j]) or places_apart(a, b)
        if why:
            forbid[i, j] = forbid[j, i] = True
            cuts.append({"a": i, "b": j, "reason": why})
    return forbid, cuts


__all__ = ["ClaimKey", "EventTime", "cannot_link", "claim_key", "claim_links", "same_claim", "dates_apart", "event_time", "place_pair", "places_apart",
           "places_compatible", "specific_places", "story_window", "trusted_time"]


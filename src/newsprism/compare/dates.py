"""Date values as ranges, and compatibility between them.

The time extractor (``newsprism.extract.times``) normalises time expressions; the compare stage
only needs to know whether two values can denote the same day ("2023" and "2023-09-13" can,
"2023-09" and "2019-04-25" cannot).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass


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

"""Date evidence from metadata and header lines, parsed conservatively.

dateparser would read words like "We" or "may" as dates (see PRODUCT.md), so we only hand it
strings that already look like a date, and only trust whole-line dates in the page header.
"""

from __future__ import annotations

import datetime as dt
import re

from newsprism.model import DateEvidence

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun"
_HEADER = re.compile(
    rf"""^\W*(?:(?:{WEEKDAYS})\.?,?\s+)?
        (?:(?P<d1>\d{{1,2}})\s+(?P<m1>{MONTHS})\.?,?\s+(?P<y1>\d{{4}})
          |(?P<m2>{MONTHS})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})
          |(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}))
        (?:[\sT,|-]+\d{{1,2}}[:.]\d{{2}}(?::\d{{2}})?\s*(?:am|pm|[A-Z]{{2,4}})?)?\W*$""",
    re.I | re.X,
)


def month_number(name: str) -> int:
    name = name.lower()[:3]
    return ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].index(name) + 1


def parse_header_date(line: str) -> DateEvidence | None:
    """A line that is only a date (optionally weekday and time) -> low-confidence evidence."""
    m = _HEADER.match(line.strip())
    if not m:
        return None
    try:
        if m.group("iso"):
            d = dt.date.fromisoformat(m.group("iso"))
        elif m.group("d1"):
            d = dt.date(int(m.group("y1")), month_number(m.group("m1")), int(m.group("d1")))
        else:
            d = dt.date(int(m.group("y2")), month_number(m.group("m2")), int(m.group("d2")))
    except ValueError:
        return None
    return DateEvidence(
        source="header_line",
        value=d.isoformat(),
        precision="day",
        confidence=0.3,
        note=f"page header line {line.strip()!r}: often the crawl or page date, not the article's",
    )


def parse_metadata_date(value: str) -> tuple[str, str] | None:
    """ISO-ish or RFC-822 metadata date -> (iso value, precision)."""
    value = value.strip()
    if re.fullmatch(r"\d{10}(?:\d{3})?(?:\.\d+)?", value):  # Unix epoch seconds / milliseconds
        seconds = float(value) / (1000 if len(value.split(".")[0]) == 13 else 1)
        return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).date().isoformat(), "day"
    m = re.match(r"^(\d{4})(?:[-/.]?(\d{2})(?:[-/.]?(\d{2}))?)?(?!\d)", value)
    if m:
        y, mo, d = m.groups()
        try:
            if d:
                return dt.date(int(y), int(mo), int(d)).isoformat(), "day"
            if mo:
                return dt.date(int(y), int(mo), 1).isoformat()[:7], "month"
            return f"{int(y):04d}", "year"
        except ValueError:
            return None
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(value).date().isoformat(), "day"
    except (TypeError, ValueError, IndexError):
        pass
    header = parse_header_date(value)
    if header:
        return header.value, "day"
    return None

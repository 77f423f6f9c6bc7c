"""The publication date from all the evidence: metadata, page header lines and the text itself.

The cleaner records what the page says (metadata, a header line, a "date 2024-06" stamp) as
``DateEvidence``; this module adds what the article's own words say and weighs them:

- **Text evidence** comes only from the lead (the first paragraph, first two sentences) or a
  dateline, in the past or present tense: a full date ("On June 18, 2024, ..."), or a weekday
  with a month-day ("On Tuesday, June 18, ...") whose year is the one, near the years the
  article mentions and any other evidence, where June 18 falls on a Tuesday. A date deeper in
  the text ("a statement by ISW on June 18") is an event's date, not the article's, and a
  future-tense lead ("will visit on June 18-19") only bounds it: neither is used.
- **Precedence**: trusted metadata (manifest, JSON/feed field, HTML meta) > htmldate >
  text-derived full date > header-line date > year-month stamps; confidence breaks ties.
  Agreeing independent evidence raises confidence.
- **Contradictions** demote a header-line date (often the crawl date) to low confidence and set
  ``conflict``, with the reason in ``note``: (1) the text's own date is more than 3 days away;
  (2) a bare month read against the header lands in a year the article itself contradicts
  ("in September" -> September 2024, while a caption dates the September meeting 2023);
  (3) the header is months after every date the article states (captions included), while the
  text speaks of "tomorrow"/"today"/"last week". A trusted metadata date that disagrees with
  the text stays chosen but is flagged too.

Why hand-written: htmldate and dateparser read a date off a page; none weighs page, header and
text evidence against each other or uses news conventions (weekday + month-day fixes the year).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from spacy.tokens import Doc

from newsprism.extract.times import MONTH, MONTH_FULL, doc_matches, extract_times, month_number, weekday_number
from newsprism.model import Article, DateEvidence, Published, Span, TimeExpr

RANK = {"manifest": 5, "metadata": 5, "json": 5, "feed": 5, "given": 5, "htmldate": 4, "text": 3, "story": 3,
        "header_line": 2}
TEXT_FULL_CONFIDENCE = 0.65  # a full date in the lead (the event's day; news is dated that day or the next)
TEXT_WEEKDAY_CONFIDENCE = 0.6  # weekday + month-day in the lead, year solved from the calendar
DATELINE_CONFIDENCE = 0.75  # "MOSCOW, June 18, 2024 (Reuters) -"
AGREE_TOLERANCE_DAYS = 3  # an article is often published the day after the event its lead dates
STALE_HEADER_DAYS = 150
DEMOTED_CONFIDENCE = 0.1
LEAD_SENTENCES = 2

_PRECISION_RANK = {"day": 3, "month": 2, "year": 1}
# The place (and wire agency) a news story opens with, before its first sentence proper:
# "WASHINGTON (Reuters) - ", "ST. LOUIS (AP) — ", "ALBANY, N.Y. – ", "WASHINGTON—", "BEIJING (AP) ",
# "MOSCOW, June 18 (Reuters) - "; the place in capitals (a region and a day may follow), then a
# dash, or an agency in parentheses (a dash optional), and then the sentence proper, capitalised.
# The date in a dateline is read as the article's date with _DATELINE_TAIL.
DATELINE = re.compile(
    r"^(?:[A-Z]{2,}[A-Z.'’]*|[A-Z]\.(?:[A-Z]\.)+)(?:\s+[A-Z][A-Z.'’]*){0,3}"  # WASHINGTON, NEW YORK, ST. LOUIS
    r"(?:,\s+[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)?)?"  # , N.Y. / , Calif. / , England
    rf"(?:,\s+{MONTH}\s+\d{{1,2}}(?:,\s+\d{{4}})?)?"  # , June 18 / , June 18, 2024 (Reuters style)
    r"(?:\s*\([^()\n]{1,40}\)(?:\s*(?:--|[–—])\s*|\s+-\s+|\s+(?=[A-Z\"“]))|\s*(?:--|[–—])\s*|\s+-\s+)"
    r"(?=[A-Z0-9\"“‘'])"  # the sentence proper starts
)


def dateline_length(lead: str) -> int:
    """Characters of the dateline the article's first sentence opens with (0 if none): what a
    line quoted from it can leave out. Only an article's first sentence has one, so the caller
    asks only of that sentence ("NATO — the alliance ..." further down is no dateline)."""
    m = DATELINE.match(lead)
    return m.end() if m and len(lead[m.end():].split()) >= 5 else 0


_DATELINE_TAIL = re.compile(r"^\s*(?:,\s*\d{4})?\s*(?:\([^)]{1,40}\))?\s*(?:[-–—:|]|/[A-Za-z ]+/)")
_WEEKDAY_MD = re.compile(
    rf"^(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+(?:the\s+)?(?:(?P<m>{MONTH_FULL}|[A-Z][a-z]{{2,3}}\.)\s+(?P<d>\d{{1,2}})|(?P<d2>\d{{1,2}})\s+(?P<m2>{MONTH_FULL}))",
)
_BARE_MONTH = re.compile(rf"^(?:(?:early|mid-?|late|the\s+(?:end|beginning|start|middle)\s+of)\s*)?(?P<m>{MONTH_FULL})$", re.I)
_NEAR_DEICTIC = re.compile(
    r"^(?:today|tonight|tomorrow|yesterday|this\s+(?:morning|afternoon|evening|week)|last\s+(?:night|week)|next\s+week|"
    r"(?:later|earlier)\s+(?:on\s+)?\w+day|\w+day(?:\s+(?:morning|afternoon|evening|night))?)$",
    re.I,
)
_FUTURE = re.compile(r"\b(?:will|shall|'ll|’ll|is\s+(?:set|due|expected|scheduled|going)\s+to|are\s+(?:set|due|expected|scheduled|going)\s+to)\b", re.I)


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if len(value) >= 10 else None
    except ValueError:
        return None


def _rank(e: DateEvidence) -> int:
    r = RANK.get(e.source, 3 if e.confidence >= 0.6 else 2)
    if e.source == "header_line" and e.precision != "day":
        r = 1  # "date 2024-06" stamps rank below a full header date
    return r


def _compatible(a: DateEvidence, b: DateEvidence) -> bool:
    """Same date at their shared precision; two days within a few days of each other agree."""
    da, db = _date(a.value), _date(b.value)
    if da and db:
        return abs((da - db).days) <= AGREE_TOLERANCE_DAYS
    n = min(len(a.value), len(b.value))
    return a.value[:n] == b.value[:n]


def _lead(article: Article) -> tuple[int, int]:
    """Char range of the lead: the first body paragraph, at most its first two sentences."""
    text = article.text
    paras = sorted(article.paragraphs, key=lambda s: s.start)
    if paras:
        start, end = paras[0].start, paras[0].end
    else:
        m = re.search(r"\S", text)
        start = m.start() if m else 0
        nl = text.find("\n", start)
        end = nl if nl >= 0 else len(text)
    cut = start
    for _ in range(LEAD_SENTENCES):
        m = re.compile(r"[.!?][\"'”’)]*(?=\s|$)").search(text, cut, end)
        if not m:
            cut = end
            break
        cut = m.end()
    return start, max(cut, start)


def _sentence_of(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in ".!?\n")
    m = re.compile(r"[.!?\n]").search(text, end)
    return text[left + 1 : m.start() if m else len(text)]


def _mentioned_years(times: list[TimeExpr], captions: list[list[TimeExpr]]) -> list[int]:
    years = []
    for t in [*times, *(x for c in captions for x in c)]:
        if t.kind == "absolute" and t.value and re.match(r"\d{4}", t.value):
            years.append(int(t.value[:4]))
    return years


def _solve_year(month: int, day: int, weekday: int, ref: int | None, floor: int | None) -> int | None:
    """The year, near ``ref`` and preferably not before ``floor``, in which month-day falls on weekday."""
    if ref is None:
        return None
    cands = []
    for y in range(ref - 7, ref + 8):
        try:
            if dt.date(y, month, day).weekday() == weekday:
                cands.append(y)
        except ValueError:
            continue
    if not cands:
        return None
    return min(cands, key=lambda y: (floor is not None and y < floor, abs(y - ref), -y))


def _text_evidence(article: Article, times: list[TimeExpr], years: list[int], others: list[DateEvidence]) -> list[DateEvidence]:
    """Dates the lead or a dateline state for the article itself (see module docstring)."""
    text = article.text
    lead_start, lead_end = _lead(article)
    out: list[DateEvidence] = []
    ref_years = [int(e.value[:4]) for e in others if e.value[:4].isdigit()]
    floor = max(years) if years else None
    ref = ref_years[0] if ref_years else floor
    for t in times:
        if t.span.start < lead_start or t.span.start >= lead_end:
            continue
        dateline = t.span.start - lead_start <= 60 and bool(_DATELINE_TAIL.match(text[t.span.end : t.span.end + 50]))
        if not dateline and _FUTURE.search(_sentence_of(text, t.span.start, t.span.end)):
            continue  # "will visit on June 18-19": the article precedes that date
        span = Span(t.span.start, t.span.end, t.span.text, "date")
        value = t.value.split("/")[0] if t.value else None
        if t.kind == "absolute" and value and len(value) == 10:
            conf = DATELINE_CONFIDENCE if dateline else TEXT_FULL_CONFIDENCE
            where = "dateline" if dateline else "lead"
            out.append(DateEvidence("text", value, "day", conf, f"{where} states the full date “{t.span.text}”", span))
            continue
        m = _WEEKDAY_MD.match(t.span.text)
        if m:
            try:
                month = month_number(m["m"] or m["m2"])
            except KeyError:
                continue
            day = int(m["d"] or m["d2"])
            year = _solve_year(month, day, weekday_number(m["wd"]), ref, floor)
            if year is None:
                continue
            basis = f"other evidence ({ref})" if ref_years else f"the latest year the article mentions ({floor})"
            out.append(
                DateEvidence(
                    "text", dt.date(year, month, day).isoformat(), "day",
                    DATELINE_CONFIDENCE if dateline else TEXT_WEEKDAY_CONFIDENCE,
                    f"lead says “{t.span.text}”: {m['wd']} falls on {dt.date(year, month, day):%B} {day} in {year}, "
                    f"the matching year nearest to {basis}",
                    span,
                )
            )
    return out


def _explicit_dates(times: list[TimeExpr], captions: list[list[TimeExpr]]) -> list[tuple[dt.date | None, str, int, str]]:
    """(day or None, value, month, where) of every explicitly dated mention, captions included."""
    out = []
    for where, ts in [("text", times), *(("caption", c) for c in captions)]:
        for t in ts:
            if t.kind != "absolute" or not t.value or "/" in t.value or len(t.value) < 7:
                continue
            out.append((_date(t.value), t.value, int(t.value[5:7]), f"{where}: “{t.span.text}”"))
    return out


def _contradictions(article: Article, e: DateEvidence, doc: Doc | None, text_days: list[DateEvidence],
                    explicit: list[tuple[dt.date | None, str, int, str]]) -> list[str]:
    """Reasons why a header-line day cannot be the publication date (empty if none)."""
    day = _date(e.value)
    if day is None:
        return []
    reasons = []
    for t in text_days:
        td = _date(t.value)
        if td and abs((td - day).days) > AGREE_TOLERANCE_DAYS:
            reasons.append(f"the text dates the article {t.value} ({t.note})")
    anchored = extract_times(article.text, day, doc)
    for t in anchored:
        m = _BARE_MONTH.match(t.span.text)
        if not m or not t.value:
            continue
        month = month_number(m["m"])
        same_month = [x for x in explicit if x[2] == month and x[1][:4].isdigit()]
        if same_month and all(x[1][:4] != t.value[:4] for x in same_month) and all(x[1][:4] < t.value[:4] for x in same_month):
            x = max(same_month, key=lambda x: x[1])
            reasons.append(
                f"“{t.span.text}” read against {e.value} is {t.value}, but the article dates {m['m']} as {x[1][:4]} ({x[3]})"
            )
            break
    days = [x[0] for x in explicit if x[0] is not None and x[0] <= day]
    deictic = [t for t in anchored if t.kind == "relative" and _NEAR_DEICTIC.match(t.span.text)]
    if days and deictic:
        latest = max(days)
        gap = (day - latest).days
        if gap > STALE_HEADER_DAYS:
            reasons.append(
                f"it is {gap} days after the latest date the article states ({latest.isoformat()}) while the text "
                f"speaks of “{deictic[0].span.text}”"
            )
    return reasons


def infer_published(article: Article, doc: Doc | None = None) -> Published:
    """A new ``Published`` from the cleaner's evidence plus the article's own text (see module doc)."""
    if doc is not None and not doc_matches(doc, article.text):
        doc = None
    evidence = [dataclasses.replace(e) for e in article.published.evidence]
    times = extract_times(article.text, None, doc)
    captions = [extract_times(c, None) for c in article.captions]
    years = _mentioned_years(times, captions)
    given = [e for e in evidence if e.source != "text"]
    text_days = [e for e in _text_evidence(article, times, years, given) if e not in evidence]
    explicit = _explicit_dates(times, captions)
    notes: list[str] = []
    demoted: set[int] = set()
    for i, e in enumerate(evidence):
        if e.source != "header_line" or e.precision != "day":
            continue
        if "contradicted:" in e.note:  # already judged by an earlier run
            demoted.add(i)
            continue
        reasons = _contradictions(article, e, doc, text_days, explicit)
        if reasons:
            demoted.add(i)
            e.confidence = min(e.confidence, DEMOTED_CONFIDENCE)
            e.note = (e.note + "; " if e.note else "") + "contradicted: " + "; ".join(reasons)
            notes.append(f"{e.source} {e.value} looks like a crawl/page date: " + "; ".join(reasons))
    evidence += text_days
    if not evidence:
        return Published(note="no date evidence")
    ok = [e for i, e in enumerate(evidence) if i not in demoted]
    pool = ok or evidence
    best = max(pool, key=lambda e: (_rank(e), _PRECISION_RANK.get(e.precision, 0), e.confidence))
    # A coarser stamp refined by a text day in the same month/year ("2024-06" + "Tuesday, June 18").
    finer = [e for e in pool if _PRECISION_RANK.get(e.precision, 0) > _PRECISION_RANK.get(best.precision, 0)
             and e.value.startswith(best.value) and _rank(e) >= 3]
    if finer:
        best = max(finer, key=lambda e: (_rank(e), e.confidence))
    disagree = [e for e in evidence if e is not best and not _compatible(best, e)]
    agree = [e for e in evidence if e is not best and _compatible(best, e) and e.source != best.source
             and evidence.index(e) not in demoted]
    conflict = bool(demoted) or bool(disagree)
    confidence = best.confidence
    if agree:
        confidence = min(0.95, confidence + 0.1)
    if evidence.index(best) in demoted:
        confidence = min(confidence, DEMOTED_CONFIDENCE)
    elif disagree:
        confidence = round(confidence * 0.8, 3)
        notes.append("disagrees with " + ", ".join(f"{e.source} {e.value}" for e in disagree))
    note = f"from {best.source}" + (f" ({best.note})" if best.source == "text" else "")
    if agree:
        note += "; agrees with " + ", ".join(f"{e.source} {e.value}" for e in agree)
    if notes:
        note += "; " + "; ".join(notes)
    return Published(
        value=best.value,
        precision=best.precision,
        confidence=round(confidence, 3),
        evidence=evidence,
        conflict=conflict,
        note=note,
    )

"""Settle each article's date from its story.

An article whose own text cannot date it ("Putin will travel to North Korea tomorrow") can be
dated by its story: another member states the same event with a full date ("On Tuesday, June
18, Putin began his visit"). We align each relative time expression's sentence with dated
sentences of the other members; every good alignment votes for an anchor (event date minus
the expression's offset). A page header date far from the story's event dates is reported as a
crawl date that contradicts the story. All of it is recorded as ``DateEvidence`` with the
passages, so the report can show why an article got its date.

No library aligns sentences across articles to infer a document date, hence this module; the
time grammar itself lives in ``newsprism.extract.times``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from spacy.lang.en.stop_words import STOP_WORDS

from newsprism.extract.times import WEEKDAY_NAMES as WEEKDAYS
from newsprism.model import TRUSTED_DATE_CONFIDENCE, Article, DateEvidence, Published, Span, TimeExpr

# Day offsets of deictic expressions relative to the publication day.
OFFSETS = {
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
    "tomorrow": 1, "yesterday": -1, "the day after tomorrow": 2, "the day before yesterday": -2,
}
MIN_SIMILARITY = 0.2
CRAWL_GAP_DAYS = 45  # a header date this far after the story's events is taken as a crawl date


@dataclass
class DatedSentence:
    article_id: str
    outlet: str
    date: dt.date
    sentence: Span
    words: set[str]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z\-]+", text.lower()) if w not in STOP_WORDS and len(w) > 2}


def sentence_around(text: str, start: int, end: int) -> Span:
    """The sentence (bounded by . ! ? or paragraph breaks) containing ``[start, end)``."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), text.rfind("? ", 0, start), text.rfind("! ", 0, start))
    s = 0 if left < 0 else left + (1 if text[left] == "\n" else 2)
    m = re.compile(r"[.!?](?=\s|$)|\n").search(text, end)
    e = m.end() if m else len(text)
    return Span(s, e, text[s:e])


def _first_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    head = value.split("/")[0]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", head):
        return dt.date.fromisoformat(head)
    return None


def trusted_day(a: Article) -> dt.date | None:
    return a.published.trusted_day()


def _relative_offset(expr: str) -> tuple[int | None, int | None]:
    """(day offset, weekday index) of a deictic expression; (None, None) if not deictic."""
    low = expr.lower().strip()
    for key, off in sorted(OFFSETS.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{key}\b", low):
            return off, None
    for i, day in enumerate(WEEKDAYS):
        if re.search(rf"\b{day}\b", low) and not re.search(r"\d", low):
            return None, i
    return None, None


def dated_sentences(articles: list[Article]) -> list[DatedSentence]:
    """Sentences that state a day-precision date we trust (absolute, or from a dated article)."""
    out = []
    for a in articles:
        anchor_ok = trusted_day(a) is not None
        for t in a.times:
            day = _first_day(t.value)
            if day is None or (t.kind == "relative" and not anchor_ok):
                continue
            sent = sentence_around(a.text, t.span.start, t.span.end)
            out.append(DatedSentence(a.id, a.outlet, day, sent, _words(sent.text)))
    return out


def _similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b)) ** 0.5 / max(len(a), len(b)) ** 0.5


def infer_from_story(article: Article, pool: list[DatedSentence]) -> tuple[dt.date, float, list[DateEvidence]] | None:
    """Vote for the article's day from its relative expressions aligned with dated sentences."""
    votes: dict[dt.date, float] = defaultdict(float)
    # Per day: alignments keyed by (expression, other article, other sentence) -> (mentions, best evidence).
    reasons: dict[dt.date, dict[tuple[str, str, int], tuple[int, DateEvidence]]] = defaultdict(dict)
    for t in article.times:
        if t.kind != "relative":
            continue
        offset, weekday = _relative_offset(t.span.text)
        if offset is None and weekday is None:
            continue
        sent = sentence_around(article.text, t.span.start, t.span.end)
        words = _words(sent.text)
        for ds in pool:
            if ds.article_id == article.id:
                continue
            sim = _similarity(words, ds.words)
            if sim < MIN_SIMILARITY:
                continue
            if offset is not None:
                candidates = [ds.date - dt.timedelta(days=offset)]
            else:  # "on Tuesday" / "later on Tuesday": published on that weekday or up to 6 days before
                if ds.date.weekday() != weekday:
                    continue
                candidates = [ds.date]
            for day in candidates:
                votes[day] += sim
                ev = DateEvidence(
                    "story", day.isoformat(), "day", round(min(0.85, 0.4 + sim), 2),
                    f"“{t.span.text}” in this article aligns with a dated passage of {ds.outlet or ds.article_id}: "
                    f"“{ds.sentence.text[:160]}” ({ds.date.isoformat()})",
                    Span(t.span.start, t.span.end, t.span.text),
                )
                # The same expression aligned with the same passage again ("tomorrow" twice) is
                # one piece of evidence: count it, keep its most confident alignment.
                key = (re.sub(r"\s+", " ", t.span.text.lower()), ds.article_id, ds.sentence.start)
                n, kept = reasons[day].get(key, (0, ev))
                reasons[day][key] = (n + 1, ev if ev.confidence > kept.confidence else kept)
    if not votes:
        return None
    best = max(votes, key=lambda d: votes[d])
    total = sum(votes.values())
    confidence = round(min(0.85, 0.45 + 0.4 * votes[best] / total * min(1.0, votes[best])), 2)
    return best, confidence, _merged(reasons[best].values())[:3]


def _merged(items: Iterable[tuple[int, DateEvidence]]) -> list[DateEvidence]:
    """Evidence with repeated alignments folded in ("“tomorrow” (2 mentions) …"), most confident first."""
    out = []
    for n, ev in items:
        if n > 1:
            quoted = f"“{ev.span.text}”" if ev.span else ""
            if quoted and ev.note.startswith(quoted):
                ev = dataclasses.replace(ev, note=f"{quoted} ({n} mentions){ev.note[len(quoted):]}")
        out.append(ev)
    return sorted(out, key=lambda e: -e.confidence)


def settle_dates(articles: list[Article]) -> list[Article]:
    """Date the story's members that their own text could not date; flag contradicting headers."""
    pool = dated_sentences(articles)
    event_days = sorted({d.date for d in pool})
    changed = []
    for a in articles:
        updated = False
        if trusted_day(a) is None:
            inferred = infer_from_story(a, pool)
            if inferred is not None:
                day, conf, evidence = inferred
                _set_published(a, day, conf, evidence)
                updated = True
        if event_days and _flag_crawl_header(a, event_days):
            updated = True
        if a.published.value is None and _date_from_siblings(a, articles):
            updated = True
        if updated:
            _reresolve(a)
            if "stories.dates" not in a.stages:
                a.stages.append("stories.dates")
            changed.append(a)
    return changed


def _set_published(a: Article, day: dt.date, conf: float, evidence: list[DateEvidence]) -> None:
    old = a.published
    conflicting = [e for e in old.evidence if e.precision == "day" and e.value[:10] != day.isoformat()]
    compatible = [e for e in old.evidence if day.isoformat().startswith(e.value)]
    if compatible:
        conf = min(0.9, conf + 0.05)
    a.published = Published(
        value=day.isoformat(),
        precision="day",
        confidence=conf,
        evidence=old.evidence + [e for e in evidence if e not in old.evidence],
        conflict=bool(conflicting),
        note="dated from its story: " + evidence[0].note[:200]
        + ("; contradicts " + ", ".join(f"{e.source} {e.value}" for e in conflicting) if conflicting else ""),
    )


def _date_from_siblings(a: Article, articles: list[Article]) -> bool:
    """An article with no date evidence at all gets its story's month, at low confidence."""
    days = sorted(d for d in (trusted_day(x) or _settled_day(x) for x in articles if x.id != a.id) if d)
    if not days or days[0].strftime("%Y-%m") != days[-1].strftime("%Y-%m"):
        return False
    month = days[0].strftime("%Y-%m")
    ev = DateEvidence(
        "story", month, "month", 0.35,
        f"no date of its own; the other members of its story were published {days[0].isoformat()} – {days[-1].isoformat()}",
    )
    a.published = Published(month, "month", 0.35, a.published.evidence + [ev], False, "month of its story's publication dates")
    return True


def _settled_day(a: Article) -> dt.date | None:
    p = a.published
    if p.value and p.precision == "day" and any(e.source == "story" for e in p.evidence):
        return dt.date.fromisoformat(p.value[:10])
    return None


def _flag_crawl_header(a: Article, event_days: list[dt.date]) -> bool:
    flagged = False
    last = event_days[-1]
    for e in a.published.evidence:
        if e.source != "header_line" or e.precision != "day" or "crawl date" in e.note:
            continue
        day = dt.date.fromisoformat(e.value[:10])
        if (day - last).days > CRAWL_GAP_DAYS:
            e.confidence = min(e.confidence, 0.1)
            e.note += (
                f"; reported as a crawl date: {(day - last).days} days after the latest event date its "
                f"story states ({last.isoformat()})"
            )
            a.published.conflict = True
            flagged = True
    return flagged


def coarse_anchor(a: Article) -> tuple[dt.date, Literal["month", "year"]] | None:
    """A month/year date to resolve "June 18" or "in March" against when no day is known.

    Same trust rule as a day (confidence >= 0.5, no conflict), with one addition: the month a
    story gives a member with no date of its own (``_date_from_siblings``, confidence 0.35 as a
    publication date) anchors it too. That month is the month of the trusted days of the story's
    other members, and reading the member's "June 18-19" needs only the year (and month) of
    those same events, which is what the trusted days establish.
    """
    p = a.published
    if not p.value or p.precision not in ("month", "year") or p.conflict:
        return None
    from_story = any(e.source == "story" and e.value == p.value and e.precision == p.precision for e in p.evidence)
    if p.confidence < TRUSTED_DATE_CONFIDENCE and not from_story:
        return None
    from newsprism.extract.times import period_start

    return period_start(p.value, p.precision)


def _reresolve(a: Article) -> None:
    """Re-anchor relative expressions on the settled publication day (else on a trusted month/year).

    A day always wins: every relative expression is re-resolved against it, whatever it was
    anchored on before. Without a day, a month or year anchor (``coarse_anchor``) re-resolves
    the expressions not already anchored on it, with the clause tense read from the text.
    """
    from newsprism.extract.times import anchor_label, clause_tense, resolve_time

    day = trusted_day(a) or (
        dt.date.fromisoformat(a.published.value) if a.published.value and a.published.precision == "day" else None
    )
    new: list[TimeExpr] = []
    if day is not None:
        for t in a.times:
            if t.kind == "relative":
                value, precision = resolve_time(t.span.text, day)
                t = TimeExpr(t.span, value, precision, "relative", day.isoformat())  # type: ignore[arg-type]
            new.append(t)
        a.times = new
        return
    coarse = coarse_anchor(a)
    if coarse is None:
        return
    anchor, anchor_precision = coarse
    label = anchor_label(anchor, anchor_precision)
    for t in a.times:
        if t.kind == "relative" and t.anchor != label:
            tense = clause_tense(a.text, t.span.start, t.span.end)
            value, precision = resolve_time(t.span.text, anchor, tense, anchor_precision)
            t = TimeExpr(t.span, value, precision, "relative", label)  # type: ignore[arg-type]
        new.append(t)
    a.times = new

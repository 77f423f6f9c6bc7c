"""What the story clusterer knows about an article, and how similar an article is to a story.

Four kinds of evidence, each cheap to keep per story as a running sum (a *profile*):

- **lexical**: term counts of title + text, weighted by TF-IDF at comparison time (cosine);
- **entities**: canonical entity ids (from the extraction stage), IDF-weighted, compared with
  weighted Jaccard;
- **dates**: explicit event dates the article states (absolute time expressions, or relative
  ones resolved against a trusted publication day) and the publication day; two stories whose
  stated event dates never come near each other are probably two incidents of one kind;
- **embedding**: the all-MiniLM-L6-v2 vector of title + lead (``embed.py``), cosine to the
  story's mean vector.

Document frequencies are counted incrementally (``TermStats``), and IDF is applied when a
comparison is made, not when a story is built, so a story's profile never goes stale as the
store grows. scikit-learn's TfidfVectorizer fits a fixed vocabulary on a whole batch; an
incremental store needs running counts and sparse dict profiles, so this is written by hand.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from newsprism.model import Article, source_key

# Common English function words plus news boilerplate; IDF takes care of the rest.
STOPWORDS = frozenset(
    """a about above after again against all almost also although always am among an and another any
    are around as at be became because become been before being below between both but by can
    cannot could did do does doing done down during each either else even ever every few for from
    further get gets got had has have having he her here hers herself him himself his how however i
    if in into is it its itself just least less like made make many may me might more most much must
    my myself neither no nor not now of off often on once one only or other others our ours
    ourselves out over own per rather said same says say saying she should since so some such than
    that the their theirs them themselves then there these they this those though through thus to
    too toward towards under until up upon us very was we were what whatever when where whether which
    while who whom whose why will with within without would yet you your yours yourself also told
    according reported report reports news mr mrs ms dr percent year years day days week weeks time
    new two three first last since still including""".split()
)
TOKEN = re.compile(r"[^\W_]+(?:['’\-.][^\W_]+)*", re.UNICODE)
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
MAX_PROFILE_TERMS = 400  # a story's term profile is pruned to its heaviest terms beyond this
MAX_PROFILE_ENTITIES = 60
MAX_DATED_MEMBERS = 50  # event dates of this many recent members are kept per story


def terms(text: str) -> Counter[str]:
    """Lower-cased word counts without stopwords, one-letter tokens or possessive endings."""
    out: Counter[str] = Counter()
    for m in TOKEN.finditer(text.lower()):
        w = m.group(0).replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        w = w.strip(".'-")
        if len(w) < 2 or w in STOPWORDS:
            continue
        out[w] += 1
    return out


def sublinear(counts: Mapping[str, float]) -> dict[str, float]:
    """1 + log(tf): a word said ten times is not ten times the evidence."""
    return {t: 1.0 + math.log(c) for t, c in counts.items() if c > 0}


def _day(value: str | None) -> dt.date | None:
    if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[:10]):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def published_day(article: Article, min_confidence: float = 0.5) -> dt.date | None:
    """The publication day when it is known to the day and not contradicted."""
    p = article.published
    day = p.trusted_day(min_confidence)
    if day is not None:
        return day
    if p.value and p.precision == "day" and p.confidence == 0.0 and not p.evidence:
        return _day(p.value)  # set directly by a caller (tests, JSON input) without evidence
    return None


WINDOW_MIN_CONFIDENCE = 0.8  # source-level dates (htmldate 0.8, metadata 0.9, manifest 0.95)


def coarse_range(article: Article) -> tuple[dt.date, dt.date] | None:
    """The publication day or month guessed from the text (a lead date, a weekday solved to a
    year, a header stamp), as a date range; None when it is source-level, absent or too weak.

    Text-inferred dates are right most of the time but, when wrong, they are wrong by months
    or years (an older event's date in the lead). Used as a hard window they split stories (on
    ECB+ texts, which carry no metadata dates, BCubed F1 fell from 0.92 to 0.80); so they only
    keep an article away from stories whose source-dated members lie far outside the range.
    """
    p = article.published
    if not p.value or p.conflict or p.confidence < 0.5 or published_day(article, WINDOW_MIN_CONFIDENCE):
        return None
    try:
        if p.precision == "day":
            d = _day(p.value)
            return (d, d) if d else None
        if p.precision == "month":
            y, m = int(p.value[:4]), int(p.value[5:7])
            first = dt.date(y, m, 1)
            nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
            return first, nxt - dt.timedelta(days=1)
    except (ValueError, TypeError):
        return None
    return None


def event_dates(article: Article) -> list[tuple[dt.date, int]]:
    """Explicit dates the text states, as (date, tolerance in days).

    Day-precision values count with a tolerance of 3 days, months with the month's span;
    years and open intervals are too coarse to tell two incidents apart and are left out.
    Relative expressions count only when resolved against an anchor (``TimeExpr.anchor``).
    """
    out = []
    for t in article.times:
        if not t.value or (t.kind == "relative" and not t.anchor):
            continue
        head = t.value.split("/")[0]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", head):
            d = _day(head)
            if d:
                out.append((d, 3))
        elif re.fullmatch(r"\d{4}-\d{2}", head):
            try:
                out.append((dt.date(int(head[:4]), int(head[5:7]), 15), 16))
            except ValueError:
                continue
    return out


def entity_weights(article: Article) -> dict[str, float]:
    """Canonical entity id -> 1 + log(mentions), from ``article.entities`` or its mentions."""
    counts: Counter[str] = Counter()
    if article.entities:
        for e in article.entities:
            if e.id and e.label in ENTITY_LABELS:
                counts[e.id] += max(1, e.mentions)
    else:
        for m in article.mentions:
            if m.entity_id and m.label in ENTITY_LABELS:
                counts[m.entity_id] += 1
    return sublinear(counts)


@dataclass
class ArticleFeatures:
    """Everything the clusterer keeps about one article (the article itself is not kept)."""

    id: str
    vector: np.ndarray  # unit embedding, float32
    terms: dict[str, float]  # sublinear term frequencies
    entities: dict[str, float]  # canonical id -> sublinear mention count
    dates: list[tuple[dt.date, int]]  # explicit event dates with tolerance (days)
    published: dt.date | None  # a source-level day (metadata, manifest, feed, htmldate): the hard window
    outlet: str = ""  # the outlet name shown (the clean stage fills it from markup or the URL's host)
    source: str = ""  # the independence key (newsprism.model.source_key)
    title: str = ""
    duplicate_of: str | None = None
    headline: bool = True  # False when the title was derived from the lead (not a real headline)
    coarse: tuple[dt.date, dt.date] | None = None  # a day or month read from the text: a soft range


def title_and_body(article: Article) -> tuple[str, str]:
    """(headline, body without its copy of the headline): what the story features read.

    A title derived from the lead is the body's own first sentence (cut with " …" when long):
    counted again it would double the lead's weight and, in the embedding, fill the token budget
    with one sentence twice (on briefing-dev records without titles 42% of three-outlet events
    came out split with the repeat, 35% without it). ECB+-style text repeats a real title as its
    first line; that copy is dropped from the body instead.
    """
    body = article.text.strip()
    if article.title_source == "derived_from_lead":
        return "", body
    title = (article.title or "").strip()
    if title and body.startswith(title):
        body = body[len(title) :].lstrip()
    return title, body


def featurize(article: Article, vector: np.ndarray) -> ArticleFeatures:
    title, body = title_and_body(article)
    tf = sublinear(terms(f"{title}\n{body}"))
    return ArticleFeatures(
        id=article.id,
        vector=np.asarray(vector, dtype=np.float32),
        terms=tf,
        entities=entity_weights(article),
        dates=event_dates(article),
        published=published_day(article, min_confidence=WINDOW_MIN_CONFIDENCE),
        coarse=coarse_range(article),
        outlet=(article.outlet or "").strip(),
        source=source_key(article.outlet, article.origin.location if article.origin else "", article.id),
        title=(article.title or "").strip() or body.split("\n", 1)[0][:200],
        duplicate_of=article.duplicate_of,
        headline=article.title_source != "derived_from_lead",
    )


@dataclass
class TermStats:
    """Running document frequencies of terms and entities (smoothed IDF, as scikit-learn's)."""

    docs: int = 0
    df: Counter[str] = field(default_factory=Counter)
    edf: Counter[str] = field(default_factory=Counter)

    def add(self, f: ArticleFeatures) -> None:
        self.docs += 1
        self.df.update(f.terms.keys())
        self.edf.update(f.entities.keys())

    def idf(self, term: str) -> float:
        return math.log((1 + self.docs) / (1 + self.df.get(term, 0))) + 1.0

    def eidf(self, ent: str) -> float:
        return math.log((1 + self.docs) / (1 + self.edf.get(ent, 0))) + 1.0


@dataclass
class Profile:
    """Running sums over a story's members: what an article is compared with."""

    n: int = 0
    vector: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    terms: dict[str, float] = field(default_factory=dict)
    entities: dict[str, float] = field(default_factory=dict)
    dated: list[list[tuple[dt.date, int]]] = field(default_factory=list)  # recent dated members
    first: dt.date | None = None
    last: dt.date | None = None

    def add(self, f: ArticleFeatures, stats: TermStats) -> None:
        self.n += 1
        self.vector = f.vector.copy() if self.vector.size == 0 else self.vector + f.vector
        # Each member contributes its TF-IDF vector normalised to unit length (with the IDF of
        # now; IDF is applied again at comparison), so that article . sum / n is the average
        # cosine to the members (average link) and a long article does not outweigh the rest.
        tnorm = math.sqrt(sum((v * stats.idf(t)) ** 2 for t, v in f.terms.items())) or 1.0
        for t, v in f.terms.items():
            self.terms[t] = self.terms.get(t, 0.0) + v / tnorm
        enorm = sum(f.entities.values()) or 1.0
        for e, v in f.entities.items():
            self.entities[e] = self.entities.get(e, 0.0) + v / enorm
        if len(self.terms) > 2 * MAX_PROFILE_TERMS:
            self.terms = _top(self.terms, MAX_PROFILE_TERMS, stats.idf)
        if len(self.entities) > 2 * MAX_PROFILE_ENTITIES:
            self.entities = _top(self.entities, MAX_PROFILE_ENTITIES, stats.eidf)
        if f.dates:
            self.dated.append(f.dates)
            if len(self.dated) > MAX_DATED_MEMBERS:
                self.dated.pop(0)
        if f.published:
            self.first = f.published if self.first is None else min(self.first, f.published)
            self.last = f.published if self.last is None else max(self.last, f.published)

    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.vector))
        return self.vector / norm if norm > 0 else self.vector


def _top(weights: dict[str, float], k: int, idf) -> dict[str, float]:  # type: ignore[no-untyped-def]
    keep = sorted(weights, key=lambda t: -weights[t] * idf(t))[:k]
    return {t: weights[t] for t in keep}


def lexical(a: Mapping[str, float], profile: Mapping[str, float], n: int, stats: TermStats) -> float:
    """Average TF-IDF cosine of ``a`` to the members summed in ``profile`` (current IDF)."""
    if not a or not profile or n <= 0:
        return 0.0
    idf = stats.idf
    num = 0.0
    for t, v in a.items():
        w = profile.get(t)
        if w is not None:
            num += v * w * idf(t) ** 2
    if num == 0.0:
        return 0.0
    na = math.sqrt(sum((v * idf(t)) ** 2 for t, v in a.items()))
    return min(1.0, num / na / n)


def weighted_jaccard(a: Mapping[str, float], b: Mapping[str, float], stats: TermStats) -> float:
    """sum(min)/sum(max) of the two IDF-weighted entity distributions (each summing to one)."""
    if not a or not b:
        return 0.0
    wa = {e: v * stats.eidf(e) for e, v in a.items()}
    wb = {e: v * stats.eidf(e) for e, v in b.items()}
    sa, sb = sum(wa.values()), sum(wb.values())
    lo = hi = 0.0
    for e in wa.keys() | wb.keys():
        x, y = wa.get(e, 0.0) / sa, wb.get(e, 0.0) / sb
        lo += min(x, y)
        hi += max(x, y)
    return lo / hi if hi else 0.0


def _dates_match(a: list[tuple[dt.date, int]], b: list[tuple[dt.date, int]]) -> bool:
    return any(abs((d - e).days) <= max(t1, t2) for d, t1 in a for e, t2 in b)


def date_agreement(a: list[tuple[dt.date, int]], dated: list[list[tuple[dt.date, int]]]) -> float | None:
    """Share of the story's dated members that state a date near one the article states.

    None when the article or every member states no date: silence is not a conflict.
    """
    if not a or not dated:
        return None
    return sum(1 for m in dated if _dates_match(a, m)) / len(dated)


# Names of the features, in the order ``pair_features`` returns them and the weights use.
FEATURES = ("lexical", "entities", "embedding", "date_agree", "date_conflict")


class Query:
    """One article's side of every comparison, weighted once per article (not per candidate)."""

    def __init__(self, f: ArticleFeatures, stats: TermStats) -> None:
        self.f = f
        self.stats = stats
        idf = {t: stats.idf(t) for t in f.terms}
        self.term_w = {t: v * idf[t] * idf[t] for t, v in f.terms.items()}  # times the profile's value
        self.term_norm = math.sqrt(sum((v * idf[t]) ** 2 for t, v in f.terms.items())) or 1.0
        ew = {e: v * stats.eidf(e) for e, v in f.entities.items()}
        total = sum(ew.values()) or 1.0
        self.ent_dist = {e: w / total for e, w in ew.items()}

    def features(self, p: Profile) -> np.ndarray:
        f = self.f
        lex = 0.0
        if p.n and p.terms:
            num = 0.0
            for t, w in self.term_w.items():
                v = p.terms.get(t)
                if v is not None:
                    num += w * v
            lex = min(1.0, num / self.term_norm / p.n)
        ent = 0.0
        if self.ent_dist and p.entities:
            eidf = self.stats.eidf
            pw = {e: v * eidf(e) for e, v in p.entities.items()}
            ps = sum(pw.values()) or 1.0
            lo = hi = 0.0
            for e in self.ent_dist.keys() | pw.keys():
                x, y = self.ent_dist.get(e, 0.0), pw.get(e, 0.0) / ps
                lo += min(x, y)
                hi += max(x, y)
            ent = lo / hi if hi else 0.0
        emb = float(np.dot(f.vector, p.vector)) / p.n if p.n else 0.0
        agree = date_agreement(f.dates, p.dated)
        return np.array(
            [lex, ent, emb, agree or 0.0, 0.0 if agree is None else 1.0 - agree],
            dtype=np.float64,
        )


def pair_features(f: ArticleFeatures, p: Profile, stats: TermStats) -> np.ndarray:
    """The evidence that article ``f`` belongs to the story with profile ``p``.

    Lexical and embedding similarities are average links (mean cosine to the members);
    ``date_agree`` / ``date_conflict`` are both 0 when either side states no event date.
    """
    return Query(f, stats).features(p)


def has_entities(f: ArticleFeatures, p: Profile) -> bool:
    """Whether entity evidence exists on both sides (else the text-only model scores the pair)."""
    return bool(f.entities) and bool(p.entities)

"""Split a story's articles into statements and attach what each statement says about whom.

A statement is a sentence, or a clause when a sentence joins two claims ("...; ...",
"..., while ...", "X did A and Y did B"); spaCy sentences are merged while a double quotation
is open (:func:`newsprism.compare.sentences.sentence_spans`), so a statement never starts or
ends inside a quotation. Word classes come from :mod:`newsprism.compare.vocabulary`. Each
carries the features the aligner and the conflict finder compare: content lemmas, canonical
entity ids, places, figures, dates, event words,
negation, and whether the outlet asserts it or attributes it to someone; and, for deciding
whether two statements can be one event (``newsprism.compare.events``), the tense (future or
ongoing), which dates are only reference points ("since 2000"), and which places are where
something happened ("in Lisbon") rather than actors ("Madrid said").

A sentence's second claim ("The streets were decorated ... ahead of his first visit to the
country since 2000") is also a *part* (:func:`newsprism.compare.background.background_statements`):
a verbatim sub-span with its own features, used only to let the sentence corroborate a second
fact. Where a statement's event happens is read by :mod:`newsprism.compare.places`.

Photo captions are statements too (they often carry the only explicit date and place of an
event); their passages say ``field: "caption"`` with the caption's ``index``. The extract stage
annotates only the body, so captions are annotated here with the same extractors. Headlines are
left out of statements: they compress several claims into one line and would glue unrelated
facts together (they take part in events, :mod:`newsprism.compare.alignment`).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace

from spacy.tokens import Doc, Token

from newsprism.compare.common import (
    ATTRIBUTION_CUE, direct_quote_spans, independence_keys, is_said, outlet_label, overlaps, quoted_spans,
)
from newsprism.compare.dates import DateRange, date_range
from newsprism.compare.places import Place, facility_places, located, place_kind, seat_metonyms, story_cities
from newsprism.compare.sentences import _lines, _pieces, _trim, sentence_spans
from newsprism.compare.vocabulary import EVENT_NOUN_CONCEPTS, FIRST_PERSON, GENERIC_VERBS, HAPPENING_VERBS, concept, happening
from newsprism.extract.annotate import anchor_date
from newsprism.extract.entities import AliasTable, extract_entities, link_partial_ids
from newsprism.extract.nlp import docs_from_bytes, docs_to_bytes, get_nlp, parser_id
from newsprism.extract.numbers import extract_numbers
from newsprism.extract.times import extract_times
from newsprism.caches import ParseCache
from newsprism.model import Article, Entity, Mention, NumberClaim, TimeExpr



@dataclass
class Statement:
    """One claim-sized piece of an article, with its features and where it came from."""

    idx: int
    article: Article
    outlet: str
    source: str  # independence key
    field: str  # "text", "title", "caption"
    index: int  # caption index
    start: int
    end: int
    sent_start: int
    sent_end: int
    text: str
    sentence: str
    lemmas: list[str] = field(default_factory=list)
    entities: set[str] = field(default_factory=set)
    persons: set[str] = field(default_factory=set)
    places: list[Place] = field(default_factory=list)
    numbers: list[NumberClaim] = field(default_factory=list)
    dates: list[tuple[TimeExpr, DateRange]] = field(default_factory=list)
    events: set[str] = field(default_factory=set)
    negated: bool = False
    attributed: bool = False
    sources: list[str] = field(default_factory=list)
    in_quote: bool = False
    first_person_quote: bool = False
    main_lemma: str = ""
    predicates: dict[int, str] = field(default_factory=dict)  # figure start -> what it counts
    frames: set[tuple[str, str]] = field(default_factory=set)  # (subject lemma, event): ("gate", "fail")
    claims: set[tuple[str, str, frozenset[str]]] = field(default_factory=set)  # (predicate, object, participants): see _claim_frames
    context_dates: list[DateRange] = field(default_factory=list)  # dates inherited from the paragraph before
    current_tense: bool = False  # future or present progressive ("will visit", "is visiting", "is set to travel")
    reference_times: set[int] = field(default_factory=set)  # starts of "since 2000"-type dates: a reference point, not the event's date
    part_of: int | None = None  # a background claim inside statement ``part_of`` (see :mod:`newsprism.compare.background`)

    @property
    def article_id(self) -> str:
        return self.article.id


@dataclass
class FieldDoc:
    """One parsed string of an article (body, title or a caption) with its annotations."""

    article: Article
    field: str
    index: int
    text: str
    doc: Doc
    mentions: list[Mention]
    times: list[TimeExpr]
    numbers: list[NumberClaim]
    quotes: list[tuple[int, int]]  # direct-quote spans
    attributions: list[tuple[int, int, str]]  # (start, end, source name) of attributed spans


# -- annotating titles and captions (the extract stage covers the body) -------------------------
@functools.lru_cache(maxsize=1)
def _alias_table() -> AliasTable:
    return AliasTable.load()


def _annotate_extra(doc: Doc, a: Article) -> tuple[list[Mention], list[TimeExpr], list[NumberClaim]]:
    """Annotate a title or caption with the extract stage's own extractors (dates against the
    article's trusted day, :func:`newsprism.extract.annotate.anchor_date`)."""
    mentions = extract_entities(doc, _alias_table())[0]
    times = extract_times(doc.text, anchor_date(a), doc)
    numbers = extract_numbers(doc, [])
    return mentions, times, numbers


def parse_fields(articles: list[Article], cache: ParseCache | None = None) -> list[FieldDoc]:
    """Parse every body and caption of the story in one spaCy pass; with ``cache`` (the store),
    the parses kept by the extract stage or an earlier comparison are read back (a cached doc
    is used only for the very text it was made from) and what is new is kept."""
    jobs: list[tuple[Article, str, int, str]] = []
    for a in articles:
        jobs.append((a, "text", 0, a.text))
        for i, c in enumerate(a.captions):
            jobs.append((a, "caption", i, c))
    model = parser_id() if cache is not None else ""
    cached: dict[str, dict[str, Doc]] = {}
    if cache is not None:
        for aid, data in cache.get_parses([a.id for a in articles], model).items():
            cached[aid] = {d.text: d for d in docs_from_bytes(data)}
    todo = [k for k, j in enumerate(jobs) if j[3] not in cached.get(j[0].id, {})]
    parsed = dict(zip(todo, get_nlp().pipe((jobs[k][3] for k in todo), batch_size=32)))
    docs = [parsed[k] if k in parsed else cached[j[0].id][j[3]] for k, j in enumerate(jobs)]
    if cache is not None and parsed:
        fresh = {jobs[k][0].id for k in parsed}
        cache.put_parses(((a.id, docs_to_bytes([d for j, d in zip(jobs, docs) if j[0].id == a.id]))
                          for a in articles if a.id in fresh), model)
    out: list[FieldDoc] = []
    for (a, fld, i, txt), doc in zip(jobs, docs):
        if fld == "text":
            mentions, times, numbers = [dc_replace(m) for m in a.mentions], list(a.times), list(a.numbers)
            if not mentions and "extract" not in a.stages:  # not annotated: do what we can
                mentions, times, numbers = _annotate_extra(doc, a)
            quotes = direct_quote_spans(a)
            # a stance or intention ("the minister seeks alliances") is the outlet's own claim, not an attribution
            attrs = [(x.statement.start, x.statement.end, x.source_name or x.source.text) for x in a.attributions if is_said(x)]
            attrs += [(q.content.start, q.content.end, q.speaker_name or (q.speaker.text if q.speaker else "")) for q in a.quotes if is_said(q)]
        else:
            mentions, times, numbers = _annotate_extra(doc, a)
            quotes, attrs = quoted_spans(txt), []
        out.append(FieldDoc(a, fld, i, txt, doc, mentions, times, numbers, quotes, attrs))
    return out


# -- features ----------------------------------------------------------------------------------
def _content_lemma(t: Token) -> str | None:
    if t.like_num and re.fullmatch(r"\d{4}", t.text):
        return t.text
    if not t.is_alpha or t.is_stop or len(t.text) < 2 or t.pos_ in ("PUNCT", "DET", "PRON", "AUX", "ADP", "CCONJ", "PART"):
        return None
    return t.lemma_.lower()


def _event_words(tokens: list[Token]) -> set[str]:
    """The happenings a statement names, as WordNet concepts ("the gate gave way", "the collapse")."""
    return {k for t in tokens if (k := happening(t))}


def _frames(tokens: list[Token]) -> set[tuple[str, str]]:
    """(subject, happening) pairs: "the bridge collapsed" -> ("bridge", "collapse.v.01")."""
    out = set()
    for t in tokens:
        ev = happening(t) if t.pos_ == "VERB" else None
        if not ev:
            continue
        for c in t.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN"):
                out.add((c.lemma_.lower(), ev))
    return out


def _claim_frames(tokens: list[Token], mentions: list[Mention], metonyms: dict[str, str]) -> set[tuple[str, str, frozenset[str]]]:
    """(happening, object, participants) for each happening that acts on a thing:
    "Spain is shipping grain to Portugal" -> ("transport.v.04", "grain.n.01", {spain, portugal}).
    The object is the verb's direct object (or passive subject), the noun's "of" complement or
    compound ("a supply of fuel", "arms transfers"), or the "of" complement of that ("crates of
    rifles"), read as its WordNet concept; the participants are the entities in the predicate's
    phrase and its subject."""
    ids_at: dict[int, set[str]] = {}
    for m in mentions:
        ids = {m.entity_id} | ({metonyms[m.entity_id]} if m.entity_id in metonyms else set())
        for k in range(m.start, m.end):
            ids_at.setdefault(k, set()).update(ids)
    out: set[tuple[str, str, frozenset[str]]] = set()
    for t in tokens:
        pred = happening(t)
        if not pred:
            continue
        objs = [c for c in t.children if c.dep_ in ("dobj", "nsubjpass", "compound")]
        objs += [g for c in t.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        objs += [g for o in list(objs) for c in o.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        kinds = {concept(o) or o.lemma_.lower() for o in objs if o.pos_ == "NOUN" and not o.is_stop}
        if not kinds:
            continue
        region = list(t.subtree) + [x for c in t.children if c.dep_ == "nsubj" for x in c.subtree]
        who = frozenset(e for x in region for e in ids_at.get(x.idx, ()))
        out |= {(pred, k, who) for k in kinds}
    return out


def _predicate(doc: Doc, start: int) -> str:
    """What a figure counts, from the word that governs it ("killing 12 people" -> "die.v.01",
    "12 deaths" -> "die.v.01")."""
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None:
        return ""
    tok = span[0]
    for _ in range(5):
        lemma = tok.lemma_.lower()
        if tok.pos_ in ("VERB", "AUX", "ADJ") and lemma not in GENERIC_VERBS:
            return HAPPENING_VERBS.get(lemma, lemma) if tok.pos_ == "VERB" else lemma
        if tok.pos_ == "NOUN" and lemma in EVENT_NOUN_CONCEPTS:
            return EVENT_NOUN_CONCEPTS[lemma]
        if tok.pos_ in ("VERB", "AUX") and lemma in GENERIC_VERBS:
            # "the death toll rose to 12", "three people are still missing"
            for c in tok.children:
                if c.dep_ in ("nsubj", "nsubjpass", "acomp", "attr"):
                    for t in c.subtree:
                        if t.pos_ in ("NOUN", "VERB") and (k := happening(t)):
                            return k
                    if c.pos_ == "ADJ":
                        return c.lemma_.lower()
            return ""
        if tok.head is tok:
            break
        tok = tok.head
    return ""


def _negated(tokens: list[Token]) -> bool:
    for t in tokens:
        if t.dep_ == "neg" and t.head.dep_ in ("ROOT", "ccomp", "conj") and t.head.pos_ in ("VERB", "AUX"):
            return True
        if t.lemma_.lower() in ("deny",) and t.dep_ == "ROOT":
            return True
    return False


def _sources_in(fd: FieldDoc, s: int, e: int, text: str) -> tuple[bool, list[str]]:
    names = [name for a, b, name in fd.attributions if overlaps(s, e, a, b) and name]
    attributed = bool(names) or any(overlaps(s, e, a, b) for a, b, _ in fd.attributions)
    if ATTRIBUTION_CUE.search(text):
        attributed = True
        m = re.search(r"\baccording to (?:the )?([A-Z][\w.’'\- ]{1,60}?)(?:[,.;]|$)", text)
        if m:
            names.append(m.group(1).strip())
    return attributed, list(dict.fromkeys(n.strip() for n in names if n.strip()))


def build_statements(articles: list[Article], fields: list[FieldDoc] | None = None,
                     cache: ParseCache | None = None) -> tuple[list[Statement], list[FieldDoc]]:
    """All statements of a story, in article order, with features filled in (``cache``: where
    parses are kept, see :func:`parse_fields`)."""
    fields = fields if fields is not None else parse_fields(articles, cache)
    keys = independence_keys(articles)
    idmap = _id_links(fields)
    for fd in fields:
        for m in fd.mentions:
            m.entity_id = idmap.get(m.entity_id, m.entity_id)
    metonyms = seat_metonyms(fields)
    cities = story_cities(fields)
    out: list[Statement] = []
    for fd in fields:
        a = fd.article
        subheads = [(x.start, x.end) for x in a.subheadings] if fd.field == "text" else []
        for sent_s, sent_e in sentence_spans(fd.doc):
            for ls, le in _lines(fd.text, sent_s, sent_e):
                if any(overlaps(ls, le, x, y) for x, y in subheads):
                    continue
                line = fd.doc.char_span(ls, le, alignment_mode="expand")
                if line is None:
                    continue
                for ps, pe in _pieces(line):
                    ps, pe = _trim(fd.text, ps, pe)
                    st = _statement(len(out), fd, ps, pe, ls, le, keys[a.id], metonyms, cities)
                    if st is not None:
                        out.append(st)
    _inherit_dates(out)
    return out, fields


CONTEXT_WINDOW = 6  # statements back in which an undated statement looks for its event's date


def _inherit_dates(statements: list[Statement]) -> None:
    """An undated statement about a person takes the date of the last dated statement about them.

    "Ortiz on Wednesday announced an inquiry ... Ortiz told reporters at the ministry": the
    second sentence is about Wednesday too. Used only to decide whether two passages describe one
    event, never shown as the statement's own date.
    """
    for k, st in enumerate(statements):
        if st.dates or not st.persons:
            continue
        for prev in reversed(statements[max(0, k - CONTEXT_WINDOW) : k]):
            if prev.article.id != st.article.id or prev.field != st.field:
                break
            if prev.dates and prev.persons & st.persons:
                st.context_dates = [r for _, r in prev.dates]
                break


def _statement(idx: int, fd: FieldDoc, s: int, e: int, ss: int, se: int, key: str, metonyms: dict[str, str], cities: set[str]) -> Statement | None:
    text = fd.text[s:e]
    span = fd.doc.char_span(s, e, alignment_mode="expand")
    if span is None:
        return None
    toks = list(span)
    if sum(1 for t in toks if t.is_alpha) < 4:
        return None
    a = fd.article
    st = Statement(idx, a, outlet_label(a), key, fd.field, fd.index, s, e, ss, se, text, fd.text[ss:se])
    ms = [m for m in fd.mentions if s <= m.start and m.end <= e]
    inside = {i for m in ms if m.label != "NORP" for i in range(m.start, m.end)}
    # names are compared as entity ids (see similarity), not again as words
    st.lemmas = [x for x in (_content_lemma(t) for t in toks if t.idx not in inside) if x]
    # what the words mean beyond their spelling ("perished" ~ "died", "pact" ~ "treaty"): WordNet
    st.lemmas += [f"#{k}" for t in toks if t.idx not in inside and _content_lemma(t) and (k := concept(t))]
    for m in ms:
        st.entities.add(m.entity_id)
        if m.entity_id in metonyms:
            st.entities.add(metonyms[m.entity_id])
        if m.label == "PERSON":
            st.persons.add(m.entity_id)
        if m.label in ("GPE", "LOC"):
            st.places.append(Place(m.text, m.start, m.end, place_kind(m, fd.text, cities), m.entity_id))
    st.places += facility_places(fd.doc, s, e, fd.mentions)
    seen_places: set[tuple[int, int]] = set()
    st.places = [p for p in st.places if not ((p.start, p.end) in seen_places or seen_places.add((p.start, p.end)))]
    for p in st.places:
        p.located = p.kind == "facility" and p.key.startswith("site:") or located(fd.doc, p.start, p.end)
    st.numbers = [n for n in fd.numbers if s <= n.span.start and n.span.end <= e]
    st.predicates = {n.span.start: _predicate(fd.doc, n.span.start) for n in st.numbers}
    for t in fd.times:
        if s <= t.span.start and t.span.end <= e and t.value:
            r = date_range(t.value, t.precision)
            if r is not None and all(r.value != x.value for _, x in st.dates):  # "March 11 ... early on Tuesday"
                st.dates.append((t, r))
                if _reference_time(fd.doc, t.span.start, t.span.end):
                    st.reference_times.add(t.span.start)
    st.events = _event_words(toks)
    st.frames = _frames(toks)
    st.claims = _claim_frames(toks, ms, metonyms)
    st.negated = _negated(toks)
    st.attributed, st.sources = _sources_in(fd, s, e, text)
    qs = [(qa, qb) for qa, qb in fd.quotes if overlaps(s, e, qa, qb)]
    st.in_quote = any(qa <= s + 1 and e - 1 <= qb for qa, qb in qs)
    st.first_person_quote = any(
        w in FIRST_PERSON for qa, qb in qs for w in re.findall(r"[a-z’']+", fd.text[max(qa, ss):min(qb, se)].lower())
    ) or (st.in_quote and any(t.lower_ in FIRST_PERSON for t in toks))
    if st.in_quote or st.first_person_quote:
        st.attributed = True
    root = span.root
    st.main_lemma = root.lemma_.lower()
    st.current_tense = _current_tense(root)
    return st


PLANNED = {"set", "due", "schedule", "slate", "poise", "expect", "plan"}


REPORTING_VERBS = {"say", "tell", "report", "announce", "state", "add", "note", "confirm", "claim", "write",
                   "estimate", "quote", "cite", "publish", "release"}


def _reference_time(doc: Doc, start: int, end: int) -> bool:
    """A date that is not the date of the statement's event: a point it is measured from ("first
    visit since 2000", "since he began the invasion in 2022"), the date of a thing it mentions
    ("the dam, which was completed in 1971"), or the date of the report ("twelve people died,
    the mayor's office said on Wednesday")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    for a in [tok, *tok.ancestors]:
        if a.lower_ == "since" and a.dep_ == "prep":
            return True
        if any(c.dep_ == "mark" and c.lower_ == "since" for c in a.children):
            return True
        if a.pos_ in ("VERB", "AUX") and a is not tok:
            if a.dep_ == "relcl" or a.lemma_.lower() in REPORTING_VERBS:
                return True
            break  # the clause the date belongs to ends here
    before = doc[max(span.sent.start, span.start - 4) : span.start]
    return any(t.lower_ == "since" for t in before) and not any(t.pos_ in ("VERB", "AUX") for t in before)


def _current_tense(root: Token) -> bool:
    """A future or ongoing event at the time of writing: "will visit", "is visiting", "is set to travel"."""
    aux = [c for c in root.children if c.dep_ in ("aux", "auxpass")]
    if any(c.lower_ in ("will", "'ll", "’ll", "shall") for c in aux):
        return True
    present = any(c.tag_ in ("VBZ", "VBP") for c in aux)
    if root.tag_ == "VBG" and present:
        return True
    return present and root.lemma_.lower() in PLANNED and any(c.dep_ == "xcomp" for c in root.children)


def _id_links(fields: list[FieldDoc]) -> dict[str, str]:
    """Story-wide id links: one-word names and acronyms to the full entity seen elsewhere."""
    names: dict[str, Counter[str]] = {}
    labels: dict[str, str] = {}
    for fd in fields:
        for m in fd.mentions:
            names.setdefault(m.entity_id, Counter())[m.text] += 1
            labels[m.entity_id] = m.label
    ents = []
    for a in {fd.article.id: fd.article for fd in fields}.values():
        ents += a.entities
    known = {e.id for e in ents}
    for eid, c in names.items():
        if eid not in known:
            forms = list(c)
            ents.append(Entity(eid, re.sub(r"[’']s$", "", max(forms, key=lambda f: (c[f], len(f)))), labels[eid], forms, [], sum(c.values())))
    mapping: dict[str, str] = link_partial_ids(ents)
    return mapping

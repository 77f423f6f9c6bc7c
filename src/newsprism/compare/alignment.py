"""Event-level alignment: which passages of different articles report the same happening.

This is the coarse level of corroboration, what a reader means by "who else reports this": a
headline, a sentence or a caption in one article and passages in others that are about the same
event instance, whatever each says about it in detail (the claim-level facts of
:mod:`newsprism.compare.facts` sit inside these events). Units are whole sentences of the body
and of captions (the spans the statements were cut from) and the headline, which often states
the event most plainly.

A happening is named by its trigger, the verb or eventive noun that states it ("killed",
"arrest", "earthquake"): an event is the units of one incident that share a trigger key and
link to each other. Reports of one happening word it differently ("quake" / "earthquake",
"killed" / "died"): with the model's ``synonym`` cosine set, a unit's keys are its trigger words
and the story's trigger words within that word-vector cosine of them (the sentence encoder's
vector of the bare word); the fitted model leaves it at 0 (spelling keys) while it costs more
precision than the fit allows. One sentence can
report several happenings ("police arrested the man who shot her"), so a unit may belong to
several events; that is how cross-document event coreference is annotated (ECB+ links sentences
that share *any* event instance), and a partition of units (one event per sentence) found less
than a third of the pairs at the same precision.

Whether two units report one happening is a logistic model over the pair's evidence: the units'
sentence-vector cosine (MiniLM), TF-IDF cosine over content lemmas and entity ids, and entity
overlap. It decides only within one *incident*: the story's articles are grouped by average link
over a mix of three article cosines (content lemmas, entity ids, and the details that tell one
incident from a look-alike: the figures and days it states), and units of different incidents
never link. A story can hold two look-alike incidents (two earthquakes in one county, two
jewel heists in one city) whose sentences read alike sentence by sentence; a magnitude of 4.4
against 4.6, or one day against another, tells them apart. Within an incident, the units sharing
a key keep only members whose mean link
probability to the other articles' members reaches the model's link threshold (the weakest
member leaves first, hand-written: no library trims a group this way), and a group needs units of
two articles; groups contained in another are dropped.

The weights and thresholds live in ``newsprism/data/event_alignment.json``, fitted with
``newsprism eval alignment --fit`` on the odd-numbered topics of ECB+ cross-document event
coreference (real news, labelled by its authors, not by us) and reported on the even ones.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from newsprism.compare.common import independence_keys, outlet_label, passage
from newsprism.compare.similarity import _entity_dice, embed_texts, tfidf
from newsprism.compare.statements import FieldDoc, Statement, _annotate_extra, _content_lemma, _id_links
from newsprism.extract.nlp import get_nlp
from newsprism.model import Article

FEATURES = ("emb", "lex", "ent")


@dataclass
class Unit:
    """A sentence, caption sentence or headline: what an event groups."""

    article: Article
    outlet: str
    source: str
    field: str
    index: int
    start: int
    end: int
    text: str
    lemmas: list[str] = field(default_factory=list)
    entities: set[str] = field(default_factory=set)
    statements: list[int] = field(default_factory=list)  # indices of the statements inside it
    triggers: set[str] = field(default_factory=set)  # lemmas of the verbs and nouns that may state a happening
    verbs: set[str] = field(default_factory=set)  # those of them used as verbs here
    words: list[str] = field(default_factory=list)  # every content word, names and figures included


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    bias: float
    link: float  # mean link probability an event's member needs to the other articles' members
    incident: float  # average article similarity at which articles are one incident
    entity_weight: float = 0.5  # share of the entity cosine in that article similarity
    detail_weight: float = 0.0  # share of the figures-and-dates cosine (the rest: lemmas)
    synonym: float = 0.0  # word-vector cosine at which two trigger words name one happening (0: spelling only)
    provenance: str = ""


@functools.lru_cache(maxsize=1)
def default_model() -> Model:
    raw = json.loads(resources.files("newsprism.data").joinpath("event_alignment.json").read_text(encoding="utf-8"))
    return Model({k: float(raw["weights"][k]) for k in FEATURES}, float(raw["bias"]), float(raw["link"]),
                 float(raw["incident"]), float(raw.get("entity_weight", 0.5)), float(raw.get("detail_weight", 0.0)),
                 float(raw.get("synonym", 0.0)), str(raw.get("provenance", "")))


def parse_titles(articles: Sequence[Article], fields: Sequence[FieldDoc]) -> list[FieldDoc]:
    """Headlines parsed and annotated like captions; entity ids linked with the story's fields."""
    arts = [a for a in articles if (a.title or "").strip()]
    out = []
    for a, doc in zip(arts, get_nlp().pipe((a.title for a in arts), batch_size=64)):
        mentions, times, numbers = _annotate_extra(doc, a)
        out.append(FieldDoc(a, "title", 0, a.title, doc, mentions, times, numbers, [], []))
    idmap = _id_links(list(fields) + out)
    for fd in out:
        for m in fd.mentions:
            m.entity_id = idmap.get(m.entity_id, m.entity_id)
    return out


def triggers(tokens: Sequence[Any]) -> set[str]:
    """Candidate happening words: lemmas of verbs and common nouns, spaCy's stop words (be, have,
    say, make ...) and non-words left out."""
    out = set()
    for t in tokens:
        lemma = t.lemma_.lower()
        if t.pos_ in ("VERB", "NOUN") and lemma.isalpha() and len(lemma) > 2 and lemma not in STOP_WORDS:
            out.add(lemma)
    return out


def _verbs(tokens: Sequence[Any], words: set[str]) -> set[str]:
    """Triggers used as a verb that states a happening: not as a preposition ("according to",
    "including") and not as a verb of saying with a clause after it ("reported that ...")."""
    return {t.lemma_.lower() for t in tokens
            if t.pos_ == "VERB" and t.dep_ not in ("prep", "pcomp") and not any(c.dep_ == "ccomp" for c in t.children)} & words


def build_units(statements: Sequence[Statement], titles: Sequence[FieldDoc], fields: Sequence[FieldDoc] = ()) -> list[Unit]:
    """One unit per headline and per sentence that holds a statement, in article order
    (``fields``: the parsed body and captions, where the sentences' triggers are read)."""
    arts = {s.article.id: s.article for s in statements} | {t.article.id: t.article for t in titles}
    keys = independence_keys(arts.values())
    units: list[Unit] = []
    for fd in titles:
        a = fd.article
        u = Unit(a, outlet_label(a), keys[a.id], "title", 0, 0, len(fd.text), fd.text)
        inside = {i for m in fd.mentions if m.label != "NORP" for i in range(m.start, m.end)}
        u.lemmas = [x for x in (_content_lemma(t) for t in fd.doc if t.idx not in inside) if x]
        u.entities = {m.entity_id for m in fd.mentions}
        u.triggers = triggers(fd.doc)
        u.verbs = _verbs(fd.doc, u.triggers)
        u.words = content_words(fd.doc)
        units.append(u)
    by_key: dict[tuple[str, str, int, int, int], Unit] = {}
    for k, s in enumerate(statements):
        if s.part_of is not None:
            continue
        key = (s.article.id, s.field, s.index, s.sent_start, s.sent_end)
        u = by_key.get(key)
        if u is None:
            u = by_key[key] = Unit(s.article, s.outlet, s.source, s.field, s.index, s.sent_start, s.sent_end, s.sentence)
            units.append(u)
        u.lemmas += [w for w in s.lemmas if not w.startswith("#")]
        u.entities |= s.entities
        u.statements.append(k)
    docs = {(fd.article.id, fd.field, fd.index): fd.doc for fd in fields}
    for u in units:
        doc = docs.get((u.article.id, u.field, u.index)) if u.field != "title" else None
        if doc is not None:
            span = doc.char_span(u.start, u.end, alignment_mode="expand")
            if span is not None:
                u.triggers = triggers(span)
                u.verbs = _verbs(span, u.triggers)
                u.words = content_words(span)
    return units


def content_words(tokens: Any) -> list[str]:
    """Lower-cased lemmas of the words that carry content, names and figures included (unlike
    ``Unit.lemmas``, which leaves entity tokens to ``Unit.entities``): what two texts sharing
    wording have in common, for the briefing's word-overlap features."""
    return [t.lemma_.lower() if t.is_alpha else t.text for t in tokens
            if (t.is_alpha or (t.like_num and any(ch.isdigit() for ch in t.text))) and not t.is_stop]


def unit_vectors(units: Sequence[Unit], statement_vectors: np.ndarray | None) -> np.ndarray | None:
    """A sentence unit's vector is the mean of its statements' (computed once for the facts);
    headlines are encoded here. None when the story is aligned without embeddings."""
    if statement_vectors is None:
        return None
    dim = statement_vectors.shape[1]
    out = np.zeros((len(units), dim), dtype=np.float32)
    heads = [k for k, u in enumerate(units) if not u.statements]
    for k, u in enumerate(units):
        if u.statements:
            out[k] = statement_vectors[u.statements].mean(axis=0)
    if heads:
        out[heads] = embed_texts([units[k].text for k in heads])
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms


def _average_link(sim: np.ndarray, threshold: float, cross: np.ndarray) -> list[list[int]]:
    """Groups merged best link first while the average cross-article link stays >= threshold."""
    n = len(sim)
    members = {i: [i] for i in range(n)}
    group = list(range(n))
    iu = np.argwhere(np.triu((sim >= threshold) & cross, 1))
    for _, i, j in sorted(((sim[i, j], int(i), int(j)) for i, j in iu), reverse=True):
        gi, gj = group[i], group[j]
        if gi == gj:
            continue
        ix = np.ix_(members[gi], members[gj])
        mask = cross[ix]
        if not mask.any() or sim[ix][mask].mean() < threshold:
            continue
        members[gi] += members.pop(gj)
        for k in members[gi]:
            group[k] = gi
    return [sorted(m) for m in sorted(members.values(), key=min)]


INCIDENT_CHANNELS = ("lex", "ent", "det")


def _details(article: Article) -> list[str]:
    """What tells one incident from a look-alike: the figures it states ("a magnitude 4.4
    quake", "$137 million") and the days and months it names. Two reports of one earthquake give
    the same magnitude and day; two earthquakes in one county share every word but those."""
    out = [f"#{n.value:g}" for n in article.numbers]
    out += [f"@{t.value}" for t in article.times if t.value and t.precision in ("day", "month")]
    return out


def article_similarity(units: Sequence[Unit]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(article index of each unit, article x article TF-IDF cosines by channel): ``lex`` over
    content lemmas, ``ent`` over entity ids, ``det`` over stated figures and dates."""
    aidx: dict[str, int] = {}
    arts: list[Article] = []
    for u in units:
        if u.article.id not in aidx:
            aidx[u.article.id] = len(aidx)
            arts.append(u.article)
    ua = np.array([aidx[u.article.id] for u in units], dtype=int)
    words: list[list[str]] = [[] for _ in aidx]
    names: list[list[str]] = [[] for _ in aidx]
    for u in units:
        words[aidx[u.article.id]] += u.lemmas
        names[aidx[u.article.id]] += [f"@{e}" for e in u.entities]
    sims = {}
    for name, docs in zip(INCIDENT_CHANNELS, (words, names, [_details(a) for a in arts])):
        x = tfidf(docs)
        sims[name] = (x @ x.T).toarray()
    return ua, sims


def incident_similarity(sims: dict[str, np.ndarray], model: Model) -> np.ndarray:
    """The article similarity incidents are grouped by: the model's mix of the channels."""
    ent, det = model.entity_weight, model.detail_weight
    return (1 - ent - det) * sims["lex"] + ent * sims["ent"] + det * sims["det"]


def incident_of(sims: dict[str, np.ndarray], model: Model) -> np.ndarray:
    """Incident number of each article: average link over :func:`incident_similarity` at the
    model's ``incident`` threshold."""
    sim = incident_similarity(sims, model)
    cross = ~np.eye(len(sim), dtype=bool)
    inc = np.zeros(len(sim), dtype=int)
    for g, members in enumerate(_average_link(sim, model.incident, cross)):
        inc[members] = g
    return inc


def features(units: Sequence[Unit], vectors: np.ndarray | None, model: Model | None = None) -> dict[str, np.ndarray]:
    """Every feature of :data:`FEATURES` for all unit pairs (unit x unit matrices), plus ``same``
    (one incident) and ``_article`` (each unit's article index); without sentence vectors the
    ``emb`` feature falls back to the lexical cosine."""
    model = model or default_model()
    x = tfidf([u.lemmas + [f"@{e}" for e in u.entities] * 2 for u in units])
    lex = (x @ x.T).toarray()
    ent = _entity_dice(units)  # type: ignore[arg-type]
    emb = np.clip(vectors @ vectors.T, 0.0, 1.0) if vectors is not None else lex
    ua, sims = article_similarity(units)
    return {"emb": emb, "lex": lex, "ent": ent, "same": same_incident(ua, sims, model),
            "_article": ua.astype(float)}


def same_incident(ua: np.ndarray, sims: dict[str, np.ndarray], model: Model) -> np.ndarray:
    """Unit x unit 0/1 matrix: the two units' articles are one incident."""
    inc = incident_of(sims, model)[ua]
    return (inc[:, None] == inc[None, :]).astype(float)


def link_probability(feats: dict[str, np.ndarray], model: Model | None = None) -> np.ndarray:
    """P(two units report one happening); pairs of one article or of two incidents are 0."""
    model = model or default_model()
    z = sum(model.weights[k] * feats[k] for k in FEATURES) + model.bias
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))) * feats["same"]  # never across incidents
    ua = feats["_article"]
    p[ua[:, None] == ua[None, :]] = 0.0
    return np.asarray(p)


Group = tuple[list[int], list[str], list[int]]  # members, trigger lemmas, members most central first


Keys = list[dict[str, set[str]]]  # per unit: event key -> the unit's own trigger words it stands for


def trigger_keys(units: Sequence[Unit], synonym: float, vectors: bool = True) -> Keys:
    """Each unit's event keys: its trigger words, and every trigger word of the story within
    ``synonym`` word-vector cosine of one of them ("quake" / "earthquake", "kill" / "die",
    "arrest" / "detain"), each with the unit's own words it stands for (an event is named by
    the words its passages use). Reports of one happening word it differently; a spelling key
    alone missed every such pair. The vectors are the sentence encoder's own for the bare word
    (no word-vector table ships in a PyPI package we can use); without them (``vectors`` False,
    or ``synonym`` 0) a key is a spelling."""
    words = sorted({w for u in units for w in u.triggers})
    if not words or synonym <= 0 or not vectors:
        return [{w: {w} for w in u.triggers} for u in units]
    v = _word_vectors(tuple(words))
    near: dict[str, list[str]] = {}
    for lo in range(0, len(words), 512):  # row blocks: memory stays bounded on large stories
        block = v[lo:lo + 512] @ v.T
        for i, row in enumerate(block):
            near[words[lo + i]] = [words[j] for j in np.flatnonzero(row >= synonym)]
    out: Keys = []
    for u in units:
        keyed: dict[str, set[str]] = {}
        for w in u.triggers:
            for key in near[w]:
                keyed.setdefault(key, set()).add(w)
        out.append(keyed)
    return out


@functools.lru_cache(maxsize=8)
def _word_vectors(words: tuple[str, ...]) -> np.ndarray:
    v = embed_texts(list(words))
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


def trigger_groups(units: Sequence[Unit], prob: np.ndarray, same: np.ndarray, threshold: float,
                   keys: Keys | None = None) -> list[Group]:
    """Each event as (unit indices, trigger lemmas, members by mean link to the others, highest
    first): per incident and key (:func:`trigger_keys`; by default each trigger word), the units
    that carry it, trimmed until every member's mean link probability to the other articles'
    members is >= ``threshold``; two articles at least; a group inside another (or equal to it)
    is left out and its words join the larger group's name."""
    keys = keys if keys is not None else [{w: {w} for w in u.triggers} for u in units]
    by_key: dict[tuple[int, str], list[int]] = {}
    inc = _incident_ids(same)
    for k in range(len(units)):
        for w in keys[k]:
            by_key.setdefault((inc[k], w), []).append(k)
    index: dict[str, int] = {}
    arts = np.array([index.setdefault(u.article.id, len(index)) for u in units], dtype=int)
    found: dict[frozenset[int], set[str]] = {}
    for (_, key), members in sorted(by_key.items()):
        if len({arts[k] for k in members}) < 2:
            continue
        kept = _trim(list(members), prob, arts, threshold)
        if len({arts[k] for k in kept}) >= 2:
            found.setdefault(frozenset(kept), set()).update(w for k in kept for w in keys[k][key])
    out: list[Group] = []
    for g in sorted(found, key=len, reverse=True):
        host = next((h for h in out if g <= set(h[0])), None)
        if host is not None:
            host[1].extend(sorted(found[g] - set(host[1])))
            continue
        idx = np.array(sorted(g))
        cross = arts[idx][:, None] != arts[idx][None, :]
        means = (prob[np.ix_(idx, idx)] * cross).sum(axis=1) / np.maximum(cross.sum(axis=1), 1)
        out.append((sorted(g), sorted(found[g]), [int(idx[i]) for i in np.argsort(-means, kind="stable")]))
    return out


def _incident_ids(same: np.ndarray) -> np.ndarray:
    """Incident number of each unit from the 0/1 same-incident matrix."""
    inc = np.full(len(same), -1)
    for k in range(len(same)):
        if inc[k] < 0:
            inc[(same[k] > 0) & (inc < 0)] = k
            inc[k] = k
    return inc


def _trim(members: list[int], prob: np.ndarray, arts: np.ndarray, threshold: float) -> list[int]:
    """Drop the weakest member while some member's mean link to other articles' members is
    below ``threshold``."""
    while len(members) > 1:
        idx = np.array(members)
        cross = arts[idx][:, None] != arts[idx][None, :]
        counts = cross.sum(axis=1)
        if not counts.all():
            lonely = [m for m, c in zip(members, counts) if c == 0]
            members = [m for m in members if m not in lonely]
            continue
        means = (prob[np.ix_(idx, idx)] * cross).sum(axis=1) / counts
        worst = int(np.argmin(means))
        if means[worst] >= threshold:
            break
        members.pop(worst)
    return members


def links(units: Sequence[Unit], vectors: np.ndarray | None, model: Model | None = None) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The pair features and the link probability of every unit pair (computed once: the events
    and the briefing's centrality both read them)."""
    feats = features(units, vectors, model)
    return feats, link_probability(feats, model)


def align(units: Sequence[Unit], vectors: np.ndarray | None, model: Model | None = None,
          linked: tuple[dict[str, np.ndarray], np.ndarray] | None = None) -> list[Group]:
    """Events as :data:`Group` records, each with units of two or more articles."""
    model = model or default_model()
    if not units:
        return []
    feats, prob = linked or links(units, vectors, model)
    keys = trigger_keys(units, model.synonym, vectors is not None)
    return trigger_groups(units, prob, feats["same"], model.link, keys)


def build_events(units: Sequence[Unit], groups: Sequence[Group], fact_of: dict[int, str]) -> list[dict[str, Any]]:
    """Event records, most widely reported first: trigger words, whether one of them is used as a
    verb in two of the event's articles (``eventive``: "arrest", "visit"; a group held together
    by a noun such as "country" is a topic rather than a happening, and reports leave it out of
    their list),
    passages, outlets, independent count and the claim-level facts whose statements lie inside
    the event's sentences. The representative is the most central member not already
    representing a wider event."""
    events = []
    for g, words, central in groups:
        us = [units[k] for k in g]
        sources = {u.source for u in us}
        events.append({
            "triggers": sorted(words),
            "eventive": any(len({u.article.id for u in us if w in u.verbs}) >= 2 for w in words),
            "_central": central,
            "passages": [passage(u.article, u.start, u.end, u.outlet, u.field, u.index) for u in us],
            "outlets": list(dict.fromkeys(u.outlet for u in us)),
            "independent_outlets": len(sources),
            "single_source": len(sources) == 1,
            "facts": sorted({fact_of[i] for u in us for i in u.statements if i in fact_of}, key=lambda f: int(f[1:])),
        })
    events.sort(key=lambda e: (-e["independent_outlets"], -len(e["passages"])))
    used: set[int] = set()
    for k, e in enumerate(events, 1):
        central = e.pop("_central")
        pick = next((m for m in central if m not in used), central[0])
        used.add(pick)
        rep = units[pick]
        e["id"] = f"E{k}"
        e["text"] = rep.text
        e["representative"] = passage(rep.article, rep.start, rep.end, rep.outlet, rep.field, rep.index)
    return events


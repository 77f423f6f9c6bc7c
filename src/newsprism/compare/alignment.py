"""Event-level alignment: which passages of different articles report the same happening.

This is the coarse level of corroboration, what a reader means by "who else reports this": a
headline, a sentence or a caption in one article and passages in others that are about the same
event instance, whatever each says about it in detail (the claim-level facts of
:mod:`newsprism.compare.facts` sit inside these events). Units are whole sentences of the body
and of captions (the spans the statements were cut from) and the headline, which often states
the event most plainly.

Whether two units report one happening is a logistic model over the pair's evidence: the units'
sentence-vector cosine (MiniLM), TF-IDF cosine over content lemmas and entity ids, and entity
overlap. It decides only within one *incident*: the story's articles are grouped by average link
over their TF-IDF cosines (lemmas, entities), and units of different incidents never link. A
story can hold two look-alike incidents (two earthquakes in one region, two arrests of one
person) whose sentences read alike sentence by sentence; the articles around them tell them
apart. Linked units are grouped by average-link agglomeration (hand-written, as in
:mod:`newsprism.compare.facts`: one article may put several sentences in one event, but an event
starts only from units of two articles).

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


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    bias: float
    link: float  # probability at which two units (and two groups, on average) are one event
    incident: float  # average article similarity at which articles are one incident
    provenance: str = ""


@functools.lru_cache(maxsize=1)
def default_model() -> Model:
    raw = json.loads(resources.files("newsprism.data").joinpath("event_alignment.json").read_text(encoding="utf-8"))
    return Model({k: float(raw["weights"][k]) for k in FEATURES}, float(raw["bias"]), float(raw["link"]),
                 float(raw["incident"]), str(raw.get("provenance", "")))


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


def build_units(statements: Sequence[Statement], titles: Sequence[FieldDoc]) -> list[Unit]:
    """One unit per headline and per sentence that holds a statement, in article order."""
    arts = {s.article.id: s.article for s in statements} | {t.article.id: t.article for t in titles}
    keys = independence_keys(arts.values())
    units: list[Unit] = []
    for fd in titles:
        a = fd.article
        u = Unit(a, outlet_label(a), keys[a.id], "title", 0, 0, len(fd.text), fd.text)
        inside = {i for m in fd.mentions if m.label != "NORP" for i in range(m.start, m.end)}
        u.lemmas = [x for x in (_content_lemma(t) for t in fd.doc if t.idx not in inside) if x]
        u.entities = {m.entity_id for m in fd.mentions}
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
    return units


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


def article_similarity(units: Sequence[Unit]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(article index of each unit, article x article TF-IDF cosine over lemmas, over entities)."""
    aidx: dict[str, int] = {}
    for u in units:
        aidx.setdefault(u.article.id, len(aidx))
    ua = np.array([aidx[u.article.id] for u in units], dtype=int)
    words: list[list[str]] = [[] for _ in aidx]
    names: list[list[str]] = [[] for _ in aidx]
    for u in units:
        words[aidx[u.article.id]] += u.lemmas
        names[aidx[u.article.id]] += [f"@{e}" for e in u.entities]
    dw, de = tfidf(words), tfidf(names)
    return ua, (dw @ dw.T).toarray(), (de @ de.T).toarray()


def incident_of(dlex: np.ndarray, dent: np.ndarray, threshold: float) -> np.ndarray:
    """Incident number of each article: average link over the mean of the two article cosines."""
    cross = ~np.eye(len(dlex), dtype=bool)
    inc = np.zeros(len(dlex), dtype=int)
    for g, members in enumerate(_average_link((dlex + dent) / 2, threshold, cross)):
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
    ua, dlex, dent = article_similarity(units)
    inc = incident_of(dlex, dent, model.incident)
    pick = np.ix_(ua, ua)
    same = (inc[:, None] == inc[None, :]).astype(float)
    return {"emb": emb, "lex": lex, "ent": ent, "same": same[pick],
            "_article": ua.astype(float)}


def link_probability(feats: dict[str, np.ndarray], model: Model | None = None) -> np.ndarray:
    """P(two units report one happening); pairs of one article or of two incidents are 0."""
    model = model or default_model()
    z = sum(model.weights[k] * feats[k] for k in FEATURES) + model.bias
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))) * feats["same"]  # never across incidents
    ua = feats["_article"]
    p[ua[:, None] == ua[None, :]] = 0.0
    return np.asarray(p)


def align(units: Sequence[Unit], vectors: np.ndarray | None, model: Model | None = None) -> list[list[int]]:
    """Groups of unit indices (events), each with units of two or more articles."""
    model = model or default_model()
    if not units:
        return []
    feats = features(units, vectors, model)
    prob = link_probability(feats, model)
    ua = feats["_article"]
    groups = _average_link(prob, model.link, ua[:, None] != ua[None, :])
    return [g for g in groups if len({units[k].article.id for k in g}) > 1]


def build_events(units: Sequence[Unit], groups: list[list[int]], fact_of: dict[int, str]) -> list[dict[str, Any]]:
    """Event records, most widely reported first: passages, outlets, independent count and the
    claim-level facts whose statements lie inside the event's sentences."""
    events = []
    for g in groups:
        us = [units[k] for k in g]
        sources = {u.source for u in us}
        heads = [u for u in us if u.field == "title"]
        rep = heads[0] if heads else min(us, key=lambda u: (u.article.id, u.start))
        events.append({
            "text": rep.text,
            "representative": passage(rep.article, rep.start, rep.end, rep.outlet, rep.field, rep.index),
            "passages": [passage(u.article, u.start, u.end, u.outlet, u.field, u.index) for u in us],
            "outlets": list(dict.fromkeys(u.outlet for u in us)),
            "independent_outlets": len(sources),
            "single_source": len(sources) == 1,
            "facts": sorted({fact_of[i] for u in us for i in u.statements if i in fact_of}, key=lambda f: int(f[1:])),
        })
    events.sort(key=lambda e: (-e["independent_outlets"], -len(e["passages"])))
    for k, e in enumerate(events, 1):
        e["id"] = f"E{k}"
    return events


"""Evidence the story clusterer combines: terms, entities, dates, and the similarity maths."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from newsprism.model import Article, Entity, Mention, Origin, Published, Span, TimeExpr
from newsprism.stories.features import (
    Profile,
    TermStats,
    date_agreement,
    entity_weights,
    event_dates,
    featurize,
    pair_features,
    published_day,
    terms,
    weighted_jaccard,
)


def art(aid: str, text: str, **kw) -> Article:  # type: ignore[no-untyped-def]
    return Article(id=aid, origin=Origin("json", aid), text=text, **kw)


def unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=384).astype(np.float32)
    return v / np.linalg.norm(v)


def test_features_terms_drop_stopwords_possessives_and_single_letters() -> None:
    t = terms("Putin's visit to North Korea: the U.S. said a visit was 'troubling'.")
    assert t["putin"] == 1 and t["visit"] == 2 and "the" not in t and "said" not in t
    assert "u.s" in t and "a" not in t and "troubling" in t


def test_features_entity_weights_come_from_entities_or_else_mentions() -> None:
    a = art("a", "x", entities=[Entity("PERSON:vladimir-putin", "Vladimir Putin", "PERSON", mentions=3),
                                 Entity("DATE:x", "x", "DATE", mentions=1)])
    assert entity_weights(a) == {"PERSON:vladimir-putin": 1 + math.log(3)}
    b = art("b", "Kim met Kim", mentions=[Mention(0, 3, "Kim", "PERSON", "PERSON:kim-jong-un"),
                                          Mention(8, 11, "Kim", "PERSON", "PERSON:kim-jong-un")])
    assert entity_weights(b) == {"PERSON:kim-jong-un": 1 + math.log(2)}


def test_features_event_dates_skip_unanchored_relative_and_coarse_values() -> None:
    times = [
        TimeExpr(Span(0, 1), "2024-06-18", "day", "absolute"),
        TimeExpr(Span(0, 1), "2024-06", "month", "absolute"),
        TimeExpr(Span(0, 1), "2024", "year", "absolute"),
        TimeExpr(Span(0, 1), "2024-06-19", "day", "relative", None),  # no anchor: not trusted
        TimeExpr(Span(0, 1), "2024-06-17", "day", "relative", "2024-06-18"),
    ]
    got = event_dates(art("a", "x", times=times))
    assert got == [(dt.date(2024, 6, 18), 3), (dt.date(2024, 6, 15), 16), (dt.date(2024, 6, 17), 3)]


def test_features_published_day_needs_day_precision_and_trust() -> None:
    assert published_day(art("a", "x", published=Published("2024-06-18", "day", 0.9))) == dt.date(2024, 6, 18)
    assert published_day(art("a", "x", published=Published("2024-06", "month", 0.9))) is None
    assert published_day(art("a", "x", published=Published("2024-12-23", "day", 0.3, conflict=True))) is None


def test_features_carry_the_shown_outlet_and_the_one_independence_key() -> None:
    vec = unit(1)
    f = featurize(art("a", "x", outlet=" Reuters "), vec)
    assert f.outlet == "Reuters" and f.source == featurize(art("b", "y", outlet="reuters"), vec).source
    # no outlet: each document is its own source, named by where it came from
    one = featurize(Article(id="1", origin=Origin("file", "a/index.html"), text="x"), vec)
    two = featurize(Article(id="2", origin=Origin("file", "b/index.html"), text="x"), vec)
    assert one.outlet == two.outlet == "" and one.source != two.source


def test_features_lexical_is_the_average_cosine_to_the_members() -> None:
    texts = ["Tara Reid enters rehab at Promises in Malibu", "Reid checks into Promises rehab center",
             "Lindsay Lohan checks into Betty Ford rehab", "Earthquake hits Aceh in Indonesia"]
    feats = [featurize(art(str(i), t), unit(i)) for i, t in enumerate(texts)]
    stats = TermStats()
    for f in feats:
        stats.add(f)
    p = Profile()
    for f in feats[:3]:
        p.add(f, stats)

    def cos(a: dict[str, float], b: dict[str, float]) -> float:
        va = {t: v * stats.idf(t) for t, v in a.items()}
        vb = {t: v * stats.idf(t) for t, v in b.items()}
        num = sum(va[t] * vb.get(t, 0.0) for t in va)
        return num / math.sqrt(sum(x * x for x in va.values())) / math.sqrt(sum(x * x for x in vb.values()))

    q = feats[1]
    expected = sum(cos(q.terms, m.terms) for m in feats[:3]) / 3
    x = pair_features(q, p, stats)
    assert abs(x[0] - expected) < 1e-9
    assert abs(x[2] - float(np.mean([q.vector @ m.vector for m in feats[:3]]))) < 1e-5
    assert pair_features(feats[3], p, stats)[0] == 0.0


def test_features_weighted_jaccard_is_one_for_equal_and_zero_for_disjoint() -> None:
    stats = TermStats()
    a = {"PERSON:a": 1.0, "GPE:b": 2.0}
    assert abs(weighted_jaccard(a, dict(a), stats) - 1.0) < 1e-12
    assert weighted_jaccard(a, {"ORG:c": 1.0}, stats) == 0.0
    assert 0.0 < weighted_jaccard(a, {"PERSON:a": 1.0}, stats) < 1.0


def test_features_date_agreement_is_silent_without_dates_and_low_on_conflict() -> None:
    june = [(dt.date(2024, 6, 18), 3)]
    assert date_agreement([], [june]) is None and date_agreement(june, []) is None
    assert date_agreement(june, [[(dt.date(2024, 6, 19), 3)], [(dt.date(2008, 12, 1), 3)]]) == 0.5
    assert date_agreement(june, [[(dt.date(2013, 5, 2), 3)]]) == 0.0


def test_features_profile_stays_bounded() -> None:
    from newsprism.stories.features import MAX_PROFILE_TERMS

    stats = TermStats()
    p = Profile()
    for i in range(60):
        f = featurize(art(str(i), " ".join(f"w{i}x{j}" for j in range(40))), unit(i))
        stats.add(f)
        p.add(f, stats)
    assert p.n == 60 and len(p.terms) <= 2 * MAX_PROFILE_TERMS

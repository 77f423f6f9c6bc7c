"""The compare stage on the acceptance corpus (../shared/seeds) through the real pipeline.

clean -> extract (annotate_many) -> story dates (settle_dates) -> compare_story. Skipped with
the reason when a stage it needs is not importable, never faked.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from newsprism.compare import compare_story
from newsprism.compare.common import iter_passages, verify_passages
from newsprism.compare.lexicon import Lexicon
from newsprism.extract.annotate import annotate_many
from newsprism.model import Article, Story
from newsprism.stories.settle import settle_dates


@pytest.fixture(scope="module", params=[True, False], ids=["embeddings", "lexical"])
def seeds(request: pytest.FixtureRequest, seeds_dir: Path) -> tuple[list[Article], dict[str, Any], float]:
    from newsprism.clean import clean_document
    from newsprism.errors import InputError
    from newsprism.ingest.sources import Ingestor

    arts = [clean_document(d) for d in Ingestor().iter_documents([str(seeds_dir)]) if not isinstance(d, InputError)]
    arts = annotate_many(arts)
    settle_dates(arts)
    t0 = time.perf_counter()
    comparison = compare_story(Story("seeds"), arts, use_embeddings=request.param)
    return arts, comparison, time.perf_counter() - t0


def _outlet(a_or_label: str) -> str:
    return a_or_label[:3]  # seed outlets are file stems "000_…" .. "004_…"


def _fact_outlets(comparison: dict[str, Any], pattern: str, min_outlets: int) -> list[dict[str, Any]]:
    rx = re.compile(pattern, re.I)
    return [f for f in comparison["facts"] if f["independent_outlets"] >= min_outlets
            and sum(1 for p in f["passages"] if rx.search(p["text"])) >= min_outlets]


def test_compare_seeds_every_passage_is_verbatim(seeds) -> None:  # type: ignore[no-untyped-def]
    arts, comparison, _ = seeds
    assert len(list(iter_passages(comparison))) > 100
    assert verify_passages(comparison, arts) == []


def test_compare_seeds_is_fast(seeds) -> None:  # type: ignore[no-untyped-def]
    _, comparison, seconds = seeds
    assert seconds < 30  # measured ~3-5 s on 2 cores, embedding model load included
    assert comparison["method"]["statements"] > 50


def test_compare_seeds_visit_on_18_june_is_corroborated(seeds) -> None:  # type: ignore[no-untyped-def]
    _, comparison, _ = seeds
    hits = [f for f in comparison["facts"] if f["independent_outlets"] >= 3
            and any(d.startswith("2024-06-18") for d in f["dates"])]
    assert hits, "the 18-19 June 2024 visit should be reported by 3+ independent outlets"
    assert not hits[0]["single_source"]


def test_compare_seeds_first_visit_since_2000_is_corroborated(seeds) -> None:  # type: ignore[no-untyped-def]
    _, comparison, _ = seeds
    assert _fact_outlets(comparison, r"2000|24 years ago|first", 2)


def test_compare_seeds_weapons_supply_is_corroborated(seeds) -> None:  # type: ignore[no-untyped-def]
    _, comparison, _ = seeds
    assert _fact_outlets(comparison, r"weapon|munition|ammunition|shells", 2)


def _outlets_stating(f: dict[str, Any], pattern: str) -> set[str]:
    rx = re.compile(pattern, re.I)
    return {_outlet(p["outlet"]) for p in f["passages"] if rx.search(p["text"])}


def test_compare_seeds_first_visit_since_2000_reaches_three_outlets(seeds) -> None:  # type: ignore[no-untyped-def]
    """Regression: 001 ("first visit ... since ... 2000"), 003 ("first trip ... 24 years ago",
    "second visit ... since ... 2000", "In 2000 - the last time"), 002 ("ahead of his first visit
    to the country since 2000", a background claim) and 000 (quoting ISW: "last visited North Korea
    in 2000") ended up in several 1-2 outlet facts. The background claim and the claim link
    (same kind of event, same past date, a participant in common) bring them together."""
    _, comparison, _ = seeds
    best = max(comparison["facts"], key=lambda f: len(_outlets_stating(f, r"\b2000\b|24 years ago")))
    outlets = _outlets_stating(best, r"\b2000\b|24 years ago")
    assert len(outlets) >= 3, best["passages"]  # measured: 4 with embeddings, 3 lexical
    assert best["independent_outlets"] >= 3
    assert not any("June 18" in p["text"] or "2019" in p["text"] for p in best["passages"])


def test_compare_seeds_weapons_supply_links_two_outlets(seeds) -> None:  # type: ignore[no-untyped-def]
    """"sent about 7,400 containers of ammunition to Russia" (002) and "sent containers to Russia
    that may contain around 5 million artillery shells" (001) are one claim: the same happening on
    the same kind of thing (WordNet concepts) between North Korea and Russia.

    Until issue 14 a hand-written frame (supply, arms) also joined "shipping weapons" (004) and
    "sending weapons" (003) and this test asked for 3 outlets. That frame was written for this
    corpus; by WordNet's general classes weapons and containers are different things, so with
    embeddings the fact now counts 2 (measured), as in the lexical run."""
    _, comparison, _ = seeds
    pattern = r"weapon|munition|ammunition|shells"
    best = max(comparison["facts"], key=lambda f: len(_outlets_stating(f, pattern)))
    assert len(_outlets_stating(best, pattern)) >= 2, best["passages"]
    # the figures stay related, never a conflict
    assert not [c for c in comparison["conflicts"] if c["kind"] == "number" and c["subject"] and "ammunition" in c["subject"]]


def test_compare_seeds_meeting_place_conflict(seeds) -> None:  # type: ignore[no-untyped-def]
    _, comparison, _ = seeds
    places = [c for c in comparison["conflicts"] if c["kind"] == "place"]
    assert places, "where Putin and Kim met in September 2023 is a conflict"
    c = places[0]
    assert c["confidence"] >= 0.5 and c["reason"]
    sides = {s["value"]: {_outlet(o) for o in s["outlets"]} for s in c["sides"]}
    vlad = [v for k, v in sides.items() if "Vladivostok" in k]
    other = [v for k, v in sides.items() if re.search(r"Vostochny|spaceport", k, re.I)]
    assert vlad and "002" in vlad[0]
    assert other and other[0] & {"003", "004"}


def test_compare_seeds_shells_and_containers_are_related_not_conflicting(seeds) -> None:  # type: ignore[no-untyped-def]
    _, comparison, _ = seeds
    for c in comparison["conflicts"]:
        if c["kind"] == "number":
            texts = " ".join(f["passage"]["text"] for s in c["sides"] for f in s["figures"])
            assert not ("5 million" in texts and "7,400" in texts)
    related = [" ".join(f["passage"]["text"] for f in r["figures"]) for r in comparison["related_figures"]]
    if not any(n.unit for a in seeds[0] for n in a.numbers):
        pytest.skip("the numbers extractor returned no units")
    assert any("5 million" in t and "7,400" in t for t in related)


def test_compare_seeds_dictator_only_in_000_and_002(seeds) -> None:  # type: ignore[no-untyped-def]
    _, comparison, _ = seeds
    fr = comparison["framing"]
    users = {_outlet(o["outlet"]) for o in fr["outlets"] if "dictator" in o["loaded_terms"]}
    assert users == {"000", "002"}
    putin = next(a["id"] for a in fr["actors"] if "Putin" in a["name"])
    labelled = {_outlet(o["outlet"]) for o in fr["outlets"]
                if any("dictator" in lab["label"].lower() for lab in o["actors"][putin]["labels"])}
    assert labelled == {"000", "002"}
    # the table gives each outlet's labels for Putin
    rows = {_outlet(r["outlet"]): r["labels"][putin] for r in fr["table"]}
    assert set(rows) == {"000", "001", "002", "003", "004"}
    assert all(rows.values())
    assert any("Kremlin chief" in lab for lab in rows["001"] + rows["003"])


def test_compare_seeds_loaded_words_are_cited(seeds) -> None:  # type: ignore[no-untyped-def]
    arts, comparison, _ = seeds
    lex = Lexicon.load()
    for o in comparison["framing"]["outlets"]:
        for h in o["loaded_hits"]:
            assert lex.find(h["passage"]["text"]), h


def test_compare_seeds_timeline(seeds) -> None:  # type: ignore[no-untyped-def]
    _, comparison, _ = seeds
    tl = comparison["timeline"]
    dates = [d for e in tl for d in e["dates"]]
    assert "2000" in dates
    assert any(d.startswith("2023-09") for d in dates)
    assert any(d.startswith("2024-03") for d in dates)
    assert any(d.startswith("2024-06-18") for d in dates)
    starts = [e["start"] for e in tl]
    assert starts == sorted(starts)


def test_compare_seeds_briefing_is_verbatim_cited_and_neutral(seeds) -> None:  # type: ignore[no-untyped-def]
    arts, comparison, _ = seeds
    by_id = {a.id: a for a in arts}
    summary = comparison["briefing"]["summary"]
    assert 5 <= len(summary) <= 10
    lex = Lexicon.load()
    for item in summary:
        p = item["passage"]
        assert by_id[p["article"]].text[p["start"] : p["end"]] == item["text"]
        assert item["citations"] and item["outlets"]
        assert not [h for h in lex.find(item["text"]) if h.term == "dictator"]
    assert sum(1 for i in summary if i["independent_outlets"] >= 2) >= 3


def test_compare_seeds_briefing_covers_every_corroborated_core_fact(seeds, request) -> None:  # type: ignore[no-untyped-def]
    """Regression: past the minimum of five lines the briefing stopped at the first single-source
    candidate, so a corroborated fact ranked below it ("first visit since 2000", penalised for
    opening with "This") never made the briefing."""
    _, comparison, _ = seeds
    texts = [i["text"] for i in comparison["briefing"]["summary"]]
    assert any("June 18" in t for t in texts)
    if "embeddings" in request.node.name:  # lexical: the "since 2000" fact lost its "trip" ~ "visit" link in issue 14
        assert any("2000" in t for t in texts), texts
    # the supply fact merges every outlet's wording; its line may say weapons, munitions,
    # ammunition or shells (the 5 million shells sentence is the least redundant one)
    assert any(re.search(r"weapons|munitions|ammunition|shells", t) for t in texts), texts
    summary = comparison["briefing"]["summary"]
    if len(summary) > 5:  # lines past the minimum of five are all corroborated
        assert sum(1 for i in summary if i["independent_outlets"] < 2) <= 5


def test_compare_seeds_renders_charts_and_partials(seeds) -> None:  # type: ignore[no-untyped-def]
    from newsprism.report.build import _env, _md_env
    from newsprism.report.charts import render_charts

    _, comparison, _ = seeds
    charts = render_charts(comparison)
    assert charts["timeline"].startswith("<svg") and "</svg>" in charts["timeline"]
    assert charts["outlets"].startswith("<svg")
    assert "<script" not in charts["timeline"] + charts["outlets"]
    s = {"id": "seeds", "label": "x", "comparison": comparison, "charts": charts}
    env = _env()
    html = env.from_string('{% include "_story.html.j2" %}').render(s=s)
    md = _md_env().from_string('{% include "_story.md.j2" %}').render(s=s)
    assert "Vladivostok" in html and "<svg" in html and "Briefing" in html
    assert "### Briefing" in md and "Vladivostok" in md
    assert "&lt;svg" not in html  # charts are inserted as markup, text is escaped


def test_compare_seeds_old_photo_caption_does_not_corroborate_the_2024_arrival(seeds) -> None:  # type: ignore[no-untyped-def]
    """Seed 003's caption of the April 2019 Vladivostok summit is another event than the airport
    welcome in Pyongyang on 19 June 2024 (seed 002): they must not be one fact."""
    _, comparison, _ = seeds
    old = [f for f in comparison["facts"] if any("April 25, 2019" in p["text"] for p in f["passages"])]
    assert old
    for f in old:
        assert not any("at the airport" in p["text"] or "Pyongyang" in p["text"] for p in f["passages"]), f["text"]
        assert f["independent_outlets"] == 1
    for item in comparison["briefing"]["summary"]:
        assert not any("2019" in p["text"] for p in item["citations"]), item["text"]
    # the June 2024 visit keeps its corroboration, without the old caption
    visit = [f for f in comparison["facts"] if f["independent_outlets"] >= 3 and any(d.startswith("2024-06-18") for d in f["dates"])]
    assert visit and not any(d.startswith("2019") for d in visit[0]["dates"])
    assert comparison["method"]["pairs_kept_apart"] > 0


def _quote_open_at(text: str, pos: int) -> bool:
    from newsprism.compare.sentences import _quote_open

    line_start = text.rfind("\n", 0, pos) + 1
    depth, straight = _quote_open(text, line_start, pos)
    return bool(depth or straight)


def test_compare_seeds_statements_never_start_or_end_inside_a_quotation(seeds) -> None:  # type: ignore[no-untyped-def]
    arts, comparison, _ = seeds
    by_id = {a.id: a for a in arts}
    passages = [p for f in comparison["facts"] for p in f["passages"] if p["field"] == "text"]
    assert len(passages) > 50
    for p in passages:
        text = by_id[p["article"]].text
        assert not _quote_open_at(text, p["start"]), p["text"]
        assert not _quote_open_at(text, p["end"]), p["text"]
    texts = [p["text"] for p in passages] + [e["label"]["text"] for e in comparison["timeline"]]
    assert not [t for t in texts if t.startswith('Putin last visited North Korea in 2000,"')]
    assert any(t.startswith('"Putin\'s visit to North Korea') and t.endswith('the article says.') for t in texts)


def test_compare_seeds_quotes_by_speaker_list_only_what_people_said(seeds) -> None:  # type: ignore[no-untyped-def]
    _, comparison, _ = seeds
    groups = comparison["quotes"]
    assert groups
    for g in groups:
        assert g["speaker"] and g["speaker"] != "unresolved"
        for q in g["quotes"]:
            assert q["cue_label"] not in ("stance", "intention"), q
    said = [q["passage"]["text"] for g in groups for q in g["quotes"]]
    assert "alliances" not in said  # "Putin seeks alliances" is a stance, not a quote
    assert not [t for t in said if t.startswith("to secure a long-term supply")]  # "Moscow is seeking to ..."
    assert any(t.startswith("We greatly appreciate") for t in said)
    # the agentless passive "He is believed to be ..." is listed apart, with no speaker
    nobody = comparison["quotes_without_speaker"]
    assert any(q["cue"] and q["cue"]["text"] == "is believed" for q in nobody)
    # voices quoted (framing): the same rule
    for o in comparison["framing"]["outlets"]:
        for v in o["voices"]:
            assert v["speaker"] != "unresolved"
            assert not any(p["text"] in ("alliances",) or p["text"].startswith("to secure a long-term") for p in v["passages"])


def test_compare_seeds_timeline_marks_rows_merging_a_conflict_as_disputed(seeds) -> None:  # type: ignore[no-untyped-def]
    from newsprism.compare.common import disputed_passages, passage_key
    from newsprism.report.build import _md_env

    _, comparison, _ = seeds
    place = next(c for c in comparison["conflicts"] if c["kind"] == "place")
    disputed = disputed_passages(comparison["conflicts"])
    rows = [e for e in comparison["timeline"] if any("visited Vladivostok in September 2023" in p["text"] for p in e["passages"])]
    assert rows
    for e in rows:
        assert e["disputed"] == [place["id"]]  # the name-spelling conflict C2 is not about this event
    for e in comparison["timeline"]:
        keys = [passage_key(p) for p in e["passages"]]
        assert e["disputed"] == sorted({c for k in keys for c in disputed.get(k, [])}, key=lambda x: int(x[1:]))
        if any(k not in disputed for k in keys):
            assert passage_key(e["label"]) not in disputed, e["label"]["text"]
    md = _md_env().from_string('{% include "_story.md.j2" %}').render(s={"id": "seeds", "comparison": comparison})
    row = next(line for line in md.splitlines() if line.startswith(f"| {rows[0]['date']} |"))
    assert f"(disputed: [{place['id']}](#cmp-seeds-{place['id']}))" in row

"""``compare_story``: facts, corroboration, conflicts, timeline, framing and the cited briefing.

The output is a JSON-able dict (schema ``newsprism.comparison`` v2: written out with each
passage once, see ``newsprism.model.pack_passages``). Every statement, figure, label and
timeline entry in it carries passages ``{"article", "outlet", "start", "end", "text", "field"}``
whose ``text`` is the verbatim slice ``[start:end]`` of the article's body (``field:
"text"``) or of one photo caption (``field: "caption"`` plus ``index``);
``newsprism.compare.common.verify_passages`` checks that.

Top-level keys:

- ``articles``: ``[{id, outlet, source, copy_of, title, published, words}]``; ``source`` is
  the independence key (syndicated copies and same-outlet articles share one).
- ``outlets``, ``independent_outlets``.
- ``briefing``: ``headline`` (``text``, ``passage``; or None), ``budget``, ``words``,
  ``summary`` (verbatim sentences within the budget: ``text``, ``passage``, ``fact``,
  ``outlets``, ``independent_outlets``, ``single_source``, ``disputed`` conflict ids,
  ``citations`` one passage per outlet), ``key_facts`` / ``single_source_facts`` (fact ids).
- ``events``: ``[{id, text, representative, passages, outlets, independent_outlets,
  single_source, facts}]``: passages of different articles (headlines included) that report one
  happening (:mod:`newsprism.compare.alignment`), most widely reported first; ``facts`` are the
  claim-level facts inside it.
- ``facts``: ``[{id, text, representative, passages (+stance asserts/attributes, sources),
  outlets, independent_outlets, single_source, by_outlet [{outlet, stance, sources}],
  attributed_only, entities, dates, figures, cohesion, conflicts}]``, most corroborated first.
- ``conflicts``: ``[{id, kind: number/date/place/name/negation, subject, confidence, reason,
  sides: [{value, outlets, passages, sources, figures?, value_passages?}]}]``.
- ``related_figures``: figures in aligned passages that count different things, with reason.
- ``numbers``: every figure (value, approx, unit, source, outlet, fact, figure + passage).
- ``quotes``: what people said, grouped by speaker (stance/intention cues such as "Putin seeks
  alliances" left out); ``quotes_without_speaker``: reported speech nobody is named for ("he is
  believed to be ...").
- ``timeline``: ``[{id, date, dates (all values merged in), precision, start, end, label,
  passages, expressions, outlets, independent_outlets, relative, facts, disputed}]`` in date
  order; ``disputed`` lists the conflicts its passages take part in, and ``label`` then prefers
  a passage that takes no side.
- ``framing``: ``actors``, ``labelled_actors``, per-``articles`` and per-``outlets`` labels,
  names, loaded words (own voice vs quoted, per 1,000 words, cited hits), voices and
  attribution shares, and a ``table`` (one row per outlet) for the report.
- ``method``: statement count, similarity used, threshold, the story's date window, how many
  statement pairs the event rules kept apart (``newsprism.compare.events``), seconds.
"""

from __future__ import annotations

import time
from typing import Any

from newsprism.compare.alignment import align, build_events, build_units, links, parse_titles, unit_vectors
from newsprism.compare.briefing import build_briefing, numbers_table, quotes_by_speaker, quotes_without_speaker
from newsprism.compare.common import disputed_passages, independence_keys, outlet_label, passage_key
from newsprism.compare.conflicts import ConflictFinder
from newsprism.compare.events import cannot_link, claim_links, story_window
from newsprism.compare.facts import (
    FLOOR_RATIO, THRESHOLD_EMBEDDING, THRESHOLD_LEXICAL, build_facts, cluster, join_pass, keep_parts,
)
from newsprism.compare.framing import compare_framing
from newsprism.compare.lexicon import Lexicon, default_lexicon
from newsprism.compare.selection import BRIEFING_WORDS
from newsprism.compare.similarity import EMBED_MAX_STATEMENTS, embed_statements, similarity_matrix
from newsprism.compare.background import background_statements
from newsprism.compare.statements import build_statements
from newsprism.compare.timeline import build_timeline
from newsprism.model import Article, Story
from newsprism.caches import Caches
from newsprism.errors import StoryTooLarge
from newsprism.limits import Limits

COMPARISON_SCHEMA = "newsprism.comparison"
COMPARISON_VERSION = 2  # 2: written out with each passage once (model.pack_passages)


def compare_story(story: Story, articles: list[Article], lexicon: Lexicon | None = None, use_embeddings: bool = True,
                  briefing_words: int = BRIEFING_WORDS, trace: dict[str, Any] | None = None,
                  cache: Caches | None = None, max_statements: int | None = None) -> dict[str, Any]:
    """Compare a story's member articles (already annotated by the extract stage); the briefing
    stays within ``briefing_words`` words (``trace``: see :func:`build_briefing`; ``cache``: the
    store, where statement vectors and parses
    are kept between runs: see :func:`embed_statements` and :func:`parse_fields`)."""
    t0 = time.perf_counter()
    lexicon = lexicon or default_lexicon()
    arts = [a for a in articles if a.text and a.status != "rejected"]
    keys = independence_keys(arts)
    outlet_of = {a.id: outlet_label(a) for a in arts}
    statements, fields = build_statements(arts, cache=cache)
    n = len(statements)
    cap = max_statements if max_statements is not None else Limits.from_settings().max_story_statements
    if n > cap:  # before any matrix of n x n is made: raise rather than take the machine's memory
        raise StoryTooLarge(f"E903: story too large to compare ({n:,} statements from {len(arts):,} articles; "
                            f"the limit is {cap:,}, NEWSPRISM_MAX_STORY_STATEMENTS)")
    # background claims ("... ahead of his first visit to the country since 2000") follow the
    # statements; they only ever join facts other outlets report (facts.join_pass / keep_parts)
    every = statements + background_statements(statements, fields)
    vectors = embed_statements(every, cache) if use_embeddings and n <= EMBED_MAX_STATEMENTS else None
    sim_all, _, embedded = similarity_matrix(every, use_embeddings, fit=n, emb=vectors)
    sim = sim_all[:n, :n]
    threshold = THRESHOLD_EMBEDDING if embedded else THRESHOLD_LEXICAL
    forbid, cuts = cannot_link(every, sim_all >= threshold * FLOOR_RATIO)  # pairs that could share a fact
    groups = cluster(statements, sim, threshold, forbid[:n, :n])
    claim = claim_links(every)
    groups = join_pass(every, sim_all, threshold, groups + [[k] for k in range(n, len(every))], forbid, claim=claim)
    groups = keep_parts(every, groups, n, sim_all)
    facts = build_facts(every, groups, sim_all)
    fact_of = {i: f["id"] for f in facts for i in f["_statements"] if i < n}
    conflicts, related = ConflictFinder(statements, sim, fact_of, threshold, fields).run()
    _link_conflicts(facts, conflicts)
    units = build_units(statements, parse_titles(arts, fields), fields)
    unit_vecs = unit_vectors(units, vectors[:n] if vectors is not None else None)
    linked = links(units, unit_vecs) if units else None
    events = build_events(units, align(units, unit_vecs, linked=linked), fact_of)
    timeline = build_timeline(statements, fact_of, conflicts)
    framing = compare_framing(arts, fields, statements, lexicon)
    briefing = build_briefing(every, facts, lexicon, conflicts, sim_all, threshold, units, linked,
                              briefing_words, trace=trace, fields=fields)
    for f in facts:
        f.pop("_statements")
    return {
        "schema": COMPARISON_SCHEMA,
        "version": COMPARISON_VERSION,
        "story": story.id,
        "articles": [
            {"id": a.id, "outlet": outlet_of[a.id], "source": keys[a.id], "copy_of": a.duplicate_of,
             "title": a.title, "published": a.published.value, "words": a.word_count}
            for a in arts
        ],
        "outlets": list(dict.fromkeys(outlet_of.values())),
        "independent_outlets": len(set(keys.values())),
        "briefing": briefing,
        "events": events,
        "facts": facts,
        "conflicts": conflicts,
        "related_figures": related,
        "numbers": numbers_table(statements, fact_of),
        "quotes": quotes_by_speaker(arts, outlet_of),
        "quotes_without_speaker": quotes_without_speaker(arts, outlet_of),
        "timeline": timeline,
        "framing": framing,
        "method": {
            "statements": n,
            "similarity": "tfidf+entities+embeddings" if embedded else "tfidf+entities",
            "threshold": threshold,
            "story_window": (w.value if (w := story_window(statements)) else ""),
            "pairs_kept_apart": sum(1 for c in cuts if c["a"] < n and c["b"] < n),
            "seconds": round(time.perf_counter() - t0, 3),
        },
    }


def _link_conflicts(facts: list[dict[str, Any]], conflicts: list[dict[str, Any]]) -> None:
    """Mark each fact with the conflicts any of its passages takes part in."""
    where = disputed_passages(conflicts)
    for f in facts:
        f["conflicts"] = sorted({c for p in f["passages"] for c in where.get(passage_key(p), [])})

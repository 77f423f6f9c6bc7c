"""The briefing: a neutral summary made only of sentences the articles wrote, each cited.

Sentences are chosen by maximal marginal relevance (Carbonell & Goldstein 1998) over the
story's facts: relevance is how many independent outlets report the sentence's fact, redundancy
is the similarity to sentences already chosen (and never two from one fact). A sentence is
skipped when it carries loaded words in the outlet's own voice, is mostly a direct quotation or
quotes someone speaking in the first person, or opens with a pronoun that needs the previous
sentence ("He", "This"). A sentence taking part in a conflict ranks lower and is flagged
``disputed`` with the conflict ids. Nothing is rewritten: each summary item is a verbatim slice of one
article's text plus the passages of every outlet that reports the same fact. The chosen lines
are then put in reading order: by where their fact sits, on average, in the reporting articles.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from newsprism.compare.common import direct_quote_spans, disputed_passages, has_speaker, is_said, passage
from newsprism.compare.lexicon import Lexicon, in_any
from newsprism.compare.similarity import tfidf
from newsprism.compare.statements import Statement
from newsprism.model import Article

MIN_SENTENCES, MAX_SENTENCES = 5, 10
LAMBDA = 0.7
DANGLING = re.compile(r"^(he|she|it|they|this|that|these|those|his|her|their|its|him|them|there|such|both|and|but|or|so|also|meanwhile|however)\b", re.I)


def _sentence_ok(st: Statement, lexicon: Lexicon) -> tuple[bool, float]:
    """(usable, penalty) for a statement's full sentence as a summary line."""
    sent = st.sentence
    words = len(sent.split())
    if st.field != "text" or words < 7 or words > 60 or sent.rstrip()[-1:] not in ".!?\"”’'":
        return False, 0.0
    if st.first_person_quote or st.in_quote:
        return False, 0.0
    quotes = direct_quote_spans(st.article)
    quoted = sum(min(b, st.sent_end) - max(a, st.sent_start) for a, b in quotes if a < st.sent_end and st.sent_start < b)
    if quoted > 0.4 * len(sent):
        return False, 0.0
    own = [h for h in lexicon.find(sent) if not in_any(st.sent_start + h.start, st.sent_start + h.end, quotes)]
    if own:
        return False, 0.0
    penalty = 0.0
    if DANGLING.match(sent):
        penalty += 0.5
    if quoted:
        penalty += 0.15
    return True, penalty


def build_briefing(statements: Sequence[Statement], facts: list[dict[str, Any]], lexicon: Lexicon,
                   conflicts: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """Summary (verbatim, cited sentences) plus the ids of key and single-source facts.

    Passages on either side of a conflict never enter the summary: a disputed claim is shown
    in the conflicts section, side by side, not stated as the story.
    """
    disputed = disputed_passages(conflicts)
    words = tfidf([s.lemmas for s in statements])  # redundancy, same-article pairs included
    max_outlets = max((f["independent_outlets"] for f in facts), default=1)
    cands: list[tuple[float, Statement, dict[str, Any]]] = []
    for f in facts:
        for i in f["_statements"]:
            st = statements[i]
            if st.part_of is not None:
                continue  # a background claim: its sentence is its own statement's candidate
            ok, penalty = _sentence_ok(st, lexicon)
            if not ok:
                continue
            if (st.article.id, st.field, st.index, st.start, st.end) in disputed:
                penalty += 0.3  # still citable (it may be the lede), but undisputed lines go first
            if st.start > st.sent_start + 2 or st.end < st.sent_end - 2:
                penalty += 0.3  # the sentence carries more than this fact's clause
            rel = f["independent_outlets"] / max_outlets + 0.2 * f.get("cohesion", 0) - penalty
            rel += 0.05 if not st.attributed else 0.0
            cands.append((rel, st, f))
    # pairwise redundancy between candidate sentences, computed once (sparse product)
    rows = sorted({st.idx for _, st, _ in cands})
    pos = {k: r for r, k in enumerate(rows)}
    red_m = (words[rows] @ words[rows].T).toarray() if rows else np.zeros((0, 0))
    chosen: list[tuple[Statement, dict[str, Any]]] = []
    used_facts: set[str] = set()
    used_sentences: set[tuple[str, int]] = set()
    while cands and len(chosen) < MAX_SENTENCES:
        best, best_score = None, -1e9
        for rel, st, f in cands:
            if f["id"] in used_facts or (st.article.id, st.sent_start) in used_sentences:
                continue
            if len(chosen) >= MIN_SENTENCES and f["independent_outlets"] < 2:
                continue  # past the minimum, only corroborated facts earn a line
            red = max(float(red_m[pos[st.idx], pos[c.idx]]) for c, _ in chosen) if chosen else 0.0
            score = LAMBDA * rel - (1 - LAMBDA) * red
            if score > best_score:
                best, best_score = (st, f), score
        if best is None:
            break
        st, f = best
        chosen.append(best)
        used_facts.add(f["id"])
        used_sentences.add((st.article.id, st.sent_start))
    chosen.sort(key=lambda c: _story_position(c[1], statements))
    summary = []
    for st, f in chosen:
        summary.append({
            "text": st.sentence,
            "passage": passage(st.article, st.sent_start, st.sent_end, st.outlet),
            "fact": f["id"],
            "outlets": f["outlets"],
            "independent_outlets": f["independent_outlets"],
            "single_source": f["single_source"],
            "disputed": sorted(set(disputed.get((st.article.id, st.field, st.index, st.start, st.end), []))),
            "citations": _one_per_outlet(f["passages"], st),
        })
    key = [f["id"] for f in facts if f["independent_outlets"] >= 2]
    single = [f["id"] for f in facts if f["single_source"] and _informative(f, statements)]
    return {"summary": summary, "key_facts": key, "single_source_facts": single,
            "method": "Sentences are verbatim from the articles, chosen by corroboration with redundancy removed (MMR); sentences with loaded words or first-person quotes are skipped."}


def _story_position(f: dict[str, Any], statements: Sequence[Statement]) -> float:
    """Where the fact sits in the articles that report it (0 = lead, 1 = end; captions last).

    Selection ranks by corroboration; reading order follows the articles' own inverted pyramid,
    so the briefing opens with what the leads report and ends with the background.
    """
    pos = [statements[i].sent_start / max(1, len(statements[i].article.text))
           for i in f["_statements"] if statements[i].field == "text"]
    return sum(pos) / len(pos) if pos else 1.0


def _one_per_outlet(passages: list[dict[str, Any]], chosen: Statement) -> list[dict[str, Any]]:
    """The chosen sentence's own passage first, then one passage for each other outlet."""
    out = [p for p in passages if p["article"] == chosen.article.id and p["start"] == chosen.start and p["field"] == chosen.field][:1]
    seen = {p["outlet"] for p in out}
    for p in passages:
        if p["outlet"] not in seen:
            out.append(p)
            seen.add(p["outlet"])
    return out


def _informative(f: dict[str, Any], statements: Sequence[Statement]) -> bool:
    """Single-source facts worth listing: they name someone, a figure or a date, and are not quotes."""
    sts = [statements[i] for i in f["_statements"]]
    return any((s.entities or s.numbers or s.dates) and not s.in_quote and s.field == "text" for s in sts)


def _quote_item(a: Article, q: Any, o: str) -> dict[str, Any]:
    return {
        "kind": q.kind, "outlet": o, "passage": passage(a, q.content.start, q.content.end, o),
        "cue": passage(a, q.cue.start, q.cue.end, o) if q.cue else None,
        "cue_label": q.cue.label if q.cue else "",
        "speaker_passage": passage(a, q.speaker.start, q.speaker.end, o) if q.speaker else None,
        "resolution": q.resolution,
    }


def quotes_by_speaker(articles: Sequence[Article], outlet_of: dict[str, str]) -> list[dict[str, Any]]:
    """What people said, grouped by (canonical) speaker, most quoted first.

    Only speech: quotes the extractor found through a stance or intention cue ("Putin seeks
    alliances", "Moscow is seeking to secure ...") say what someone wants or does, not what they
    said, and are left out; so are quotes with no speaker at all (agentless passives, cue-less
    quotations), which :func:`quotes_without_speaker` lists.
    """
    groups: dict[str, dict[str, Any]] = {}
    for a in articles:
        for q in a.quotes:
            if not is_said(q) or not has_speaker(q):
                continue
            name = q.speaker_name or q.speaker.text
            key = q.speaker_id or name.lower()
            g = groups.setdefault(key, {"speaker": name, "speaker_id": q.speaker_id, "outlets": [], "quotes": []})
            o = outlet_of[a.id]
            if o not in g["outlets"]:
                g["outlets"].append(o)
            g["quotes"].append(_quote_item(a, q, o))
    return sorted(groups.values(), key=lambda g: (-len(g["outlets"]), -len(g["quotes"])))


def quotes_without_speaker(articles: Sequence[Article], outlet_of: dict[str, str]) -> list[dict[str, Any]]:
    """Reported speech with no speaker: "he is believed to be ...", a quotation no cue governs."""
    return [_quote_item(a, q, outlet_of[a.id]) for a in articles for q in a.quotes if is_said(q) and not has_speaker(q)]


def numbers_table(statements: Sequence[Statement], fact_of: dict[int, str]) -> list[dict[str, Any]]:
    """Every figure with its passage, source and the fact it belongs to."""
    rows = []
    seen: set[tuple[str, str, int]] = set()
    for st in statements:
        for n in st.numbers:
            key = (st.article.id, st.field + str(st.index), n.span.start)
            if key in seen:
                continue
            seen.add(key)
            rows.append({
                "value": n.value, "approx": n.approx, "unit": n.unit, "text": n.span.text,
                "source": n.source or (st.sources[0] if st.sources else ""), "outlet": st.outlet,
                "article": st.article.id, "fact": fact_of.get(st.idx),
                "figure": passage(st.article, n.span.start, n.span.end, st.outlet, st.field, st.index),
                "passage": passage(st.article, st.start, st.end, st.outlet, st.field, st.index),
            })
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_unit[r["unit"]].append(r)
    return [r for unit in sorted(by_unit, key=lambda u: (-len(by_unit[u]), u)) for r in by_unit[unit]]

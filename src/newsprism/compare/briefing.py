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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from newsprism.compare.common import direct_quote_spans, disputed_passages, has_speaker, is_said, passage
from newsprism.compare.events import figure_key, same_figure
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


@dataclass
class Support:
    """Who backs one briefing line: outlets whose passage states the line's own claim (``full``),
    outlets in the same fact that state only part of it (``partial``), and per detail of the line
    the outlets whose passage carries that detail."""

    full: dict[str, list[Statement]]  # outlet -> its statements that state the line's claim
    partial: dict[str, list[Statement]]
    sources: set[str]  # independence keys of the full outlets
    details: list[dict[str, Any]]


def line_support(st: Statement, f: dict[str, Any], statements: Sequence[Statement], sim: np.ndarray,
                 threshold: float) -> Support:
    """An outlet states the line's claim when one of its passages in the fact links to the line's
    own statement at the fact threshold (the bar two statements need to start a fact). A fact is
    grown by average link, so its members need not each state everything the chosen sentence
    says: they back it only in part, and are shown as such, never counted."""
    full: dict[str, list[Statement]] = {st.outlet: [st]}
    partial: dict[str, list[Statement]] = {}
    sources = {st.source}
    for i in f["_statements"]:
        o = statements[i]
        if o.article.id == st.article.id:
            continue
        if o.part_of is None and sim[st.idx, o.idx] >= threshold:
            full.setdefault(o.outlet, []).append(o)
            sources.add(o.source)
        else:
            partial.setdefault(o.outlet, []).append(o)
    partial = {k: v for k, v in partial.items() if k not in full}
    return Support(full, partial, sources, line_details(st, {**full, **partial}))


def line_details(st: Statement, by_outlet: dict[str, list[Statement]]) -> list[dict[str, Any]]:
    """The line's figures, dates, places and named sources, each with the outlets whose passage
    in the fact carries it (``single_source`` when only the line's own outlet does)."""
    items: list[tuple[str, str, Callable[[Statement], bool]]] = []
    for n in st.numbers:
        key = figure_key(st, n)
        items.append(("figure", n.span.text, lambda o, key=key: any(same_figure(key, figure_key(o, m)) for m in o.numbers)))
    for t, r in st.dates:
        if t.span.start not in st.reference_times:
            items.append(("date", t.span.text, lambda o, r=r: any(r.compatible(x) for _, x in o.dates)))
    for pl in st.places:
        if pl.named:
            items.append(("place", pl.text, lambda o, pl=pl: any(pl.key == q.key for q in o.places)))
    for src in st.sources:
        if src.strip():
            items.append(("source", src, lambda o, src=src: any(same_source(src, x) for x in o.sources)))
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for kind, text, carried in items:
        if (kind, text.lower()) in seen:
            continue
        seen.add((kind, text.lower()))
        outlets = [o for o, sts in by_outlet.items() if any(carried(x) for x in sts)]
        out.append({"kind": kind, "text": text, "outlets": outlets,
                    "independent_outlets": len({x.source for o in outlets for x in by_outlet[o]}),
                    "single_source": len(outlets) == 1})
    _add_variants(st, by_outlet, out)
    return out


def _add_variants(st: Statement, by_outlet: dict[str, list[Statement]], details: list[dict[str, Any]]) -> None:
    """Differing sources of one claim, side by side: the line names its source and other
    outlets in the fact name another ("per the Kremlin's press service" / "per TASS"). They are
    listed as ``variants`` of the line's source detail with the outlets that give them: not
    merged into it, and not a contradiction (two sources can both have said it). Places are not
    compared this way: a statement's places are its actors and settings alike, and "Pyongyang"
    is no variant of "North Korea"."""
    mine = [x for x in st.sources if x.strip()]
    own = [d for d in details if d["kind"] == "source"]
    if not mine or not own:
        return
    found: list[dict[str, Any]] = []
    for outlet, sts in by_outlet.items():
        if outlet == st.outlet:
            continue
        for o in sts:
            for src in o.sources:
                if not src.strip() or any(same_source(m, src) for m in mine):
                    continue
                # grouped by exact name: "South Korea" and "South Korea and Kyiv" are two attributions
                v = next((v for v in found if " ".join(v["text"].lower().split()) == " ".join(src.lower().split())), None)
                if v is None:
                    found.append(v := {"text": src, "outlets": []})
                if outlet not in v["outlets"]:
                    v["outlets"].append(outlet)
    for d in own:
        d["variants"] = found


def _name_words(name: str) -> set[str]:
    # word prefixes, so "Korea"/"Korean" and "Defense"/"Defence" meet
    return {w.lower()[:5] for w in re.findall(r"[^\W\d_]+", name) if len(w) > 2 and w.lower() not in STOP_WORDS}


def same_source(a: str, b: str) -> bool:
    """Two names of one source: most of the shorter name's words are in the longer."""
    x, y = _name_words(a), _name_words(b)
    return bool(x and y) and len(x & y) >= max(1, (min(len(x), len(y)) + 1) // 2)


def build_briefing(statements: Sequence[Statement], facts: list[dict[str, Any]], lexicon: Lexicon,
                   conflicts: Sequence[dict[str, Any]] = (), sim: np.ndarray | None = None,
                   threshold: float = 0.5) -> dict[str, Any]:
    """Summary (verbatim, cited sentences) plus the ids of key and single-source facts.

    Passages on either side of a conflict never enter the summary: a disputed claim is shown
    in the conflicts section, side by side, not stated as the story. A line counts the outlets
    that state its own claim (:func:`line_support`); ``sim`` is the statement similarity the
    facts were built on (without it every outlet of the fact counts).
    """
    disputed = disputed_passages(conflicts)
    if sim is None:
        sim = np.ones((len(statements), len(statements)))
    words = tfidf([s.lemmas for s in statements])  # redundancy, same-article pairs included
    max_outlets = max((f["independent_outlets"] for f in facts), default=1)
    cands: list[tuple[float, Statement, dict[str, Any], Support]] = []
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
            sup = line_support(st, f, statements, sim, threshold)
            # relevance counts the outlets that state this very sentence's claim, and a little
            # for those that back part of it
            rel = (len(sup.sources) + 0.25 * len(sup.partial)) / max_outlets + 0.2 * f.get("cohesion", 0) - penalty
            rel += 0.05 if not st.attributed else 0.0
            cands.append((rel, st, f, sup))
    # pairwise redundancy between candidate sentences, computed once (sparse product)
    rows = sorted({st.idx for _, st, _, _ in cands})
    pos = {k: r for r, k in enumerate(rows)}
    red_m = (words[rows] @ words[rows].T).toarray() if rows else np.zeros((0, 0))
    chosen: list[tuple[Statement, dict[str, Any], Support]] = []
    used_facts: set[str] = set()
    used_sentences: set[tuple[str, int]] = set()
    while cands and len(chosen) < MAX_SENTENCES:
        best, best_score = None, -1e9
        for rel, st, f, sup in cands:
            if f["id"] in used_facts or (st.article.id, st.sent_start) in used_sentences:
                continue
            if len(chosen) >= MIN_SENTENCES and len(sup.sources) < 2:
                continue  # past the minimum, only corroborated lines are added
            red = max(float(red_m[pos[st.idx], pos[c.idx]]) for c, _, _ in chosen) if chosen else 0.0
            score = LAMBDA * rel - (1 - LAMBDA) * red
            if score > best_score:
                best, best_score = (st, f, sup), score
        if best is None:
            break
        st, f, sup = best
        chosen.append(best)
        used_facts.add(f["id"])
        used_sentences.add((st.article.id, st.sent_start))
    chosen.sort(key=lambda c: _story_position(c[1], statements))
    summary = []
    for st, f, sup in chosen:
        summary.append({
            "text": st.sentence,
            "passage": passage(st.article, st.sent_start, st.sent_end, st.outlet),
            "fact": f["id"],
            "outlets": list(sup.full),
            "independent_outlets": len(sup.sources),
            "single_source": len(sup.sources) == 1,
            "partial": [{"outlet": o, "passage": _cite(sts[0], statements)} for o, sts in sup.partial.items()],
            "details": sup.details,
            "disputed": sorted(set(disputed.get((st.article.id, st.field, st.index, st.start, st.end), []))),
            "citations": [_cite(sts[0], statements) for sts in sup.full.values()],
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


def _cite(st: Statement, statements: Sequence[Statement]) -> dict[str, Any]:
    """A statement's passage (a background claim is cited by its whole statement, as in facts)."""
    st = statements[st.part_of] if st.part_of is not None else st
    return passage(st.article, st.start, st.end, st.outlet, st.field, st.index)


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

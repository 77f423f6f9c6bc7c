"""The briefing: a headline and a neutral summary made only of sentences the articles wrote,
each cited.

Which sentences: :mod:`newsprism.compare.selection` scores every body sentence that can stand as
a line (position, centrality across outlets, closeness to the headlines, corroboration) and
takes them by maximal marginal relevance within a word budget. A sentence never becomes a line
when it carries loaded words in the outlet's own voice (as the framing counts them), is mostly
inside quotation marks, quotes someone speaking in the first person, or is an embedded post or
widget (a link, a handle); a line taken from an article's first sentence leaves out its dateline
("WASHINGTON (Reuters) - "), so its passage starts after it. A
line taking part in a conflict is flagged ``disputed`` with the conflict ids. Nothing is
rewritten: each line is a verbatim slice of one article's text plus the passages of every outlet
that states the same claim (:func:`line_support`). The best-scored line opens the briefing; the
others follow in reading order (where their fact sits, on average, in the reporting articles).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from newsprism.compare.common import disputed_passages, has_speaker, is_said, passage, quoted_spans
from newsprism.compare.events import figure_key, same_figure
from newsprism.compare.alignment import Unit
from newsprism.compare.framing import loaded_hits
from newsprism.compare.lexicon import Lexicon
from newsprism.compare.selection import (
    BASE_FEATURES, BRIEFING_WORDS, SelectionModel, candidate_features, default_model, lexrank, select, word_overlap,
)
from newsprism.compare.similarity import tfidf
from newsprism.compare.statements import FieldDoc, Statement
from newsprism.extract.dating import dateline_length
from newsprism.model import Article

# a link, a social-media handle or a picture link: the sentence is an embedded post or a widget
EMBEDDED = re.compile(r"https?://|www\.|pic\.twitter|(?<![\w.])@\w{2,}")
DANGLING = re.compile(r"^(he|she|it|they|this|that|these|those|his|her|their|its|him|them|there|such|both|and|but|or|so|also|meanwhile|however)\b", re.I)


def _sentence_ok(st: Statement, loaded: Sequence[tuple[int, int]]) -> tuple[bool, float]:
    """(usable, share of it in quotation marks) for a statement's full sentence as a line: a
    complete body sentence of 7-60 words, not mostly a quotation, no loaded word in the outlet's
    own voice, no link or social-media handle (an embedded post or a sharing widget).

    ``loaded``: the own-voice loaded-word spans of the article's body, as the framing counts them
    (:func:`newsprism.compare.framing.loaded_hits`, which applies the lexicon's part-of-speech
    filter to the parse). The share counts only words inside quotation marks: reported speech with
    a word or two in scare quotes ("dropping the “Redskins” name") is the outlet's own sentence,
    not a quotation."""
    sent = st.sentence
    words = len(sent.split())
    if st.field != "text" or words < 7 or words > 60 or sent.rstrip()[-1:] not in ".!?\"”’'":
        return False, 0.0
    if EMBEDDED.search(sent):
        return False, 0.0
    share = sum(b - a for a, b in quoted_spans(sent)) / max(1, len(sent))
    if share > 0.4 or any(st.sent_start <= a and b <= st.sent_end for a, b in loaded):
        return False, share
    return True, share


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
        # credited only for the value itself: "about 940 miles" is the same distance as "some 930
        # miles" for grouping passages into a fact, but it does not state 930 (a variant)
        items.append(("figure", n.span.text, lambda o, key=key: any(
            same_figure(key, k) and k[0] == key[0] for k in (figure_key(o, m) for m in o.numbers))))
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
    _add_figure_variants(st, by_outlet, out)
    return out


def _add_figure_variants(st: Statement, by_outlet: dict[str, list[Statement]], details: list[dict[str, Any]]) -> None:
    """Figures of the other outlets that count the same quantity with a nearby value ("about 940
    miles" against the line's "some 930 miles") are listed as ``variants`` of the line's figure,
    with the outlets that give them: neither credited as the line's value nor a contradiction."""
    for n in st.numbers:
        key = figure_key(st, n)
        d = next((d for d in details if d["kind"] == "figure" and d["text"].lower() == n.span.text.lower()), None)
        if d is None:
            continue
        found: list[dict[str, Any]] = []
        for outlet, sts in by_outlet.items():
            for o in sts:
                for m in o.numbers:
                    k = figure_key(o, m)
                    if k[0] != key[0] and same_figure(key, k):
                        _add_variant(found, m.span.text, outlet)
        if found:
            d["variants"] = found


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
                _add_variant(found, src, outlet)
    for d in own:
        d["variants"] = found


def _add_variant(found: list[dict[str, Any]], text: str, outlet: str) -> None:
    """Count ``outlet`` under the variant written ``text`` (case and spacing aside)."""
    norm = " ".join(text.lower().split())
    v = next((v for v in found if " ".join(v["text"].lower().split()) == norm), None)
    if v is None:
        found.append(v := {"text": text, "outlets": []})
    if outlet not in v["outlets"]:
        v["outlets"].append(outlet)


def _name_words(name: str) -> set[str]:
    # word prefixes, so "Korea"/"Korean" and "Defense"/"Defence" meet
    return {w.lower()[:5] for w in re.findall(r"[^\W\d_]+", name) if len(w) > 2 and w.lower() not in STOP_WORDS}


def same_source(a: str, b: str) -> bool:
    """Two names of one source: most of the shorter name's words are in the longer."""
    x, y = _name_words(a), _name_words(b)
    return bool(x and y) and len(x & y) >= max(1, (min(len(x), len(y)) + 1) // 2)


def build_briefing(statements: Sequence[Statement], facts: list[dict[str, Any]], lexicon: Lexicon,
                   conflicts: Sequence[dict[str, Any]] = (), sim: np.ndarray | None = None,
                   threshold: float = 0.5, units: Sequence[Unit] = (),
                   linked: tuple[dict[str, np.ndarray], np.ndarray] | None = None,
                   budget: int = BRIEFING_WORDS, model: SelectionModel | None = None,
                   trace: dict[str, Any] | None = None, *, fields: Sequence[FieldDoc]) -> dict[str, Any]:
    """The story's headline, its summary (verbatim, cited sentences within ``budget`` words),
    plus the ids of key and single-source facts.

    Candidates are the body sentences (``units``, with the pair features and link probabilities
    of ``linked``) that can stand as a line; they are scored and chosen by
    :mod:`newsprism.compare.selection`. The best-scored line opens the briefing (the story's core
    event); the others follow in reading order. A line counts the outlets that state its own
    claim (:func:`line_support`); ``sim`` is the statement similarity the facts were built on
    (without it every outlet of the fact counts). ``fields``: the parsed bodies, whose loaded words
    in the outlet's own voice keep a sentence out (as the framing counts them). ``trace`` (evaluation only) receives the
    candidates' features, so the selection model can be fitted on the product's own path.
    """
    model = model or default_model()
    disputed = disputed_passages(conflicts)
    if sim is None:
        sim = np.ones((len(statements), len(statements)))
    fact_by_statement = {i: f for f in facts for i in f["_statements"]}
    n_sources = max(1, len({s.source for s in statements}))
    feats, prob = linked if linked is not None else ({}, np.zeros((len(units), len(units))))
    emb = feats.get("emb")
    lex = feats.get("lex")
    ranks = _sentence_ranks(units)
    arts = [u.article.id for u in units]
    body = [k for k, u in enumerate(units) if u.field == "text"]
    pair = emb if emb is not None else lex
    central = dict(zip(body, lexrank(pair[np.ix_(body, body)]))) if pair is not None and body else {}
    days = {u.article.id: (u.article.published.value or "")[:10] for u in units}
    first_day = min((d for d in days.values() if d), default="")
    loaded: dict[str, list[tuple[int, int]]] = {}
    for fd in fields:
        if fd.field == "text":
            loaded[fd.article.id] = [(h.start, h.end) for h in loaded_hits(fd, lexicon)[0]]
    rows: list[list[float]] = []
    skip: dict[int, int] = {}  # unit -> characters of dateline its line leaves out
    cands: list[tuple[int, Statement, dict[str, Any], Support]] = []
    for k, u in enumerate(units):
        if u.field != "text" or not u.statements:
            continue
        sts = [statements[i] for i in u.statements]
        ok, quoted = _sentence_ok(sts[0], loaded.get(u.article.id, ()))
        if not ok or any(s.first_person_quote or s.in_quote for s in sts):
            continue
        best: tuple[Statement, dict[str, Any], Support] | None = None
        for s in sts:
            f = fact_by_statement.get(s.idx)
            if f is None:
                continue
            sup = line_support(s, f, statements, sim, threshold)
            if best is None or (len(sup.sources), s.end - s.start) > (len(best[2].sources), best[0].end - best[0].start):
                best = (s, f, sup)
        if best is None:
            continue
        # a line quoted from an article's first sentence leaves its dateline out ("WASHINGTON
        # (Reuters) - "): the line states the news; the cited passage still shows the place
        skip[k] = dateline_length(sts[0].sentence) if ranks.get(k) == 0 else 0
        is_disputed = any((s.article.id, s.field, s.index, s.start, s.end) in disputed for s in sts)
        rows.append([float(ranks.get(k, 99)), float(central.get(k, 0.0)), bool(first_day) and days[arts[k]] == first_day,
                     len(best[2].sources) / n_sources, len(sts[0].sentence[skip[k]:].split()), quoted,
                     bool(DANGLING.match(sts[0].sentence[skip[k]:])), is_disputed, any(s.attributed for s in sts)])
        cands.append((k, *best))
    cand_units = [k for k, *_ in cands]
    closeness = _closeness(units, cand_units, prob, emb)
    rows = [candidate_features(int(r[0]), centrality, near, r[1], title, r[2], r[3], r[4], budget, r[5], r[6], r[7], r[8])
            for r, (centrality, near, title) in zip(rows, closeness)]
    bags: dict[str, Counter[str]] = defaultdict(Counter)
    for u in units:
        if u.field == "text":
            bags[u.article.id].update(u.words)
    written = {u.article.id: set(u.words) for u in units
               if u.field == "title" and u.article.title_source != "derived_from_lead"}
    x = np.hstack([np.asarray(rows, dtype=float).reshape(len(rows), len(BASE_FEATURES)),
                   word_overlap([units[k].words for k in cand_units], [arts[k] for k in cand_units], bags, written)])
    scores = model.score(x)
    if lex is not None and cand_units:
        red = lex[np.ix_(cand_units, cand_units)]
    else:
        w = tfidf([[w for i in units[k].statements for w in statements[i].lemmas] for k in cand_units])
        red = (w @ w.T).toarray() if cand_units else np.zeros((0, 0))
    texts = [units[k].text[skip[k]:] for k in cand_units]
    lengths = [len(t.split()) for t in texts]
    same_words = [frozenset(_norm_words(t)) for t in texts]
    if trace is not None:
        trace.update(features=x, texts=texts, words=lengths, red=red,
                     same_words=same_words, positions=[_story_position(f, statements) for _, _, f, _ in cands])
    order = select(scores, lengths, red, budget, model.redundancy, same_words)
    chosen = [cands[i] for i in order]
    chosen = chosen[:1] + sorted(chosen[1:], key=lambda c: _story_position(c[2], statements))
    summary = []
    for k, st, f, sup in chosen:
        summary.append({
            "text": st.sentence[skip[k]:],
            "passage": passage(st.article, st.sent_start + skip[k], st.sent_end, st.outlet),
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
    return {"headline": _headline(units, emb, lexicon), "summary": summary, "budget": budget,
            "words": sum(len(i["text"].split()) for i in summary), "key_facts": key, "single_source_facts": single,
            "method": "Verbatim sentences of the articles, scored by position, centrality across outlets, closeness "
                      "to the headlines and corroboration, chosen by MMR within the word budget; the best-scored "
                      "first, the rest in reading order; sentences with loaded words or first-person quotes are skipped."}


def _closeness(units: Sequence[Unit], cand: Sequence[int], prob: np.ndarray, emb: np.ndarray | None,
               block: int = 256) -> list[tuple[float, float, float]]:
    """(centrality, closeness, title) of each candidate unit: the mean over the other outlets'
    articles of its best link probability to their body sentences, its mean sentence-vector
    cosine to those sentences, and its best cosine to a headline.

    Computed for a block of candidates at a time over arrays (a loop over every pair of units
    was a third of a 200-article story's comparison), so memory stays at block x units."""
    if not cand:
        return []
    body = np.array([j for j, v in enumerate(units) if v.field == "text"], dtype=int)
    titles = np.array([j for j, v in enumerate(units) if v.field == "title"], dtype=int)
    art_code: dict[str, int] = {}
    src_code: dict[str, int] = {}
    art = np.array([art_code.setdefault(units[j].article.id, len(art_code)) for j in body], dtype=int)
    src = np.array([src_code.setdefault(units[j].source, len(src_code)) for j in body], dtype=int)
    order = np.argsort(art, kind="stable")  # body sentences grouped by article, for one max per article
    body, art, src = body[order], art[order], src[order]
    starts = np.flatnonzero(np.r_[True, art[1:] != art[:-1]]) if len(art) else np.zeros(0, dtype=int)
    out: list[tuple[float, float, float]] = []
    for lo in range(0, len(cand), block):
        ks = np.asarray(cand[lo:lo + block], dtype=int)
        k_art = np.array([art_code.get(units[k].article.id, -1) for k in ks])
        k_src = np.array([src_code.get(units[k].source, -1) for k in ks])
        other = (art[None, :] != k_art[:, None]) & (src[None, :] != k_src[:, None])  # block x body
        if len(body):
            p = np.where(other, np.maximum(prob[np.ix_(ks, body)], 0.0), -1.0)
            best = np.maximum.reduceat(p, starts, axis=1)  # per article; -1: none of its sentences count
            counted = best >= 0
            n_art = counted.sum(axis=1)
            centrality = np.where(n_art > 0, np.where(counted, best, 0.0).sum(axis=1) / np.maximum(n_art, 1), 0.0)
            n_other = other.sum(axis=1)
            if emb is not None:
                near = np.where(n_other > 0, np.where(other, emb[np.ix_(ks, body)], 0.0).sum(axis=1) / np.maximum(n_other, 1), 0.0)
            else:
                near = np.zeros(len(ks))
        else:
            centrality = near = np.zeros(len(ks))
        title = (emb[np.ix_(ks, titles)].max(axis=1) if emb is not None and len(titles) else np.zeros(len(ks)))
        out.extend(zip(centrality.tolist(), near.tolist(), title.tolist()))
    return out


def _norm_words(text: str) -> list[str]:
    return re.sub(r"\W+", " ", text.lower()).split()


def _sentence_ranks(units: Sequence[Unit]) -> dict[int, int]:
    """Unit index -> the sentence's place in its article's body (0 = the first)."""
    by_article: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for k, u in enumerate(units):
        if u.field == "text":
            by_article[u.article.id].append((u.start, k))
    return {k: r for items in by_article.values() for r, (_, k) in enumerate(sorted(items))}


def _headline(units: Sequence[Unit], emb: np.ndarray | None, lexicon: Lexicon) -> dict[str, Any] | None:
    """The most central headline: the one closest, on average, to the other articles' headlines
    and sentences (verbatim, cited), among those without loaded words; None when no article has
    a title someone wrote (one the clean stage made from the lead's first sentence is not)."""
    titles = [k for k, u in enumerate(units)
              if u.field == "title" and u.text.strip() and u.article.title_source != "derived_from_lead"
              and not lexicon.find(u.text)]
    if not titles:
        return None
    def closeness(t: int) -> float:
        others = [j for j, v in enumerate(units) if v.article.id != units[t].article.id]
        return float(np.mean(emb[t, others])) if emb is not None and others else 0.0
    best = max(titles, key=lambda t: (closeness(t), -t))
    u = units[best]
    return {"text": u.text, "passage": passage(u.article, u.start, u.end, u.outlet, "title")}


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

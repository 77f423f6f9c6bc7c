"""``newsprism eval alignment [FILE]``: do the comparison's groups of passages link the sentences
that report the same happening, and only those?

FILE is ECB+ cross-document event coreference in the ``alignment-dev`` format (one document a
line: ``doc_id, topic, cluster_id, text, sentences [{sent_id, start, end, validated, events}]``;
default ``../shared/data/alignment-dev/ecbplus_events.jsonl``). Gold: two *validated* sentences
in different documents of one ``cluster_id`` (one incident) that share an event instance.

The documents run through the product's own path — ``Pipeline.ingest`` of a JSONL file (no
outlet names: each record is its own source), the extraction stage, then ``compare_story`` —
with each topic's two look-alike incidents pooled into one story, so that pairs across the
incidents are negatives (within one incident 75% of the pairs are gold, and linking everything
would score well). Gold sentences are located in the clean text (whitespace-insensitive); a
passage covers a sentence when their spans overlap.

Two levels are scored, both as pair precision / recall / F1 over all validated sentence pairs of
different documents in one pooled story:

- ``event``: the comparison's ``events`` (passages reporting one happening), what "who else
  reports this" means to a reader;
- ``fact``: the comparison's ``facts`` (one claim about it), a finer grouping: its recall is
  expected to be lower.

``chain_outlet_recall``: for each gold event chain reaching 2+ documents, the largest share of
its documents one predicted group links (a group must link 2+ of them to count), averaged.
Topics split by parity (:func:`newsprism.evaluate.clustering.split_topics`): settings are chosen
on the odd half (``fit_half``) and reported on the even half (``test_half``).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from newsprism.evaluate.clustering import split_topics
from newsprism.evaluate.corroboration import briefing_overclaims
from newsprism.evaluate.jsonl import extract_records, parse_rows

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_FILE = ROOT.parent / "shared" / "data" / "alignment-dev" / "ecbplus_events.jsonl"
LEVELS = ("event", "fact")
AUDIT_WORDS = 400


@dataclass
class GoldSentence:
    sent_id: int
    text: str
    events: frozenset[str]
    span: tuple[str, int, int] | None = None  # (field, start, end) in the clean article


@dataclass
class GoldDoc:
    doc_id: str
    topic: str
    cluster: str
    text: str
    sentences: list[GoldSentence] = field(default_factory=list)
    article: str = ""  # the article id the pipeline gave it


def read_gold(path: str | Path, topics: Iterable[str] | None = None) -> list[GoldDoc]:
    """Documents with their validated sentences (``topics``: keep only these topic numbers)."""
    keep = {str(t) for t in topics} if topics else None

    def parse(where: str, row: dict[str, Any]) -> GoldDoc | None:
        if keep is not None and str(row["topic"]) not in keep:
            return None
        doc = GoldDoc(str(row["doc_id"]), f"t{row['topic']}", str(row["cluster_id"]), str(row["text"]))
        for s in row["sentences"]:
            if s.get("validated"):
                doc.sentences.append(GoldSentence(int(s["sent_id"]), doc.text[s["start"]:s["end"]],
                                                  frozenset(s.get("events") or ())))
        return doc

    docs = [d for d in parse_rows(path, parse, "an alignment record") if d is not None]
    return docs


_WS = re.compile(r"\s+")


def _squash(text: str) -> tuple[str, list[int]]:
    """Text with whitespace runs as one space, and each output character's offset in ``text``."""
    out, where = [], []
    for m in re.finditer(r"\s+|\S+", text):
        if m.group().isspace():
            out.append(" ")
            where.append(m.start())
        else:
            out.append(m.group())
            where.extend(range(m.start(), m.end()))
    return "".join(out), where


def locate(article: Any, sentence: str) -> tuple[str, int, int] | None:
    """Where a gold sentence sits in the clean article: body first, then the title."""
    needle = _WS.sub(" ", sentence).strip()
    if not needle:
        return None
    for fld, text in (("text", article.text or ""), ("title", article.title or "")):
        flat, where = _squash(text)
        k = flat.find(needle)
        if k >= 0:
            return fld, where[k], where[k + len(needle) - 1] + 1
    return None


def _groups(comparison: dict[str, Any], level: str) -> list[list[dict[str, Any]]]:
    items = comparison.get("events" if level == "event" else "facts") or []
    return [it["passages"] for it in items]


def _pairs_linked(docs: Sequence[GoldDoc], groups: list[list[dict[str, Any]]]) -> tuple[set[tuple[int, int]], dict[int, list[int]]]:
    """Linked pairs of sentence keys, and sentence key -> the groups covering it."""
    sent_keys: list[tuple[GoldDoc, GoldSentence]] = [(d, s) for d in docs for s in d.sentences if s.span]
    covered: dict[int, list[int]] = {}
    by_art: dict[str, list[int]] = {}
    for k, (d, s) in enumerate(sent_keys):
        by_art.setdefault(d.article, []).append(k)
    for g, passages in enumerate(groups):
        for p in passages:
            for k in by_art.get(p["article"], []):
                fld, a, b = sent_keys[k][1].span  # type: ignore[misc]
                if p.get("field", "text") == fld and p["start"] < b and a < p["end"]:
                    covered.setdefault(k, []).append(g)
    members: dict[int, set[int]] = {}
    for k, gs in covered.items():
        for g in gs:
            members.setdefault(g, set()).add(k)
    linked = set()
    for ks in members.values():
        ks_sorted = sorted(ks)
        for x, a in enumerate(ks_sorted):
            for b in ks_sorted[x + 1:]:
                if sent_keys[a][0].doc_id != sent_keys[b][0].doc_id:
                    linked.add((a, b))
    return linked, covered


def score_story(docs: Sequence[GoldDoc], comparison: dict[str, Any], level: str) -> dict[str, Any]:
    """Pair counts and per-chain outlet recall for one pooled story."""
    sent_keys = [(d, s) for d in docs for s in d.sentences if s.span]
    linked, covered = _pairs_linked(docs, _groups(comparison, level))
    tp = fp = fn = 0
    for a in range(len(sent_keys)):
        da, sa = sent_keys[a]
        for b in range(a + 1, len(sent_keys)):
            db, sb = sent_keys[b]
            if da.doc_id == db.doc_id:
                continue
            gold = da.cluster == db.cluster and bool(sa.events & sb.events)
            pred = (a, b) in linked
            tp += gold and pred
            fp += pred and not gold
            fn += gold and not pred
    chains: dict[tuple[str, str], dict[str, list[int]]] = {}
    for k, (d, s) in enumerate(sent_keys):
        for e in s.events:
            chains.setdefault((d.cluster, e), {}).setdefault(d.doc_id, []).append(k)
    recalls = []
    for by_doc in chains.values():
        if len(by_doc) < 2:
            continue
        best = 0
        groups = {g for ks in by_doc.values() for k in ks for g in covered.get(k, [])}
        for g in groups:
            n = sum(1 for ks in by_doc.values() if any(g in covered.get(k, []) for k in ks))
            best = max(best, n if n >= 2 else 0)
        recalls.append(best / len(by_doc))
    return {"tp": tp, "fp": fp, "fn": fn, "chain_recalls": recalls}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def summarize(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    tp, fp, fn = (sum(r[k] for r in rows) for k in ("tp", "fp", "fn"))
    recalls = [x for r in rows for x in r["chain_recalls"]]
    return {**_prf(tp, fp, fn), "gold_pairs": tp + fn, "predicted_pairs": tp + fp,
            "chains": len(recalls), "chain_outlet_recall": round(sum(recalls) / len(recalls), 4) if recalls else 0.0}


def extract_topics(docs: Sequence[GoldDoc]) -> dict[str, list[Any]]:
    """Ingest and extract the documents (product path); topic -> its articles. Each gold
    document learns its article id and where its sentences sit in the clean text."""
    arts_of: dict[str, list[Any]] = {}
    # no outlet, no URL: each record is its own source
    articles = extract_records([{"id": d.doc_id, "text": d.text, "language": "en"} for d in docs])
    for d, a in zip(docs, articles):
        if a is None:
            continue
        d.article = a.id
        for s in d.sentences:
            s.span = locate(a, s.text)
        arts_of.setdefault(d.topic, []).append(a)
    return arts_of


def run_pipeline(docs: Sequence[GoldDoc], use_embeddings: bool = True) -> dict[str, dict[str, Any]]:
    """Ingest, extract and compare each topic as one story; topic -> comparison."""
    from newsprism.compare import compare_story
    from newsprism.model import Story

    out: dict[str, dict[str, Any]] = {}
    for topic, arts in extract_topics(docs).items():
        story = Story(id=f"ecbplus-{topic}", members={a.id: 1.0 for a in arts})
        # a long briefing, so that the over-claim audit checks many lines per story
        out[topic] = compare_story(story, arts, use_embeddings=use_embeddings, briefing_words=AUDIT_WORDS)
    return out


# -- fitting the event-alignment model ------------------------------------------------------------
def _covers(units: Sequence[Any], docs: Sequence[GoldDoc]) -> list[list[tuple[GoldDoc, GoldSentence]]]:
    """For each unit, the validated gold sentences it overlaps."""
    where: dict[str, list[tuple[GoldDoc, GoldSentence]]] = {}
    for d in docs:
        for s in d.sentences:
            if s.span:
                where.setdefault(d.article, []).append((d, s))
    out = []
    for u in units:
        out.append([(d, s) for d, s in where.get(u.article.id, [])
                    if s.span and s.span[0] == u.field and s.span[1] < u.end and u.start < s.span[2]])
    return out


MIN_PRECISION = 0.85  # event pair precision the link threshold must reach on the fitting half


def fit_model(path: str | Path = DEFAULT_FILE, out: str | Path | None = None) -> dict[str, Any]:
    """Choose every setting of the event model on the odd topics and score the even ones, each
    by event pair F1 at precision >= ``MIN_PRECISION`` on the odd topics: the incident grouping
    (channel mix and threshold) with no trimming, then the trigger-synonym cosine, then the
    feature weights (logistic regression on unit pairs of one predicted incident), then the link
    threshold."""
    from dataclasses import replace

    import numpy as np

    from newsprism.compare import alignment as al
    from newsprism.compare.similarity import embed_texts
    from newsprism.compare.statements import build_statements
    from newsprism.evaluate.clustering import bcubed, logistic

    docs = read_gold(path)
    arts_of = extract_topics(docs)
    by_topic: dict[str, list[GoldDoc]] = {}
    for d in docs:
        by_topic.setdefault(d.topic, []).append(d)
    fit, test = split_topics({t: t for t in arts_of})
    zero = al.Model({k: 0.0 for k in al.FEATURES}, 0.0, 0.0, 0.0)
    prepared, feats = {}, {}
    for t, arts in arts_of.items():
        statements, fields = build_statements(arts)
        units = al.build_units(statements, al.parse_titles(arts, fields), fields)
        vecs = al.unit_vectors(units, embed_texts([s.text for s in statements]))
        prepared[t] = (units, _covers(units, by_topic[t]), al.article_similarity(units))
        feats[t] = al.features(units, vecs, zero)  # emb / lex / ent; "same" is redone per setting
    keys_at: dict[tuple[str, float], list[set[str]]] = {}

    def keys(t: str, synonym: float) -> list[set[str]]:
        if (t, synonym) not in keys_at:
            keys_at[(t, synonym)] = al.trigger_keys(prepared[t][0], synonym)
        return keys_at[(t, synonym)]

    def event_scores(model: al.Model, half: set[str]) -> dict[str, Any]:
        rows = []
        for t in half:
            units, _, (ua, sims) = prepared[t]
            f = {**feats[t], "same": al.same_incident(ua, sims, model)}
            groups = al.trigger_groups(units, al.link_probability(f, model), f["same"], model.link, keys(t, model.synonym))
            rows.append(score_story(by_topic[t], {"events": al.build_events(units, groups, {})}, "event"))
        return summarize(rows)

    def best(grid: dict[Any, dict[str, Any]]) -> Any:
        # the most recall at precision >= MIN_PRECISION on the fitting half: telling a reader
        # that outlets report one happening when they do not is the error this level must not make
        ok = [k for k in grid if grid[k]["precision"] >= MIN_PRECISION]
        return max(ok, key=lambda k: grid[k]["f1"]) if ok else max(grid, key=lambda k: grid[k]["precision"])

    inc_grid = {(e, d, round(float(th), 3)): event_scores(replace(zero, incident=float(th), entity_weight=e, detail_weight=d), fit)
                for e in (0.3, 0.5, 0.7) for d in (0.0, 0.2, 0.3, 0.4) if e + d <= 0.9
                for th in np.arange(0.1, 0.251, 0.025)}
    entity_weight, detail_weight, incident = best(inc_grid)
    chosen = replace(zero, incident=incident, entity_weight=entity_weight, detail_weight=detail_weight)
    syn_grid = {x: event_scores(replace(chosen, synonym=x), fit) for x in (0.0, 0.9, 0.8, 0.75, 0.7, 0.65, 0.6)}
    chosen = replace(chosen, synonym=best(syn_grid))
    xs, ys = [], []
    for t in fit:
        units, covers, (ua_art, sims) = prepared[t]
        ua, same = feats[t]["_article"], al.same_incident(ua_art, sims, chosen)
        labelled = [k for k, c in enumerate(covers) if c]
        for x, i in enumerate(labelled):
            for j in labelled[x + 1:]:
                if ua[i] == ua[j] or not same[i, j]:
                    continue  # the model decides within an incident; across incidents it never links
                gold = any(da.cluster == db.cluster and sa.events & sb.events for da, sa in covers[i] for db, sb in covers[j])
                xs.append([feats[t][k][i, j] for k in al.FEATURES])
                ys.append(1.0 if gold else 0.0)
    w, b = logistic(np.array(xs), np.array(ys))
    weighted = replace(chosen, weights={k: round(float(v), 4) for k, v in zip(al.FEATURES, w)}, bias=round(b, 4))
    grid = {round(float(th), 3): event_scores(replace(weighted, link=float(th)), fit) for th in np.arange(0.3, 0.951, 0.025)}
    link = best(grid)
    final = replace(weighted, link=link)
    cluster_of = {d.article: d.cluster for d in docs}

    def incident_bcubed(half: set[str]) -> float:
        pred, gold = {}, {}
        for t in half:
            units, _, (ua, sims) = prepared[t]
            inc = al.incident_of(sims, final)
            for u, a in zip(units, ua):
                pred[u.article.id], gold[u.article.id] = f"{t}-{inc[a]}", cluster_of[u.article.id]
        return bcubed(pred, gold)[2]

    settings = ("weights", "bias", "link", "incident", "entity_weight", "detail_weight", "synonym", "provenance")
    result = {
        "weights": final.weights, "bias": final.bias, "link": link, "incident": incident, "entity_weight": entity_weight,
        "detail_weight": detail_weight, "synonym": final.synonym,
        "provenance": (f"fitted by `newsprism eval alignment --fit` on ECB+ cross-document event coreference "
                       f"(Cybulska & Vossen 2014, CC BY 3.0), odd-numbered topics ({len(fit)}), {len(ys)} labelled unit "
                       f"pairs within one predicted incident; incident grouping, trigger synonyms, then link threshold, "
                       f"by event pair F1 at precision >= {MIN_PRECISION}"),
        "fit_half": grid[link], "test_half": event_scores(final, test),
        "untrimmed": {"fit_half": inc_grid[(entity_weight, detail_weight, incident)],
                      "test_half": event_scores(replace(chosen, link=0.0, synonym=0.0), test)},
        "synonyms": {str(k): v for k, v in syn_grid.items()},
        "incident_bcubed_f1": {"fit_half": round(incident_bcubed(fit), 4), "test_half": round(incident_bcubed(test), 4)},
    }
    if out:
        Path(out).write_text(json.dumps({k: result[k] for k in settings}, indent=2) + "\n", encoding="utf-8")
    return result


def evaluate_alignment(path: str | Path = DEFAULT_FILE, topics: Iterable[str] | None = None,
                       use_embeddings: bool = True) -> dict[str, Any]:
    """Every score of the module docstring, overall and per half."""
    t0 = time.perf_counter()
    docs = read_gold(path, topics)
    comparisons = run_pipeline(docs, use_embeddings)
    seconds = time.perf_counter() - t0
    by_topic: dict[str, list[GoldDoc]] = {}
    for d in docs:
        by_topic.setdefault(d.topic, []).append(d)
    sentences = [s for d in docs for s in d.sentences]
    out: dict[str, Any] = {
        "file": str(path), "documents": len(docs), "stories": len(comparisons),
        "sentences": len(sentences), "located": sum(1 for s in sentences if s.span),
        "similarity": "embeddings" if any("embeddings" in c["method"]["similarity"] for c in comparisons.values()) else "lexical",
        "seconds": round(seconds, 1),
    }
    fit, test = split_topics({t: t for t in by_topic})
    for level in LEVELS:
        rows = {t: score_story(by_topic[t], comparisons[t], level) for t in comparisons}
        out[level] = summarize(list(rows.values()))
        for name, half in (("fit_half", fit), ("test_half", test)):
            out[level][name] = summarize([rows[t] for t in rows if t in half])
    out["briefing"] = briefing_overclaims(list(comparisons.values()))
    return out


@click.command(name="alignment")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--topics", default="", help="Comma-separated topic numbers to keep (all by default).")
@click.option("--lexical", is_flag=True, help="Align without sentence embeddings.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--fit", "fit_out", type=click.Path(dir_okay=False), default=None,
              help="Fit the event-alignment model on the odd topics and write it here (JSON).")
def command(file: str | None, topics: str, lexical: bool, as_json: bool, fit_out: str | None) -> None:
    """Pair precision / recall / F1 of the comparison's passage groups on ECB+ event coreference."""
    path = Path(file) if file else DEFAULT_FILE
    if not path.exists():
        raise click.ClickException(f"{path}: no such file (give the alignment-dev ecbplus_events.jsonl)")
    if fit_out:
        click.echo(json.dumps(fit_model(path, fit_out), indent=2))
        return
    try:
        res = evaluate_alignment(path, [t for t in topics.split(",") if t.strip()] or None, not lexical)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(res, indent=2))
        return
    con = Console(highlight=False)
    con.print(f"{res['documents']} documents, {res['stories']} pooled stories, {res['located']}/{res['sentences']} "
              f"validated sentences located, {res['similarity']}, {res['seconds']} s")
    t = Table("level", "part", "P", "R", "F1", "gold pairs", "predicted", "chain outlet recall")
    for level in LEVELS:
        for part in ("all", "fit_half", "test_half"):
            s = res[level] if part == "all" else res[level][part]
            t.add_row(level, part, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}",
                      str(s["gold_pairs"]), str(s["predicted_pairs"]), f"{s['chain_outlet_recall']:.3f}")
    con.print(t)
    b = res["briefing"]
    con.print(f"briefing: {b['lines']} lines, {b['figure_credits_checked']} figure credits checked, "
              f"{len(b['overclaims'])} over-claims")

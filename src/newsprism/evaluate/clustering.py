"""Score story clustering against a gold partition: BCubed and pairwise P/R/F1.

Data: JSONL, one article a line: ``id, title, text, published, cluster_id`` (the gold story) and
optionally ``source``, ``url``, ``topic_id``. The default file is ECB+
(``../shared/data/clustering-dev/ecbplus.jsonl``): 982 articles, 86 events in 43 topics, each
topic holding two look-alike events (same kind of event, different incident).

What is measured:

- the whole file clustered at once (``cluster_batch``) and incrementally (``StoryClusterer.add``
  one article at a time, document frequencies growing with the stream);
- the two halves of the topics separately: the scoring model's weights and threshold were
  chosen on the odd-numbered topics (``fit_model``), so the even-numbered half is the held-out
  test;
- agreement of the incremental and batch partitions (BCubed F1 of one against the other);
- the product's own path end to end (``pipeline``): the file ingested, cleaned, extracted and
  grouped by ``assign_stories`` in a temporary store, as ``newsprism analyze`` does.

ECB+ has no publication dates (``published`` is null), so the time window never applies and
"publication order" is file order, which lists each event's articles together. That order
flatters an incremental clusterer, so the incremental run is also scored on a shuffled order
(``incremental_shuffled``). Entities and time expressions come from the extraction stage
(``newsprism.extract.entities`` / ``times``) when it imports, else from spaCy's entities.

BCubed (Bagga & Baldwin 1998; Amigó et al. 2009) averages, per article, the precision and
recall of its predicted story against its gold story; pairwise counts same-story pairs.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click
import numpy as np
from rich.console import Console
from rich.table import Table

from newsprism.evaluate.jsonl import read_jsonl
from newsprism.model import Article, Origin, Published
from newsprism.stories.cluster import (
    ScoreModel,
    Settings,
    StoryClusterer,
    cluster_features,
    embed_many,
)
from newsprism.stories.features import FEATURES, ArticleFeatures, Profile, TermStats, featurize, pair_features

DEFAULT_FILE = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "clustering-dev" / "ecbplus.jsonl"


# -- data ---------------------------------------------------------------------------------
def load_rows(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    for where, row in read_jsonl(path):
        if not row.get("id") or "cluster_id" not in row:
            raise ValueError(f"{where}: each line needs 'id' and 'cluster_id'")
        rows.append(row)
    return rows


def row_article(row: Mapping[str, Any], location: str) -> Article:
    published = Published()
    if row.get("published"):
        value = str(row["published"])[:10]
        precision = "day" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
        published = Published(value=value, precision=precision, confidence=1.0 if precision else 0.0)  # type: ignore[arg-type]
    return Article(
        id=str(row["id"]),
        origin=Origin(kind="json", location=location),
        outlet=row.get("source") or "",
        url=row.get("url"),
        title=row.get("title"),
        title_source="json",
        lang=row.get("language"),
        text=row.get("text") or "",
        published=published,
    )


def annotate(articles: Sequence[Article]) -> None:
    """Fill entities and time expressions with the extraction stage's own extractors (a broken
    stage fails here, loudly: scores from a stand-in would not be the product's)."""
    from newsprism.extract.entities import extract_entities
    from newsprism.extract.nlp import get_nlp
    from newsprism.extract.times import extract_times
    from newsprism.stories.features import published_day

    for a, doc in zip(articles, get_nlp().pipe((a.text for a in articles), batch_size=32)):
        a.mentions, a.entities = extract_entities(doc)
        a.times = extract_times(a.text, published_day(a), doc)


Loaded = tuple[list[ArticleFeatures], dict[str, str], dict[str, str], dict[str, float]]


def load_features(path: str | Path, extract: bool = True) -> Loaded:
    """(features in file order, gold story by id, topic by id, seconds spent per step)."""
    rows = load_rows(path)
    articles = [row_article(r, f"{path}#{i}") for i, r in enumerate(rows, 1)]
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    if extract:
        annotate(articles)
    t1 = time.perf_counter()
    vectors = embed_many(articles)
    t2 = time.perf_counter()
    feats = [featurize(a, v) for a, v in zip(articles, vectors)]
    seconds.update(extract=t1 - t0, embed=t2 - t1, featurize=time.perf_counter() - t2)
    gold = {str(r["id"]): str(r["cluster_id"]) for r in rows}
    topics = {str(r["id"]): str(r.get("topic_id") or "") for r in rows}
    return feats, gold, topics, seconds


# -- scores -------------------------------------------------------------------------------
def _prf(p: float, r: float) -> tuple[float, float, float]:
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


def bcubed(pred: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """BCubed precision, recall, F1 over the items of ``gold``."""
    items = [i for i in gold if i in pred]
    if not items:
        return 0.0, 0.0, 0.0
    pc: dict[str, set[str]] = defaultdict(set)
    gc: dict[str, set[str]] = defaultdict(set)
    for i in items:
        pc[pred[i]].add(i)
        gc[gold[i]].add(i)
    p = r = 0.0
    for i in items:
        both = len(pc[pred[i]] & gc[gold[i]])
        p += both / len(pc[pred[i]])
        r += both / len(gc[gold[i]])
    return _prf(p / len(items), r / len(items))


def pairwise(pred: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """Precision and recall of same-story pairs."""
    items = [i for i in gold if i in pred]
    joint = Counter((pred[i], gold[i]) for i in items)
    pairs = lambda counts: sum(c * (c - 1) / 2 for c in counts)  # noqa: E731
    tp = pairs(joint.values())
    n_pred = pairs(Counter(pred[i] for i in items).values())
    n_gold = pairs(Counter(gold[i] for i in items).values())
    return _prf(tp / n_pred if n_pred else 1.0, tp / n_gold if n_gold else 1.0)


def score(pred: Mapping[str, str], gold: Mapping[str, str]) -> dict[str, Any]:
    bp, br, bf = bcubed(pred, gold)
    pp, pr, pf = pairwise(pred, gold)
    items = [i for i in gold if i in pred]
    return {
        "bcubed_p": bp, "bcubed_r": br, "bcubed_f1": bf,
        "pairwise_p": pp, "pairwise_r": pr, "pairwise_f1": pf,
        "predicted_stories": len({pred[i] for i in items}),
        "gold_stories": len({gold[i] for i in items}),
        "articles": len(items),
    }


def _partition(stories: Sequence[Any]) -> dict[str, str]:
    return {aid: s.id for s in stories for aid in s.members}


def run_incremental(feats: Sequence[ArticleFeatures], settings: Settings | None = None) -> dict[str, str]:
    c = StoryClusterer(settings)
    for f in feats:
        c.add_features(f)
    c.reconsider()  # as a run of the product ends (stories.assign)
    return {f.id: c.story_of(f.id) or "" for f in feats}


def split_topics(topics: Mapping[str, str]) -> tuple[set[str], set[str]]:
    """(odd-numbered topics, even-numbered topics): the fitting half and the test half."""
    def number(t: str) -> int:
        m = re.search(r"(\d+)$", t)
        return int(m.group(1)) if m else 0

    names = {t for t in topics.values() if t}
    return {t for t in names if number(t) % 2 == 1}, {t for t in names if number(t) % 2 == 0}


# -- the evaluation -------------------------------------------------------------------------
def evaluate_features(
    feats: Sequence[ArticleFeatures], gold: Mapping[str, str], topics: Mapping[str, str],
    settings: Settings | None = None, seed: int = 13,
) -> dict[str, Any]:
    """Every score of the module docstring, on features already computed."""
    settings = settings or Settings()
    t0 = time.perf_counter()
    batch = _partition(cluster_features(feats, settings))
    t1 = time.perf_counter()
    incremental = run_incremental(feats, settings)
    t2 = time.perf_counter()
    shuffled = list(feats)
    random.Random(seed).shuffle(shuffled)
    inc_shuffled = run_incremental(shuffled, settings)
    out: dict[str, Any] = {
        **score(batch, gold),
        "incremental": score(incremental, gold),
        "incremental_shuffled": score(inc_shuffled, gold),
        "agreement_bcubed_f1": bcubed(incremental, batch)[2],
        "cluster_articles_per_s": round(len(feats) / max(1e-9, t2 - t1), 1),
        "batch_articles_per_s": round(len(feats) / max(1e-9, t1 - t0), 1),
    }
    fit, test = split_topics(topics)
    if fit and test:
        for name, half in (("fit_half", fit), ("test_half", test)):
            sub = [f for f in feats if topics[f.id] in half]
            sub_gold = {f.id: gold[f.id] for f in sub}
            out[name] = {
                "topics": len(half),
                **score(_partition(cluster_features(sub, settings)), sub_gold),
                "incremental_bcubed_f1": bcubed(run_incremental(sub, settings), sub_gold)[2],
            }
    return out


def evaluate_clustering(
    path: str | Path = DEFAULT_FILE, extract: bool = True, settings: Settings | None = None
) -> dict[str, Any]:
    """Load, annotate, embed and cluster the file; BCubed / pairwise scores and speeds."""
    t0 = time.perf_counter()
    feats, gold, topics, seconds = load_features(path, extract)
    scores = evaluate_features(feats, gold, topics, settings)
    total = time.perf_counter() - t0
    return {
        "file": str(path),
        **scores,
        "extract_seconds": round(seconds["extract"], 2),
        "embed_seconds": round(seconds["embed"], 2),
        "total_seconds": round(total, 2),
        "articles_per_s": round(len(feats) / total, 1),
    }


def evaluate_pipeline(path: str | Path = DEFAULT_FILE) -> dict[str, Any]:
    """The product's own path, end to end: ``Pipeline.ingest`` of the JSONL file (cleaning,
    near-duplicates), the extraction stage (entities, quotes, times, dates inferred from the
    text), then ``assign_stories`` in an isolated temporary store, scored like the rest.

    Lines the cleaner rejects (too little text) are left out of the score and counted.
    """
    import tempfile

    from newsprism.pipeline import Pipeline
    from newsprism.stories.assign import assign_stories
    from newsprism.store import Store

    rows = load_rows(path)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "eval.db") as store:
        pipe = Pipeline(store)
        run = pipe.ingest([str(path)])
        articles = pipe.extract(store.get_many(run.article_ids))
        assign_stories(store, articles, None)
        story_of = store.story_of_many(run.article_ids)
        pred: dict[str, str] = {}
        gold: dict[str, str] = {}
        for a in articles:
            line = int(a.origin.location.rsplit("#", 1)[1])
            key = str(rows[line - 1]["id"])
            pred[key] = story_of.get(a.id) or f"unassigned:{key}"
            gold[key] = str(rows[line - 1]["cluster_id"])
    seconds = time.perf_counter() - t0
    return {**score(pred, gold), "rejected": len(run.rejected), "seconds": round(seconds, 1),
            "articles_per_s": round(len(pred) / max(seconds, 1e-9), 1)}


# -- choosing the model on the fitting half --------------------------------------------------
def teacher_forced_pairs(
    feats: Sequence[ArticleFeatures], gold: Mapping[str, str], candidates: int = 10
) -> tuple[np.ndarray, np.ndarray]:
    """Article-vs-story evidence as the clusterer will see it, with the gold stories built so far.

    Each article, in the given order, is compared with the gold story it belongs to (if it has
    earlier members) and with the ``candidates`` other stories whose centroids are nearest.
    """
    stats = TermStats()
    profiles: dict[str, Profile] = {}
    xs, ys = [], []
    for f in feats:
        stats.add(f)
        if profiles:
            names = list(profiles)
            cents = np.stack([profiles[n].centroid() for n in names])
            order = np.argsort(-(cents @ f.vector))
            near = [names[i] for i in order[: candidates + 1] if names[i] != gold[f.id]][:candidates]
            if gold[f.id] in profiles:
                near.append(gold[f.id])
            for n in near:
                xs.append(pair_features(f, profiles[n], stats))
                ys.append(1.0 if n == gold[f.id] else 0.0)
        profiles.setdefault(gold[f.id], Profile()).add(f, stats)
    return np.array(xs), np.array(ys)


def logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, iters: int = 50) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (five features: no need for sklearn)."""
    X = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(X.shape[1])
    reg = l2 * len(x) * np.eye(X.shape[1])
    reg[-1, -1] = 0.0  # the bias is not shrunk
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ w, -50, 50)))
        grad = X.T @ (p - y) + reg @ w
        hess = (X * (p * (1 - p))[:, None]).T @ X + reg + 1e-9 * np.eye(X.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def _without_entities(feats: Sequence[ArticleFeatures]) -> list[ArticleFeatures]:
    return [dataclasses.replace(f, entities={}) for f in feats]


def fit_model(
    feats: Sequence[ArticleFeatures], gold: Mapping[str, str], orders: int = 3, seed: int = 7,
    thresholds: Sequence[float] = tuple(round(0.1 * i, 1) for i in range(1, 10)),
) -> tuple[ScoreModel, ScoreModel, dict[str, dict[float, float]]]:
    """(model, text-only model, BCubed F1 by threshold) chosen on ``feats`` alone.

    Weights: logistic regression on teacher-forced pairs (given order plus shuffles); the text
    model is the same fit with the entity feature left out. Thresholds: the one that maximises
    BCubed F1 of the clustering of the same articles (with, then without, entities).
    """
    xs, ys = [], []
    rng = random.Random(seed)
    order = list(feats)
    for _ in range(orders):
        x, y = teacher_forced_pairs(order, gold)
        xs.append(x)
        ys.append(y)
        rng.shuffle(order)
    x, y = np.vstack(xs), np.concatenate(ys)
    ent = FEATURES.index("entities")
    w, b = logistic(x, y)
    keep = [i for i in range(x.shape[1]) if i != ent]
    wt, bt = logistic(x[:, keep], y)
    wt = np.insert(wt, ent, 0.0)
    text_feats = _without_entities(feats)
    curves: dict[str, dict[float, float]] = {"model": {}, "text_model": {}}
    chosen = {}
    for name, weights, bias, data in (("model", w, b, feats), ("text_model", wt, bt, text_feats)):
        for t in thresholds:
            m = ScoreModel(tuple(round(float(v), 2) for v in weights), round(bias, 2), t)
            pred = _partition(cluster_features(data, Settings(model=m, text_model=m)))
            curves[name][t] = bcubed(pred, gold)[2]
        best = max(curves[name], key=lambda t: (curves[name][t], -abs(t - 0.5)))
        chosen[name] = ScoreModel(tuple(round(float(v), 2) for v in weights), round(bias, 2), best)
    return chosen["model"], chosen["text_model"], curves


# -- command --------------------------------------------------------------------------------
@click.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--no-extract", is_flag=True, help="Skip entity / time extraction (text and embedding only).")
@click.option("--window-days", type=int, default=Settings.window_days, show_default=True, help="Story inactivity window.")
@click.option("--fit", "refit", is_flag=True, help="Refit the scoring models on the odd-numbered topics and print them.")
@click.option("--no-pipeline", is_flag=True, help="Skip the end-to-end run through ingest, extract and stories.")
def command(file: str | None, as_json: bool, no_extract: bool, window_days: int, refit: bool, no_pipeline: bool = False) -> None:
    """Story clustering: BCubed and pairwise P/R/F1 against gold stories (JSONL with cluster_id)."""
    out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 110)
    path = Path(file) if file else DEFAULT_FILE
    if not path.is_file():
        raise click.ClickException(f"{path}: no such file (pass FILE)")
    try:
        if refit:
            feats, gold, topics, _ = load_features(path, not no_extract)
            half = split_topics(topics)[0] or set(topics.values())
            model, text_model, curves = fit_model([f for f in feats if topics[f.id] in half], gold)
            out.print_json(json.dumps({"model": dataclasses.asdict(model), "text_model": dataclasses.asdict(text_model),
                                       "bcubed_f1_by_threshold": curves}))
            return
        scores = evaluate_clustering(path, extract=not no_extract, settings=Settings(window_days=window_days))
        if not no_pipeline:
            scores["pipeline"] = evaluate_pipeline(path)
    except (ValueError, KeyError) as exc:
        raise click.ClickException(f"{path}: {exc}") from exc
    if as_json:
        out.print_json(json.dumps(scores))
        return
    table = Table(title=f"Story clustering — {path.name}")
    for col in ("run", "n", "B³ P", "B³ R", "B³ F1", "pair P", "pair R", "pair F1", "stories"):
        table.add_column(col, justify="left" if col == "run" else "right", no_wrap=True)
    rows = [("batch", scores), ("incremental", scores["incremental"]), ("shuffled", scores["incremental_shuffled"])]
    for name in ("fit_half", "test_half", "pipeline"):
        if name in scores:
            rows.append((name.replace("_", " "), scores[name]))
    for name, s in rows:
        table.add_row(name, str(s["articles"]), f"{s['bcubed_p']:.3f}", f"{s['bcubed_r']:.3f}", f"{s['bcubed_f1']:.3f}",
                      f"{s['pairwise_p']:.3f}", f"{s['pairwise_r']:.3f}", f"{s['pairwise_f1']:.3f}",
                      f"{s['predicted_stories']}/{s['gold_stories']}")
    out.print(table)
    out.print(
        "batch = cluster_batch; incremental = StoryClusterer.add in file order; shuffled = the same in a "
        "random order; fit half = odd-numbered topics (the model was chosen there), test half = even "
        "(held out), both batch; pipeline = the product's own path (ingest -> clean -> extract, with dates "
        "inferred from the text -> assign_stories) in a temporary store; stories = predicted/gold."
    )
    if "pipeline" in scores:
        pl = scores["pipeline"]
        out.print(f"pipeline: {pl['rejected']} lines rejected by the cleaner (not scored); "
                  f"{pl['articles_per_s']:.1f} articles/s end to end ({pl['seconds']:.0f}s)")
    out.print(
        f"incremental vs batch agreement (BCubed F1): {scores['agreement_bcubed_f1']:.3f}; "
        f"clustering {scores['cluster_articles_per_s']:.0f} articles/s; end to end {scores['articles_per_s']:.1f} articles/s "
        f"(extract {scores['extract_seconds']:.0f}s, embed {scores['embed_seconds']:.0f}s, total {scores['total_seconds']:.0f}s)"
    )

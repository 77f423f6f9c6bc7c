"""Story clustering at scale: time per article and peak memory from 1k to 100k articles.

    python benchmarks/cluster_scale.py [--sizes 1000,10000,100000] [--no-extract] [--cache DIR]

The corpus is grown from the ECB+ dev texts (``../shared/data/clustering-dev/ecbplus.jsonl``,
982 articles, 86 events; never copied into the repo). Each size is a stream of *epochs*: in
epoch ``e`` every ECB+ event happens again, centred on a random day within a 30-day span that
starts ``e * 60`` days after 2020-01-01, and each of its articles is published within 3 days of
that centre. Every event of an epoch is live at the same time (look-alike pairs included), and
the same event in the next epoch is at least 24 days later, so the gold story is
``(ECB+ event, epoch)``. Each copy is perturbed:

- 10% of the words of title and text dropped at random (so terms and IDF differ);
- 10% of its entities dropped; its explicit event dates moved by the epoch's offset;
- a fresh random id (ids carry no order);
- its embedding is the base article's vector plus Gaussian noise (sigma 0.012 per dimension,
  cosine about 0.97 to the original) and renormalised. Embedding 100k texts at ~40/s would take
  most of an hour, so the 982 base texts are embedded once (cached on disk with their
  extracted entities and dates, see ``--cache``) and the copies' vectors are perturbed.

Each size runs in a fresh child process, so its peak RSS (``resource.getrusage``) is its own.
Articles are generated lazily in publication order and only ``featurize`` + ``add_features``
are timed (per-article cost of the clusterer, including its ANN searches and inserts). The
per-article time of the first and the last tenth of each stream shows whether cost grows with
the store; BCubed F1 against the synthetic gold is printed as a sanity check.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ECB = ROOT.parent / "shared" / "data" / "clustering-dev" / "ecbplus.jsonl"
DEFAULT_CACHE = Path.home() / ".cache" / "newsprism" / "cluster_scale"
EPOCH_DAYS = 60
SPREAD_DAYS = 30
SIGMA = 0.012
DROP = 0.1


# -- the base set, embedded and annotated once -----------------------------------------------
def base(cache: Path, extract: bool) -> dict[str, Any]:
    """Rows, vectors, entities and event dates of the ECB+ articles (cached on disk)."""
    from newsprism.stories.embed import MODEL_ID

    key = hashlib.sha1(ECB.read_bytes() + MODEL_ID.encode() + (b"x" if extract else b"")).hexdigest()[:12]
    path = cache / f"base-{key}.json"
    vec_path = cache / f"base-{key}.npy"
    if path.is_file() and vec_path.is_file():
        data = json.loads(path.read_text())
        data["vectors"] = np.load(vec_path)
        return data
    from newsprism.evaluate.clustering import annotate, load_rows, row_article
    from newsprism.stories.cluster import embed_many
    from newsprism.stories.features import entity_weights, event_dates

    rows = load_rows(ECB)
    arts = [row_article(r, f"ecb#{i}") for i, r in enumerate(rows)]
    t0 = time.perf_counter()
    if extract:
        annotate(arts)
    t1 = time.perf_counter()
    vectors = embed_many(arts)
    t2 = time.perf_counter()
    print(f"base set: {len(arts)} articles, extraction {t1 - t0:.0f}s, embedding {t2 - t1:.0f}s (cached in {cache})",
          file=sys.stderr)
    data = {
        "rows": [{"title": r.get("title") or "", "text": r["text"], "cluster": r["cluster_id"]} for r in rows],
        "entities": [entity_weights(a) for a in arts],
        "dates": [[(d.isoformat(), tol) for d, tol in event_dates(a)] for a in arts],
    }
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    np.save(vec_path, vectors)
    data["vectors"] = vectors
    return data


def peak_rss_mb() -> float:
    """This process's peak resident memory. /proc's VmHWM starts afresh at exec; getrusage's
    ru_maxrss (the fallback off Linux) can carry the parent's size from before the fork."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# -- one size, in a child process ------------------------------------------------------------
def _drop_words(text: str, rng: random.Random) -> str:
    return " ".join(w for w in text.split(" ") if rng.random() >= DROP)


def run_size(n: int, cache: Path, extract: bool, seed: int = 1) -> dict[str, Any]:
    from newsprism.evaluate.clustering import bcubed
    from newsprism.model import Article, Entity, Origin, Published
    from newsprism.stories.cluster import StoryClusterer
    from newsprism.stories.features import featurize

    b = base(cache, extract)
    rows, vectors = b["rows"], b["vectors"]
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    origin = dt.date(2020, 1, 1)
    clusters = sorted({r["cluster"] for r in rows})
    # schedule: (day, epoch, base index) for every copy, then publication order
    plan: list[tuple[dt.date, int, int]] = []
    for e in range(math.ceil(n / len(rows))):
        centre = {c: origin + dt.timedelta(days=e * EPOCH_DAYS + rng.randrange(SPREAD_DAYS)) for c in clusters}
        order = list(range(len(rows)))
        rng.shuffle(order)
        for i in order[: n - len(plan)]:
            plan.append((centre[rows[i]["cluster"]] + dt.timedelta(days=rng.randrange(4)), e, i))
    plan.sort(key=lambda p: p[0])
    clusterer = StoryClusterer()
    gold: dict[str, str] = {}
    pred: dict[str, str] = {}
    times: list[float] = []
    for day, e, i in plan:
        r = rows[i]
        aid = "%016x" % rng.getrandbits(64)
        a = Article(
            id=aid, origin=Origin("json", f"synthetic#{aid}"), title=_drop_words(r["title"], rng),
            text=_drop_words(r["text"], rng), published=Published(day.isoformat(), "day", 1.0),
        )
        a.entities = [Entity(k, k, k.split(":", 1)[0], mentions=max(1, round(math.exp(w - 1))))
                      for k, w in b["entities"][i].items() if rng.random() >= DROP]
        shift = dt.timedelta(days=e * EPOCH_DAYS)
        v = vectors[i] + nprng.normal(0.0, SIGMA, vectors.shape[1]).astype(np.float32)
        v /= np.linalg.norm(v)
        t0 = time.perf_counter()
        f = featurize(a, v)
        f.dates = [(dt.date.fromisoformat(d) + shift, tol) for d, tol in b["dates"][i]]
        story, _ = clusterer.add_features(f)
        times.append(time.perf_counter() - t0)
        gold[aid] = f"{r['cluster']}#{e}"
        pred[aid] = story
    tenth = max(1, n // 10)
    stories = clusterer.stories()
    _, _, f1 = bcubed(pred, gold)
    return {
        "articles": n,
        "seconds": round(sum(times), 2),
        "ms_per_article": round(1000 * sum(times) / n, 3),
        "ms_first_tenth": round(1000 * float(np.mean(times[:tenth])), 3),
        "ms_last_tenth": round(1000 * float(np.mean(times[-tenth:])), 3),
        "peak_rss_mb": peak_rss_mb(),
        "stories": len(stories),
        "gold_stories": len(set(gold.values())),
        "active_stories_at_end": clusterer.active_stories,
        "bcubed_f1": f1,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    ap.add_argument("--no-extract", action="store_true", help="no entity / time extraction on the base set")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the embedded base set is kept")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not ECB.is_file():
        sys.exit(f"{ECB}: ECB+ dev data not found (../shared beside the repo)")
    extract = not args.no_extract
    if args.child:
        print(json.dumps(run_size(args.child, args.cache, extract)))
        return
    if args.prepare:
        base(args.cache, extract)
        return
    flags = ["--cache", str(args.cache)] + (["--no-extract"] if not extract else [])
    # embed / annotate the base set once, in its own process (this one stays small)
    subprocess.run([sys.executable, __file__, "--prepare", *flags], check=True)
    results = []
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        out = subprocess.run([sys.executable, __file__, "--child", str(n), *flags], check=True, capture_output=True, text=True)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(res)
        if not args.json:
            print(
                f"{res['articles']:>7} articles: {res['ms_per_article']:.2f} ms/article "
                f"(first tenth {res['ms_first_tenth']:.2f}, last tenth {res['ms_last_tenth']:.2f}), "
                f"{res['seconds']:.1f}s, peak RSS {res['peak_rss_mb']:.0f} MB, "
                f"{res['stories']} stories ({res['gold_stories']} gold, {res['active_stories_at_end']} active at end), "
                f"BCubed F1 {res['bcubed_f1']:.3f}",
                flush=True,
            )
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()

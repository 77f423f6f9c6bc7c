"""One story of n articles compared: how the compare stage's cost grows with a story's size.

Usage: python benchmarks/story_scale.py --db STORE [--sizes 10,50,100,200] [--mem 6G] [--json out.json]

STORE is a store whose articles were extracted (e.g. ``newsprism analyze`` of the ECB+ file into
it). For each size, the first n extracted articles (by id: a fixed, mixed sample of topics) are
put in one story and compared in a fresh process under an address-space cap (``--mem``), through
the product's path (``compare_story`` with the store's cached parses; statement vectors encoded
afresh each time, as in a story's first comparison). Printed per size: statements, wall and CPU
seconds, CPU per article and its growth against the previous size (n log n growth from n to 2n
is about 2.2x in total cost, so about 1.1x per article), peak RSS, and whether the run ended
(a size that runs out of memory or time is reported as such, not hidden).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CAPPED = ROOT.parent / "shared" / "tools" / "capped"


def run_one(db: str, n: int) -> dict[str, object]:
    from newsprism.compare.story import compare_story
    from newsprism.extract.nlp import get_nlp
    from newsprism.model import Story
    from newsprism.store import Store
    from newsprism.stories.embed import get_embedder

    get_nlp(), get_embedder()  # loaded before the clock starts: a run loads them once

    with Store(db) as store:
        ids = sorted(a.id for a in store.iter_articles() if a.status == "ok" and "extract" in a.stages)[:n]
        arts = store.get_many(ids)
        story = Story(id=f"bench-{n}", members={a.id: 1.0 for a in arts})
        cache = _ParsesOnly(store)
        c0, w0 = time.process_time(), time.perf_counter()
        comparison = compare_story(story, arts, cache=cache)
        c1, w1 = time.process_time(), time.perf_counter()
    return {"articles": len(arts), "statements": comparison["method"]["statements"], "wall": round(w1 - w0, 1),
            "cpu": round(c1 - c0, 1), "facts": len(comparison["facts"]), "events": len(comparison["events"]),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


class _ParsesOnly:
    """The store's kept parses and no kept vectors: every statement is encoded, as in a story's
    first comparison, and nothing is written to the store."""

    def __init__(self, store: object) -> None:
        self.store = store

    def get_parses(self, *a: object, **k: object) -> object:
        return self.store.get_parses(*a, **k)  # type: ignore[attr-defined]

    def put_parses(self, *a: object, **k: object) -> None:
        return None

    def get_vectors(self, *a: object, **k: object) -> dict[str, object]:
        return {}

    def put_vectors(self, *a: object, **k: object) -> None:
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--sizes", default="10,50,100,200")
    ap.add_argument("--mem", default="6G", help="address-space cap of each size's process")
    ap.add_argument("--time", default="30m", help="time cap of each size's process")
    ap.add_argument("--json", dest="json_out", default=None)
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)  # internal: run one size here
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(run_one(args.db, args.one)))
        return
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--db", args.db, "--one", str(n)]
        if CAPPED.exists():
            cmd = [str(CAPPED), "--mem", args.mem, "--time", args.time, "--", *cmd]
        out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
        lines = out.stdout.strip().splitlines()
        if out.returncode != 0 or not lines:
            rows.append({"articles": n, "failed": (out.stderr.strip().splitlines() or ["no output"])[-1][:200]})
        else:
            rows.append(json.loads(lines[-1]))
        print(json.dumps(rows[-1]), flush=True)
    print(f"\n{'articles':>8} {'statements':>10} {'wall s':>7} {'CPU s':>7} {'CPU ms/article':>14} {'vs prev':>8} {'peak RSS MB':>11}")
    prev = None
    for r in rows:
        if "failed" in r:
            print(f"{r['articles']:>8}  failed: {r['failed']}")
            prev = None
            continue
        per = float(r["cpu"]) / int(r["articles"])  # type: ignore[call-overload]
        growth = f"{per / prev:.2f}x" if prev else "-"
        print(f"{r['articles']:>8} {r['statements']:>10} {r['wall']:>7} {r['cpu']:>7} {1000 * per:>14.0f} {growth:>8} {r['peak_rss_mb']:>11}")
        prev = per
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""End to end at scale: ingest -> extract -> stories -> compare -> report, through the store.

Usage: python benchmarks/scale.py [--sizes 1000,5000,20000] [--json results.json]

Each size runs in its own process (so peak RSS is that size's) on a fresh store, over a JSONL
corpus built from real news: the ECB+ articles (``clustering-dev``), the briefing-dev outlets'
articles and the example corpus; past their count, near-copies of them (one sentence dropped,
so each is new work: a new id, a MinHash link to its original, a full extraction). Printed per
size: articles per CPU-second of each stage (CPU of the process and its children; extraction
uses two processes from 200 articles) and end to end, the spaCy parse bound measured in the
same run on the same texts (``nlp.pipe``, one process, up to 500 articles) and the ratio,
wall time, peak RSS, store size, and report size per article (``newsprism report`` of every
story: one report per story and an index from 20 stories); then how the cost per article grows between sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
PARSE_SAMPLE = 500


def real_records() -> list[dict[str, str]]:
    """Real articles, title and text (no outlet names: each record is its own source)."""
    out = []
    for line in (DATA / "clustering-dev" / "ecbplus.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        out.append({"title": r.get("title") or "", "text": r["text"]})
    for line in (DATA / "briefing-dev" / "allsides_roundups_dev.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        out.append({"title": r.get("title") or "", "text": r["text"]})
    for p in sorted((ROOT / "examples" / "corpus").glob("*.txt")):
        out.append({"title": "", "text": p.read_text(encoding="utf-8")})
    return [r for r in out if len(r["text"].split()) >= 40]


def build_corpus(n: int, path: Path, seed: int = 7) -> None:
    base = real_records()
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            r = dict(base[i % len(base)])
            if i >= len(base):  # a near-copy: one sentence dropped
                sents = re.split(r"(?<=[.!?])\s+", r["text"])
                if len(sents) > 2:
                    del sents[rng.randrange(1, len(sents))]
                r["text"] = " ".join(sents) + f" (copy {i // len(base)})"
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def cpu() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def run_one(n: int, work: Path) -> dict[str, object]:
    """One size in this process: the stages timed on a fresh store."""
    from newsprism.extract.nlp import get_nlp
    from newsprism.pipeline import Pipeline
    from newsprism.report.build import write_store_reports
    from newsprism.store import Store

    corpus, db = work / "corpus.jsonl", work / "store.db"
    build_corpus(n, corpus)
    res: dict[str, object] = {"articles_in": n}
    with Store(db) as store:
        pipe = Pipeline(store, progress=None)
        c0, w0 = cpu(), time.perf_counter()
        run = pipe.ingest([str(corpus)])
        c1 = cpu()
        res["stored"] = store.count()
        up = pipe.update()
        c2 = cpu()
        stories = store.list_stories()
        write_store_reports(store, stories, work / "report")
        paths = [p for p in (work / "report").rglob("*") if p.is_file()]
        c3, w3 = cpu(), time.perf_counter()
        stored = int(res["stored"])  # type: ignore[call-overload]
        res.update({
            "ingest_cpu": round(c1 - c0, 1), "update_cpu": round(c2 - c1, 1), "report_cpu": round(c3 - c2, 1),
            "stage_wall": {k: round(v, 1) for k, v in up.stage_seconds.items()}, "wall": round(w3 - w0, 1), "stories": len(stories),
            "rejected": len(run.rejected), "e2e_per_cpu_s": round(stored / max(c2 - c0, 1e-9), 2),
            "report_kb_per_article": round(sum(p.stat().st_size for p in paths) / 1024 / max(stored, 1), 1),
            "report_json_kb_per_article": round(sum(p.stat().st_size for p in paths if p.suffix == ".json") / 1024 / max(stored, 1), 1),
        })
        texts = [a.text for a in store.iter_articles()][:PARSE_SAMPLE]
    res["store_mb"] = round(sum(p.stat().st_size for p in work.glob("store.db*")) / 2**20, 1)
    nlp = get_nlp()
    p0 = time.process_time()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    res["parse_per_cpu_s"] = round(len(texts) / (time.process_time() - p0), 2)
    res["ratio_to_parse"] = round(float(res["e2e_per_cpu_s"]) / float(res["parse_per_cpu_s"]), 3)  # type: ignore[arg-type]
    res["peak_rss_mb"] = round(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                   resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", default="1000")
    ap.add_argument("--json", dest="json_out", default=None)
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)  # internal: run one size here
    args = ap.parse_args()
    if args.one is not None:
        with tempfile.TemporaryDirectory() as d:
            print(json.dumps(run_one(args.one, Path(d))))
        return
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True,
                             env={**os.environ, "PYTHONWARNINGS": "ignore"})
        if out.returncode != 0:
            sys.exit(f"size {n} failed:\n{out.stderr[-2000:]}")
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    print(f"\n{'articles':>8} {'stories':>7} {'e2e art/CPU-s':>13} {'parse art/CPU-s':>15} {'ratio':>6} "
          f"{'wall s':>7} {'peak RSS MB':>11} {'store MB':>8} {'report KB/art':>13} {'cost/art vs prev':>16}")
    prev = None
    for r in rows:
        per = 1 / float(r["e2e_per_cpu_s"])
        growth = f"{per / prev:.2f}x" if prev else "-"
        print(f"{r['stored']:>8} {r['stories']:>7} {r['e2e_per_cpu_s']:>13} {r['parse_per_cpu_s']:>15} {r['ratio_to_parse']:>6} "
              f"{r['wall']:>7} {r['peak_rss_mb']:>11} {r['store_mb']:>8} {r['report_kb_per_article']:>13} {growth:>16}")
        prev = per
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""Extraction speed: words/s and articles/s of the extract stage (spaCy parse + all extractors).

Usage: python benchmarks/extract_bench.py [--sizes 100,400] [--data ../shared/data/clustering-dev/ecbplus.jsonl]

Builds articles from real ECB+ news texts (repeated with a serial suffix to reach the size),
then times `annotate_many` (which switches to two processes from 200 articles) and prints
articles/s, words/s and peak RSS per size, and the time ratio between sizes.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from newsprism.extract.annotate import annotate_many
from newsprism.extract.nlp import get_nlp
from newsprism.model import Article, Origin

ROOT = Path(__file__).resolve().parents[1]


def load_texts(path: Path) -> list[tuple[str, str]]:
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [(r["title"], r["text"]) for r in rows]


def build(texts: list[tuple[str, str]], n: int) -> list[Article]:
    out = []
    for i in range(n):
        title, text = texts[i % len(texts)]
        out.append(Article(id=f"b{i}", origin=Origin("bench", f"bench#{i}"), title=title, text=text))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,400")
    ap.add_argument("--data", default=str(ROOT.parent / "shared/data/clustering-dev/ecbplus.jsonl"))
    args = ap.parse_args()
    texts = load_texts(Path(args.data))
    t0 = time.perf_counter()
    get_nlp()
    print(f"model load: {time.perf_counter() - t0:.2f}s")
    prev = None
    print(f"{'articles':>8} {'seconds':>8} {'art/s':>8} {'words/s':>9} {'peak RSS MB':>12} {'per-article vs prev':>20}")
    for n in (int(x) for x in args.sizes.split(",")):
        arts = build(texts, n)
        words = sum(len(a.text.split()) for a in arts)
        t = time.perf_counter()
        annotate_many(arts)
        dt = time.perf_counter() - t
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        ratio = f"{(dt / n) / prev:.2f}x" if prev else "-"
        print(f"{n:>8} {dt:>8.1f} {n / dt:>8.1f} {words / dt:>9.0f} {rss:>12.0f} {ratio:>20}")
        prev = dt / n


if __name__ == "__main__":
    main()

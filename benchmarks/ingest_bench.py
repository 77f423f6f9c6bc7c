"""Ingest benchmark: articles/s, peak memory and how cost grows from 1k to 10k articles.

    python benchmarks/ingest_bench.py [--sizes 1000,10000] [--html-share 0.3]

Builds corpora in a temp dir from the shared dev data (never copied into the repo):
HTML pages from ``../shared/data/extraction-dev/readability-pages/*/source.html`` and plain
texts from ``../shared/data/clustering-dev/ecbplus.jsonl`` written as ``.txt`` files. Each copy
gets a serial number written *into its body* ("Ref. 17. " before a sentence the cleaner keeps),
so every file has its own article id; a prepended line would not do, as the cleaner takes a
first line for the title. Because the pools are small (about 125 pages and 980 texts), most
articles of a large corpus are near-copies of one another: this measures the realistic
syndication-heavy path where the near-duplicate index links most articles.

Each size runs ``Pipeline(Store(tmp/db)).ingest([folder])`` in a fresh child process, so peak
RSS (``resource.getrusage``) is that size's own. tracemalloc slows Python allocation-heavy code
noticeably, so by default the Python-heap peak is measured in a second child run of the same
corpus and articles/s comes from the untraced run (``--tracemalloc same`` measures both in one
run, ``off`` skips it). Per-stage seconds come from timing wrappers put around the pipeline's
clean, near-duplicate and store calls in the child (the library itself is not changed).
Wall time on a shared machine moves with the load; CPU seconds (``time.process_time``) of the
child are the steadier measure of cost, so both are printed.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import signal
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
PAGES = DATA / "extraction-dev" / "readability-pages"
ECB = DATA / "clustering-dev" / "ecbplus.jsonl"


# -- corpus --------------------------------------------------------------------------------
def _clean(body: str, fmt: str, name: str) -> Any:
    from newsprism.clean import clean_document
    from newsprism.errors import InputError
    from newsprism.model import Origin, RawDocument

    try:
        return clean_document(RawDocument(origin=Origin("file", name), body=body, format=fmt))  # type: ignore[arg-type]
    except InputError:
        return None


def html_pool() -> list[tuple[str, int]]:
    """(page html, offset where a serial can go) for each page the cleaner accepts.

    The offset is the start of a kept paragraph's opening words in the raw HTML, checked by
    cleaning a perturbed copy once: its id must differ from the original's.
    """
    pool: list[tuple[str, int]] = []
    for src in sorted(PAGES.glob("*/source.html")):
        html = src.read_text(encoding="utf-8", errors="replace")
        article = _clean(html, "html", str(src))
        if article is None:
            continue
        for para in article.text.split("\n\n"):
            probe = para[:40]
            pos = html.find(probe, max(html.find("<body"), 0)) if len(probe) >= 20 else -1
            if pos < 0:
                continue
            perturbed = _perturb_html(html, pos, 0)
            again = _clean(perturbed, "html", str(src))
            if again is not None and again.id != article.id:
                pool.append((html, pos))
                break
    return pool


def _perturb_html(html: str, pos: int, serial: int) -> str:
    return f"{html[:pos]}Ref. {serial}. {html[pos:]}"


def text_pool() -> list[tuple[str, int]]:
    """(ECB+ text, index of the line that takes the serial) for each text the cleaner accepts.

    The serial goes at the start of the longest line (a body line: the first line may be a
    date or the title) and is checked once, as for pages.
    """
    pool: list[tuple[str, int]] = []
    with ECB.open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            article = _clean(text, "text", "ecb.txt")
            if article is None:
                continue
            lines = text.split("\n")
            longest = max(range(len(lines)), key=lambda i: len(lines[i]))
            again = _clean(_perturb_text(text, longest, 0), "text", "ecb.txt")
            if again is not None and again.id != article.id:
                pool.append((text, longest))
    return pool


def _perturb_text(text: str, line: int, serial: int) -> str:
    lines = text.split("\n")
    lines[line] = f"Ref. {serial}. {lines[line]}"
    return "\n".join(lines)


def build_corpus(
    folder: Path, size: int, html_share: float, pools: tuple[list[tuple[str, int]], list[tuple[str, int]]], seed: int
) -> dict[str, int]:
    """Write ``size`` files (html share as asked, in shuffled order) into ``folder``."""
    pages, texts = pools
    rng = random.Random(seed)
    n_html = round(size * html_share) if pages else 0
    kinds = ["html"] * n_html + ["text"] * (size - n_html)
    rng.shuffle(kinds)
    folder.mkdir(parents=True)
    nbytes = 0
    for serial, kind in enumerate(kinds):
        if kind == "html":
            html, pos = pages[serial % len(pages)]
            body, name = _perturb_html(html, pos, serial), f"{serial:06d}.html"
        else:
            text, line = texts[serial % len(texts)]
            body, name = _perturb_text(text, line, serial), f"{serial:06d}.txt"
        data = body.encode("utf-8")
        (folder / name).write_bytes(data)
        nbytes += len(data)
    return {"files": size, "html": n_html, "text": size - n_html, "megabytes": round(nbytes / 1e6, 1)}


# -- one timed run (child process) -----------------------------------------------------------
def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _instrument(timings: dict[str, float]) -> None:
    """Wrap the pipeline's stage calls with timers (benchmark-only; the library is untouched)."""
    import newsprism.pipeline as P

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0

        return wrapper

    P.clean_document = timed("clean", P.clean_document)
    P.signature = timed("dedup", P.signature)
    P.DuplicateIndex.find = timed("dedup", P.DuplicateIndex.find)
    P.DuplicateIndex.add = timed("dedup", P.DuplicateIndex.add)
    P.Store.has = timed("store", P.Store.has)
    P.Store.put = timed("store", P.Store.put)


def child(folder: str, db: str, trace: bool) -> dict[str, Any]:
    import tracemalloc

    from newsprism.pipeline import Pipeline
    from newsprism.store import Store

    timings: dict[str, float] = {}
    _instrument(timings)
    rss_before = _rss_mb()
    if trace:
        tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()
    with Store(db) as store:
        run = Pipeline(store).ingest([folder])
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = tracemalloc.get_traced_memory()[1] / 1e6 if trace else None
    if trace:
        tracemalloc.stop()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "ingested": run.ingested,
        "duplicates": run.duplicates,
        "already_stored": run.already_stored,
        "rejected": len(run.rejected),
        "failed": len(run.failed),
        "rss_before_mb": rss_before,
        "rss_peak_mb": _rss_mb(),
        "tracemalloc_peak_mb": peak,
        "stage_seconds": {k: round(v, 2) for k, v in sorted(timings.items())},
        "db_megabytes": round(Path(db).stat().st_size / 1e6, 1),
    }


def run_child(folder: Path, db: Path, trace: bool) -> dict[str, Any]:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "--child", str(folder), str(db)] + (["--trace"] if trace else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- driver ---------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="Comma-separated corpus sizes (default 1000,10000).")
    ap.add_argument("--html-share", type=float, default=0.3, help="Share of HTML pages (default 0.3).")
    ap.add_argument("--tracemalloc", choices=("separate", "same", "off"), default="separate",
                    help="Python-heap peak: in a second run (default), in the timed run, or not at all.")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", action="store_true", help="Keep the temp dir (corpora and databases).")
    ap.add_argument("--json", action="store_true", help="Print the results as JSON.")
    ap.add_argument("--child", nargs=2, metavar=("FOLDER", "DB"), help=argparse.SUPPRESS)
    ap.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` removes the temp dir
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.trace)))
        return 0
    if not PAGES.is_dir() or not ECB.is_file():
        print(f"error: dev data not found under {DATA}", file=sys.stderr)
        return 2
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    t0 = time.perf_counter()
    pools = (html_pool() if args.html_share > 0 else [], text_pool())
    print(f"pools: {len(pools[0])} HTML pages, {len(pools[1])} texts ({time.perf_counter() - t0:.0f}s to prepare)",
          file=sys.stderr)
    tmp = Path(tempfile.mkdtemp(prefix="newsprism-bench-"))
    results: list[dict[str, Any]] = []
    try:
        for size in sizes:
            folder = tmp / f"corpus-{size}"
            corpus = build_corpus(folder, size, args.html_share, pools, args.seed)
            print(f"{size}: corpus written ({corpus['megabytes']} MB); ingesting ...", file=sys.stderr)
            res = run_child(folder, tmp / f"db-{size}.sqlite", trace=args.tracemalloc == "same")
            if args.tracemalloc == "separate":
                traced = run_child(folder, tmp / f"db-{size}-traced.sqlite", trace=True)
                res["tracemalloc_peak_mb"] = traced["tracemalloc_peak_mb"]
                res["traced_seconds"] = traced["seconds"]
            res.update(size=size, corpus=corpus, articles_per_second=size / res["seconds"])
            results.append(res)
            print(f"{size}: {res['seconds']:.1f}s", file=sys.stderr)
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    summary: dict[str, Any] = {"html_share": args.html_share, "runs": results}
    if len(results) >= 2:
        a, b = results[0], results[-1]
        summary["time_ratio"] = {"sizes": f"{b['size']}/{a['size']}", "ratio": b["seconds"] / a["seconds"],
                                 "cpu_ratio": b["cpu_seconds"] / a["cpu_seconds"], "linear": b["size"] / a["size"]}
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        _print(summary)
    return 0


def _print(summary: dict[str, Any]) -> None:
    """One column per corpus size (fits a terminal)."""
    from rich.console import Console
    from rich.table import Table

    runs = summary["runs"]
    t = Table(title=f"ingest benchmark (HTML share {summary['html_share']})")
    t.add_column("")
    for r in runs:
        t.add_column(f"{r['size']:,} articles", justify="right")

    def row(label: str, fmt: Any) -> None:
        t.add_row(label, *(fmt(r) for r in runs))

    row("files html / text", lambda r: f"{r['corpus']['html']} / {r['corpus']['text']}")
    row("corpus MB", lambda r: f"{r['corpus']['megabytes']:.0f}")
    row("seconds", lambda r: f"{r['seconds']:.1f}")
    row("CPU seconds", lambda r: f"{r['cpu_seconds']:.1f}")
    row("articles/s (wall)", lambda r: f"{r['articles_per_second']:.1f}")
    row("articles per CPU-second", lambda r: f"{r['size'] / r['cpu_seconds']:.1f}")
    row("  clean s", lambda r: f"{r['stage_seconds'].get('clean', 0):.1f}")
    row("  near-dup s", lambda r: f"{r['stage_seconds'].get('dedup', 0):.1f}")
    row("  store s", lambda r: f"{r['stage_seconds'].get('store', 0):.1f}")
    row("  other s (reading files, bookkeeping)", lambda r: f"{r['seconds'] - sum(r['stage_seconds'].values()):.1f}")
    row("ingested", lambda r: str(r["ingested"]))
    row("  of which near-dups", lambda r: str(r["duplicates"]))
    row("rejected / failed", lambda r: f"{r['rejected']} / {r['failed']}")
    row("RSS after imports MB", lambda r: f"{r['rss_before_mb']:.0f}")
    row("peak RSS MB", lambda r: f"{r['rss_peak_mb']:.0f}")
    row("tracemalloc peak MB", lambda r: "-" if r["tracemalloc_peak_mb"] is None else f"{r['tracemalloc_peak_mb']:.0f}")
    if any("traced_seconds" in r for r in runs):
        row("  seconds under tracemalloc", lambda r: f"{r.get('traced_seconds', 0):.1f}")
    row("db MB", lambda r: f"{r['db_megabytes']:.0f}")
    console = Console(highlight=False)
    console.print(t)
    if "time_ratio" in summary:
        r = summary["time_ratio"]
        console.print(f"time ratio {r['sizes']}: wall {r['ratio']:.1f}, CPU {r['cpu_ratio']:.1f} "
                      f"(linear cost would be {r['linear']:.0f})")


if __name__ == "__main__":
    sys.exit(main())

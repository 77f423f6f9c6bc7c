"""Fuzz every input parser and report rendering at full size, under a memory cap.

    python benchmarks/fuzz.py [--per-parser 12000] [--mutants 9] [--mem 2G] [--only text,html] [--json]

The generators and properties live in ``tests/fuzzing.py`` (the default test run uses a bounded
sample of the same). Here each parser gets ``--per-parser`` generated inputs, in chunks of
hypothesis runs with different seeds (a fresh run per chunk keeps hypothesis's own bookkeeping
small), each generated input is also tried with ``--mutants`` random damages of it (hypothesis
spends far longer building an input than a parser reading it), and failures are collected rather
than stopping the run: the output is, per parser, the
inputs tried, the documents and articles they yielded, the coded refusals by code, the slowest
input, and each distinct failure with one example input (written to ``--failures DIR``). The
process caps its own address space (``--mem``), so a parser that runs away with memory shows
up as a MemoryError failure instead of taking the machine down.

Reports are fuzzed on the seeds' report (``../shared/seeds``); rendering is slower than
parsing, so it gets a tenth of ``--per-parser``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import fuzzing  # noqa: E402  (tests/fuzzing.py: one home for generators and properties)
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

CHUNK = 250  # hypothesis bookkeeping grows within a run: many short runs keep it fast


def _size(text: str) -> int:
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:].upper(), 1)
    return int(float(text.rstrip("KMGkmg")) * scale)


class Tally:
    def __init__(self, name: str) -> None:
        self.name = name
        self.inputs = 0
        self.documents = 0
        self.articles = 0
        self.coded: Counter[str] = Counter()
        self.failures: dict[str, tuple[int, bytes | str]] = {}
        self.slowest = 0.0
        self.seconds = 0.0
        self.in_target = 0.0  # seconds inside our code (the rest is hypothesis generating inputs)

    def fail(self, message: str, example: bytes | str) -> None:
        key = message.split(" near ")[0][:160]
        n, first = self.failures.get(key, (0, example))
        self.failures[key] = (n + 1, first)

    def row(self) -> dict[str, Any]:
        return {"parser": self.name, "inputs": self.inputs, "documents": self.documents, "articles": self.articles,
                "refused": dict(sorted(self.coded.items())), "failures": sum(n for n, _ in self.failures.values()),
                "distinct_failures": {k: n for k, (n, _) in self.failures.items()},
                "slowest_s": round(self.slowest, 2), "seconds": round(self.seconds, 1),
                "target_s": round(self.in_target, 1)}


def fuzz_parser(name: str, count: int, workdir: Path, mutants: int) -> Tally:
    """``count`` inputs: each input hypothesis builds from the format's grammar is also tried
    with ``mutants`` random damages of it (generation costs far more than a parse)."""
    tally = Tally(name)
    strategy = fuzzing.INPUTS[name]
    rng = random.Random(0)
    started = time.monotonic()
    per_example = mutants + 1
    for chunk in range(0, count, CHUNK * per_example):
        n = max(1, min(CHUNK, (count - chunk) // per_example))

        @seed(chunk + 1)
        @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(strategy)
        def run(item: tuple[str, bytes]) -> None:
            try_one(item)
            for _ in range(mutants):
                try_one((item[0], fuzzing.mutate(item[1], rng)))

        def try_one(item: tuple[str, bytes]) -> None:
            tally.inputs += 1
            t = time.monotonic()
            try:
                out = fuzzing.read_input(item[0], item[1], workdir)
            except fuzzing.Failure as exc:
                tally.fail(str(exc), item[0].encode() + b"\n" + item[1])
                return
            except MemoryError:
                tally.fail("MemoryError under the cap", item[0].encode() + b"\n" + item[1])
                return
            finally:
                tally.slowest = max(tally.slowest, time.monotonic() - t)
                tally.in_target += time.monotonic() - t
            tally.documents += out.documents
            tally.articles += out.articles
            tally.coded.update(out.coded)

        run()
    tally.seconds = time.monotonic() - started
    return tally


def fuzz_gunzip(count: int) -> Tally:
    from hypothesis import strategies as st
    import gzip

    tally = Tally("gunzip")
    started = time.monotonic()
    for chunk in range(0, count, CHUNK):
        @seed(chunk + 1)
        @settings(max_examples=min(CHUNK, count - chunk), deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(st.binary(max_size=4096).flatmap(
            lambda b: st.one_of(st.just(b), fuzzing.damaged(gzip.compress(b, mtime=0)))))
        def run(data: bytes) -> None:
            tally.inputs += 1
            try:
                fuzzing.gunzip_property(data)
            except fuzzing.Failure as exc:
                tally.fail(str(exc), data)

        run()
    tally.seconds = time.monotonic() - started
    return tally


def fuzz_report(count: int, workdir: Path) -> Tally:
    from newsprism.pipeline import Pipeline
    from newsprism.store import Store

    tally = Tally("report")
    with Store(workdir / "db.sqlite") as store:
        _, data = Pipeline(store).analyze([str(ROOT.parent / "shared" / "seeds")], str(workdir / "out"))
    data = json.loads(json.dumps(data, default=str))
    base = fuzzing.Baseline.of(data)
    started = time.monotonic()
    for chunk in range(0, count, CHUNK):
        @seed(chunk + 1)
        @settings(max_examples=min(CHUNK, count - chunk), deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(fuzzing.shown_value)
        def run(value: str) -> None:
            tally.inputs += 1
            t = time.monotonic()
            try:
                fuzzing.report_property(data, value, base)
            except fuzzing.Failure as exc:
                tally.fail(str(exc), value)
            finally:
                tally.slowest = max(tally.slowest, time.monotonic() - t)

        run()
    tally.seconds = time.monotonic() - started
    return tally


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-parser", type=int, default=12_000)
    ap.add_argument("--mem", default="2G", help="address-space cap of this process")
    ap.add_argument("--mutants", type=int, default=9, help="random damages tried per generated input")
    ap.add_argument("--only", default="", help="comma-separated: " + ",".join([*fuzzing.INPUTS, "gunzip", "report"]))
    ap.add_argument("--failures", default="fuzz-failures", help="folder for one example input per distinct failure")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    cap = _size(args.mem)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    names = [n for n in args.only.split(",") if n] or [*fuzzing.INPUTS, "gunzip", "report"]
    rows: list[Tally] = []
    with tempfile.TemporaryDirectory(prefix="newsprism-fuzz-") as tmp:
        work = Path(tmp)
        for name in names:
            if name == "gunzip":
                tally = fuzz_gunzip(args.per_parser)
            elif name == "report":
                tally = fuzz_report(max(100, args.per_parser // 10), work)
            else:
                tally = fuzz_parser(name, args.per_parser, work, args.mutants)
            rows.append(tally)
            print(json.dumps(tally.row()), file=sys.stderr, flush=True)
    out = Path(args.failures)
    for t in rows:
        for i, (key, (_, example)) in enumerate(t.failures.items()):
            out.mkdir(parents=True, exist_ok=True)
            data = example if isinstance(example, bytes) else example.encode("utf-8", "surrogatepass")
            (out / f"{t.name}-{i}.bin").write_bytes(data)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = sum(t.inputs for t in rows)
    if args.json:
        print(json.dumps({"inputs": total, "peak_rss_mb": round(peak_mb), "parsers": [t.row() for t in rows]}, indent=1))
    else:
        print(f"{'parser':10} {'inputs':>8} {'docs':>7} {'articles':>8} {'failures':>8} {'slowest':>8}  refused")
        for t in rows:
            r = t.row()
            print(f"{t.name:10} {r['inputs']:8} {r['documents']:8} {r['articles']:8} {r['failures']:8} "
                  f"{r['slowest_s']:7.2f}s  {r['refused']}")
            for key, n in r["distinct_failures"].items():
                print(f"    {n}x {key}")
        print(f"total {total} inputs; peak RSS {peak_mb:.0f} MB under a {args.mem} cap")
    sys.exit(1 if any(t.failures for t in rows) else 0)


if __name__ == "__main__":
    main()

"""Shared fixtures: paths to ../shared (never copied into the repo) and the spaCy pipeline."""

from __future__ import annotations

import os
import resource
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"
EXAMPLES = ROOT / "examples" / "corpus"

# The machine has no swap: a runaway allocation in a test (a hostile-input bug, a regex gone
# quadratic) must fail that test with MemoryError, not exhaust the machine. The soft address-space
# limit caps this process and everything it starts; NEWSPRISM_TEST_MEM (bytes, or with a G/M
# suffix; 0 = no cap) overrides the default. Per-test deadlines come from pytest-timeout
# (``timeout`` in pyproject.toml).
DEFAULT_TEST_MEM = "8G"


def _parse_size(text: str) -> int:
    text = text.strip().upper()
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    return int(float(text.rstrip("KMG") or 0) * scale)


TEST_MEM = _parse_size(os.environ.get("NEWSPRISM_TEST_MEM", DEFAULT_TEST_MEM))


def _cap_address_space() -> None:
    if TEST_MEM <= 0:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft > TEST_MEM:
        resource.setrlimit(resource.RLIMIT_AS, (TEST_MEM, hard))


_cap_address_space()


@contextmanager
def uncapped() -> Iterator[None]:
    """Lift the soft cap while starting a program that reserves far more virtual memory than it
    uses (Chromium, Node, Ray): the child keeps the lifted limit, this process gets its cap back."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def capped_run(args: list[str], mem: str = "2G", timeout: float = 300, **kw: Any) -> CappedResult:
    """Run a command (the real CLI, for hostile input) under its own address-space cap and deadline,
    and measure that child's own peak resident memory (``os.wait4``)."""
    limit = _parse_size(mem)

    def _limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, preexec_fn=_limit, stdout=out, stderr=err, **kw)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise subprocess.TimeoutExpired(args, timeout)
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return CappedResult(proc.returncode, out.read().decode("utf-8", "replace"),
                            err.read().decode("utf-8", "replace"), usage.ru_maxrss)


@dataclass
class CappedResult:
    returncode: int
    stdout: str
    stderr: str
    peak_rss_kb: int


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    return SEEDS


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.skip("../shared/data not present")
    return DATA


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from newsprism.extract.nlp import get_nlp

    return get_nlp()


def report_schema_errors(data: dict[str, Any], part: str | None = None) -> list[str]:
    """Where ``data`` breaks the checked-in JSON Schema of report.json (or of the index, by its
    ``schema``; ``part``: one of the schema's ``$defs``, e.g. ``comparison``), citations that
    point past their comparison's ``passages`` table, and passages without their text whose
    article is not in the report (which a schema cannot say)."""
    import json as _json
    from importlib import resources

    from jsonschema import Draft202012Validator

    name = "report-index.schema.json" if str(data.get("schema", "")).endswith("index") else "report.schema.json"
    schema = _json.loads(resources.files("newsprism.data").joinpath(name).read_text(encoding="utf-8"))
    if part:
        schema = {"$ref": f"#/$defs/{part}", "$defs": schema["$defs"]}
    errors = [f"{list(e.absolute_path)[:8]}: {e.message[:160]}" for e in Draft202012Validator(schema).iter_errors(data)]
    comparisons = [data] if part == "comparison" else [s.get("comparison") or {} for s in data.get("stories") or []]
    # a passage may leave out its text only where the article it quotes is written beside it
    beside = set() if part == "comparison" else {a.get("id") for a in data.get("articles") or [] if isinstance(a, dict)}
    for c in comparisons:
        rows = len(c.get("passages") or [])
        errors += [f"passage {i} without its text, of an article not in the report" for i, r in enumerate(c.get("passages") or [])
                   if isinstance(r, dict) and "text" not in r and r.get("article") not in beside]
        stack: list[Any] = [c]
        while stack:
            x = stack.pop()
            if isinstance(x, dict):
                if isinstance(x.get("p"), int) and not 0 <= x["p"] < rows:
                    errors.append(f"citation of row {x['p']} of {rows} passages")
                stack.extend(x.values())
            elif isinstance(x, list):
                stack.extend(x)
    return errors

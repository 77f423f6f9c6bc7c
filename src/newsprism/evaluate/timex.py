"""Score time-expression extraction: detection P/R/F1 and value accuracy, overall and by kind.

Data: JSONL, one expression a line: ``{"text", "anchor", "expr", "value", "precision"}`` plus an
optional ``"kind"`` (absolute/relative) and ``"start"`` (char offset of ``expr`` when it occurs
more than once). Lines sharing ``text`` and ``anchor`` are one document whose gold set is all
their expressions; a line with ``"expr": null`` is a document with no time expression (it scores
false positives). The default file is the project's own ``tests/data/timex.jsonl``.

Matching is one-to-one by span overlap ("lenient", as in TempEval: "on Tuesday" vs "Tuesday"
is a hit); exact-span F1 is reported beside it. A matched expression's value is correct when it
denotes the same calendar span as the gold value ("2024-06" = "2024-06-01/2024-06-30", an ISO
week "2024-W24" = its Monday–Sunday interval), or when both are null (unresolvable).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from newsprism.evaluate.jsonl import read_jsonl
from newsprism.extract.times import extract_times

DEFAULT_FILE = Path(__file__).resolve().parents[3] / "tests" / "data" / "timex.jsonl"


@dataclass
class Gold:
    start: int
    end: int
    expr: str
    value: str | None
    precision: str | None
    kind: str


@dataclass
class Case:
    text: str
    anchor: dt.date | None
    gold: list[Gold] = field(default_factory=list)


def load_cases(path: str | Path, unlocated: list[str] | None = None) -> list[Case]:
    """Group the JSONL lines into documents and locate each expression in its text.

    An expression that cannot be found in its text (even ignoring case) is listed in
    ``unlocated`` (as "file:line: expr") and left out, rather than failing the whole run.
    """
    cases: dict[tuple[str, str | None], Case] = {}
    for where, row in read_jsonl(path):
        key = (row["text"], row.get("anchor"))
        case = cases.get(key)
        if case is None:
            anchor = dt.date.fromisoformat(row["anchor"][:10]) if row.get("anchor") else None
            case = cases[key] = Case(row["text"], anchor)
        expr = row.get("expr")
        if not expr:
            continue
        start = row.get("start")
        if start is None or case.text[start : start + len(expr)].lower() != expr.lower():
            taken = {g.start for g in case.gold}
            hits = [m.start() for m in re.finditer(re.escape(expr), case.text) if m.start() not in taken]
            hits = hits or [m.start() for m in re.finditer(re.escape(expr), case.text, re.I) if m.start() not in taken]
            start = hits[0] if hits else -1
        if start < 0:
            if unlocated is not None:
                unlocated.append(f"{where}: {expr!r}")
            continue
        case.gold.append(Gold(start, start + len(expr), expr, row.get("value"), row.get("precision"), row.get("kind") or ""))
    return list(cases.values())


def _bounds(value: str | None) -> tuple[dt.date, dt.date] | str | None:
    """The calendar span a TIMEX value denotes (for comparing values across conventions)."""
    if value is None:
        return None
    if "/" in value:
        a, b = value.split("/", 1)
        ba, bb = _bounds(a), _bounds(b)
        if isinstance(ba, tuple) and isinstance(bb, tuple):
            return ba[0], bb[1]
        return value
    try:
        if re.fullmatch(r"\d{4}", value):
            y = int(value)
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            y, mo = int(m[1]), int(m[2])
            return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return monday, monday + dt.timedelta(days=6)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[:10]):
            d = dt.date.fromisoformat(value[:10])
            return d, d
    except ValueError:
        pass
    return value


def same_value(gold: str | None, pred: str | None) -> bool:
    return gold == pred or _bounds(gold) == _bounds(pred)


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


def evaluate_timex(path: str | Path = DEFAULT_FILE, use_parser: bool = True) -> dict[str, Any]:
    """Run ``extract_times`` over the file's documents and score it (see module docstring)."""
    unlocated: list[str] = []
    cases = load_cases(path, unlocated)
    docs: list[Any] = [None] * len(cases)
    t0 = time.perf_counter()
    if use_parser:
        from newsprism.extract.nlp import get_nlp

        docs = list(get_nlp().pipe(c.text for c in cases))
    t1 = time.perf_counter()
    tp = tp_strict = tp_value = n_pred = n_gold = 0
    by_kind: dict[str, dict[str, int]] = defaultdict(lambda: {"gold": 0, "found": 0, "value_ok": 0})
    errors: list[dict[str, Any]] = []
    for case, doc in zip(cases, docs):
        preds = extract_times(case.text, case.anchor, doc)
        n_pred += len(preds)
        n_gold += len(case.gold)
        used: set[int] = set()
        for g in case.gold:
            best, overlap = None, 0
            for i, p in enumerate(preds):
                ov = min(g.end, p.span.end) - max(g.start, p.span.start)
                if i not in used and ov > overlap:
                    best, overlap = i, ov
            # Gold kind when the file gives one, else the kind we assigned to the matched expression.
            kind = by_kind[g.kind or (preds[best].kind if best is not None else "unmatched")]
            kind["gold"] += 1
            if best is None:
                errors.append({"text": case.text, "anchor": str(case.anchor), "expr": g.expr, "gold": g.value, "error": "missed"})
                continue
            used.add(best)
            p = preds[best]
            tp += 1
            kind["found"] += 1
            tp_strict += (p.span.start, p.span.end) == (g.start, g.end)
            if same_value(g.value, p.value):
                tp_value += 1
                kind["value_ok"] += 1
            else:
                errors.append({"text": case.text, "anchor": str(case.anchor), "expr": g.expr, "gold": g.value,
                               "found": p.span.text, "value": p.value, "error": "value"})
        for i, p in enumerate(preds):
            if i not in used:
                errors.append({"text": case.text, "anchor": str(case.anchor), "found": p.span.text, "value": p.value,
                               "error": "spurious"})
    seconds = time.perf_counter() - t1
    p, r, f = _prf(tp, n_pred, n_gold)
    vp, vr, vf = _prf(tp_value, n_pred, n_gold)
    return {
        "file": str(path),
        "documents": len(cases),
        "gold": n_gold,
        "predicted": n_pred,
        "precision": p,
        "recall": r,
        "f1": f,
        "strict_f1": _prf(tp_strict, n_pred, n_gold)[2],
        "value_accuracy": round(tp_value / tp, 4) if tp else 0.0,
        "value_f1": vf,
        "by_kind": {
            k: {
                "gold": v["gold"],
                "recall": round(v["found"] / v["gold"], 4) if v["gold"] else 0.0,
                "value_accuracy": round(v["value_ok"] / v["found"], 4) if v["found"] else 0.0,
            }
            for k, v in sorted(by_kind.items())
        },
        "unlocated": unlocated,
        "parse_seconds": round(t1 - t0, 3),
        "extract_ms_per_doc": round(1000 * seconds / max(1, len(cases)), 3),
        "errors": errors,
    }


@click.command()
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores (and every error) as JSON.")
@click.option("--no-parse", is_flag=True, help="Regex grammar only, without the spaCy parse.")
@click.option("--errors", "show_errors", is_flag=True, help="List missed, spurious and wrongly valued expressions.")
def command(file: str | None, as_json: bool, no_parse: bool, show_errors: bool) -> None:
    """Time expressions: detection P/R/F1 and value accuracy on a JSONL test set."""
    out = Console(highlight=False, soft_wrap=True)
    path = Path(file) if file else DEFAULT_FILE
    if not path.is_file():
        raise click.ClickException(f"{path}: no such test file (pass FILE)")
    try:
        scores = evaluate_timex(path, use_parser=not no_parse)
    except (ValueError, KeyError, TypeError) as exc:
        raise click.ClickException(f"{path}: not a time-expression test file ({exc})") from exc
    if as_json:
        out.print_json(json.dumps(scores))
        return
    table = Table("metric", "value", title=f"time expressions — {scores['documents']} documents, {scores['gold']} expressions")
    for key in ("precision", "recall", "f1", "strict_f1", "value_accuracy", "value_f1"):
        table.add_row(key, f"{scores[key]:.3f}")
    table.add_row("extract ms/doc", f"{scores['extract_ms_per_doc']:.2f}")
    out.print(table)
    kinds = Table("kind", "gold", "recall", "value accuracy", title="by kind")
    for k, v in scores["by_kind"].items():
        kinds.add_row(k, str(v["gold"]), f"{v['recall']:.3f}", f"{v['value_accuracy']:.3f}")
    out.print(kinds)
    if scores["unlocated"]:
        out.print(f"{len(scores['unlocated'])} expressions not found in their text were skipped (see --json)")
    if show_errors:
        for e in scores["errors"]:
            out.print(json.dumps(e, ensure_ascii=False), markup=False)

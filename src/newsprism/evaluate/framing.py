"""``newsprism eval framing FILE``: score the loaded-language detector on labelled spans.

FILE is either JSONL (one ``{"text": ..., "spans": [{"start", "end", "label"}]}`` per line) or
a brat folder / ``.ann`` file (``T1<TAB>label start end<TAB>text`` lines beside a ``.txt``).
Scores are span precision / recall / F1, *exact* (same start and end) and *overlap* (any
shared character), ignoring the category; ``label_exact`` also requires the category to match.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from newsprism.compare.lexicon import Lexicon
from newsprism.evaluate.jsonl import parse_rows
from newsprism.extract.nlp import get_nlp


@dataclass
class Labelled:
    name: str
    text: str
    spans: list[tuple[int, int, str]]


def _read_jsonl(path: Path) -> list[Labelled]:
    def parse(where: str, row: dict[str, Any]) -> Labelled:
        spans = [(int(s["start"]), int(s["end"]), str(s.get("label", ""))) for s in row.get("spans", [])]
        return Labelled(f"{path.name}:{where.rsplit(':', 1)[1]}", str(row["text"]), spans)

    return list(parse_rows(path, parse, "a labelled text (text, spans)"))


def _read_brat(ann: Path) -> Labelled:
    text = ann.with_suffix(".txt").read_text(encoding="utf-8")
    spans = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        if not line.startswith("T"):
            continue
        _, info, *_ = line.split("\t")
        label, *offsets = info.split()
        # discontinuous spans ("0 5;9 12") count as their outer range
        nums = [int(x) for part in " ".join(offsets).split(";") for x in part.split()]
        spans.append((min(nums), max(nums), label))
    return Labelled(ann.stem, text, spans)


def read_labelled(path: str | Path) -> list[Labelled]:
    """Documents with gold spans from a JSONL file, a brat ``.ann`` file, or a brat folder."""
    p = Path(path)
    if p.is_dir():
        return [_read_brat(a) for a in sorted(p.glob("*.ann"))]
    if p.suffix == ".ann":
        return [_read_brat(p)]
    return _read_jsonl(p)


def _prf(tp_p: int, n_pred: int, tp_g: int, n_gold: int) -> dict[str, float]:
    p = tp_p / n_pred if n_pred else 1.0
    r = tp_g / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def evaluate_framing(path: str | Path, lexicon_file: str | None = None) -> dict[str, Any]:
    """Span P/R/F1 (exact, overlap, labelled exact) of the lexicon matcher on ``path``."""
    docs = read_labelled(path)
    lexicon = Lexicon.load(lexicon_file)
    n_pred = n_gold = 0
    ex_p = ex_g = ov_p = ov_g = lab = 0
    errors: list[dict[str, Any]] = []
    for d, doc in zip(docs, get_nlp().pipe((d.text for d in docs), batch_size=32)):
        pred = [(h.start, h.end, h.category) for h in lexicon.find(d.text, doc)]
        gold = d.spans
        n_pred += len(pred)
        n_gold += len(gold)
        exact = {(s, e) for s, e, _ in gold}
        ex_p += sum(1 for s, e, _ in pred if (s, e) in exact)
        ex_g += sum(1 for s, e, _ in gold if any((s, e) == (a, b) for a, b, _ in pred))
        ov_p += sum(1 for s, e, _ in pred if any(s < b and a < e for a, b, _ in gold))
        ov_g += sum(1 for s, e, _ in gold if any(s < b and a < e for a, b, _ in pred))
        lab += sum(1 for x in pred if x in set(gold))
        for s, e, c in pred:
            if not any(s < b and a < e for a, b, _ in gold):
                errors.append({"doc": d.name, "kind": "false_positive", "text": d.text[s:e], "label": c})
        for s, e, c in gold:
            if not any(s < b and a < e for a, b, _ in pred):
                errors.append({"doc": d.name, "kind": "missed", "text": d.text[s:e], "label": c})
    return {
        "documents": len(docs), "gold_spans": n_gold, "predicted_spans": n_pred,
        "exact": _prf(ex_p, n_pred, ex_g, n_gold),
        "overlap": _prf(ov_p, n_pred, ov_g, n_gold),
        "label_exact": _prf(lab, n_pred, lab, n_gold),
        "errors": errors,
    }


@click.command(name="framing")
@click.argument("file", type=click.Path(exists=True))
@click.option("--lexicon", "lexicon_file", type=click.Path(exists=True, dir_okay=False), help="User lexicon JSON merged over the packaged one.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores (and errors) as JSON.")
def command(file: str, lexicon_file: str | None, as_json: bool) -> None:
    """Score the loaded-language detector on labelled spans (JSONL or brat .ann/.txt)."""
    try:
        res = evaluate_framing(file, lexicon_file)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    console = Console(highlight=False, soft_wrap=True)
    if as_json:
        console.print_json(json.dumps(res, ensure_ascii=False))
        return
    table = Table("match", "precision", "recall", "F1", title=f"loaded language: {res['documents']} documents, "
                  f"{res['gold_spans']} gold spans, {res['predicted_spans']} predicted")
    for key in ("exact", "overlap", "label_exact"):
        s = res[key]
        table.add_row(key, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}")
    console.print(table)
    for e in res["errors"][:20]:
        console.print(f"  {e['kind']:<14} {e['label']:<18} “{e['text']}”  ({e['doc']})", markup=False)

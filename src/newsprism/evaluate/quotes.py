"""Score quote and attribution extraction against PolNeAR's brat annotations.

Data: ``../shared/data/quotes-dev/polnear-dev/`` with ``text/<article>.txt`` and
``attributions/<article>_<annotator>.ann`` (brat stand-off: ``T`` lines ``Source`` / ``Cue`` /
``Content`` with character offsets, fragments of a discontinuous span joined by ``;``; ``E``
lines ``Attribution:T.. Content:T.. Cue:T.. Source:T..`` — ``Attribution-no-source`` events have
no Source). A few articles were annotated by several annotators: we score against the first
annotator file in name order, so the choice is deterministic.

PolNeAR annotates more than speech: beliefs, intentions, stances, findings of polls, even
"imposed a penalty". Our extractor covers speech, belief, common stance/intention verbs and
agentless passives, not every such verb, so recall here is a floor on what the product finds,
not a ceiling of what it should.

Scores, for CONTENT, CUE and SOURCE spans (each side's spans deduplicated):
- *exact*: the spans are equal after dropping edge whitespace and punctuation (quote marks,
  commas, the final period); a discontinuous span must match fragment for fragment.
- *overlap*: any shared character, one-to-one (greedy, largest overlap first).
Attribution level: a predicted (content, source) pair matches a gold attribution when the
contents overlap and the sources overlap (or both have none). Our Quotes sharing a cue (a quote
split by "he said", or continued in the next sentence) are one predicted attribution with a
discontinuous content, as in PolNeAR.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from newsprism.extract.quotes import extract_quotes

DEFAULT_DIR = "../shared/data/quotes-dev/polnear-dev"
ROLES = ("content", "cue", "source")
_EDGE = " \t\n\u00a0\"“”‘’'`.,;:!?-—–―()[]"

Frags = tuple[tuple[int, int], ...]


@dataclass
class GoldDoc:
    name: str
    ann_file: str
    spans: dict[str, list[Frags]] = field(default_factory=dict)  # role -> spans
    relations: list[tuple[Frags, Frags | None]] = field(default_factory=list)  # (content, source)


def _frags(offsets: str) -> Frags:
    out = []
    for part in offsets.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return tuple(sorted(out))


def read_ann(path: Path) -> tuple[dict[str, list[Frags]], list[tuple[Frags, Frags | None]]]:
    """Spans by role and (content, source) relations from one brat .ann file."""
    ents: dict[str, tuple[str, Frags]] = {}
    events: list[list[tuple[str, str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, offsets = parts[1].partition(" ")
            ents[parts[0]] = (label, _frags(offsets))
        elif line.startswith("E") and len(parts) >= 2:
            events.append([tuple(a.split(":", 1)) for a in parts[1].split() if ":" in a])  # type: ignore[misc]
    spans: dict[str, list[Frags]] = {r: [] for r in ROLES}
    for label, frags in ents.values():
        role = label.lower()
        if role in spans:
            spans[role].append(frags)
    rels = []
    for args in events:
        content: list[tuple[int, int]] = []
        source: Frags | None = None
        for role, tid in args:
            if tid not in ents:
                continue
            if role.startswith("Content"):
                content.extend(ents[tid][1])
            elif role == "Source":
                source = ents[tid][1]
        if content:
            rels.append((tuple(sorted(content)), source))
    return spans, rels


def load_gold(root: Path) -> list[tuple[GoldDoc, str]]:
    """(gold, text) for every article that has an annotation file; first annotator by name."""
    out = []
    for txt in sorted((root / "text").glob("*.txt")):
        anns = sorted((root / "attributions").glob(f"{txt.stem}_*.ann"))
        if not anns:
            continue
        spans, rels = read_ann(anns[0])
        out.append((GoldDoc(txt.stem, anns[0].name, spans, rels), txt.read_text(encoding="utf-8")))
    return out


def _norm(text: str, frags: Frags) -> Frags:
    out = []
    for a, b in frags:
        while a < b and text[a] in _EDGE:
            a += 1
        while b > a and text[b - 1] in _EDGE:
            b -= 1
        if b > a:
            out.append((a, b))
    return tuple(out)


def _ov(x: Frags, y: Frags) -> int:
    return sum(max(0, min(b, d) - max(a, c)) for a, b in x for c, d in y)


def _match(pred: list[Any], gold: list[Any], score: Any) -> int:
    """Greedy one-to-one matching on a positive score; returns the number of pairs."""
    pairs = sorted(((score(p, g), i, j) for i, p in enumerate(pred) for j, g in enumerate(gold)), reverse=True)
    used_p, used_g, n = set(), set(), 0
    for s, i, j in pairs:
        if s <= 0:
            break
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        n += 1
    return n


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class _Counts:
    exact: Counter = field(default_factory=Counter)  # tp, pred, gold
    overlap: Counter = field(default_factory=Counter)


def predictions(text: str, quotes: list[Any]) -> tuple[dict[str, list[Frags]], list[tuple[Frags, Frags | None]]]:
    """Spans by role and (content, source) relations from our Quotes (grouped by cue)."""
    groups: dict[Any, list[Any]] = {}
    for k, q in enumerate(quotes):
        key = (q.cue.start, q.cue.end, q.speaker.start if q.speaker else None) if q.cue else ("nocue", k)
        groups.setdefault(key, []).append(q)
    rels, contents = [], []
    for qs in groups.values():
        content = tuple(sorted((q.content.start, q.content.end) for q in qs))
        sp = qs[0].speaker
        rels.append((content, ((sp.start, sp.end),) if sp else None))
        contents.append(content)
    cues = list(dict.fromkeys(((q.cue.start, q.cue.end),) for q in quotes if q.cue))
    sources = list(dict.fromkeys(((q.speaker.start, q.speaker.end),) for q in quotes if q.speaker))
    return {"content": contents, "cue": cues, "source": sources}, rels


def score_doc(text: str, gold: GoldDoc, quotes: list[Any], counts: dict[str, _Counts], att: Counter,
              quoted_recall: Counter) -> dict[str, Any]:
    pred_spans, pred_rels = predictions(text, quotes)
    row: dict[str, Any] = {"doc": gold.name, "annotations": gold.ann_file}
    for role in ROLES:
        g = [f for f in (_norm(text, s) for s in dict.fromkeys(gold.spans[role])) if f]
        p = [f for f in (_norm(text, s) for s in dict.fromkeys(pred_spans[role])) if f]
        c = counts[role]
        left = Counter(g)
        tp = 0
        for f in p:
            if left[f] > 0:
                left[f] -= 1
                tp += 1
        c.exact.update(tp=tp, pred=len(p), gold=len(g))
        c.overlap.update(tp=_match(p, g, _ov), pred=len(p), gold=len(g))
        if role == "content":
            marked = [any(ch in text[a:b] for a, b in f for ch in "\"“”") for f in g]
            for kind, want in (("quoted", True), ("unquoted", False)):
                sub = [f for f, m in zip(g, marked) if m is want]
                quoted_recall.update({f"{kind}_tp": _match(p, sub, _ov), f"{kind}_gold": len(sub)})

    def rel_score(p: tuple[Frags, Frags | None], g: tuple[Frags, Frags | None]) -> int:
        ov = _ov(p[0], g[0])
        if ov <= 0:
            return 0
        if p[1] is None and g[1] is None:
            return ov
        if p[1] is None or g[1] is None or _ov(p[1], g[1]) <= 0:
            return 0
        return ov

    tp = _match(pred_rels, gold.relations, rel_score)
    att.update(tp=tp, pred=len(pred_rels), gold=len(gold.relations))
    row.update(attribution_tp=tp, attribution_pred=len(pred_rels), attribution_gold=len(gold.relations),
               attribution_f1=_prf(tp, len(pred_rels), len(gold.relations))[2])
    return row


def evaluate_quotes(path: str | Path = DEFAULT_DIR) -> dict[str, Any]:
    """Run ``extract_quotes`` on every PolNeAR article under ``path`` and score it."""
    root = Path(path)
    docs = load_gold(root)
    if not docs:
        raise click.UsageError(f"{root}: no text/*.txt with attributions/*.ann")
    from newsprism.extract.nlp import get_nlp

    try:
        from newsprism.extract.entities import extract_entities
    except ImportError:  # entities stage not installed: speakers keep spaCy's spans
        extract_entities = None  # type: ignore[assignment]
    nlp = get_nlp()
    counts = {r: _Counts() for r in ROLES}
    att: Counter = Counter()
    qrec: Counter = Counter()
    rows = []
    t0 = time.perf_counter()
    parse_s = extract_s = 0.0
    kinds: Counter = Counter()
    for gold, text in docs:
        t1 = time.perf_counter()
        doc = nlp(text)
        t2 = time.perf_counter()
        mentions, entities = extract_entities(doc) if extract_entities else (None, None)
        quotes, _attributions = extract_quotes(doc, mentions, entities)
        t3 = time.perf_counter()
        parse_s += t2 - t1
        extract_s += t3 - t2
        kinds.update(q.kind for q in quotes)
        rows.append(score_doc(text, gold, quotes, counts, att, qrec))
    wall = time.perf_counter() - t0
    res: dict[str, Any] = {"dataset": str(root), "docs": len(docs)}
    for role in ROLES:
        for mode in ("exact", "overlap"):
            c = getattr(counts[role], mode)
            p, r, f = _prf(c["tp"], c["pred"], c["gold"])
            res[f"{role}_{mode}_precision"], res[f"{role}_{mode}_recall"], res[f"{role}_{mode}_f1"] = p, r, f
        res[f"{role}_pred"], res[f"{role}_gold"] = counts[role].exact["pred"], counts[role].exact["gold"]
    p, r, f = _prf(att["tp"], att["pred"], att["gold"])
    res.update(attribution_precision=p, attribution_recall=r, attribution_f1=f,
               attribution_pred=att["pred"], attribution_gold=att["gold"])
    for kind in ("quoted", "unquoted"):  # gold content with / without quote marks
        n = qrec[f"{kind}_gold"]
        res[f"content_overlap_recall_{kind}"] = qrec[f"{kind}_tp"] / n if n else 0.0
    res["quote_kinds"] = dict(kinds)
    res["docs_per_second"] = len(docs) / wall if wall else 0.0
    res["docs_per_second_extract_only"] = len(docs) / extract_s if extract_s else 0.0
    res["seconds"] = wall
    res["per_doc"] = rows
    return res


def _print(res: dict[str, Any], console: Console) -> None:
    t = Table(title=f"Quotes & attributions vs PolNeAR — {res['docs']} articles")
    for col in ("span", "exact P", "exact R", "exact F1", "overlap P", "overlap R", "overlap F1", "pred", "gold"):
        t.add_column(col, justify="left" if col == "span" else "right")
    for role in ROLES:
        t.add_row(role.upper(), *(f"{res[f'{role}_{m}_{k}']:.3f}" for m in ("exact", "overlap")
                                  for k in ("precision", "recall", "f1")),
                  str(res[f"{role}_pred"]), str(res[f"{role}_gold"]))
    t.add_row("ATTRIBUTION*", "", "", "", f"{res['attribution_precision']:.3f}",
              f"{res['attribution_recall']:.3f}", f"{res['attribution_f1']:.3f}",
              str(res["attribution_pred"]), str(res["attribution_gold"]))
    console.print(t)
    console.print("* a (content, source) pair: contents overlap and sources overlap (or both absent)")
    console.print(f"content overlap recall: quoted {res['content_overlap_recall_quoted']:.3f}, "
                  f"unquoted {res['content_overlap_recall_unquoted']:.3f}; kinds {res['quote_kinds']}")
    console.print(f"{res['docs_per_second']:.1f} docs/s with parsing, "
                  f"{res['docs_per_second_extract_only']:.1f} docs/s extraction only ({res['seconds']:.1f} s)")


@click.command(name="quotes")
@click.argument("directory", default=DEFAULT_DIR, type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores (and per-article rows) as JSON.")
def command(directory: str, as_json: bool) -> None:
    """Score quote/attribution extraction (content, cue, source spans; attributions).

    DIRECTORY holds text/*.txt and attributions/*.ann in PolNeAR's brat format
    (default: ../shared/data/quotes-dev/polnear-dev, relative to the current directory).
    """
    res = evaluate_quotes(directory)
    console = Console(highlight=False, soft_wrap=True)
    console.width = max(console.width, 100)
    if as_json:
        console.print_json(json.dumps(res, ensure_ascii=False))
    else:
        _print(res, console)



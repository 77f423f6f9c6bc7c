"""``newsprism eval corroboration [FILE]``: how many of the outlets that report a claim end up in
its fact, and what gets merged that should not be.

FILE is a gold file of facts, JSON or JSONL:

- ``corroborated``: ``{"fact", "files": [...], "keys": [...], "optional": [...]}`` — the claim,
  the articles (file names; JSONL records ``name.jsonl#N``) that report it, key phrases that
  identify a passage stating it, and files that may or may not be counted (a borderline wording,
  a syndicated copy): they neither raise recall nor lower precision;
- ``single_source``: ``{"fact", "file", "keys", "also_in_copies"}`` — a claim only one outlet
  makes: its fact must stay single-source;
- ``different`` (or examples/ANSWERS.json's ``not_conflicts``, those whose ``why`` does not say
  they are the same fact): ``{"why", "a": {"file", "text"}, "b": {"file", "text"}}`` — two
  passages about different things that must not share a fact.

A JSONL file holds one such fact per line, with ``"kind": "corroborated" | "single_source" |
"different"`` (corroborated when it has ``files``). A key phrase matches a passage when each of
its words starts a word of the passage ("first visit 2000" matches "first visit to the country
since 2000"); with no ``keys``, the words of ``fact`` are the key and half of them (and every
figure) must match.

The corpus (``--corpus``, else the ``corpus`` folder beside FILE) runs through the real pipeline
— ingest, extract, stories (dates settled per story), compare — in a temporary store. Each gold
fact is matched to the predicted fact that holds a passage stating the claim and covers the most
gold outlets (fewest others on a tie). Scores count independent outlets (a syndicated copy is
its original's outlet):

- outlet recall: gold outlets with a passage stating the claim in the matched fact / gold outlets;
- outlet precision: the matched fact's outlets that are gold outlets of the claim / its outlets
  (optional ones left out);
- false merges: a single-source claim whose fact has another outlet; a ``different`` pair in
  one fact; two gold facts matched to one predicted fact.

The default gold is examples/ANSWERS.json (corroborated + single_source + not_conflicts), our own
labelling written with that corpus, so it is not independent of the method.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from spacy.lang.en.stop_words import STOP_WORDS

from newsprism.evaluate.jsonl import read_jsonl
from newsprism.extract.times import SMALL_NUMBERS, TENS
from newsprism.extract.numbers import MULTIPLIERS

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_FILE = ROOT / "examples" / "ANSWERS.json"
NOTE_DEFAULT = "gold: examples/ANSWERS.json — our own labelling, written with the corpus (not independent)"
NOTE_OWN = "gold: own labelling — scores are a guide, not an independent benchmark"

_WORD = re.compile(r"[0-9][0-9.,:]*[0-9]|[0-9]|[^\W_]+(?:[’'.-][^\W_]+)*", re.UNICODE)


# -- gold ------------------------------------------------------------------------------------------
@dataclass
class GoldFact:
    fact: str
    files: list[str]
    keys: list[str] = field(default_factory=list)
    optional: list[str] = field(default_factory=list)
    single: bool = False


@dataclass
class GoldPair:
    why: str
    a: tuple[str, str]  # (file, text)
    b: tuple[str, str]


@dataclass
class Gold:
    corroborated: list[GoldFact]
    single: list[GoldFact]
    different: list[GoldPair]
    own_answers: bool = False  # examples/ANSWERS.json


def _fact(row: dict[str, Any], single: bool) -> GoldFact:
    keys = row.get("keys") or ([row["quote"]] if row.get("quote") else [])
    if isinstance(keys, str):
        keys = [keys]
    if single:
        files = [row["file"]] if row.get("file") else list(row.get("files", []))
        optional = list(row.get("also_in_copies", [])) + list(row.get("optional", []))
    else:
        files = list(row["files"])
        optional = list(row.get("optional", [])) + list(row.get("copies", []))
    return GoldFact(str(row.get("fact") or keys[0]), files, [str(k) for k in keys], optional, single)


def _pair(row: dict[str, Any]) -> GoldPair:
    return GoldPair(str(row.get("why", "")), (row["a"]["file"], row["a"]["text"]), (row["b"]["file"], row["b"]["text"]))


def _is_same(why: str) -> bool:
    w = why.lower()
    return w.startswith("same") or "same fact" in w


def read_gold(path: str | Path) -> Gold:
    """Gold facts from JSON (an answer-key object or a list) or JSONL (one fact a line)."""
    p = Path(path)
    rows: list[dict[str, Any]]
    if p.suffix == ".jsonl":
        rows = [row for _, row in read_jsonl(p)]
    else:
        data = json.loads(p.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            rows = [dict(r, kind="corroborated") for r in data.get("corroborated", [])]
            rows += [dict(r, kind="single_source") for r in data.get("single_source", [])]
            rows += [dict(r, kind="different") for r in data.get("different", [])]
            rows += [dict(r, kind="different") for r in data.get("not_conflicts", []) if not _is_same(str(r.get("why", "")))]
        else:
            rows = list(data)
    gold = Gold([], [], [], own_answers=p.resolve() == DEFAULT_FILE.resolve())
    for n, r in enumerate(rows, 1):
        kind = r.get("kind") or ("corroborated" if "files" in r else "different" if "a" in r else "single_source")
        try:
            if kind == "corroborated":
                gold.corroborated.append(_fact(r, single=False))
            elif kind == "single_source":
                gold.single.append(_fact(r, single=True))
            elif kind == "different":
                gold.different.append(_pair(r))
            else:
                raise ValueError(f"unknown kind {kind!r}")
        except (KeyError, IndexError, TypeError) as exc:
            raise ValueError(f"{p.name}: fact {n}: missing {exc}") from exc
    return gold


# -- matching a claim ------------------------------------------------------------------------------
def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def _stem(w: str) -> str:
    """A crude prefix stem, enough for 'failed' ~ 'failure' ~ 'fails'."""
    return w if w[0].isdigit() else w[:4]


def _key_matches(key: str, words: list[str]) -> bool:
    need = _words(key)
    return bool(need) and all(any(w.startswith(k) for w in words) for k in need)


def _derived_matches(fact: str, words: list[str]) -> bool:
    """No keys given: half the fact's content words (stemmed) and every figure must appear."""
    content = [w for w in _words(fact) if w not in STOP_WORDS]  # spaCy's list, as the product's
    if not content:
        return False
    stems = {_stem(w) for w in words}
    figures = [w for w in content if w[0].isdigit()]
    if any(f not in words for f in figures):
        return False
    hits = sum(1 for w in content if _stem(w) in stems)
    return hits >= max(2, (len(content) + 1) // 2)


def states(g: GoldFact, text: str) -> bool:
    """Does a passage state the gold claim?"""
    words = _words(text)
    if g.keys:
        return any(_key_matches(k, words) for k in g.keys)
    return _derived_matches(g.fact, words)


# -- running the pipeline --------------------------------------------------------------------------
def file_id(location: str) -> str:
    """The gold id of an article: its file name (``name.jsonl#N`` for JSONL records)."""
    return Path(location).name


def _lookup(files: dict[str, str], name: str) -> str | None:
    """Article id of a gold file id (exact file name, else a unique stem or prefix)."""
    if name in files:
        return files[name]
    hits = [a for f, a in files.items() if f.startswith(name) or Path(f).stem == name]
    return hits[0] if len(hits) == 1 else None


def run_corpus(corpus: str | Path, use_embeddings: bool = True) -> tuple[list[dict[str, Any]], dict[str, str], dict[str, str]]:
    """(comparisons, file id -> article id, article id -> independence key) for a corpus folder,
    through ingest -> extract -> stories (dates settled) -> compare in a throw-away store."""
    from newsprism.compare import compare_story
    from newsprism.compare.common import independence_keys
    from newsprism.pipeline import Pipeline
    from newsprism.stories.assign import assign_stories
    from newsprism.store import Store

    with tempfile.TemporaryDirectory(prefix="newsprism-eval-") as tmp, Store(Path(tmp) / "eval.db") as store:
        pipeline = Pipeline(store)
        run = pipeline.ingest([str(corpus)])
        if run.aborted or not run.article_ids:
            raise ValueError(f"{corpus}: nothing ingested ({run.aborted or 'no articles'})")
        articles = pipeline.extract(store.get_many(run.article_ids))
        stories = assign_stories(store, articles, functools.partial(compare_story, use_embeddings=use_embeddings))
        articles = store.get_many(run.article_ids)
    comparisons = [s.extras["comparison"] for s in stories if "comparison" in s.extras]
    files = {file_id(a.origin.location): a.id for a in articles}
    keys = independence_keys(articles)
    return comparisons, files, keys


# -- scoring ---------------------------------------------------------------------------------------
def _fact_index(comparisons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for c in comparisons:
        for f in c["facts"]:
            out.append({"story": c["story"], "id": f["id"], "text": f["text"], "passages": f["passages"],
                        "independent_outlets": f["independent_outlets"]})
    return out


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers(text: str) -> set[str]:
    """The numbers a text writes, as values: numerals, small numbers spelled out ("twelve" ->
    "12"), each times a scale word after it ("5 million" and "five million" -> "5000000", "a
    hundred" -> "100"). The number and scale words are the extract stage's tables, their one
    home."""
    # a numeral may carry its scale ("$334m", "2bn"); a scale word follows it after a space
    found = [(m.group(1) or m.group(0), m.group(2)) for m in re.finditer(r"(\d+(?:[.,]\d+)*)(?![\d])((?:bn|mn|tn|m|k)(?![a-z]))?|[a-z]+", text.lower())]
    tokens = [t for t, _ in found]
    out: set[str] = set()
    for k, (t, attached) in enumerate(found):
        nxt = tokens[k + 1] if k + 1 < len(tokens) else ""
        scale = MULTIPLIERS[attached] if attached else (MULTIPLIERS.get(nxt, 1) if len(nxt) > 2 else 1)
        if t[0].isdigit():
            try:
                v = float(t.replace(",", ""))
            except ValueError:
                continue
        elif t in SMALL_NUMBERS or t in TENS:
            v = float(SMALL_NUMBERS.get(t) or TENS.get(t) or 0)
        elif t in ("a", "one") and scale > 1:
            v = 1.0
        else:
            continue
        v *= scale
        out.add(str(int(v)) if v == int(v) else str(v))
    return out


def briefing_overclaims(comparisons: list[dict[str, Any]]) -> dict[str, Any]:
    """Does any briefing line count an outlet for more than its own passages say? Checked from
    the passages' text, not from the comparison's reasoning: every counted outlet must have a
    cited passage, and every figure a line's details credit to an outlet must be written in one
    of that outlet's passages of the line's fact, as the same value ("5 million" is written by
    "five million" or "5,000,000", not by a bare 5)."""
    lines = figures = 0
    bad: list[dict[str, str]] = []
    for c in comparisons:
        facts = {f["id"]: f for f in c.get("facts", [])}
        for line in (c.get("briefing") or {}).get("summary", []):
            lines += 1
            cited = {p["outlet"] for p in line.get("citations", [])}
            texts: dict[str, list[str]] = {}
            for p in line.get("citations", []) + facts.get(line.get("fact") or "", {}).get("passages", []):
                texts.setdefault(p["outlet"], []).append(p["text"])
            for o in line.get("outlets", []):
                if o not in cited:
                    bad.append({"line": line["text"], "outlet": o, "why": "counted without a cited passage"})
            for d in line.get("details", []):
                need = _numbers(d["text"]) if d.get("kind") == "figure" else set()
                if not need:
                    continue
                for o in d["outlets"]:
                    figures += 1
                    if not any(need <= _numbers(t) for t in texts.get(o, [])):
                        bad.append({"line": line["text"], "outlet": o, "why": f"figure {d['text']!r} not in its passages"})
    return {"lines": lines, "figure_credits_checked": figures, "overclaims": bad}


def evaluate_corroboration(gold_path: str | Path = DEFAULT_FILE, corpus: str | Path | None = None,
                           use_embeddings: bool = True) -> dict[str, Any]:
    """Per-fact and overall outlet recall / precision and false merges (see the module doc)."""
    t0 = time.perf_counter()
    gold_path = Path(gold_path)
    gold = read_gold(gold_path)
    corpus = Path(corpus) if corpus else gold_path.parent / "corpus"
    if not corpus.is_dir():
        raise ValueError(f"{corpus}: no such corpus folder (pass --corpus)")
    comparisons, files, keys = run_corpus(corpus, use_embeddings)
    facts = _fact_index(comparisons)
    missing = sorted({f for g in gold.corroborated + gold.single for f in g.files if _lookup(files, f) is None}
                     | {x[0] for p in gold.different for x in (p.a, p.b) if _lookup(files, x[0]) is None})

    def src(name: str) -> str | None:
        aid = _lookup(files, name)
        return keys.get(aid) if aid else None

    rows: list[dict[str, Any]] = []
    matched: dict[tuple[str, str], list[int]] = {}
    found_total = gold_total = tp_total = pred_total = 0
    for k, g in enumerate(gold.corroborated):
        want = {s for s in (src(f) for f in g.files) if s}
        neutral = {s for s in (src(f) for f in g.optional) if s} - want
        best: tuple[Any, ...] | None = None
        stated: set[str] = set()  # gold outlets with a passage stating the claim anywhere
        for f in facts:
            claim = {keys.get(p["article"], p["article"]) for p in f["passages"] if states(g, p["text"])}
            if not claim:
                continue
            stated |= claim & want
            have = {keys.get(p["article"], p["article"]) for p in f["passages"]}
            score = (len(claim & want), -len(have - (claim & want) - neutral), len(claim))
            if best is None or score > best[0]:
                best = (score, f, claim, have)
        not_stated = sorted(fl for fl in g.files if src(fl) and src(fl) not in stated)
        row: dict[str, Any] = {"fact": g.fact, "gold_outlets": len(want), "found": 0, "predicted_outlets": 0,
                               "recall": 0.0, "precision": 0.0, "match": None,
                               "missed": list(not_stated), "not_stated": not_stated}
        if best is not None:
            _, f, claim, have = best
            hit = claim & want  # recall: gold outlets whose passage in the fact states the claim
            counted = have - neutral
            right = counted & want  # precision: the fact's outlets that report the claim per gold
            row.update(found=len(hit), predicted_outlets=len(counted),
                       recall=round(len(hit) / len(want), 4) if want else 0.0,
                       precision=round(len(right) / len(counted), 4) if counted else 0.0,
                       match={"story": f["story"], "id": f["id"], "text": f["text"]},
                       missed=sorted(fl for fl in g.files if src(fl) not in hit),
                       extra=sorted({p["outlet"] for p in f["passages"] if keys.get(p["article"]) in counted - want}))
            matched.setdefault((f["story"], f["id"]), []).append(k)
            tp_total += len(right)
            pred_total += len(counted)
        found_total += row["found"]
        gold_total += len(want)
        rows.append(row)

    merges: list[dict[str, Any]] = []
    by_key = {(f["story"], f["id"]): f for f in facts}
    for (story, fid), ks in matched.items():
        # two gold claims in one fact are a false merge only when it holds a passage stating one
        # and not the other, and the other way round (one sentence may carry both claims)
        f = by_key[(story, fid)]
        for x, a in enumerate(ks):
            for b in ks[x + 1 :]:
                ga, gb = gold.corroborated[a], gold.corroborated[b]
                only_a = any(states(ga, p["text"]) and not states(gb, p["text"]) for p in f["passages"])
                only_b = any(states(gb, p["text"]) and not states(ga, p["text"]) for p in f["passages"])
                if only_a and only_b:
                    merges.append({"kind": "gold facts in one fact", "fact": fid, "what": f"{ga.fact} + {gb.fact}"})
    singles: list[dict[str, Any]] = []
    for g in gold.single:
        own = {s for s in (src(f) for f in g.files + g.optional) if s}
        aid = _lookup(files, g.files[0])
        hosts = [f for f in facts if any(p["article"] == aid and states(g, p["text"]) for p in f["passages"])]
        others = sorted({p["outlet"] for f in hosts for p in f["passages"] if keys.get(p["article"]) not in own})
        singles.append({"fact": g.fact, "found": bool(hosts), "merged_with": others})
        if others:
            merges.append({"kind": "single-source merged", "fact": ",".join(f["id"] for f in hosts), "what": g.fact,
                           "with": others})
    pairs: list[dict[str, Any]] = []
    for pr in gold.different:
        ida, idb = _lookup(files, pr.a[0]), _lookup(files, pr.b[0])
        together = []
        for f in facts:
            pa = [i for i, p in enumerate(f["passages"]) if p["article"] == ida and pr.a[1] in p["text"]]
            pb = [i for i, p in enumerate(f["passages"]) if p["article"] == idb and pr.b[1] in p["text"]]
            if pa and pb and any(i != j for i in pa for j in pb):
                together.append(f["id"])
        pairs.append({"why": pr.why, "merged": together})
        if together:
            merges.append({"kind": "different things merged", "fact": ",".join(together), "what": pr.why})

    scored = [r for r in rows if r["gold_outlets"]]
    macro_r = sum(r["recall"] for r in scored) / len(scored) if scored else 0.0
    macro_p = sum(r["precision"] for r in scored if r["match"]) / max(1, sum(1 for r in scored if r["match"]))
    return {
        "gold": str(gold_path), "corpus": str(corpus),
        "note": NOTE_DEFAULT if gold.own_answers else NOTE_OWN,
        # what the aligner actually used (embeddings need the MiniLM packages installed)
        "similarity": "embeddings" if any("embeddings" in c["method"]["similarity"] for c in comparisons) else "lexical",
        "articles": len(files), "stories": len(comparisons), "missing_files": missing,
        "facts": rows, "single_source": singles, "different": pairs, "false_merges": merges,
        "briefing": briefing_overclaims(comparisons),
        "overall": {
            "gold_facts": len(rows),
            "outlet_recall": round(found_total / gold_total, 4) if gold_total else 0.0,
            "outlet_precision": round(tp_total / pred_total, 4) if pred_total else 0.0,
            "macro_recall": round(macro_r, 4), "macro_precision": round(macro_p, 4),
            "corroborated_found": sum(1 for r in rows if r["found"] >= 2),
            "fully_found": sum(1 for r in rows if r["gold_outlets"] and r["found"] == r["gold_outlets"]),
            "false_merges": len(merges),
            "single_source_checked": sum(1 for s in singles if s["found"]),
            "different_pairs": len(pairs),
        },
        "seconds": round(time.perf_counter() - t0, 2),
    }


@click.command(name="corroboration")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--corpus", type=click.Path(exists=True, file_okay=False), help="Corpus folder (default: 'corpus' beside FILE).")
@click.option("--lexical", is_flag=True, help="Align without sentence embeddings (TF-IDF + entities only).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def command(file: str | None, corpus: str | None, lexical: bool, as_json: bool) -> None:
    """Corroboration: outlet recall / precision per gold fact, and false merges (default gold:
    examples/ANSWERS.json, our own labelling)."""
    console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 120)
    path = Path(file) if file else DEFAULT_FILE
    if not path.is_file():
        raise click.ClickException(f"{path}: no such file (pass FILE)")
    try:
        res = evaluate_corroboration(path, corpus, use_embeddings=not lexical)
    except (ValueError, KeyError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        console.print_json(json.dumps(res, ensure_ascii=False))
        return
    o = res["overall"]
    table = Table(title=f"Corroboration — {Path(res['gold']).name} on {res['corpus']} "
                        f"({res['articles']} articles, {res['stories']} stories, {res['similarity']})")
    for col in ("gold fact", "gold", "found", "recall", "outlets", "precision", "matched fact"):
        table.add_column(col, justify="left" if col in ("gold fact", "matched fact") else "right", overflow="fold")
    for r in res["facts"]:
        m = r["match"]
        table.add_row(r["fact"][:60], str(r["gold_outlets"]), str(r["found"]), f"{r['recall']:.2f}",
                      str(r["predicted_outlets"]), f"{r['precision']:.2f}",
                      f"{m['id']}: {m['text'][:50]}" if m else "(no fact states it)")
    table.add_section()
    table.add_row("overall (micro)", "", "", f"{o['outlet_recall']:.3f}", "", f"{o['outlet_precision']:.3f}",
                  f"{o['fully_found']}/{o['gold_facts']} facts fully found")
    table.add_row("overall (macro)", "", "", f"{o['macro_recall']:.3f}", "", f"{o['macro_precision']:.3f}", "")
    console.print(table)
    console.print(f"false merges: {o['false_merges']} (single-source claims checked: {o['single_source_checked']}/"
                  f"{len(res['single_source'])}; different-thing pairs: {o['different_pairs']})", markup=False)
    for m in res["false_merges"]:
        extra = f" with {', '.join(m['with'])}" if m.get("with") else ""
        console.print(f"  {m['kind']}: {m['fact']} — {m['what']}{extra}", markup=False)
    for r in res["facts"]:
        if r.get("missed"):
            missed = [f + (" (no passage states it)" if f in r["not_stated"] else "") for f in r["missed"]]
            console.print(f"  missed for “{r['fact'][:50]}”: {', '.join(missed)}", markup=False)
    for s in res["single_source"]:
        if not s["found"]:
            console.print(f"  single-source claim not found in its file: {s['fact']}", markup=False)
    if res["missing_files"]:
        console.print(f"  gold files not in the corpus: {', '.join(res['missing_files'])}", markup=False)
    console.print(res["note"], markup=False)
    console.print(f"{res['seconds']:.1f}s", markup=False)

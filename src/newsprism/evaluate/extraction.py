"""Score the HTML cleaner on saved web pages: body text, title, byline, date, language.

Data: ``../shared/data/extraction-dev/readability-pages/<page>/`` with ``source.html`` (the saved
page), ``expected.html`` and ``expected-metadata.json``. **expected.html is what Readability.js
(Mozilla's reader view) extracts, not independent human gold**: a page where we differ from it
is not necessarily a page where we are wrong (Readability keeps some boilerplate, and drops some
text trafilatura keeps). Read the scores as agreement with a strong, independent extractor.

Each page goes through our cleaner exactly as ingest sends it (``RawDocument`` of format html,
``clean_document``); an ``InputError`` there (nothing survived cleaning) counts as an empty
extraction, any other exception as a failure. Body scores are bag-of-words token overlap, the
usual main-content-extraction metric, micro-averaged (over all tokens) and macro-averaged (per
page); "real pages" leaves out Readability's own unit-test fixtures (lorem ipsum, a few words).
Titles are compared strictly and, since we keep the outlet out of the title, also with a
trailing " | Site" segment ignored.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click
import lxml.html
from rapidfuzz import fuzz
from rich.console import Console
from rich.table import Table

from newsprism.clean import clean_document
from newsprism.errors import InputError
from newsprism.ingest.decode import decode_bytes
from newsprism.model import Origin, RawDocument

DEFAULT_DIR = "../shared/data/extraction-dev/readability-pages"
WORST_N = 10

# Han and kana are written without spaces: each character is one token (as in CJK extraction
# benchmarks), so a Chinese page is not scored as a handful of sentence-long "words".
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
# Readability's own unit-test fixtures (lorem ipsum, or a handful of words) rather than real pages.
_SYNTHETIC_MAX_TOKENS = 30
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
# " | Site", " - Site", " — Site": the outlet suffix Readability keeps and we may drop (the outlet
# is a separate field of ours), so a "loose" title match ignores one trailing segment.
_SITE_SUFFIX = re.compile(r"\s+(?:[|\-–—·•»]|::)\s+[^|\-–—·•»]+$")
_BY = re.compile(r"^(?:by|von|par|por|di|door)\s+", re.I)


@dataclass
class PageResult:
    """One page's outcome (kept in the JSON so a regression can be traced to its page)."""

    page: str
    synthetic: bool  # a Readability test fixture (lorem ipsum / a few words), not a real page
    status: str  # "ok", "empty" (InputError: nothing survived), "error" (unexpected exception)
    error: str
    ours_tokens: int
    expected_tokens: int
    overlap: int
    precision: float
    recall: float
    f1: float
    title_expected: str | None
    title_ours: str | None
    title_exact: bool | None
    title_loose: bool | None
    title_ratio: float | None
    byline_expected: str | None
    byline_ours: str | None
    byline_match: bool | None
    date_expected: str | None
    date_ours: str | None
    date_match: bool | None
    lang_expected: str | None
    lang_ours: str | None
    lang_match: bool | None
    seconds: float


def tokens(text: str) -> Counter[str]:
    """Bag of lowercased word tokens (letters/digits runs, one token per CJK character)."""
    return Counter(_WORD.findall(text.lower()))


def html_text(html: str) -> str:
    """Visible text of an HTML fragment (Readability's output), one space between blocks."""
    if not html.strip():
        return ""
    root = lxml.html.fromstring(html)
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    return " ".join(root.text_content().split())


def norm(s: str | None) -> str:
    """Compare-ready text: NFKC, folded quotes/dashes, case-folded, single spaces."""
    if not s:
        return ""
    s = unicodedata.normalize("NFKC", s).translate(_FOLD)
    return " ".join(s.casefold().split())


def title_match_loose(expected: str, ours: str | None) -> bool:
    """Equal after normalisation, once a trailing site-name segment is dropped from either side."""
    e, o = norm(expected), norm(ours)
    if not o:
        return False
    return e == o or _SITE_SUFFIX.sub("", e) == o or e == _SITE_SUFFIX.sub("", o)


def _byline_norm(s: str | None) -> str:
    s = norm(s)
    s = _BY.sub("", s)
    return " ".join(_WORD.findall(s)).replace(" ", "") if _is_cjk(s) else " ".join(_WORD.findall(s))


def _is_cjk(s: str) -> bool:
    return bool(re.search(f"[{_CJK}]", s))


def byline_match(expected: str, ours: str | None) -> bool:
    """Either normalised byline contained in the other ("By Jane Doe" vs "Jane Doe, Reuters")."""
    e, o = _byline_norm(expected), _byline_norm(ours)
    return bool(e and o) and (e in o or o in e)


def _prf(overlap: int, ours: int, expected: int) -> tuple[float, float, float]:
    p = overlap / ours if ours else 0.0
    r = overlap / expected if expected else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _lang(code: str | None) -> str | None:
    if not code:
        return None
    return code.replace("_", "-").split("-")[0].lower() or None


def score_page(folder: Path) -> PageResult:
    """Clean ``folder/source.html`` as ingest would and compare with Readability's output."""
    source = folder / "source.html"
    meta_file = folder / "expected-metadata.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
    expected_text = html_text((folder / "expected.html").read_text(encoding="utf-8"))
    html, _enc = decode_bytes(source.read_bytes(), str(source))
    raw = RawDocument(origin=Origin("file", str(source)), body=html, format="html")

    status, error, article = "ok", "", None
    t0 = time.perf_counter()
    try:
        article = clean_document(raw)
    except InputError as exc:
        status, error = "empty", str(exc)
    except Exception as exc:  # a cleaner bug is a scored failure, not a crashed evaluation
        status, error = "error", f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - t0

    ours_bag = tokens(article.text) if article else Counter()
    exp_bag = tokens(expected_text)
    overlap = sum((ours_bag & exp_bag).values())
    n_ours, n_exp = sum(ours_bag.values()), sum(exp_bag.values())
    p, r, f = _prf(overlap, n_ours, n_exp)

    title_e = meta.get("title") or None
    title_o = article.title if article else None
    byline_e = meta.get("byline") or None
    byline_o = article.byline if article else None
    date_e = (meta.get("publishedTime") or "")[:10] or None
    date_o = article.published.value if article else None
    lang_e = _lang(meta.get("lang"))
    lang_o = _lang(article.lang) if article else None
    return PageResult(
        page=folder.name,
        synthetic="lorem ipsum" in expected_text.lower() or n_exp < _SYNTHETIC_MAX_TOKENS,
        status=status, error=error,
        ours_tokens=n_ours, expected_tokens=n_exp, overlap=overlap,
        precision=p, recall=r, f1=f,
        title_expected=title_e, title_ours=title_o,
        title_exact=(norm(title_e) == norm(title_o)) if title_e else None,
        title_loose=title_match_loose(title_e, title_o) if title_e else None,
        title_ratio=(fuzz.ratio(norm(title_e), norm(title_o)) / 100.0) if title_e else None,
        byline_expected=byline_e, byline_ours=byline_o,
        byline_match=byline_match(byline_e, byline_o) if byline_e else None,
        date_expected=date_e, date_ours=date_o,
        date_match=(date_o == date_e) if date_e else None,
        lang_expected=lang_e, lang_ours=lang_o,
        lang_match=(lang_o == lang_e) if lang_e else None,
        seconds=seconds,
    )


def page_folders(path: Path) -> list[Path]:
    """Page folders under ``path`` (each holds source.html + expected files), sorted by name."""
    return sorted(p for p in path.iterdir() if (p / "source.html").is_file() and (p / "expected.html").is_file())


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def _rate(flags: list[bool | None]) -> tuple[float, int]:
    """Share of True among pages where the check applies (expected has a value), and that count."""
    known = [x for x in flags if x is not None]
    return (sum(known) / len(known) if known else 0.0), len(known)


def evaluate_extraction(path: str | Path = DEFAULT_DIR) -> dict[str, Any]:
    """Score every page folder under ``path``; returns scores, counts, worst pages and per-page rows."""
    root = Path(path)
    folders = page_folders(root)
    if not folders:
        raise ValueError(f"{root}: no page folders with source.html + expected.html")
    t0 = time.perf_counter()
    rows = [score_page(f) for f in folders]
    wall = time.perf_counter() - t0
    clean_seconds = sum(r.seconds for r in rows)

    sum_overlap = sum(r.overlap for r in rows)
    micro = _prf(sum_overlap, sum(r.ours_tokens for r in rows), sum(r.expected_tokens for r in rows))
    title_exact, n_title = _rate([r.title_exact for r in rows])
    title_loose, _ = _rate([r.title_loose for r in rows])
    byline, n_byline = _rate([r.byline_match for r in rows])
    byline_prec, n_byline_pred = _rate([r.byline_match for r in rows if r.byline_ours])
    date, n_date = _rate([r.date_match for r in rows])
    lang, n_lang = _rate([r.lang_match for r in rows])
    real = [r for r in rows if not r.synthetic]
    worst = sorted(rows, key=lambda r: (r.f1, r.page))[:WORST_N]
    return {
        "dataset": str(root),
        "pages": len(rows),
        "body_micro_precision": micro[0],
        "body_micro_recall": micro[1],
        "body_micro_f1": micro[2],
        "body_macro_precision": _mean([r.precision for r in rows]),
        "body_macro_recall": _mean([r.recall for r in rows]),
        "body_macro_f1": _mean([r.f1 for r in rows]),
        "real_pages": len(real),
        "body_real_macro_f1": _mean([r.f1 for r in real]),
        "title_exact": title_exact,
        "title_loose": title_loose,
        "title_ratio": _mean([r.title_ratio for r in rows if r.title_ratio is not None]),
        "title_pages": n_title,
        "byline_match": byline,
        "byline_pages": n_byline,
        "byline_precision": byline_prec,
        "byline_precision_pages": n_byline_pred,
        "date_match": date,
        "date_pages": n_date,
        "lang_match": lang,
        "lang_pages": n_lang,
        "empty": sum(r.status == "empty" for r in rows),
        "empty_real": sum(r.status == "empty" for r in real),
        "errors": sum(r.status == "error" for r in rows),
        "pages_per_second": len(rows) / clean_seconds if clean_seconds else 0.0,
        "seconds": wall,
        "worst": [
            {"page": r.page, "synthetic": r.synthetic, "status": r.status, "precision": r.precision,
             "recall": r.recall, "f1": r.f1, "ours_tokens": r.ours_tokens, "expected_tokens": r.expected_tokens,
             "error": r.error}
            for r in worst
        ],
        "per_page": [asdict(r) for r in rows],
    }


def _print(res: dict[str, Any], console: Console) -> None:
    t = Table(title=f"HTML extraction vs Readability.js — {res['pages']} pages", show_lines=False)
    t.add_column("metric")
    t.add_column("score", justify="right")
    t.add_column("pages", justify="right")
    n = str(res["pages"])
    for label, key, count in [
        ("body precision (micro)", "body_micro_precision", n),
        ("body recall (micro)", "body_micro_recall", n),
        ("body F1 (micro)", "body_micro_f1", n),
        ("body precision (macro)", "body_macro_precision", n),
        ("body recall (macro)", "body_macro_recall", n),
        ("body F1 (macro)", "body_macro_f1", n),
        ("body F1 (macro, real pages)", "body_real_macro_f1", str(res["real_pages"])),
        ("title exact", "title_exact", str(res["title_pages"])),
        ("title exact, site suffix ignored", "title_loose", str(res["title_pages"])),
        ("title fuzzy ratio", "title_ratio", str(res["title_pages"])),
        ("byline match (of expected bylines)", "byline_match", str(res["byline_pages"])),
        ("byline precision (of ours, where expected has one)", "byline_precision", str(res["byline_precision_pages"])),
        ("date match (day)", "date_match", str(res["date_pages"])),
        ("language match", "lang_match", str(res["lang_pages"])),
    ]:
        t.add_row(label, f"{res[key]:.3f}", count)
    t.add_row("empty extractions", str(res["empty"]), n)
    t.add_row("empty extractions (real pages)", str(res["empty_real"]), str(res["real_pages"]))
    t.add_row("errors", str(res["errors"]), n)
    t.add_row("pages/s (clean only)", f"{res['pages_per_second']:.1f}", n)
    console.print(t)
    w = Table(title=f"{WORST_N} worst pages by body F1")
    for col in ("page", "P", "R", "F1", "ours", "expected", "note"):
        w.add_column(col, justify="left" if col in ("page", "note") else "right", no_wrap=col == "page")
    for r in res["worst"]:
        note = (r["error"].split(":")[0] if r["error"] else r["status"]) + (" (fixture)" if r["synthetic"] else "")
        w.add_row(r["page"], f"{r['precision']:.2f}", f"{r['recall']:.2f}", f"{r['f1']:.2f}",
                  str(r["ours_tokens"]), str(r["expected_tokens"]), note)
    console.print(w)


@click.command(name="extraction")
@click.argument("directory", default=DEFAULT_DIR, type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores (and per-page rows) as JSON.")
def command(directory: str, as_json: bool) -> None:
    """Score HTML extraction (body, title, byline, date, language) against Readability.js output.

    DIRECTORY holds one folder per page with source.html, expected.html and
    expected-metadata.json (default: ../shared/data/extraction-dev/readability-pages).
    """
    try:
        res = evaluate_extraction(directory)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    console = Console(highlight=False, soft_wrap=True)
    if as_json:
        console.print_json(json.dumps(res, ensure_ascii=False))
    else:
        _print(res, console)

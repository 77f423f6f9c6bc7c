"""Scraper junk out of plain text: share lines, header date stamps, repeated captions, tag lines.

No library does this for already-extracted text (trafilatura works on the DOM), so these are our
own rules. Every dropped line is kept in ``removed`` with its kind, so nothing is silently lost.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from newsprism.clean.dates import parse_header_date, parse_metadata_date
from newsprism.model import DateEvidence, Removed

# Whole-line widgets printed by scrapers; matched against the entire (short) line.
JUNK_LINE = re.compile(
    r"""^(?:
        share(?:\s+(?:this|on|via))?(?:\s+(?:article|story|post|page|link|facebook|twitter|x|whatsapp|telegram|email|linkedin))?:?
      | (?:must|also)\s+read:?
      | latest(?:\s+(?:articles?|news|stories))?:?
      | (?:read|see|show)\s+(?:more|also|next|full\s+(?:article|story))\b.*
      | related(?:\s+(?:articles?|stories|news|content))?:?
      | (?:more|top|most\s+read|trending)\s+(?:stories|news|articles)\b.*
      | follow\s+us\b.*
      | subscribe\b.* | sign\s+up\b.* | newsletter\b.*
      | advertisement | sponsored(?:\s+content)? | click\s+here\b.*
      | (?:facebook|twitter|x|telegram|whatsapp|linkedin|email|print|copy\s+link)(?:\s*[|,/]\s*\w+)*
      | comments?(?:\s*\(\d+\))? | loading\W*
      | (?:photo|image|video)\s*:?\s*(?:getty|ap|reuters|afp|epa)?(?:\s+images)?
    )\W*$""",
    re.I | re.X,
)
# Header stamp such as " date 2024-06 Share:" (a date widget glued to share buttons).
DATE_STAMP = re.compile(r"^\W*(?:date|published|updated|posted)?\s*:?\s*(\d{4}-\d{2}(?:-\d{2})?)\b(.*)$", re.I)
STAMP_TIME = re.compile(r"^\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:am|pm|[A-Z]{2,4})?\W*$", re.I)
TERMINAL = re.compile(r"""[.!?…:;]["'”’»)\]]*\s*$""")
QUOTED_LINE = re.compile(r"""^\s*["'‘“«](.+)["'’”»]\s*$""")
PHOTO_CUE = re.compile(
    r"""^FILE\b|\((?:[LR]|left|right|centre\s+[LR]|center\s+[LR])\)|,\s*(?:left|right|centre|center),|"""
    r"""\b(?:pictured|photo|picture|pool\s+photo|file\s+photo|shakes?\s+hands|undated\s+footage|aerial\s+view|is\s+seen|are\s+seen)\b""",
    re.I,
)
MAX_TITLE_WORDS = 25
MAX_SUBHEAD_WORDS = 12
MAX_CAPTION_WORDS = 60  # a longer block is prose, whatever words it contains (LWN's whole article was one)


@dataclass
class CleanText:
    """The result of cleaning one plain-text document."""

    paragraphs: list[str]
    subheading_idx: list[int] = field(default_factory=list)
    title: str | None = None
    captions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    dates: list[DateEvidence] = field(default_factory=list)


def normalize_line(line: str) -> str:
    """NFC, non-breaking and odd spaces to plain spaces, trimmed."""
    line = unicodedata.normalize("NFC", line)
    line = re.sub(r"[\u00a0\u2007\u202f\u2009\u200a\u200b\ufeff]", " ", line)
    return re.sub(r"[ \t]+", " ", line).strip()


def _fold(s: str) -> str:
    """Key for duplicate detection: quote styles and case folded."""
    s = s.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
    return re.sub(r"\W+", " ", s.lower()).strip()


def split_paragraphs(text: str) -> list[str]:
    """Blocks separated by blank lines; hard-wrapped blocks are re-joined, single-line ones kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    multi = [b for b in blocks if b.strip().count("\n")]
    paras: list[str] = []
    # Hard-wrapped prose: most lines of multi-line blocks are ~same length and end mid-sentence.
    wrapped = len(multi) >= max(1, len(blocks) // 2) and _hard_wrapped(multi)
    for block in blocks:
        lines = [normalize_line(x) for x in block.split("\n")]
        lines = [x for x in lines if x]
        if wrapped:
            paras.append(" ".join(lines))
        else:
            paras.extend(lines)
    return paras


def _hard_wrapped(blocks: list[str]) -> bool:
    lines = [x for b in blocks for x in b.strip().split("\n")[:-1]]
    if len(lines) < 3:
        return False
    mid = sum(1 for x in lines if not TERMINAL.search(x.strip()))
    lengths = sorted(len(x) for x in lines)
    return mid / len(lines) > 0.6 and lengths[len(lengths) // 2] > 50 and lengths[-1] < 120


def _is_terminal(p: str) -> bool:
    return bool(TERMINAL.search(p))


def _is_tag_line(p: str) -> bool:
    items = [x.strip() for x in re.split(r"[,;|·•]", p) if x.strip()]
    if len(items) < 2 or _is_terminal(p):
        return False
    return all(len(x.split()) <= 4 and x[:1].isupper() for x in items)


def clean_text(raw: str) -> CleanText:
    """Split, drop junk, find title / tags / captions / subheadings in scraped plain text."""
    return clean_paragraphs(split_paragraphs(raw), find_title=True)


def clean_paragraphs(paras: list[str], find_title: bool = True) -> CleanText:
    """The junk rules over a list of paragraphs (from plain text, or from an HTML extractor)."""
    out = CleanText(paragraphs=[])
    kept: list[str] = []
    for p in paras:
        head_zone = len(kept) < 3
        if JUNK_LINE.match(p) and len(p.split()) <= 8:
            out.removed.append(Removed(p, "widget", "scraper widget line (share / must read / latest / read more)"))
            continue
        m = DATE_STAMP.match(p)
        if head_zone and m and len(p.split()) <= 6 and _stamp_tail(m.group(2)) and parse_metadata_date(m.group(1)):
            value = m.group(1)
            out.dates.append(_stamp_evidence(value, p))
            out.removed.append(Removed(p, "header_date", "date stamp printed above the article"))
            continue
        if head_zone and len(p.split()) <= 8:
            header = parse_header_date(p)
            if header is not None:
                out.dates.append(header)
                out.removed.append(Removed(p, "header_date", "page header date (may be the crawl date)"))
                continue
        kept.append(p)
    kept = _collapse_repeats(kept, out)
    # Title: a short first line without closing punctuation.
    if find_title and kept and _title_like(kept[0]) and len(kept) > 1:
        out.title = kept.pop(0)
    # Tag line at the end.
    if len(kept) > 1 and _is_tag_line(kept[-1]):
        line = kept.pop()
        out.tags = [x.strip() for x in re.split(r"[,;|·•]", line) if x.strip()]
        out.removed.append(Removed(line, "tags", "trailing tag line"))
    kept = _pull_single_captions(kept, out)
    for i, p in enumerate(kept):
        inner = QUOTED_LINE.match(p)
        bare = inner.group(1) if inner else p
        if 0 < i < len(kept) - 1 and len(bare.split()) <= MAX_SUBHEAD_WORDS and not _is_terminal(bare):
            out.subheading_idx.append(i)
    out.paragraphs = kept
    return out


def _title_like(p: str) -> bool:
    words = p.split()
    if not 2 <= len(words) <= MAX_TITLE_WORDS:
        return False
    if not re.search(r"[.;:,]\s*$", p):
        return True
    # Some exports end headlines with a period ("Clinton Plan for Taxes Is Expansive but
    # Complex."). Taken only in Title Case and as one sentence, so a short lead stays body.
    body = p.rstrip()
    return (
        body.endswith(".") and not body.endswith("..") and not re.search(r"[.!?]\s+\S", body[:-1]) and _title_case(body)
    )


def _title_case(p: str) -> bool:
    """Most words of four letters or more start with a capital."""
    long_words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", p) if len(w) >= 4]
    caps = sum(1 for w in long_words if w[0].isupper())
    return len(long_words) >= 2 and caps / len(long_words) >= 0.75


def _stamp_tail(tail: str) -> bool:
    """What may follow a stamp's date: nothing, a time, or a widget ("Share:"), never prose
    ("2024-06-18 Putin arrives in Pyongyang" is a sentence, not a stamp)."""
    tail = tail.strip(" |·•,-–—")
    return not tail or bool(JUNK_LINE.match(tail) or STAMP_TIME.match(tail))


def _stamp_evidence(value: str, line: str) -> DateEvidence:
    precision = "day" if len(value) == 10 else "month"
    return DateEvidence(
        source="header_line",
        value=value,
        precision=precision,  # type: ignore[arg-type]
        confidence=0.5,
        note=f"date stamp line {line!r}; may be the page's date rather than the article's",
    )


def _collapse_repeats(paras: list[str], out: CleanText) -> list[str]:
    """Paragraphs printed twice in a row (photo captions) are kept once, as captions."""
    kept: list[str] = []
    caption_idx: set[int] = set()
    for p in paras:
        if kept and _same(kept[-1], p):
            prev = kept[-1]
            if not _is_terminal(prev) or PHOTO_CUE.search(prev):
                caption_idx.add(len(kept) - 1)
                out.removed.append(Removed(p, "repeated_caption", "photo caption printed twice"))
            else:
                out.removed.append(Removed(p, "repeated_paragraph", "paragraph printed twice"))
            continue
        kept.append(p)
    result = []
    for i, p in enumerate(kept):
        if i in caption_idx:
            out.captions.append(p)
            out.removed.append(Removed(p, "caption", "photo caption: kept as a caption, not body"))
        else:
            result.append(p)
    return result


def _same(a: str, b: str) -> bool:
    fa, fb = _fold(a), _fold(b)
    if fa == fb:
        return True
    return min(len(fa), len(fb)) > 30 and fuzz.ratio(fa, fb) >= 95


def _pull_single_captions(paras: list[str], out: CleanText) -> list[str]:
    """Unrepeated captions: long lines without sentence punctuation that read like captions."""
    result = []
    for p in paras:
        if MAX_SUBHEAD_WORDS < len(p.split()) <= MAX_CAPTION_WORDS and not _is_terminal(p) and PHOTO_CUE.search(p):
            out.captions.append(p)
            out.removed.append(Removed(p, "caption", "photo caption: kept as a caption, not body"))
        else:
            result.append(p)
    return result

"""Numeric claims: a figure, what it counts, how approximate it is, and who says so.

Why hand-written: spaCy tags CARDINAL/QUANTITY/MONEY entities but neither normalises them
("hundreds of thousands", "5 million", "7,400", "nine") nor tells a count from a year, a date,
a calibre or a model number ("F-16", "COVID-19", "T-72B3"); no small PyPI package does both on
top of a spaCy parse. So: a regex grammar for number phrases over the text, the parse for the
counted noun phrase and the reporting verb, and ``extract_times`` to rule out dates.

Decisions:
- Years, dates, clock times, ordinals ("first", "21st"), numbers inside names/codes ("F-16",
  "G7", "Boeing 737", "Resolution 2231", "9/11") are not claims.
- Durations are claims with a time unit, normalised to comparable units: "two decades" and
  "twenty years" are both 20 "years" (so outlets agreeing on a figure compare equal).
- Vague plurals take their base value with the phrase as approximation: "hundreds of
  thousands" -> 100000, approx "hundreds of"; "dozens" -> 12. The value is a lower bound, not
  an amount: it compares and sorts, but a reader must see the words. Likewise "several
  hundred" / "a few thousand" -> 100 / 1000 with approx "several" / "a few". ``figure_text``
  is how every view renders a claim: the surface phrase with its bound for these ("hundreds
  of thousands (≥100,000) Russians"), the surface text for a range ("some 10 to 15 people"),
  else approximation, normalised value and unit ("about 7,400 containers of ammunition").
- A bare "one"/"a" is not a claim (it is a determiner far more often than a count); spelled
  numbers below ten after "the"/possessives ("the two leaders") refer, they do not claim.
- A range ("10 to 15", "10-15") gives its lower bound with approx "between".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span as SpacySpan, Token

from newsprism.extract.times import MONTH_NAMES, SMALL_NUMBERS, TENS, WEEKDAY_NAMES, extract_times
from newsprism.model import Attribution, NumberClaim, Span

MULTIPLIERS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
               "trillion": 1_000_000_000_000, "bn": 1_000_000_000, "mn": 1_000_000, "tn": 1_000_000_000_000,
               "m": 1_000_000, "k": 1_000, "dozen": 12}
VAGUE = {"dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1_000, "millions": 1_000_000,
         "billions": 1_000_000_000, "tens": 10}
CURRENCY = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "₩": "KRW", "₴": "UAH"}
CURRENCY_WORDS = {"dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "rubles": "RUB", "roubles": "RUB",
                  "yuan": "CNY", "pounds sterling": "GBP", "hryvnias": "UAH", "won": "KRW", "yen": "JPY"}
TIME_UNITS = {"second": "seconds", "minute": "minutes", "hour": "hours", "day": "days", "week": "weeks",
              "month": "months", "year": "years", "decade": "years", "century": "years", "centuries": "years"}
UNIT_FACTOR = {"decade": 10, "decades": 10, "century": 100, "centuries": 100}
# Nouns that measure or contain something: "7,400 containers of ammunition" counts containers of X.
MEASURE_NOUNS = {
    "containers", "container", "tons", "tonnes", "ton", "tonne", "barrels", "barrel", "rounds", "boxes", "crates",
    "cases", "shipments", "loads", "truckloads", "trainloads", "wagons", "litres", "liters", "gallons", "kilograms",
    "kg", "pounds", "pieces", "units", "sets", "pairs", "bags", "sacks", "packages", "batches", "cubic", "metres",
    "meters", "square", "hectares", "acres", "doses", "vials", "bottles", "cartons", "pallets", "sorts", "kinds",
    "types", "percent", "%", "per",
}
IDENTIFIER_BEFORE = {
    "no", "no.", "nos", "number", "article", "section", "chapter", "page", "pages", "flight", "route", "resolution",
    "room", "platform", "gate", "level", "phase", "grade", "class", "category", "size", "version", "paragraph",
    "item", "code", "district", "precinct", "ward", "lane", "row", "seat", "channel", "highway", "interstate",
    "terminal", "unit", "block", "building", "floor", "line", "track", "episode", "season", "volume", "vol.",
    "p.", "pp.", "title", "amendment", "proposition", "prop.", "bill", "act", "law", "model", "type", "mark", "mk",
}
APPROX = [
    "approximately", "an estimated", "estimated", "about", "around", "roughly", "some", "nearly", "almost",
    "more than", "over", "at least", "up to", "less than", "fewer than", "at most", "as many as", "as much as",
    "as few as", "close to", "just over", "just under", "well over", "well above", "under", "below", "above",
    "upwards of", "no fewer than", "no more than", "no less than", "not more than", "not less than", "around about",
    "circa", "approx.", "c.", "in excess of", "several", "a few", "a couple of", "between", "in the region of", "the best part of", "nigh on", "just shy of",
]
_APPROX_RE = re.compile(r"\b(" + "|".join(re.escape(a) for a in sorted(APPROX, key=len, reverse=True)) + r")\s+$", re.I)
_REFERRING = re.compile(r"\b(?:the|these|those|his|her|their|its|our|my|your|both|all|each|every)\s+$", re.I)
_WORD_NUM = "|".join(sorted([*SMALL_NUMBERS, *TENS, "hundred", "thousand", "million", "billion", "trillion", "dozen"],
                            key=len, reverse=True))
_NUMBER = re.compile(
    rf"""
    (?P<cur>US\$|[$€£¥₽₩₴])?\s?
    (?:
      (?P<digits>(?<![\w.,/\-])(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?![\d,]\d|/\d|:\d))
      (?P<suffix>%|(?:mm|cm|km|kg|kt|mph|bn|mn|tn|k|m|t|g|GW|MW|kW|MWh|GWh)(?![A-Za-z]))?
      (?:(?P<range>\s*(?:-|–|to)\s*(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?![\d,]\d)))?
      (?P<mult>(?:[\s-]*(?:hundred|thousand|million|billion|trillion|dozen)\b)+)?
    | (?P<vague>(?i:dozens|scores|hundreds|thousands|millions|billions|tens)\s+of\s+(?i:thousands|millions|billions)\b
               |(?i:dozens|scores|hundreds|thousands|millions|billions)(?=\s+of\b|\s+(?i:more|fewer|upon)\b))
    | (?P<frac>(?i:half\s+a|a\s+quarter\s+of\s+a|a\s+quarter|half\s+a\s+(?=century)))\s+(?P<fmult>(?i:million|billion|trillion|century|dozen))
    | (?P<words>(?<![\w-])(?i:(?:{_WORD_NUM}|an?(?=[\s-]+(?:hundred|thousand|million|billion|trillion|dozen)\b))(?:(?:[\s-]+|\s+and\s+(?=(?:{_WORD_NUM})\b))(?:{_WORD_NUM}))*)(?!\w)(?!-(?i:thirds?|quarters?|fifths?|sixths?|eighths?|tenths?|halves|half|way|fold)\b))
    )
    """,
    re.X,
)
_ADDRESS = re.compile(r"\b(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Blvd\.?|Lane|Drive|Place|Square|Way)$")
_PERCENT_WORDS = re.compile(r"^\s*(?:percent|per\s+cent|percentage\s+points?)\b", re.I)
_ORDINAL_SUFFIX = re.compile(r"^(?:st|nd|rd|th)\b")
_OR_MORE = re.compile(r"^\s*(?:or\s+more|or\s+so|\+|-plus|plus)\b", re.I)


@dataclass
class _Num:
    start: int
    end: int
    value: float
    approx: str = ""
    unit: str = ""


def words_to_number(text: str) -> float | None:
    """Spelled numbers: 'nine', 'twenty-four', 'two hundred and fifty', 'a million', 'five million'."""
    total = 0.0
    current = 0.0
    seen = False
    for w in re.split(r"[\s-]+", text.lower().replace(" and ", " ")):
        if not w or w == "and":
            continue
        if w in ("a", "an"):
            current = current or 1
        elif w in SMALL_NUMBERS:
            current += SMALL_NUMBERS[w]
        elif w in TENS:
            current += TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in ("thousand", "million", "billion", "trillion"):
            total += (current or 1) * MULTIPLIERS[w]
            current = 0
        elif w == "dozen":
            current = (current or 1) * 12
        else:
            return None
        seen = True
    return total + current if seen else None


def _parse(m: re.Match[str]) -> _Num | None:
    if m["digits"]:
        value = float(m["digits"].replace(",", ""))
        suffix = m["suffix"] or ""
        unit = ""
        if suffix in ("bn", "mn", "tn", "k") or (suffix == "m" and m["cur"]):
            value *= MULTIPLIERS[suffix]
        elif suffix == "%":
            unit = "%"
        elif suffix:
            unit = suffix
        if m["mult"]:
            for w in re.split(r"[\s-]+", m["mult"].strip(" -")):
                value *= MULTIPLIERS[w.lower()]
        approx = "between" if m["range"] else ""
        if m["range"]:
            high = float(re.sub(r"[^\d.]", "", m["range"].split()[-1].lstrip("-–")) or 0)
            if high <= value / (MULTIPLIERS.get(suffix, 1) if suffix in ("bn", "mn", "tn", "k") else 1):
                return None  # "5-4 ruling", "3-1 win": a score, not a range
    elif m["vague"]:
        words = re.findall(r"[a-z]+", m["vague"].lower())
        value = float(VAGUE[words[0]])
        for w in words[1:]:
            if w in VAGUE:
                value *= {"thousands": 1_000, "millions": 1_000_000, "billions": 1_000_000_000}[w]
        return _Num(m.start("vague"), m.end(), value, f"{words[0]} of", "")
    elif m["frac"]:
        frac = 0.5 if m["frac"].lower().startswith("half") else 0.25
        mult = m["fmult"].lower()
        if mult == "century":
            return _Num(m.start("frac"), m.end(), frac * 100, "", "years")
        value = frac * MULTIPLIERS[mult]
        unit, approx = "", ""
    else:
        value = words_to_number(m["words"])
        if value is None:
            return None
        unit, approx = "", ""
    if m["cur"]:
        unit = CURRENCY[m["cur"]]
    return _Num(_core_start(m), m.end(), value, approx, unit)


def _core_start(m: re.Match[str]) -> int:
    """Where the figure starts: its currency sign, else its first digit or word (not the space)."""
    for g in ("cur", "digits", "vague", "frac", "words"):
        if m[g]:
            return m.start(g)
    return m.start()


def _excluded(text: str, n: _Num, m: re.Match[str], time_spans: list[tuple[int, int]]) -> bool:
    """Dates, codes, ordinals, determiners and model numbers are not numeric claims."""
    if any(n.start < e and s < n.end for s, e in time_spans):
        return True
    core = m["digits"] or m["words"] or ""
    before = text[max(0, n.start - 40) : n.start]
    after = text[n.end : n.end + 40]
    if m["digits"]:
        b1 = text[n.start - 1] if n.start else " "
        b2 = text[n.start - 2] if n.start > 1 else " "
        if b1.isalpha() or (b1 in "-–/#" and (b2.isalnum())) or b1 in "#№":
            return True  # "F-16", "G7", "COVID-19", "#3"
        if after[:1].isalpha() and not m["suffix"] and not _ORDINAL_SUFFIX.match(after):
            return True  # "72B3"
        if _ORDINAL_SUFFIX.match(after) or re.match(r"^(?:-|/)\d", after) or re.match(r"^\s*(?:a\.m\.|p\.m\.|am\b|pm\b|GMT|UTC|o['’]clock|h\b)", after, re.I):
            return True  # "21st", "9/11", "5-4 ruling", "10 a.m."
        if re.match(r"^[-–][A-Za-z]", after) and not re.match(r"^-(?:year|month|week|day|hour|minute|mile|kilometre|kilometer|metre|meter|foot|feet|inch|ton|tonne|pound|strong|member|seat|point|page|percent|storey|story|person|man)", after, re.I):
            return True  # "4-H", "3-D"; but "two-day", "10-year" are figures
        prev = re.search(r"([\w.]+)\s+$", before)
        if prev and prev.group(1).lower() in IDENTIFIER_BEFORE:
            return True
        if prev and prev.group(1)[:1].isupper() and "," not in core and "." not in core and not m["mult"] and not m["cur"]:
            word = prev.group(1)
            sentence_start = re.search(r"(?:^|[.!?\"“]\s+)" + re.escape(word) + r"\s+$", before)
            if not sentence_start and word.lower() not in _MONTHS_AND_WEEKDAYS and not re.match(r"^\s+[a-z]+s\b", after):
                return True  # "Boeing 737", "Apollo 11", "Windows 10"
    if m["words"]:
        w = m["words"].lower().strip()
        if w in ("one", "a", "an") or re.fullmatch(r"an?", w):
            return True
        referring = _REFERRING.search(before) or re.match(r"^\s*of\s+(?:the|them|us|those|these|its|his|her|their)\b", after, re.I)
        if referring and n.value < 10:
            return True  # "the two leaders", "two of them"
    return False


_MONTHS_AND_WEEKDAYS = {
    *MONTH_NAMES, *WEEKDAY_NAMES, "jan.", "feb.", "aug.", "sept.", "sep.", "oct.", "nov.", "dec.",
    "and", "but", "about", "around", "some", "nearly", "over",
}


def _approx(text: str, n: _Num) -> tuple[str, int]:
    """Approximation words right before the number (and 'or more' after it) -> (approx, new start)."""
    before = text[max(0, n.start - 40) : n.start]
    m = _APPROX_RE.search(before)
    approx, start = n.approx, n.start
    if m:
        word = m.group(1).lower()
        approx = word if not approx or approx == "between" else f"{word} {approx}"
    after = _OR_MORE.match(text[n.end : n.end + 12])
    if after and not approx:
        approx = "at least" if "more" in after.group().lower() or "plus" in after.group().lower() or "+" in after.group() else "about"
    return approx, start


# ---------------------------------------------------------------- counted thing
def _counted(doc: Doc, n: _Num) -> str:
    """The noun phrase after the number ("artillery shells", "containers of ammunition")."""
    span = doc.char_span(n.start, n.end, alignment_mode="expand")
    if span is None:
        return ""
    i = span.end
    if n.approx.endswith(" of") and i < len(doc) and doc[i].lower_ == "of":  # "hundreds of thousands of Russians"
        i += 1
        while i < len(doc) and doc[i].pos_ == "DET":
            i += 1
    if i + 1 < len(doc) and doc[i].text in ("-", "–") and doc[i].idx == n.end:  # "two-day", "10-year"
        i += 1
    run: list[Token] = []
    j = i
    while j < len(doc) and len(run) < 6:
        t = doc[j]
        if j > i and t.is_sent_start:
            break
        if t.ent_iob_ == "B" and t.ent_type_ in ("DATE", "TIME"):
            break  # "rose to 12 yesterday": a new time expression is when, not what is counted
        if t.pos_ in ("NOUN", "PROPN", "ADJ") or t.text == "%" or (t.text == "-" and run):
            run.append(t)
            j += 1
            continue
        break
    nouns = [t for t in run if t.pos_ in ("NOUN", "PROPN") or t.text == "%"]
    if not nouns:
        return ""
    head_idx = span.root.head.i if span.root.head.i != span.root.i else -1
    heads = [t for t in nouns if t.i == head_idx]
    if heads:
        head = heads[0]
    else:  # the first run of nouns ("North Korean missiles"): stop where a noun is not followed by one
        head = next(t for t in nouns if not (t.i + 1 < j and doc[t.i + 1].pos_ in ("NOUN", "PROPN")))
    last = head.i
    if head.lower_ in MEASURE_NOUNS and head.i + 2 < len(doc) and doc[head.i + 1].lower_ == "of":
        k = head.i + 2
        while k < len(doc) and k < head.i + 6 and doc[k].pos_ in ("DET", "ADJ", "NOUN", "PROPN"):
            if doc[k].pos_ in ("NOUN", "PROPN"):
                last = k
                if not (k + 1 < len(doc) and doc[k + 1].pos_ in ("NOUN", "PROPN")):
                    break
            k += 1
    return doc[run[0].i : last + 1].text  # (doc.text would re-join the whole document)


def _normalise_unit(n: _Num, unit: str) -> None:
    """Percent words to "%", currencies to codes, durations to plural time units."""
    low = unit.lower()
    if _PERCENT_WORDS.match(low):
        n.unit = "percentage points" if "point" in low else "%"
        return
    if low in CURRENCY_WORDS:
        n.unit = CURRENCY_WORDS[low]
        return
    first = low.split()[0] if low else ""
    if first in TIME_UNITS or first.rstrip("s") in TIME_UNITS or first in UNIT_FACTOR:
        key = first if first in TIME_UNITS else first.rstrip("s")
        n.value *= UNIT_FACTOR.get(first, UNIT_FACTOR.get(key, 1))
        n.unit = TIME_UNITS.get(key, TIME_UNITS.get(first, first))
        if len(low.split()) > 1 and low.split()[1] == "old":
            n.unit += " old"
        return
    n.unit = unit


# ---------------------------------------------------------------- sources
REPORTING = {
    "say", "report", "estimate", "announce", "claim", "state", "tell", "add", "note", "confirm", "warn", "write",
    "believe", "assess", "calculate", "count", "find", "show", "reveal", "allege", "accuse", "insist", "suggest",
    "indicate", "disclose", "tally", "record", "publish", "put", "cite", "quote", "declare", "testify", "predict",
    "forecast", "project", "argue", "admit", "acknowledge", "explain",
}
_ACCORDING = re.compile(r"\baccording\s+to\s+(?P<src>[^,.;:\n]+?)(?=\s*(?:[,.;:\n]|$|\s+(?:who|which|that|on|in|at)\b))", re.I)


def _clean_source(text: str) -> str:
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip(" \"'“”‘’"), flags=re.I)
    return re.sub(r"['’]s$", "", text).strip()


def _source_from_sentence(sent: SpacySpan, n: _Num) -> str:
    """"according to X", "citing X", or the subject of a reporting verb governing the figure."""
    for m in _ACCORDING.finditer(sent.text):
        return _clean_source(m.group("src"))
    for t in sent:
        if t.lower_ == "citing" and t.i + 1 < sent.end:
            obj = [c for c in t.children if c.dep_ in ("dobj", "pobj")]
            if obj:
                sub = obj[0]
                return _clean_source(sent.doc[sub.left_edge.i : sub.i + 1].text)
    num_tok = sent.doc.char_span(n.start, n.end, alignment_mode="expand")
    ancestors = set()
    if num_tok is not None:
        ancestors = {a.i for a in num_tok.root.ancestors}
    best = None
    for t in sent:
        if t.pos_ not in ("VERB", "AUX") or t.lemma_.lower() not in REPORTING:
            continue
        subj = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("PROPN", "NOUN")]
        agent = [c for c in t.children if c.dep_ == "agent"]
        if not subj and agent:
            subj = [g for g in agent[0].children if g.dep_ == "pobj"]
        if not subj or subj[0].dep_ == "nsubjpass" and not agent:
            continue
        s = subj[0]
        if s.pos_ != "PROPN" and s.lemma_.lower() not in SOURCE_NOUNS:
            continue  # "This picture ... shows", "the progress ... had shown"
        if s.like_num or s.lower_ in ("percent", "%") or (num_tok is not None and num_tok.root in list(s.subtree)):
            continue  # "73 percent said": the figure's own subject is not its source
        src = sent.doc[s.left_edge.i : s.right_edge.i + 1].text
        if any(ch in src for ch in ",;") or len(src.split()) > 9:
            src = sent.doc[s.left_edge.i : s.i + 1].text
        cand = (t.i in ancestors, -abs(t.i - (num_tok.root.i if num_tok is not None else t.i)), _clean_source(src))
        if best is None or cand[:2] > best[:2]:
            best = cand
    return best[2] if best else ""


# Common nouns that can be the source of a figure ("police said", "the ministry estimated").
SOURCE_NOUNS = {
    "police", "official", "officials", "ministry", "study", "report", "survey", "poll", "data", "analysis",
    "analyst", "analysts", "expert", "experts", "authority", "authorities", "government", "army", "military",
    "agency", "spokesman", "spokeswoman", "spokesperson", "source", "sources", "researcher", "researchers", "group",
    "committee", "office", "department", "institute", "organization", "organisation", "media", "newspaper",
    "statement", "figure", "figures", "estimate", "estimates", "census", "tally", "commission", "council", "court",
    "prosecutor", "prosecutors", "investigator", "investigators", "observer", "observers", "monitor", "monitors",
    "witness", "witnesses", "resident", "residents", "doctor", "doctors", "hospital", "medic", "medics",
    "rescuer", "rescuers", "campaign", "company", "firm", "bank", "intelligence", "administration", "lawmaker",
    "lawmakers", "minister", "president", "governor", "mayor", "leader", "chief", "commander", "general",
    "service", "services", "ministry", "watchdog", "regulator", "union", "spokespeople", "paper", "outlet",
    "agencies", "kremlin", "pentagon", "embassy", "diplomat", "diplomats", "organizers", "organisers", "count",
}


def _sentence(doc: Doc, tok: Token, paragraphs: list[int], text_len: int) -> SpacySpan:
    """spaCy's sentence, clipped to the paragraph (a headline without a period is not the lead)."""
    sent = tok.sent
    para_start = max(p for p in paragraphs if p <= tok.idx)
    nxt = [p for p in paragraphs if p > tok.idx]
    para_end = nxt[0] if nxt else text_len
    start, end = max(sent.start_char, para_start), min(sent.end_char, para_end)
    if (start, end) == (sent.start_char, sent.end_char):
        return sent
    clipped = doc.char_span(start, end, alignment_mode="contract")
    return clipped if clipped is not None and len(clipped) else sent


def _source_from_attributions(n: _Num, sent: SpacySpan, attributions: list[Attribution]) -> str:
    inside = [a for a in attributions if a.statement.start <= n.start and n.end <= a.statement.end]
    overlapping = [a for a in attributions if a.statement.start < sent.end_char and sent.start_char < a.statement.end
                   or a.source.start < sent.end_char and sent.start_char < a.source.end]
    for group in (inside, overlapping):
        if group:
            a = min(group, key=lambda a: a.statement.end - a.statement.start)
            return a.source_name or _clean_source(a.source.text)
    return ""


# ---------------------------------------------------------------- rendering
_VAGUE_APPROX = re.compile(r"(?:^|\s)(?:" + "|".join(VAGUE) + r") of$", re.I)
_FEW_APPROX = re.compile(r"(?:^|\s)(?:several|a few|a couple of)$", re.I)
_RANGE_TEXT = re.compile(r"\d\s*(?:-|–|to)\s*\d", re.I)


def _plain(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def figure_value(value: float, approx: str = "", text: str = "") -> str:
    """The value cell of a claim: "≥100,000" when the value only bounds a vague amount, else "7,400"."""
    if _VAGUE_APPROX.search(approx or "") or (_FEW_APPROX.search(approx or "") and not re.search(r"\d", text)):
        return f"≥{_plain(value)}"
    return _plain(value)


def figure_text(value: float, approx: str = "", unit: str = "", text: str = "") -> str:
    """A claim as a reader should see it (see the module docstring): never "hundreds of 100,000"."""
    approx = (approx or "").strip()
    vague = _VAGUE_APPROX.search(approx)
    if vague and text:  # "hundreds of thousands (≥100,000) Russians"; "nearly hundreds of ..."
        parts = [approx[: vague.start()].strip(), f"{text} ({figure_value(value, approx, text)})"]
    elif text and _FEW_APPROX.search(approx) and not re.search(r"\d", text):  # "several hundred (≥100)"
        parts = [approx, f"{text} ({figure_value(value, approx, text)})"]
    elif text and _RANGE_TEXT.search(text):  # "some 10 to 15": the range as written
        parts = [re.sub(r"\s*\bbetween$", "", approx), text]
    else:
        parts = [approx, _plain(value)]
    out = " ".join(p for p in parts if p)
    return f"{out}%" if unit == "%" else " ".join(p for p in (out, unit or "") if p)


# ---------------------------------------------------------------- public API
DESIGNATION_LABELS = ("PRODUCT", "WORK_OF_ART", "LAW", "FAC", "EVENT", "ORG")


def extract_numbers(doc: Doc, attributions: list[Attribution] | None = None) -> list[NumberClaim]:
    """Every numeric claim in ``doc`` with value, counted thing, approximation, source and sentence."""
    text = doc.text
    time_spans = [(t.span.start, t.span.end) for t in extract_times(text, None, doc)]
    time_spans += [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "TIME"]
    # a figure inside a name is a designation, not a count ("Boeing 737 MAX 8", "Section 230",
    # "Apollo 11", "Terminal 5"): spaCy's entity labels for names of things
    name_spans = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in DESIGNATION_LABELS]
    paragraphs = [0] + [m.end() for m in re.finditer(r"\n\s*\n", text)]
    out: list[NumberClaim] = []
    for m in _NUMBER.finditer(text):
        n = _parse(m)
        if n is None or _excluded(text, n, m, time_spans):
            continue
        if any(a <= n.start and n.end <= b for a, b in name_spans):
            continue
        if m["digits"] and re.fullmatch(r"(?:1[89]|20)\d\d", m["digits"]) and not m["cur"] and not m["suffix"]:
            tok = doc.char_span(n.start, n.end, alignment_mode="expand")
            counts = tok is not None and tok.end < len(doc) and doc[tok.end].tag_ in ("NNS", "NNPS")
            if tok is not None and not counts and not _APPROX_RE.search(text[max(0, n.start - 40) : n.start]):
                continue  # a year ("her 2000 and 2006 races"), unless it counts something ("2000 votes")
        n.approx, n.start = _approx(text, n)
        sent_span = doc.char_span(n.start, n.end, alignment_mode="expand")
        if sent_span is None:
            continue
        sent = _sentence(doc, sent_span[0], paragraphs, len(text))
        if re.match(r"^[-\s]years?[-\s]old\b", text[n.end : n.end + 12], re.I):
            n.unit = "years old"
        if not n.unit:
            after = text[n.end : n.end + 30]
            if not n.unit and _PERCENT_WORDS.match(after):
                _normalise_unit(n, _PERCENT_WORDS.match(after).group().strip())  # type: ignore[union-attr]
            else:
                _normalise_unit(n, _counted(doc, n))
            if _ADDRESS.search(n.unit):
                continue  # "131 West 23rd Street"
        source = _source_from_attributions(n, sent, attributions or []) or _source_from_sentence(sent, n)
        out.append(
            NumberClaim(
                span=Span(n.start, n.end, text[n.start : n.end], "NUMBER"),
                value=int(n.value) if float(n.value).is_integer() else n.value,
                unit=n.unit,
                approx=n.approx,
                source=source,
                sentence=Span(sent.start_char, sent.end_char, sent.text, "sentence"),
            )
        )
    return out

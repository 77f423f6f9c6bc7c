"""Cutting a parsed text into statement-sized pieces: sentences, lines and clauses.

A statement is a sentence, or a clause when a sentence joins two claims ("...; ...",
"..., while ...", "X did A and Y did B"); spaCy sentences are merged while a double quotation
is open (:func:`sentence_spans`), so a statement never starts or ends inside a quotation.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span as SpacySpan

from newsprism.compare.common import quoted_spans

QUOTE_MERGE_MAX_CHARS = 1200  # a quotation longer than this is cut at spaCy's sentence ends anyway
QUOTE_MERGE_MAX_SENTENCES = 8
_OPEN_BEFORE = set(" \t\n([{\u2014\u2013-:;,")


def _quote_open(text: str, s: int, e: int, state: tuple[int, bool] = (0, False)) -> tuple[int, bool]:
    """(curly depth, straight quote open) after reading ``text[s:e]`` from ``state``.

    Curly quotes nest by direction; a straight ``"`` opens when it follows a space, a bracket or
    a dash and precedes a non-space ("... the "enemy"), else it closes ('done."' / 'agreed".').
    A line break closes everything.
    """
    depth, straight = state
    for k in range(s, e):
        c = text[k]
        if c == "\n":
            depth, straight = 0, False  # a quotation still open at the end of its paragraph ends there
        elif c == "\u201c":
            depth += 1
        elif c == "\u201d":
            depth = max(0, depth - 1)
        elif c == '"':
            before = text[k - 1] if k > 0 else " "
            after = text[k + 1] if k + 1 < len(text) else " "
            straight = before in _OPEN_BEFORE and not after.isspace()
    return depth, straight


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """spaCy's sentences, merged while a double quotation is open (straight or curly quotes).

    '"The minister's visit ... abroad. Foreign leaders ... in 2000," the article says.' is one
    span, not two, so no statement starts or ends inside a quotation. Merging stops at a line
    break (a quote left open at the end of its paragraph ends there, as the quote extractor
    reads it) and at a length cap, so an unbalanced mark cannot swallow a paragraph.
    """
    text = doc.text
    sents = [(x.start_char, x.end_char) for x in doc.sents]
    out: list[tuple[int, int]] = []
    k = 0
    while k < len(sents):
        s, e = sents[k]
        state = _quote_open(text, s, e)
        n = 1
        while (state[0] or state[1]) and k + n < len(sents) and n < QUOTE_MERGE_MAX_SENTENCES:
            ns, ne = sents[k + n]
            j = e
            while j > s and text[j - 1].isspace():
                j -= 1
            if "\n" in text[j:ns] or ne - s > QUOTE_MERGE_MAX_CHARS:
                break  # the next sentence starts a new line, or the merge would grow too long
            state = _quote_open(text, e, ne, state)
            e = ne
            n += 1
        out.append((s, e))
        k += n
    return out


def _clause_cuts(sent: SpacySpan) -> list[tuple[int, int]]:
    """(end of left clause, start of right clause) char cuts inside one sentence."""
    cuts: list[tuple[int, int]] = []
    for t in sent:
        if t.text == ";" and t.i + 1 < sent.end:
            cuts.append((t.idx, sent.doc[t.i + 1].idx))
        elif t.lower_ in ("while", "whereas") and t.dep_ == "mark" and t.i > sent.start and sent.doc[t.i - 1].text == ",":
            cuts.append((sent.doc[t.i - 1].idx, t.idx + len(t.text) + 1))
        elif t.dep_ == "cc" and t.lower_ in ("and", "but") and t.head.pos_ in ("VERB", "AUX"):
            conj = [c for c in t.head.children if c.dep_ == "conj" and c.i > t.i and c.pos_ in ("VERB", "AUX")]
            if conj and any(c.dep_ in ("nsubj", "nsubjpass") for c in conj[0].children) and t.head.dep_ in ("ROOT", "ccomp"):
                left_end = sent.doc[t.i - 1].idx if sent.doc[t.i - 1].text == "," else t.idx
                cuts.append((left_end, t.idx + len(t.text) + 1))
    return cuts


def _pieces(sent: SpacySpan) -> list[tuple[int, int]]:
    """Sentence -> clause char ranges (only cuts leaving 4+ words on each side, none inside quotes)."""
    s, e = sent.start_char, sent.end_char
    bounds = [(s, e)]
    quotes = quoted_spans(sent.doc.text[s:e])
    for left_end, right_start in _clause_cuts(sent):
        if any(a < left_end - s < b for a, b in quotes):
            continue
        new = []
        for a, b in bounds:
            if a < left_end < b and len(sent.doc.text[a:left_end].split()) >= 4 and len(sent.doc.text[right_start:b].split()) >= 4:
                new += [(a, left_end), (right_start, b)]
            else:
                new.append((a, b))
        bounds = new
    return bounds


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in "-–—•*"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:-–—"):
        e -= 1
    return s, e


def _lines(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out, pos = [], s
    for m in re.finditer(r"\n+", text[s:e]):
        out.append((pos, s + m.start()))
        pos = s + m.end()
    out.append((pos, e))
    return [_trim(text, a, b) for a, b in out if b > a]

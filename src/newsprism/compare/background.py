"""Background claims: the second claim a sentence carries besides its main one, as a statement
of its own ("The streets were decorated ... ahead of his first visit to the country since
2000"). Statements are one claim each for the aligner, so such a sentence could corroborate only
one fact; its parts let it corroborate the second too (see :func:`background_statements`).
Split from :mod:`newsprism.compare.statements`, whose statement builder each part goes through.
"""

from __future__ import annotations

import re

from newsprism.compare.places import seat_metonyms, story_cities
from newsprism.compare.sentences import _clause_cuts, _trim
from newsprism.compare.statements import FieldDoc, Statement, _statement
from newsprism.compare.vocabulary import EVENT_NOUNS

MIN_PART_WORDS = 4  # alphabetic words a background claim needs to stand on its own
MAX_PART_SHARE = 0.85  # a part this much of its statement is the statement itself


def _part_spans(fd: FieldDoc, st: Statement) -> list[tuple[int, int]]:
    """Spans of the claims a statement carries besides its main one (verbatim sub-spans):

    - each sentence of a quotation merged over several sentences, and the clauses of a quoted
      sentence ("..., and the minister last visited Portugal in 2000," the article says);
    - a clause with a subject of its own coordinated below the main one ("... for a visit amid
      suspicion Madrid is seeking to secure a long-term supply of fuel ...");
    - a subject whose relative clause dates or counts something ("Ortiz, who on Wednesday
      promised an independent inquiry, has not commented ...");
    - an event noun phrase inside a prepositional phrase that says when or how many, or what
      happened ("... ahead of his first visit to the country since 2000", "an inquiry into the
      failure of a bridge on the river, which closed the road on Tuesday").
    """
    doc = fd.doc
    span = doc.char_span(st.start, st.end, alignment_mode="expand")
    if span is None:
        return []
    out: list[tuple[int, int]] = []
    sents = [x for x in doc.sents if x.start_char < st.end and st.start < x.end_char]
    for x in sents:
        a, b = max(x.start_char, st.start), min(x.end_char, st.end)
        if len(sents) > 1:
            out.append((a, b))
        sub = doc.char_span(a, b, alignment_mode="contract")
        if sub is None:
            continue
        pos = a
        for left_end, right_start in sorted(_clause_cuts(sub)):
            if len(doc.text[pos:left_end].split()) >= 4 and len(doc.text[right_start:b].split()) >= 4:
                out.append((pos, left_end))
                pos = right_start
        if pos != a:
            out.append((pos, b))
    marked = [(t.span.start, t.span.end) for t in fd.times] + [(n.span.start, n.span.end) for n in fd.numbers]
    for t in span:
        if t.pos_ in ("VERB", "AUX") and t.dep_ == "conj" and t.head.i >= span.start and any(
            c.dep_ in ("nsubj", "nsubjpass") and c.tag_ not in ("WDT", "WP") for c in t.children
        ):
            subj = min(c.left_edge.idx for c in t.children if c.dep_ in ("nsubj", "nsubjpass"))
            out.append((min(subj, t.idx), t.right_edge.idx + len(t.right_edge.text)))
        elif t.pos_ in ("NOUN", "PROPN") and t.dep_ in ("nsubj", "nsubjpass") and any(
            c.dep_ == "relcl" and any(c.left_edge.idx <= a and b <= c.right_edge.idx + len(c.right_edge.text) for a, b in marked)
            for c in t.children
        ):
            # a relative clause that dates or counts something: "Ortiz, who on Wednesday promised
            # an independent inquiry, has not commented"
            out.append((t.left_edge.idx, t.right_edge.idx + len(t.right_edge.text)))
        elif t.pos_ == "NOUN" and t.dep_ == "pobj" and t.lemma_.lower() in EVENT_NOUNS:
            lo, hi = t.left_edge.idx, t.right_edge.idx + len(t.right_edge.text)
            # a claim of its own: it says when, how many, or what happened (a relative clause);
            # "a meeting of the two leaders" alone is not one
            clause = any(d.dep_ in ("relcl", "acl") and d.pos_ in ("VERB", "AUX") for d in t.subtree)
            if clause or any(lo <= a and b <= hi for a, b in marked):
                out.append((lo, hi))
    spans = []
    for a, b in out:
        a, b = _trim(fd.text, max(a, st.start), min(b, st.end))
        a, b = _trim_punct(fd.text, a, b)
        words = len(re.findall(r"[^\W\d_]+", fd.text[a:b]))
        if words < MIN_PART_WORDS or b - a > MAX_PART_SHARE * (st.end - st.start) or (a, b) in spans:
            continue
        spans.append((a, b))
    # the finest pieces only: a part holding another part carries that claim and one more
    return [(a, b) for a, b in spans if not any((a, b) != (c, d) and a <= c and d <= b for c, d in spans)]


def _trim_punct(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in ".,;:!?)]}" + "\u2019\u201d":
        s += 1
    while e > s and text[e - 1] in ",;:([{" + "\u2018\u201c":
        e -= 1
    s, e = _trim(text, s, e)
    m = re.search(r"[\s,]+(?:and|or|but)$", text[s:e])  # "an $82 million deal and"
    return (s, s + m.start()) if m else (s, e)


def background_statements(statements: list[Statement], fields: list[FieldDoc]) -> list[Statement]:
    """The background claims of a story's statements, as statements of their own (``part_of`` set).

    A sentence carries its main claim and often a second one: "The streets were decorated ...
    ahead of his first visit to the country since 2000." Statements are one claim each for the
    aligner, so such a sentence can corroborate only one fact; these parts let it corroborate the
    second too. Parts are numbered after the statements (``idx`` continues) and are used only to
    join facts other outlets report (``newsprism.compare.facts.join_pass``); a part that joins
    none is dropped, so it never makes a fact of its own.
    """
    by_field = {(fd.article.id, fd.field, fd.index): fd for fd in fields}
    metonyms = seat_metonyms(fields)
    cities = story_cities(fields)
    out: list[Statement] = []
    n = len(statements)
    for st in statements:
        fd = by_field.get((st.article.id, st.field, st.index))
        if fd is None:
            continue
        for a, b in _part_spans(fd, st):
            part = _statement(n + len(out), fd, a, b, st.sent_start, st.sent_end, st.source, metonyms, cities)
            if part is None:
                continue
            part.part_of = st.idx
            part.attributed = part.attributed or st.attributed  # "X said ..." frames every part of the sentence
            part.sources = list(dict.fromkeys(part.sources + st.sources))
            part.context_dates = [] if part.dates else list(st.context_dates)
            out.append(part)
    return out

"""Quotes (direct, partial, mixed, indirect) with speaker and cue, and attributions.

Hand-written rules over spaCy's dependency parse. textacy's direct-quotation extractor raises
on an odd number of quote marks (common in scraped news) and finds no indirect speech; no
PyPI package ships an attribution model. On political news a rule set over the parse does
better on direct quotes, and it is the only offline option for indirect speech.

How it works, in order:

1. **Quote marks** (``find_quoted``): straight ``"``, curly ``“ ”``, NYT-style ``''``, and
   single ``‘ ’`` / ``' '`` (a mark between two letters is an apostrophe: "Kremlin’s",
   "Russia‘s"). Marks pair inside a paragraph; a double quote still open at the end of its
   paragraph ends there (the multi-paragraph convention); an orphan opener followed by another
   opener is dropped. Nothing here raises on unbalanced marks.
2. **Cue relations** from the parse: a verb whose lemma is in ``SPEECH_CUES`` / ``BELIEF_CUES``
   (say, tell, state, claim, accuse, write, report, ...; believe, fear, ... only with a clause),
   outside any quotation (a cue inside a quote is the quoted speaker's own reporting). Speaker =
   its ``nsubj`` (inherited along ``conj``/``xcomp``/participial ``advcl``, through "who"
   relative clauses; ``nsubjpass`` for "X was quoted as saying"; when the parse lost the subject
   across a line break, the noun right before the verb). Content = its ``ccomp`` (after or
   before the verb: "S, Putin said"), its ``xcomp`` for promise/urge-type verbs, or its object
   phrase for accuse/call/praise-type verbs ("called the visit 'a sign of despair'" -> the
   predicate). A frame ending the sentence after a comma or dash ("S - Putin said at the
   talks", "S, X was quoted as saying"), a parenthetical frame ("S1, he said, S2"), and "As X
   reported, S" take the rest of the sentence; "X added:" ending a paragraph takes the next
   paragraph (a block quote). Noun cues with a "that" clause ("Trump's claim that ...") and
   "according to X, S" are relations too. Content never runs across a line break.
   **Stances and intentions** (PolNeAR/PARC attribute them too): ``STANCE_CUES`` take their
   object ("Trump attacked Machado", "critics see the program as a loophole" — see/view need
   "as", speak/talk need "of"/"about") and ``INTENT_CUES`` their infinitive ("Clinton wants to
   triple AmeriCorps"); only with a noun or personal-pronoun subject, physical-act verbs
   ("attacked", "pounded") only with a person, and never inside another relation's content
   ("Trump said Clinton wants ..." is Trump's). Beliefs nested that way are dropped too.
   **Agentless passives** ("it was reported that S", "X is expected to Y", "X was accused of
   Y") give sourceless quotes (speaker None, no Attribution), as PolNeAR's
   Attribution-no-source. **Layout credits** (``_line_rels``): a headline "Pence: S" (lead =
   a named person/organisation or "Poll", not "Correction:"), an epigraph credit after a
   quotation ending its line ('"..." ― Name'), and a transcript inside a quotation
   ('"PENCE: Well, ...' -> speaker PENCE, content without the label).
3. **Linking quotations to cues**: a quotation inside a cue's content makes it *direct* (the
   quotation is the whole content and reads as a clause), *partial* (the whole content but a
   fragment: "called it 'a sign of despair'") or *mixed* (paraphrase with quoted pieces). A
   quotation next to a speech frame ('"...," he said' / 'said X: "..."') takes that frame; a
   quotation opening a sentence right after another quote of the paragraph (or of the previous
   paragraph, when that one ends in the quote) continues it — resolution ``"context"``; any
   other quoted clause is a direct quote without a speaker (``"unresolved"``). Unmarked speech
   in the first or second person before its frame ("We greatly appreciate ... - Putin said") is
   *direct* too.
   **Scare quotes**: a quoted fragment (no finite verb, under 12 words) that no cue governs — "a
   ‘friendly’ visit", a headline's 'Violating Sanctions' — and Title Case quotations (titles of
   works, slogans) are *not* quotes: there is no speaker to credit, and listing them under
   "unknown speaker" would only add noise.
4. **Speakers** resolve to canonical entities through the mention at the speaker's head
   (``"explicit"``; several names -> ``"group"``, id ""). Pronouns (he/she -> PERSON, it/they ->
   a nearby ORG/GPE) and definite descriptions headed by a role noun ("the Russian leader", "the
   Kremlin chief", "the president") go to an earlier PERSON: the candidate whose known roles
   ("Russian president") share most words with the description (modifiers count double; the
   head alone only when no modifier contradicts it), else — the salience rule — the most recent
   person that was a clause subject or a quote's speaker (no coreference model ships on PyPI).
   Nothing compatible -> ``"unresolved"``. Unnamed speakers ("a source", "analysts", "a Kremlin
   aide", "the article") -> ``"nominal"`` (id "", name = the phrase); an organisation's voice
   ("the Kremlin's press service", "Kremlin spokesman") -> ``"explicit"`` with the
   organisation's id.
5. **Attributions**: every quote with a speaker span (statement = content, source = speaker),
   plus "citing X" when X names a source ("Reuters, citing its own sources, reported ...";
   cue label "citing"). "citing safety concerns" is instead the subject's own stated reason, a
   quote. "according to X" and "As X reported, S" are quotes too.

Span conventions follow PARC/PolNeAR: direct content keeps its quote marks; indirect content
keeps the complementizer ("that ...") and drops edge punctuation; a cue is the verb with the
auxiliaries, negation and adverbs right before it and a particle ("has also said", "point
out"), "according to", or "was quoted as saying" (``Span.label``: "speech", "belief",
"according", "colon", "dash"; "stance" / "intention" for non-speech cues, which consumers wanting
only what people *said* can drop); a speaker is the whole noun phrase, appositions included ("Victor Cha,
a Korea scholar at CSIS"). Content split by its frame ('"A," he said, "B."') gives two Quotes
sharing cue and speaker.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources

from spacy.tokens import Doc, Token

from newsprism.model import Attribution, Entity, Mention, Quote, Span

# --- lexicons -------------------------------------------------------------------------------

# Verbs of saying/reporting: content may be a clause (ccomp), or a quotation next to them.
SPEECH_CUES = frozenset("""
say tell state claim accuse write report announce add note warn reiterate praise call argue
insist explain suggest admit deny confirm declare assert maintain acknowledge predict estimate
ask respond reply answer recall comment describe vow promise pledge urge demand complain
criticize criticise blame condemn laud hail tweet quote cite mention point indicate reveal
disclose emphasize emphasise stress observe conclude concede charge allege contend testify
affirm propose recommend caution threaten boast joke muse lament quip repeat echo signal hint
forecast assure reassure inform remark shout chant exclaim proclaim retort counter rebut exhort liken
clarify speculate reaffirm restate underscore underline highlight dismiss reject
slam blast tout question dub brand label term characterize characterise agree disagree
protest object apologize apologise recount advise refuse decline summarize summarise find show learn
decry denounce concur lash opine posit theorize theorise whisper yell scream argue
""".split())
# Verbs of thinking: only with a clausal complement ("X believes that ...").
BELIEF_CUES = frozenset("""
believe think feel fear hope expect worry know doubt suspect assume reckon realize realise
understand wonder guess bet imagine
""".split())
# Cues whose object phrase can be the content ("accused X of Y", "praised X for Y").
NP_CONTENT_CUES = frozenset("""
accuse call praise laud hail deny confirm announce report criticize criticise blame condemn
describe reiterate repeat reject dismiss question slam blast tout promise pledge
demand propose recommend cite mention predict estimate acknowledge admit claim dub brand label
term characterize characterise warn urge ask threaten decry denounce reaffirm liken
""".split())
# Cues whose infinitive complement is the content ("vowed to retaliate", "urged X to leave").
XCOMP_CUES = frozenset("""
promise pledge vow threaten urge ask tell warn demand call agree refuse decline offer advise exhort
""".split())
# Cues that need an explicit content clause or a quotation; an object alone is not a claim.
NEEDS_CLAUSE = frozenset("write post tweet add point echo".split())
# ... and these a "that" clause: "the poll found that ...", not "a picture shows Kim inspecting".
NEEDS_THAT = frozenset("find show learn".split())

# PolNeAR (like PARC) also attributes stances and intentions, not only speech: "Clinton wants to
# triple AmeriCorps", "Trump attacked Machado", "critics see the program as a loophole". These
# cues take their object phrase (STANCE_CUES) or infinitive (INTENT_CUES) as content, and only
# with a noun or personal-pronoun subject ("it supports ..." is usually a thing). Cue label "stance" / "intention", so
# consumers that want speech only can drop them.
STANCE_CUES = frozenset("""
support oppose back endorse attack defend discuss document mock chastise dispute reference invoke
outline chronicle grill rip pound paint link tie compare see view regard consider favor favour
champion embrace advocate applaud celebrate thank congratulate challenge fault scold rebuke
ridicule deride disparage insult lambaste berate assail excoriate target pan trash bash knock
speak talk detail want seek
""".split())
INTENT_CUES = frozenset("""
want plan seek intend aim hope expect wish prefer vow pledge promise threaten refuse decline offer
""".split())
# Stance cues that also name physical acts ("Russia attacked Ukraine", "troops pounded the town"):
# a stance only when a person holds it, never a country or an army.
PHYSICAL_CUES = frozenset("attack target pound assail bash knock hit strike".split())
# Relations dropped when their cue sits inside another relation's content (``_drop_nested``).
NESTED_LABELS = frozenset({"stance", "intention", "belief"})
# Stance cues that need "as" ("sees the program as a loophole"): "see Kim" is no stance.
NEEDS_AS = frozenset("see view regard consider".split())
# Stance cues that need "of"/"about" ("spoke of racism"): "spoke at the rally" is no stance.
NEEDS_ABOUT = frozenset("speak talk".split())

# Nouns of saying whose "that" clause is attributed to their owner: "Trump's claim that ...".
NOUN_CUES = frozenset("""
claim assertion statement allegation argument warning promise pledge suggestion insistence
accusation remark contention belief announcement admission denial assurance prediction threat
vow complaint fear hope view conclusion finding estimate charge
""".split())
# Subjects that make "show"/"find" a report without "that": "polls show Clinton ahead".
EVIDENCE_NOUNS = frozenset("""
poll survey study data figure report analysis average statistic record document research number
result review audit investigation census estimate tally count transcript
""".split())
# Heads of a cited phrase that name a source ("citing officials") rather than a reason given by
# the subject ("citing safety concerns"): only the former make "citing X" an attribution to X.
SOURCE_NOUNS = frozenset("""
source official report aide agency spokesman spokeswoman spokesperson person people media
statement data document analyst expert diplomat survey poll study figure newspaper outlet
officer authority ministry government witness insider adviser advisor intelligence record
""".split())
# Verbs whose object is a noun cue they voice: "Trump made the claim that ...".
NOUN_CUE_LIGHT = frozenset("make issue repeat release publish reiterate express voice deliver".split())

# Person-role nouns that make a definite description resolvable to an earlier PERSON.
LEADER_ROLES = frozenset("""
leader president chief head premier minister secretary chancellor dictator king queen ruler
boss strongman autocrat governor mayor senator candidate nominee general commander ambassador
envoy ceo chairman chairwoman director founder pope emperor monarch tsar czar despot
congressman congresswoman representative speaker prosecutor judge nominee host author
""".split())
# Nouns naming a part or voice of an organisation: "the Kremlin's press service" speaks for it.
ORG_VOICE = frozenset("""
service office ministry department agency spokesman spokeswoman spokesperson press website
embassy mission administration government team campaign headquarters council committee
""".split())
PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
# Gender evidence (honorifics before a name, gendered role words, and a short list of common
# unambiguous first names): enough to keep "she said" off the last man mentioned. Names used for
# both sexes (Kim, Jordan, Taylor, Jean, ...) are deliberately absent.
_NAMES = json.loads(resources.files("newsprism.data").joinpath("first_names.json").read_text(encoding="utf-8"))
_FEMALE_NAMES = frozenset(_NAMES["female"])
_MALE_NAMES = frozenset(_NAMES["male"])
_FEMALE = frozenset("mrs ms miss madam sister wife mother daughter woman girl chairwoman "
                    "spokeswoman congresswoman businesswoman queen princess actress widow aunt niece".split())
_MALE = frozenset("mr sir brother husband father son man boy chairman spokesman congressman "
                  "businessman king prince actor widower uncle nephew".split())
PRONOUNS_GROUP = frozenset({"it", "they", "them"})
FIRST_SECOND = frozenset({"i", "we", "our", "us", "my", "me", "you", "your", "ours", "mine"})
_SUBJ = ("nsubj", "nsubjpass")
_TEXT_KEY = "newsprism.quotes.text"
_NP_RIGHT_DEPS = ("compound", "flat", "nummod", "conj", "cc", "case")
_NP_RIGHT_PREPS = frozenset({"of", "for", "at"})
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
_CONTENT_PREPS = frozenset({"of", "for", "about", "over", "on", "as", "against", "that", "with", "to"})

# --- quotation marks ------------------------------------------------------------------------

_MARKS = re.compile(r"''|``|[\"“”‘’'„«»]")
_OPEN_CTX = set(" \t\n\u00a0([{—–-/:;,\"“‘'")  # what may precede an opening mark
_SPACE = set(" \t\n\u00a0")
_OPEN_NEXT = set("‘'“([$£€#@…")  # "...and", "'90s": what may follow an opening mark


@dataclass
class Quoted:
    """A quotation in the text: ``start``/``end`` include the marks; ``closed`` is False when
    the quotation ran to the end of its paragraph without a closing mark."""

    start: int
    end: int
    closed: bool = True
    double: bool = True

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + 1, self.end - (1 if self.closed else 0)


def _paragraphs(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    for m in re.finditer(r"\n", text):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def find_quoted(text: str) -> list[Quoted]:
    """Pair quote marks paragraph by paragraph; never raises on unbalanced marks.

    Top-level double quotations and top-level single-curly quotations are returned; single
    quotes nested in a double quotation are part of it (a quote within the quote).
    """
    out: list[Quoted] = []
    for p0, p1 in _paragraphs(text):
        dbl: int | None = None  # index of the open double mark
        sgl: int | None = None  # index of the open single mark
        sgl_straight = False
        for m in _MARKS.finditer(text, p0, p1):
            ch, i, j = m.group(), m.start(), m.end()
            prev = text[i - 1] if i > p0 else ""
            nxt = text[j] if j < p1 else ""
            opener_ctx = prev == "" or prev in _OPEN_CTX
            if ch in ("“", "„", "«", "``"):
                kind = "open_d"
            elif ch in ("”", "»"):
                kind = "close_d" if dbl is not None or not (opener_ctx and nxt.isalnum()) else "open_d"
            elif ch in ('"', "''"):
                if dbl is None:
                    ok = (nxt.isalnum() or nxt in _OPEN_NEXT) and not prev.isalnum()
                    kind = "open_d" if ok else "skip"
                elif opener_ctx and nxt.isalnum() and not (prev.isalnum() or prev in ".,!?"):
                    kind = "open_d"  # the open one was an orphan
                else:
                    kind = "close_d"
            elif ch in ("‘", "'"):
                straight = ch == "'"
                if prev.isalpha() and nxt.isalpha():
                    continue  # apostrophe: Russia‘s, don't
                if sgl is not None and sgl_straight == straight and not nxt.isalnum() and prev not in _SPACE:
                    kind = "close_s"
                elif opener_ctx and nxt.isalnum():
                    kind = "open_s"
                else:
                    continue
            elif ch == "’":
                if sgl is not None and not sgl_straight and not nxt.isalnum() and prev not in _SPACE:
                    kind = "close_s"
                else:
                    continue  # apostrophe: Kremlin’s, Clintons’
            else:
                continue
            if kind == "open_d":  # (an open single here was an orphan or an apostrophe)
                dbl, sgl = i, None
            elif kind == "close_d":
                if dbl is not None:
                    out.append(Quoted(dbl, j))
                dbl, sgl = None, None
            elif kind == "open_s":
                if sgl is None:
                    sgl, sgl_straight = i, ch == "'"
            elif kind == "close_s":
                if sgl is not None and dbl is None:
                    out.append(Quoted(sgl, j, double=False))
                sgl = None
        if dbl is not None:
            end = p1
            while end > dbl and text[end - 1] in _SPACE:
                end -= 1
            if end - dbl > 1:
                out.append(Quoted(dbl, end, closed=False))
    out.sort(key=lambda q: q.start)
    return out


# --- relations from the parse ---------------------------------------------------------------


@dataclass
class _Rel:
    cue: tuple[int, int]
    label: str  # "speech", "belief", "according", "colon", "dash", "stance", "intention"
    speaker_tok: Token | None
    speaker: tuple[int, int] | None
    content: tuple[int, int] | None
    verb: Token | None = None
    inverted: bool = False
    quotes: list[Quoted] = field(default_factory=list)
    kind: str = "indirect"
    resolution_hint: str = ""  # "context" when the speaker was carried over
    sourceless: bool = False  # an agentless passive: "it was reported that ...", "X is expected to ..."


def _text(doc: Doc) -> str:
    """``doc.text`` rebuilds the string on every call; extract_quotes caches it for its run."""
    cached = doc.user_data.get(_TEXT_KEY)
    return cached if cached is not None else doc.text


def _tok_span(toks: Sequence[Token]) -> tuple[int, int]:
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _trim(doc: Doc, start: int, end: int, keep_marks: bool = False) -> tuple[int, int] | None:
    """Drop whitespace and edge punctuation (quote marks too unless ``keep_marks``)."""
    text = _text(doc)
    edge = ",.;:!?-—–()[] \t\n\u00a0" + ("" if keep_marks else "\"“”‘’'")
    while start < end and text[start] in edge:
        start += 1
    while end > start and text[end - 1] in edge:
        end -= 1
    if not any(c.isalnum() for c in text[start:end]):
        return None
    return start, end


def _subtree_span(tok: Token, exclude: Token | None = None) -> list[Token]:
    """Tokens of ``tok``'s subtree, minus ``exclude``'s subtree, keeping a contiguous run."""
    toks = list(tok.subtree)
    if exclude is not None:
        ex = {t.i for t in exclude.subtree}
        kept = [t for t in toks if t.i not in ex]
        if not kept:
            return []
        first_ex, last_ex = min(ex), max(ex)
        if first_ex <= kept[0].i:  # excluded part at the start
            kept = [t for t in kept if t.i > last_ex]
        elif last_ex >= kept[-1].i:  # at the end
            kept = [t for t in kept if t.i < first_ex]
        else:  # in the middle: keep the whole contiguous stretch (spans are contiguous)
            kept = [t for t in tok.doc[kept[0].i : kept[-1].i + 1]]
        toks = kept
    return toks


def _np_tokens(head: Token) -> list[Token]:
    """The noun phrase of ``head``: left modifiers, the head, and "of/for/at" attachments."""
    left = min((t.left_edge.i for t in head.lefts if t.dep_ != "punct"), default=head.i)
    right = head.i
    for t in head.rights:
        if t.dep_ in _NP_RIGHT_DEPS or (t.dep_ == "prep" and t.lower_ in _NP_RIGHT_PREPS):
            right = max(right, t.right_edge.i)
        elif t.dep_ == "punct" and t.text in ("-", ","):
            continue
        else:
            break
    toks = [t for t in head.doc[left : right + 1]]
    while toks and toks[-1].is_punct:
        toks.pop()
    while toks and toks[0].is_punct:
        toks.pop(0)
    return toks or [head]


def _speaker_tokens(head: Token) -> list[Token]:
    """The speaker's whole noun phrase, appositions and relative clauses included ("Victor
    Cha, a Korea scholar at CSIS"): they say who the speaker is. Resolution uses the head."""
    toks = [t for t in head.subtree if _same_line(head, t)]
    toks = [t for t in head.doc[toks[0].i : toks[-1].i + 1]] if toks else [head]
    while len(toks) > 1 and (toks[-1].is_punct or toks[-1].is_space):
        toks.pop()
    while len(toks) > 1 and (toks[0].is_punct or toks[0].is_space):
        toks.pop(0)
    return toks


def _subject(verb: Token, depth: int = 0) -> Token | None:
    """The speaker token of a cue verb (see module doc)."""
    for c in verb.children:
        if c.dep_ == "nsubj" or (c.dep_ == "nsubjpass" and verb.lemma_ == "quote"):
            if c.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
                return verb.head
            if c.lower_ in ("that", "which", "this") and c.tag_ in ("WDT", "DT"):
                return None
            return c
        if c.dep_ == "agent" and verb.lemma_ != "quote":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    if depth >= 3:
        return None
    head = verb.head
    if head == verb:
        return None
    if verb.dep_ == "conj" and head.pos_ in ("VERB", "AUX"):
        return _subject(head, depth + 1)
    if verb.dep_ == "xcomp" or (verb.dep_ in ("advcl", "acl") and verb.tag_ == "VBG"):
        return _subject(head, depth + 1)
    if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.pos_ == "VERB":
        return _subject(head.head, depth + 1)
    return None


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _cue_span(verb: Token) -> tuple[int, int]:
    """The verb plus a particle ("point out"); the whole "was quoted as saying" chain."""
    toks = [verb] + [c for c in verb.children if c.dep_ == "prt"]
    # auxiliaries, negation and adverbs right before the verb belong to the cue ("has also said",
    # "did not deny"), as in the PARC/PolNeAR conventions
    i = verb.i - 1
    while i >= 0 and verb.doc[i].head == verb and verb.doc[i].dep_ in ("aux", "auxpass", "neg", "advmod") \
            and verb.doc[i].tag_ not in ("WRB",) and verb.doc[i].is_alpha:
        toks.append(verb.doc[i])
        i -= 1
    if verb.lemma_ == "quote":
        toks += [c for c in verb.children if c.dep_ == "auxpass"]
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ == "as":
                toks.append(c)
                toks += [g for g in c.children if g.dep_ == "pcomp"]
    if verb.lemma_ == "call":
        toks += [c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("for", "on")]
    toks.sort(key=lambda t: t.i)
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _sent_rest(verb: Token, doc: Doc) -> tuple[int, int] | None:
    """Content for a frame that closes its sentence after a comma/dash: "S, X said."."""
    sub = list(verb.subtree)
    left, right = sub[0].i, sub[-1].i
    sent = verb.sent
    tail = [t for t in doc[right + 1 : sent.end] if not t.is_punct]
    if tail or left <= sent.start:
        return None
    before = doc[left - 1]
    if before.text not in (",", "-", "—", "–", "--", "―") and before.text not in ("”", '"', "''", "’"):
        return None
    return _trim(doc, doc[sent.start].idx, before.idx, keep_marks=True)


def _content_toks(head: Token) -> list[Token]:
    """``head``'s subtree without a coordinated verb phrase hanging off a noun/adjective
    ("called the claims 'absurd' and thanked Russia ..." -> not the "and thanked ..." part)."""
    verbal = ("VERB", "AUX")
    cut = [c for c in head.children if c.dep_ == "conj" and c.pos_ in verbal and head.pos_ not in verbal]
    toks = list(head.subtree)
    if cut:
        stop = min(min(t.i for t in c.subtree) for c in cut)
        toks = [t for t in toks if t.i < stop]
        while toks and (toks[-1].dep_ == "cc" or toks[-1].is_punct):
            toks.pop()
    return toks or [head]


def _is_frame(tok: Token) -> bool:
    """A bare speech frame ("AFP reported") the parser hung under another cue as its ccomp."""
    left = tok.left_edge.i
    return (tok.lemma_.lower() in SPEECH_CUES and any(c.dep_ == "nsubj" for c in tok.children)
            and all(c.dep_ in ("nsubj", "advmod", "npadvmod", "punct") for c in tok.children)
            and left > 0 and tok.doc[left - 1].text == ",")


def _same_line(a: Token, b: Token) -> bool:
    lo, hi = (a, b) if a.i < b.i else (b, a)
    return "\n" not in _text(a.doc)[lo.idx : hi.idx]


def _content_for(verb: Token, lemma: str, belief: bool) -> tuple[tuple[int, int] | None, bool]:
    """(content span, inverted) for a cue verb, from its complements (see module doc)."""
    doc = verb.doc
    ccomps = [c for c in verb.children if c.dep_ == "ccomp" and not (c.i > verb.i and _is_frame(c))
              and _same_line(verb, c)]
    if not ccomps:  # "told a meeting ... that few people understood" (a "that" clause misread as relative)
        ccomps = [g for c in verb.children if c.dep_ in ("dobj", "dative") for g in c.children
                  if g.dep_ == "relcl" and any(m.dep_ == "mark" and m.lower_ == "that" for m in g.children)]
    evidence = lemma in NEEDS_THAT and any(
        c.dep_ == "nsubj" and c.lemma_.lower() in EVIDENCE_NOUNS for c in verb.children)
    if lemma in NEEDS_THAT and not evidence:
        ccomps = [c for c in ccomps if any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)]
    if ccomps:
        c = max(ccomps, key=lambda t: len(list(t.subtree)))
        toks = list(c.subtree)
        return _tok_span(toks), toks[-1].i < verb.i
    if evidence:
        obj = [c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i]
        if obj:
            return _tok_span(list(obj[0].subtree)), False
    if lemma in INTENT_CUES and lemma not in SPEECH_CUES:
        xc = _xcomp_content(verb)
        if xc is not None or belief:
            return xc, False
    if belief or lemma in NEEDS_THAT:
        return None, False
    paras = [c for c in verb.children if c.dep_ == "parataxis" and c.i < verb.i and _same_line(verb, c)]
    if paras:
        toks = list(paras[0].subtree)
        return _tok_span(toks), True
    if lemma in NEEDS_CLAUSE:
        return None, False
    if lemma == "call":
        oprd = [c for c in verb.children if c.dep_ in ("oprd", "xcomp") and c.i > verb.i]
        if oprd:
            return _tok_span(_content_toks(oprd[0])), False
        prep = [c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("for", "on")]
        if prep:
            rest = [g for g in _content_toks(prep[0]) if g != prep[0]]
            extra = [c for c in verb.children if c.dep_ == "xcomp"]
            toks = rest + [t for x in extra for t in x.subtree]
            if toks:
                toks.sort(key=lambda t: t.i)
                return _tok_span(toks), False
        return None, False
    if lemma in XCOMP_CUES or lemma in INTENT_CUES:
        xc = _xcomp_content(verb)
        if xc is not None:
            return xc, False
    if lemma == "point":  # "pointed to reports that ..."
        to = [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "to"]
        if to:
            toks = [g for g in to[0].subtree if g != to[0]]
            if toks:
                return _tok_span(toks), False
    if lemma == "accuse":  # "accused X of Y": Y is what was said
        of = [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "of" and c.i > verb.i]
        of += [g for c in verb.children if c.dep_ == "dobj"
               for g in c.children if g.dep_ == "prep" and g.lower_ == "of"]
        if of:
            return _tok_span(list(of[0].subtree)), False
    if (lemma in NP_CONTENT_CUES or lemma in STANCE_CUES) and not _is_passive(verb):
        parts = [c for c in verb.children if c.i > verb.i and (
            c.dep_ in ("dobj", "oprd", "xcomp", "dative") and lemma not in ("tell",)
            or (c.dep_ == "prep" and c.lower_ in _CONTENT_PREPS and lemma not in ("report", "announce")))]
        if lemma in NEEDS_AS and not any(g.dep_ == "prep" and g.lower_ == "as" for c in parts
                                         for g in [c, *c.children]):  # "as" on the verb or its object
            return None, False
        if lemma in NEEDS_ABOUT:  # "spoke of the legacy of racism": the object of "of" is the content
            about = [c for c in parts if c.dep_ == "prep" and c.lower_ in ("of", "about")]
            parts = [g for c in about[:1] for g in c.children if g.dep_ in ("pobj", "pcomp")]
            if not parts:
                return None, False
        if lemma == "ask":
            parts = [c for c in parts if c.dep_ != "dobj" or any(g.dep_ == "xcomp" for g in verb.children)]
        if parts:
            toks = sorted((t for p in parts for t in _content_toks(p)), key=lambda t: t.i)
            if len(toks) == 1 and toks[0].pos_ == "PRON":
                return None, False
            # keep the contiguous stretch from the first part to the last
            toks = [t for t in doc[toks[0].i : toks[-1].i + 1]]
            return _tok_span(toks), False
    return None, False


def _passive_content(verb: Token) -> tuple[int, int] | None:
    """Content of an agentless passive cue (PolNeAR's attributions without a source): the
    "that" clause of "it was reported that ...", else the passive subject with its complement
    ("Mr. Quiros was accused of using ...", "one in nine voters is expected to be Latino")."""
    if any(c.dep_ == "agent" for c in verb.children):
        return None
    ccomp = [c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i]
    if ccomp:
        return _tok_span(list(ccomp[0].subtree))
    subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    comp = [c for c in verb.children if c.i > verb.i and (c.dep_ in ("xcomp", "oprd")
            or c.dep_ == "prep" and c.lower_ in ("of", "for", "as"))]
    if subj is None or not comp or subj.lower_ in ("it", "that", "which", "who") or subj.tag_ in ("WDT", "WP"):
        return None
    return subj.left_edge.idx, comp[-1].right_edge.idx + len(comp[-1].right_edge)


def _xcomp_content(verb: Token) -> tuple[int, int] | None:
    """An infinitive complement with its addressee: "urged North Korea to refrain from ..."."""
    xc = [c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i]
    if not xc:
        return None
    obj = [c for c in verb.children if c.dep_ in ("dobj", "dative") and verb.i < c.i < xc[0].i]
    toks = list(xc[0].subtree)
    start = min(t.i for t in obj[0].subtree) if obj else toks[0].i
    return _tok_span([t for t in verb.doc[start : toks[-1].i + 1]])


def _agentive(tok: Token) -> bool:
    """A subject that can hold a stance or an intention: a name or a noun ("critics", "the
    campaign", "the study"), or a personal pronoun, but not "it"/"that" (usually a thing)."""
    if tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or tok.pos_ in ("PROPN", "NOUN"):
        return True
    return tok.pos_ == "PRON" and tok.lower_ in PRONOUNS_PERSON | {"they", "who"}


def _according(doc: Doc, in_quote: list[bool]) -> list[_Rel]:
    rels = []
    for t in doc:
        if t.lower_ != "according" or in_quote[t.i]:
            continue
        to = next((c for c in t.children if c.lower_ == "to"), None)
        if to is None and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to":
            to = doc[t.i + 1]
        if to is None:
            continue
        pobj = next((c for c in to.children if c.dep_ in ("pobj", "pcomp")), None)
        if pobj is None:
            continue
        head = t.head
        if head == t:  # "According to X." fragment
            continue
        toks = _subtree_span(head, exclude=t)
        if head.dep_ == "prep" or head.pos_ in ("NOUN", "PROPN"):  # attached to a noun: use the clause
            clause = head
            while clause.dep_ not in ("ROOT", "ccomp", "relcl", "advcl", "conj") and clause.head != clause:
                clause = clause.head
            toks = _subtree_span(clause, exclude=t)
        content = _trim(doc, *_para_clip(_text(doc), _tok_span(toks), t.idx), keep_marks=True) if toks else None
        if content is None:
            continue
        sp = _speaker_tokens(pobj)
        rels.append(_Rel((t.idx, to.idx + len(to)), "according", pobj, _tok_span(sp), content, verb=t))
    return rels


def _noun_rels(doc: Doc, in_quote: list[bool]) -> list[_Rel]:
    """Noun cues with a "that" clause: "Trump's claim that ...", "a statement by X that ..."."""
    rels = []
    for n in doc:
        if n.pos_ != "NOUN" or n.lemma_.lower() not in NOUN_CUES or in_quote[n.i]:
            continue
        clause = next((c for c in n.children if c.dep_ in ("acl", "ccomp", "relcl") and c.i > n.i
                       and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)), None)
        if clause is None:
            continue
        src = next((c for c in n.children if c.dep_ == "poss"), None)
        if src is None:
            by = next((c for c in n.children if c.dep_ == "prep" and c.lower_ in ("by", "from")), None)
            src = next((g for g in by.children if g.dep_ == "pobj"), None) if by is not None else None
        if src is None and n.dep_ == "dobj" and n.head.lemma_.lower() in NOUN_CUE_LIGHT:
            src = next((c for c in n.head.children if c.dep_ == "nsubj"), None)
        if src is None or in_quote[src.i] or src.lower_ in FIRST_SECOND or src.tag_ in ("WP", "WDT", "WP$"):
            continue
        content = _trim(doc, *_para_clip(_text(doc), _tok_span(list(clause.subtree)), n.idx), keep_marks=True)
        if content is None:
            continue
        sp = _trim(doc, *_para_clip(_text(doc), _tok_span(_speaker_tokens(src)), src.idx), keep_marks=True)
        rels.append(_Rel((n.idx, n.idx + len(n)), "speech", src, sp, content, verb=n))
    return rels


def _names_source(tok: Token) -> bool:
    return tok.ent_type_ in ("PERSON", "ORG") or tok.lemma_.lower() in SOURCE_NOUNS


def _citing(doc: Doc, in_quote: list[bool]) -> list[tuple[Token, Token]]:
    """("citing" token, cited head token) pairs: "Reuters, citing its own sources, reported ..."."""
    out = []
    for t in doc:
        if t.lemma_ == "cite" and t.tag_ == "VBG" and not in_quote[t.i] and not any(
            c.dep_ in _SUBJ for c in t.children
        ):
            obj = next((c for c in t.children if c.dep_ == "dobj"), None)
            if obj is not None and _names_source(obj):
                out.append((t, obj))
    return out


def _left_subject(verb: Token, in_quote: list[bool]) -> Token | None:
    """Fallback speaker when the parse lost the subject (often across a headline's line
    break): the noun right before the verb, skipping auxiliaries and adverbs ("Kim's sister,
    Kim Yo Jon, accused ..."). A conjunction chain is taken whole ("Seoul, Washington and Kyiv")."""
    doc = verb.doc
    i = verb.i - 1
    while i >= 0 and doc[i].dep_ in ("aux", "auxpass", "neg", "advmod") and doc[i].pos_ in ("AUX", "PART", "ADV"):
        i -= 1
    if i >= 0 and doc[i].text == "," and verb.dep_ == "acl":
        i -= 1
    if i < 0 or "\n" in _text(doc)[doc[i].idx : verb.idx] or in_quote[i]:
        return None
    p = doc[i]
    if p.pos_ not in ("PROPN", "NOUN", "PRON") or p.dep_ in ("poss", "compound") or p.tag_ in ("WP", "WDT"):
        return None
    if p.pos_ == "PRON" and p.lower_ not in PRONOUNS_PERSON | PRONOUNS_GROUP:
        return None
    while p.dep_ == "conj" and p.head.i < p.i and "\n" not in _text(doc)[p.head.idx : p.idx]:
        p = p.head
    return p


def _para_clip(text: str, span: tuple[int, int], anchor: int) -> tuple[int, int]:
    """Clip ``span`` to the paragraph (line) holding ``anchor``: spaCy sentences may run
    across line breaks (headlines, captions), attributed content never does."""
    a = text.rfind("\n", 0, anchor) + 1
    b = text.find("\n", anchor)
    b = len(text) if b < 0 else b
    return max(span[0], a), min(span[1], b)


def _block_after_colon(doc: Doc, verb: Token) -> tuple[int, int] | None:
    """A block quote: "The governor added:" ending its paragraph, the words in the next one
    (when that one opens with a quote mark, the quotation linking takes it instead)."""
    text = _text(doc)
    end = verb.idx + len(verb)
    line_end = text.find("\n", end)
    if line_end < 0:
        return None
    m = re.fullmatch(r"((?:\s+[\w’'.-]+){0,5})\s*:\s*", text[end:line_end])
    if m is None:
        return None
    nxt = re.compile(r"\n\s*([^\n]+)").match(text, line_end)
    if nxt is None or nxt.group(1)[0] in "\"“‘'":
        return None
    return _trim(doc, nxt.start(1), nxt.end(1), keep_marks=True)


def _verb_rels(doc: Doc, in_quote: list[bool]) -> list[_Rel]:
    rels = []
    text = _text(doc)
    for v in doc:
        lemma = v.lemma_.lower()
        speech, belief = lemma in SPEECH_CUES, lemma in BELIEF_CUES
        stance = not (speech or belief) and (lemma in STANCE_CUES or lemma in INTENT_CUES)
        if lemma == "put" and any(c.dep_ == "dobj" and c.lower_ == "it" for c in v.children) and any(
                c.dep_ == "mark" and c.lower_ == "as" for c in v.children):
            speech = True  # "as X put it, S": S is X's wording
        if not (speech or belief or stance) or v.pos_ not in ("VERB", "AUX") or in_quote[v.i]:
            continue
        if lemma == "cite" and v.tag_ == "VBG" and not any(c.dep_ in _SUBJ for c in v.children) and any(
                c.dep_ == "dobj" and _names_source(c) for c in v.children):
            continue  # "citing officials": an attribution to them, handled apart; "citing concerns" is speech
        if v.dep_ in ("amod", "compound"):  # "the reported attack"
            continue
        if lemma == "point" and not any(c.dep_ == "prt" and c.lower_ == "out" or c.dep_ == "prep" and c.lower_ == "to"
                                        for c in v.children):
            continue
        if v.dep_ == "acl" and v.tag_ == "VBN":  # "a program called EB-5", "the report, published ..."
            continue
        subj = _subject(v)
        left_fallback = False
        if subj is None and not _is_passive(v) and v.tag_ in ("VBD", "VBZ", "VBP", "VBN"):
            subj = _left_subject(v, in_quote)
            left_fallback = subj is not None
        if subj is not None and not (subj.is_alpha or subj.like_num or subj.pos_ == "PROPN"):
            subj = None
        if subj is not None and in_quote[subj.i]:
            subj = None
        if stance:
            if subj is None or not _agentive(subj) or subj.lower_ in FIRST_SECOND:
                continue
            if lemma in PHYSICAL_CUES and not (subj.ent_type_ == "PERSON" or subj.lower_ in PRONOUNS_PERSON):
                continue
            content, _ = _content_for(v, lemma, belief)
            content = _trim(doc, *_para_clip(text, content, v.idx), keep_marks=True) if content else None
            if content is None:
                continue
            sp_toks = _np_tokens(subj) if left_fallback else _speaker_tokens(subj)
            sp = _trim(doc, *_para_clip(text, _tok_span(sp_toks), subj.idx), keep_marks=True)
            rels.append(_Rel(_cue_span(v), "intention" if lemma in INTENT_CUES and any(
                             c.dep_ == "xcomp" for c in v.children) else "stance", subj, sp, content,
                             verb=v))
            continue
        content, inverted = _content_for(v, lemma, belief)
        if content is None and not belief and lemma not in NEEDS_THAT and subj is not None:
            rest = _sent_rest(v, doc)
            if rest is not None:
                content, inverted = rest, True
        if content is None and subj is not None and v.dep_ == "parataxis" and v.head.pos_ in ("VERB", "AUX") \
                and _same_line(v, v.head) and lemma not in NEEDS_THAT:
            # a parenthetical frame: "The museum, Mr. Bush said, celebrated ..."
            toks = _subtree_span(v.head, exclude=v)
            content, inverted = (_tok_span(toks) if toks else None), True
        if content is None and subj is not None and any(
            c.dep_ == "mark" and c.lower_ == "as" for c in v.children
        ) and v.head != v:
            toks = _subtree_span(v.head, exclude=v)
            content = _tok_span(toks) if toks else None
            inverted = False
        sourceless = subj is None and v.tag_ == "VBN" and _is_passive(v) and lemma != "quote"
        if sourceless:
            content = _passive_content(v) or content
            sourceless = content is not None
        kind = "indirect"
        if content is not None:
            content = _trim(doc, *_para_clip(text, content, v.idx), keep_marks=True)
        elif subj is not None and not belief:
            content = _block_after_colon(doc, v)
            kind = "direct" if content is not None else kind
        if subj is None and content is None:
            continue
        if belief and (content is None or (subj is None and not sourceless)):
            continue
        if subj is not None and subj.lower_ in FIRST_SECOND:
            continue  # the writer ("experts I spoke to") or a quoted speaker's own voice
        sp = None
        if subj is not None:
            sp_toks = _np_tokens(subj) if left_fallback else _speaker_tokens(subj)
            sp = _trim(doc, *_para_clip(text, _tok_span(sp_toks), subj.idx), keep_marks=True)
        rels.append(_Rel(_cue_span(v), "belief" if belief and not speech else "speech", subj, sp, content,
                         verb=v, inverted=inverted, kind=kind, sourceless=sourceless and content is not None))
    return rels


# --- speaker resolution ---------------------------------------------------------------------


@dataclass
class _Resolver:
    doc: Doc
    mentions: list[Mention]
    names: dict[str, str]
    roles: dict[str, set[str]]
    quoted: list[Quoted]
    speakers: list[tuple[int, Mention]] = field(default_factory=list)  # (char pos, mention) of past speakers
    _genders: dict[str, str] | None = None

    def covering(self, start: int, end: int, head: Token | None) -> Mention | None:
        inside = [m for m in self.mentions if m.start < end and m.end > start]
        if head is not None:
            for m in inside:
                if m.start <= head.idx < m.end:
                    return m
        return None

    def _in_quote(self, pos: int) -> bool:
        return any(q.start < pos < q.end for q in self.quoted)

    def _salient(self, before: int, labels: tuple[str, ...], within: int | None = None) -> list[Mention]:
        """Candidate antecedents, most salient first: subjects and past speakers, then the rest."""
        cands = [m for m in self.mentions if m.end <= before and m.label in labels and not self._in_quote(m.start)]
        if within is not None:
            cands = [m for m in cands if before - m.end <= within]
        subj, other = [], []
        for m in cands:
            toks = [t for t in self.doc.char_span(m.start, m.end, alignment_mode="expand") or []]
            is_subj = any(t.dep_ in _SUBJ for t in toks)
            (subj if is_subj else other).append(m)
        subj += [m for pos, m in self.speakers if pos <= before and m.label in labels]
        subj.sort(key=lambda m: m.start, reverse=True)
        other.sort(key=lambda m: m.start, reverse=True)
        return subj + other

    def _document_source(self, before: int, head: Token) -> Mention | None:
        """The named source of "the report" / "the statement" as a speaker: the nearest earlier
        word of the same lemma in this paragraph or the one before, whose source is named there
        ("AFP reported ..." -> the report; "a statement by the ISW", "the ministry's statement",
        "Reuters published a report"). Farther back, or with no named source, the phrase stays
        an unnamed speaker: a wrong name is worse than none."""
        lemma = head.lemma_.lower()
        starts = [p0 for p0, _ in _paragraphs(_text(self.doc)) if p0 <= before]
        window = starts[-2] if len(starts) >= 2 else 0
        for t in reversed([t for t in self.doc if window <= t.idx < before and t.i != head.i]):
            if t.lemma_.lower() != lemma or t.pos_ not in ("NOUN", "VERB") or self._in_quote(t.idx):
                continue
            if t.pos_ == "VERB":
                agents = [c for c in t.children if c.dep_ in ("nsubj", "agent")]
            else:
                agents = [c for c in t.children if c.dep_ in ("poss", "compound")]
                agents += [g for c in t.children if c.dep_ == "prep" and c.lower_ == "by" for g in c.children if g.dep_ == "pobj"]
                if t.dep_ in ("dobj", "obj") and t.head.pos_ == "VERB":
                    agents += [c for c in t.head.children if c.dep_ == "nsubj"]
            for a in agents:
                m = self.covering(a.idx, a.idx + len(a.text), a)
                if m is not None and m.label in ("PERSON", "ORG", "GPE", "NORP"):
                    return m
            return None  # the nearest mention decides, named or not
        return None

    def gender(self, m: Mention) -> str:
        """"f", "m" or "" for a PERSON mention's entity, from evidence anywhere in the article."""
        if self._genders is None:
            found: dict[str, set[str]] = {}
            text = _text(self.doc)
            for x in self.mentions:
                if x.label != "PERSON":
                    continue
                key = x.entity_id or x.text
                before = re.findall(r"[A-Za-z]+", text[max(0, x.start - 6) : x.start])
                words = {w.lower() for w in before[-1:]} | self.roles.get(key, set())
                first = x.text.split()[0].lower() if len(x.text.split()) > 1 else ""
                words |= {"ms"} if first in _FEMALE_NAMES else {"mr"} if first in _MALE_NAMES else set()
                words |= {w.lower() for w in re.findall(r"[A-Za-z]+", x.role)}
                g = found.setdefault(key, set())
                g |= {"f"} if words & _FEMALE else set()
                g |= {"m"} if words & _MALE else set()
            self._genders = {k: next(iter(v)) for k, v in found.items() if len(v) == 1}
        return self._genders.get(m.entity_id or m.text, "")

    def _name(self, m: Mention) -> str:
        return self.names.get(m.entity_id, m.text) if m.entity_id else m.text

    def resolve(self, span: tuple[int, int] | None, head: Token | None) -> tuple[str, str, str]:
        """(speaker_id, speaker_name, resolution) for a speaker span."""
        if span is None:
            return "", "", "unresolved"
        text = _text(self.doc)[span[0] : span[1]]
        m = self.covering(*span, head)
        if m is not None:
            return m.entity_id, self._name(m), "explicit"
        if head is None:
            return "", text, "nominal"
        low = head.lower_
        if head.pos_ == "PRON":
            labels: tuple[str, ...]
            if low in PRONOUNS_PERSON:
                labels = ("PERSON",)
                other = "m" if low in ("she", "her") else "f"
                cands = [c for c in self._salient(span[0], labels) if self.gender(c) != other]
            elif low in PRONOUNS_GROUP:
                cands = self._salient(span[0], ("ORG", "GPE"), within=400)
            else:
                return "", text, "unresolved"
            if cands:
                return cands[0].entity_id, self._name(cands[0]), "pronoun"
            return "", text, "unresolved"
        # an organisation's voice: "the Kremlin's press service", "Kremlin spokesman"
        inner = [m for m in self.mentions if span[0] <= m.start and m.end <= span[1]]
        orgs = [m for m in inner if m.label in ("ORG", "GPE")]
        if orgs and low in ORG_VOICE:
            return orgs[-1].entity_id, _strip_det(text), "explicit"
        return self._describe(span, head, text)

    def group(self, span: tuple[int, int], head: Token | None) -> tuple[str, str, str] | None:
        """Several named speakers ("Both Russia and North Korea"): no single id."""
        if head is None or not any(c.dep_ == "conj" for c in head.children):
            return None
        inner = [m for m in self.mentions if span[0] <= m.start and m.end <= span[1] and m.label != "NORP"]
        if len({m.entity_id or m.text for m in inner}) < 2:
            return None
        names = list(dict.fromkeys(self._name(m) for m in inner))
        return "", ", ".join(names[:-1]) + " and " + names[-1], "group"

    def _describe(self, span: tuple[int, int], head: Token, text: str) -> tuple[str, str, str]:
        """A noun phrase without a name: a resolvable description, or an unnamed speaker."""
        low = head.lower_
        np_toks = [t for t in self.doc.char_span(*span, alignment_mode="expand") or [] if t.is_alpha]
        definite = any(t.lower_ in ("the", "this", "that") or t.dep_ == "poss" for t in np_toks if t.i < head.i)
        mods = {t.lower_ for t in np_toks if t.i < head.i and not t.is_stop}
        cands = self._salient(span[0], ("PERSON",))
        known_roles = set().union(*(self.roles.get(c.entity_id or c.text, set()) for c in cands)) if cands else set()
        if not cands or not (low in LEADER_ROLES or low in known_roles) or not (definite or low in LEADER_ROLES):
            if definite and low in LEADER_ROLES:
                return "", text, "unresolved"
            if definite and (src := self._document_source(span[0], head)) is not None:
                return src.entity_id, self._name(src), "description"
            return "", _strip_det(text), "nominal"
        best, best_score, seen = None, 0, set()
        for c in cands:  # most salient first, so ties go to the most recent subject
            key = c.entity_id or c.text
            if key in seen:
                continue
            seen.add(key)
            rw = self.roles.get(key, set())
            hit = mods & rw
            # the head alone ("leader") counts only if no modifier contradicts ("Kremlin leader"
            # is not "North Korean leader")
            score = 2 * len(hit) + (1 if low in rw and (hit or not mods) else 0)
            if score > best_score:
                best, best_score = c, score
        if best is None and definite and low in LEADER_ROLES:
            best = cands[0]
        if best is None:
            return "", _strip_det(text), "nominal"
        return best.entity_id, self._name(best), "description"


def _strip_det(text: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", text, flags=re.I)


def _role_words(mentions: Sequence[Mention], entities: Sequence[Entity] | None) -> dict[str, set[str]]:
    roles: dict[str, set[str]] = {}
    for m in mentions:
        key = m.entity_id or m.text
        if m.role:
            roles.setdefault(key, set()).update(w.lower() for w in re.findall(r"[A-Za-z]+", m.role))
    for e in entities or []:
        for r in e.roles:
            roles.setdefault(e.id, set()).update(w.lower() for w in re.findall(r"[A-Za-z]+", r))
    return roles


def _mentions_from_doc(doc: Doc) -> list[Mention]:
    """Fallback when the entities stage did not run: spaCy's own entity spans."""
    return [Mention(e.start_char, e.end_char, e.text, "LOC" if e.label_ == "FAC" else e.label_)
            for e in doc.ents if e.label_ in ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP")]


# --- putting it together ----------------------------------------------------------------------


def _clause_like(doc: Doc, q: Quoted) -> bool:
    span = doc.char_span(*q.inner, alignment_mode="expand")
    if span is None:
        return False
    toks = [t for t in span if not t.is_punct]
    if len(toks) >= 3 and any(t.tag_ in _FINITE for t in toks):
        return True
    return len(toks) >= 12


def _before_char(text: str, pos: int) -> str:
    i = pos - 1
    while i >= 0 and text[i] in " \t\u00a0":
        i -= 1
    return text[i] if i >= 0 else "\n"


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _outside_alnum(text: str, content: tuple[int, int], q: tuple[int, int]) -> int:
    """Alphanumeric characters of ``content`` outside ``q``."""
    left = text[content[0] : max(content[0], q[0])]
    right = text[min(content[1], q[1]) : content[1]]
    return sum(c.isalnum() for c in left + right)


def _link_quotes(doc: Doc, rels: list[_Rel], quoted: list[Quoted], in_quote: list[bool]) -> list[_Rel]:
    """Attach each quotation to a relation (see module doc, step 3); returns extra relations."""
    text = _text(doc)
    extra: list[_Rel] = []
    para_of = _paragraph_index(text)
    done: list[tuple[Quoted, _Rel]] = []
    for q in quoted:
        qs = (q.start, q.end)
        if any(q in r.quotes for r in rels):
            continue  # already framed by its layout (see _line_rels)
        if _title_case(text[q.start : q.end]):
            continue  # 'All Bets Are Off', "Keepin' It Real": a title or a name, not speech
        # 1. inside (or covering) a relation's content: the smallest content wins
        over = [r for r in rels if r.content is not None and _overlap(r.content, qs) > 0]
        if over:
            r = min(over, key=lambda r: r.content[1] - r.content[0])  # type: ignore[index]
            assert r.content is not None
            out = _outside_alnum(text, r.content, qs)
            if out <= 3 or (r.content[0] >= q.start and r.content[1] <= q.end):
                r.content = (min(r.content[0], q.start) if out > 0 else q.start,
                             max(r.content[1], q.end) if out > 0 else q.end)
                if out == 0:
                    r.content = qs
                opens = _before_char(text, q.start) in ".!?:,—–-\n\"”"
                r.kind = "direct" if _clause_like(doc, q) and opens else "partial"
                if r.kind == "direct" and out > 0:
                    r.kind = "mixed"
            else:
                r.content = (min(r.content[0], q.start), max(r.content[1], q.end))
                if r.kind != "direct":
                    r.kind = "mixed"
            r.quotes.append(q)
            done.append((q, r))
            continue
        # 2. a speech frame right after ("...," he said) or right before (he said: "...")
        frame = _frame_rel(doc, rels, q, in_quote)
        if frame is not None:
            r, fresh = frame
            if fresh:
                r.content, r.kind = qs, ("direct" if _clause_like(doc, q) else "partial")
            else:
                r = _Rel(r.cue, r.label, r.speaker_tok, r.speaker, qs, verb=r.verb,
                         kind="direct" if _clause_like(doc, q) else "partial")
                extra.append(r)
            r.quotes.append(q)
            done.append((q, r))
            continue
        prev = _previous_quote(done, q, para_of, text)
        continues = prev is not None and prev.speaker is not None and _before_char(text, q.start) in ".!?\n"
        if not continues and not _clause_like(doc, q):
            continue  # a scare quote / title: not speech anyone is credited with
        # 3. "Speaker: "quote"" (headline and tweet style)
        colon = _colon_rel(doc, q)
        if colon is not None:
            extra.append(colon)
            done.append((q, colon))
            continue
        # 4. a quoted clause continuing the previous quote (same paragraph, or the previous one)
        if prev is not None and prev.speaker is not None:
            r = _Rel(prev.cue, prev.label, prev.speaker_tok, prev.speaker, qs, verb=prev.verb, kind="direct",
                     resolution_hint="context")
        else:
            r = _Rel((q.start, q.start), "speech", None, None, qs, kind="direct")
            r.cue = None  # type: ignore[assignment]
        r.quotes.append(q)
        extra.append(r)
        done.append((q, r))
    return extra


def _title_case(s: str) -> bool:
    words = re.findall(r"[A-Za-z][A-Za-z']*", s)
    long = [w for w in words if len(w) > 3]
    return len(words) >= 2 and len(long) >= 1 and all(w[0].isupper() for w in long) and \
        sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _paragraph_index(text: str) -> list[tuple[int, int]]:
    return list(_paragraphs(text))


def _para(paras: list[tuple[int, int]], pos: int) -> int:
    for k, (a, b) in enumerate(paras):
        if a <= pos <= b:
            return k
    return -1


def _previous_quote(
    done: list[tuple[Quoted, _Rel]], q: Quoted, paras: list[tuple[int, int]], text: str
) -> _Rel | None:
    if not done:
        return None
    pq, pr = done[-1]
    pk, qk = _para(paras, pq.start), _para(paras, q.start)
    if pk == qk:
        return pr
    if pk == qk - 1:
        # previous paragraph must end with that quotation's sentence (no new narration after it)
        tail = text[pq.end : paras[pk][1]]
        if not re.search(r"[.!?][\"”’']?\s+[A-Z]", tail) or not pq.closed:
            return pr
    return None


def _frame_rel(doc: Doc, rels: list[_Rel], q: Quoted, in_quote: list[bool]) -> tuple[_Rel, bool] | None:
    """A speech relation framing ``q`` ("...," X said / X said: "..."). (rel, content-was-empty)."""
    text = _text(doc)
    after = before = None
    k = doc.char_span(q.start, q.end, alignment_mode="expand")
    if k is not None:
        after = next((t for t in doc[k.end : k.end + 40] if not (t.is_punct or t.is_space)), None)
        before = next((t for t in reversed(doc[max(0, k.start - 40) : k.start])
                       if not (t.is_punct or t.is_space)), None)
    between_after = text[q.end : after.idx] if after is not None else ""
    between_before = text[before.idx + len(before) : q.start] if before is not None else ""
    for r in rels:
        if r.verb is None or r.speaker is None or r.label != "speech":
            continue
        sub = {t.i for t in r.verb.subtree}
        if r.speaker_tok is not None:
            sub |= {t.i for t in r.speaker_tok.subtree}
        if after is not None and after.i in sub and "\n" not in between_after and r.verb.i >= after.i \
                and r.verb.i - after.i <= 8 and not any(in_quote[i] for i in range(after.i, r.verb.i)):
            return r, r.content is None
        if before is not None and before.i in sub and before.i >= r.verb.i and \
                re.fullmatch(r"\s*[:,]?\s*", between_before) and (r.content is None or r.content[1] <= q.start):
            return r, r.content is None
    return None


def _colon_rel(doc: Doc, q: Quoted) -> _Rel | None:
    text = _text(doc)
    i = q.start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i < 0 or text[i] != ":":
        return None
    line_start = text.rfind("\n", 0, i) + 1
    lead = doc.char_span(line_start, i, alignment_mode="contract")
    if lead is None or not (1 <= len(lead) <= 8):
        return None
    ents = [e for e in doc.ents if e.start_char >= line_start and e.end_char == i and e.label_ in ("PERSON", "ORG")]
    if not ents:
        return None
    e = ents[-1]
    return _Rel((i, i + 1), "colon", e.root, (e.start_char, e.end_char), (q.start, q.end), kind="direct", quotes=[q])


# Line leads that label the text rather than credit a speaker ("Correction: ...").
_EDITORIAL_LABELS = frozenset({
    "correction", "clarification", "update", "note", "editor's note", "editor’s note", "source", "sources",
    "related", "photo", "video", "watch", "read more", "advertisement", "disclosure"})


def _line_rels(doc: Doc, quoted: list[Quoted], in_quote: list[bool]) -> list[_Rel]:
    """Attributions made by layout rather than a verb (cue label "colon" / "dash"):

    - a headline "Name: what they said" ("Pence: Gennifer Flowers won't be at debate"): the lead
      is a person/organisation name (a named entity or Title Case proper nouns) or a poll;
    - an epigraph-style credit after a quotation ending its line ('"..." ― Sonya Herridge').
    """
    text = _text(doc)
    rels: list[_Rel] = []
    for p0, p1 in _paragraphs(text):
        m = re.match(r"([^:\n]{2,40}?)\s*(:)\s+(\S)", text[p0:p1])
        if m is not None and m.group(3) not in "\"“‘'":
            colon = p0 + m.start(2)
            lead = doc.char_span(p0, p0 + m.end(1), alignment_mode="contract")
            content = _trim(doc, p0 + m.start(3), p1, keep_marks=True)
            words = len(re.findall(r"\w+", text[content[0] : content[1]])) if content else 0
            if lead is not None and content is not None and 1 <= len(lead) <= 4 and words >= 3 \
                    and not any(in_quote[t.i] for t in lead):
                ent = any(e.start_char <= lead.start_char and e.end_char >= lead.end_char
                          and e.label_ in ("PERSON", "ORG") for e in doc.ents)
                names = len(lead) <= 2 and all(t.pos_ == "PROPN" and t.text[:1].isupper() and not t.text.isupper()
                                               for t in lead)
                poll = len(lead) == 1 and lead[0].lemma_.lower() in EVIDENCE_NOUNS
                if (ent or names or poll) and lead.text.lower() not in _EDITORIAL_LABELS:
                    rels.append(_Rel((colon, colon + 1), "colon", lead.root, (lead.start_char, lead.end_char),
                                     content, kind="indirect"))
    for q in quoted:
        if not q.closed:
            continue
        line_end = text.find("\n", q.end)
        line_end = len(text) if line_end < 0 else line_end
        m = re.match(r"\s*(―|—|–|--|-)\s*([^\n]{2,80})$", text[q.end : line_end])
        if m is None:
            continue
        name = doc.char_span(q.end + m.start(2), line_end, alignment_mode="contract")
        if name is None or not name[0].text[:1].isupper():
            continue
        toks = [t for t in name]
        cut = next((k for k, t in enumerate(toks) if t.text == ","), len(toks))
        toks = toks[:cut]
        if not toks or len(toks) > 6 or not any(t.ent_type_ in ("PERSON", "ORG") or t.pos_ == "PROPN" for t in toks):
            continue
        d0 = q.end + m.start(1)
        sp = _trim(doc, toks[0].idx, toks[-1].idx + len(toks[-1]))
        if sp is None:
            continue
        root = max(toks, key=lambda t: (t.ent_type_ == "PERSON", t.i))
        rels.append(_Rel((d0, d0 + len(m.group(1))), "dash", root, sp, (q.start, q.end), kind="direct",
                         quotes=[q]))
    for q in quoted:  # a transcript inside a quotation: '"PENCE: Well, look, ...'
        a, b = q.inner
        m = re.match(r"([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,2}):\s+", text[a:b])
        if m is None or len(m.group(1)) < 3:
            continue
        content = _trim(doc, a + m.end(), q.end, keep_marks=True)
        lead = doc.char_span(a, a + m.end(1), alignment_mode="contract")
        if content is None or lead is None:
            continue
        rels.append(_Rel((a + m.end(1), a + m.end(1) + 1), "colon", lead.root, (a, a + m.end(1)), content,
                         kind="direct", quotes=[q]))
    return rels


def extract_quotes(
    doc: Doc, mentions: list[Mention] | None = None, entities: list[Entity] | None = None
) -> tuple[list[Quote], list[Attribution]]:
    """Quotes (direct/partial/mixed/indirect) and attributions found in ``doc``.

    ``mentions``/``entities`` come from the entities stage (canonical ids); without them
    spaCy's entity spans are used and ids stay empty.
    """
    doc.user_data[_TEXT_KEY] = doc.text
    try:
        return _extract(doc, mentions, entities)
    finally:
        doc.user_data.pop(_TEXT_KEY, None)


def _extract(
    doc: Doc, mentions: list[Mention] | None, entities: list[Entity] | None
) -> tuple[list[Quote], list[Attribution]]:
    text = _text(doc)
    ments = sorted(mentions if mentions else _mentions_from_doc(doc), key=lambda m: m.start)
    names = {e.id: e.name for e in entities or []}
    quoted = find_quoted(text)
    in_quote = [False] * len(doc)
    for q in quoted:
        a, b = q.inner
        for t in doc.char_span(a, b, alignment_mode="expand") or []:
            if t.idx >= a and t.idx < b:
                in_quote[t.i] = True
    rels = _verb_rels(doc, in_quote) + _noun_rels(doc, in_quote) + _according(doc, in_quote)
    rels += _line_rels(doc, quoted, in_quote)
    rels.sort(key=lambda r: r.cue[0])
    rels += _link_quotes(doc, rels, quoted, in_quote)
    resolver = _Resolver(doc, ments, names, _role_words(ments, entities), quoted)

    quotes: list[Quote] = []
    attributions: list[Attribution] = []
    # a relation needs content, and a speaker unless it carries a quotation
    rels = [r for r in rels if r.content is not None and (r.speaker is not None or r.quotes or r.sourceless)]
    rels = _drop_nested(rels, NESTED_LABELS)
    rels = [part for r in rels for part in _split_around_frame(doc, r)]
    rels.sort(key=lambda r: (r.content[0], r.content[1]))  # type: ignore[index]
    # resolve in reading order of the speakers so earlier speakers feed the salience list
    for r in sorted(rels, key=lambda r: r.speaker[0] if r.speaker else r.content[0]):  # type: ignore[index]
        grp = resolver.group(r.speaker, r.speaker_tok) if r.speaker else None
        r_id, r_name, r_res = grp or resolver.resolve(r.speaker, r.speaker_tok)
        if r.resolution_hint and r_res == "explicit":
            r_res = r.resolution_hint
        r._resolved = (r_id, r_name, r_res)  # type: ignore[attr-defined]
        if r_id and r.speaker is not None:
            m = next((m for m in ments if m.entity_id == r_id), None)
            if m is not None and m.label == "PERSON":
                resolver.speakers.append((r.speaker[0], m))
    for r in rels:
        assert r.content is not None
        if r.content[1] - r.content[0] <= 0:
            continue
        kind = r.kind
        if kind == "indirect" and r.inverted and _first_second_person(doc, r.content):
            kind = "direct"  # unmarked direct speech: "We greatly appreciate ... - Putin said"
        sid, sname, res = r._resolved  # type: ignore[attr-defined]
        content = Span(r.content[0], r.content[1], text[r.content[0] : r.content[1]], kind)
        cue = Span(r.cue[0], r.cue[1], text[r.cue[0] : r.cue[1]], r.label) if r.cue else None
        speaker = Span(r.speaker[0], r.speaker[1], text[r.speaker[0] : r.speaker[1]]) if r.speaker else None
        quotes.append(Quote(kind, content, cue, speaker, sid, sname, res))  # type: ignore[arg-type]
        if speaker is not None:
            attributions.append(Attribution(Span(content.start, content.end, content.text), speaker, cue, sid, sname))
    attributions += _citing_attributions(doc, resolver, rels, in_quote)
    attributions.sort(key=lambda a: (a.statement.start, a.source.start))
    return quotes, attributions


def _drop_nested(rels: list[_Rel], labels: frozenset[str]) -> list[_Rel]:
    """Drop a stance/intention relation whose cue sits inside another relation's content: in
    "Trump said Clinton wants to raise taxes" the attribution is Trump's; PolNeAR (and a reader)
    credits each stretch of text to one source."""
    spans = [(r.content, r.cue) for r in rels if r.content is not None and r.label not in labels]
    return [r for r in rels if r.label not in labels or r.cue is None or not any(
        c[0] <= r.cue[0] and r.cue[1] <= c[1] and cue != r.cue for c, cue in spans)]


def _split_around_frame(doc: Doc, r: _Rel) -> list[_Rel]:
    """Content never contains its own frame: '"A," he said, "B."' and 'A, he said, B' give
    two contents sharing cue and speaker."""
    assert r.content is not None
    if r.cue is None or not (r.content[0] <= r.cue[0] and r.cue[1] <= r.content[1]):
        return [r]
    lo, hi = r.cue
    if r.speaker is not None and r.content[0] <= r.speaker[0] and r.speaker[1] <= r.content[1]:
        lo, hi = min(lo, r.speaker[0]), max(hi, r.speaker[1])
    if r.verb is not None and r.verb.lemma_ == "quote":
        hi = max(hi, r.cue[1])
    halves = (_trim(doc, r.content[0], lo, keep_marks=True), _trim(doc, hi, r.content[1], keep_marks=True))
    parts = [p for p in halves if p]
    words = [len(re.findall(r"\w+", _text(doc)[p[0] : p[1]])) for p in parts]
    if len(parts) == 2 and min(words) < 3:
        # "where Putin, according to ..., will be staying": halves too small to stand alone
        parts = [parts[words.index(max(words))]] if max(words) >= 6 else []
    if not parts:
        return [r]
    out = []
    for part in parts:
        if part is not None:
            kind = r.kind
            if kind in ("direct", "mixed") and not any(_overlap(part, (q.start, q.end)) for q in r.quotes):
                kind = "indirect"
            out.append(_Rel(r.cue, r.label, r.speaker_tok, r.speaker, part, verb=r.verb, inverted=r.inverted,
                            quotes=r.quotes, kind=kind, resolution_hint=r.resolution_hint))
    return out


def _first_second_person(doc: Doc, span: tuple[int, int]) -> bool:
    s = doc.char_span(*span, alignment_mode="expand")
    return s is not None and any(t.lower_ in FIRST_SECOND and t.pos_ == "PRON" for t in s)


def _citing_attributions(doc: Doc, resolver: _Resolver, rels: list[_Rel], in_quote: list[bool]) -> list[Attribution]:
    text = _text(doc)
    out = []
    for cite, obj in _citing(doc, in_quote):
        head = cite.head
        stmt = next((r.content for r in rels if r.verb == head and r.content is not None), None)
        if stmt is None:
            toks = _subtree_span(head, exclude=cite) if head != cite else []
            stmt = _trim(doc, *_tok_span(toks)) if toks else None
        if stmt is None:
            continue
        src = _tok_span(_np_tokens(obj))
        sid, sname, _ = resolver.resolve(src, obj)
        out.append(Attribution(Span(stmt[0], stmt[1], text[stmt[0] : stmt[1]]),
                               Span(src[0], src[1], text[src[0] : src[1]]),
                               Span(cite.idx, cite.idx + len(cite), cite.text, "citing"), sid, sname))
    return out

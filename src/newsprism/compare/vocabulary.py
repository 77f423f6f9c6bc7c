"""The word classes the compare stage reads statements with: event words, what a figure counts,
paraphrase concepts, claim frames, facility and region nouns, first-person and negation words.

One home for these tables (the aligner, the event rules and the conflict finder import them
from here). They are general English words; ``tests/test_no_corpus_words.py`` keeps words of
our own corpora out of them.
"""

from __future__ import annotations

# Normalised event words: statements about the same event share one of these.
EVENT_WORDS = {
    "meet": "meet", "meeting": "meet", "talk": "meet", "talks": "meet", "summit": "meet",
    "welcome": "meet", "host": "meet", "greet": "meet", "handshake": "meet",
    "visit": "visit", "trip": "visit", "travel": "visit", "arrive": "visit", "arrival": "visit",
    "tour": "visit", "fly": "visit",
    "sign": "sign", "signing": "sign", "agreement": "sign", "treaty": "sign",
    "attack": "attack", "strike": "attack", "kill": "attack", "launch": "launch", "fire": "launch",
    "elect": "elect", "election": "elect", "vote": "elect",
    "speak": "speak", "tell": "speak", "address": "speak", "conference": "speak", "briefing": "speak",
    "fail": "fail", "failure": "fail", "collapse": "fail", "burst": "fail", "breach": "fail", "break": "fail",
    "explode": "explode", "explosion": "explode", "blast": "explode", "crash": "crash", "erupt": "erupt",
    "flood": "flood", "hit": "hit", "arrest": "arrest", "detain": "arrest", "die": "die",
}
# What a figure counts, beyond its unit: "12 people killed" vs "4,200 people evacuated".
PREDICATES = {
    "kill": "kill", "die": "kill", "dead": "kill", "death": "kill", "toll": "kill", "fatality": "kill",
    "perish": "kill", "drown": "kill", "killing": "kill",
    "evacuate": "evacuate", "evacuation": "evacuate", "flee": "evacuate", "displace": "evacuate", "relocate": "evacuate",
    "rescue": "rescue", "save": "rescue",
    "injure": "injure", "wound": "injure", "hurt": "injure", "injury": "injure",
    "miss": "miss", "missing": "miss", "flood": "flood", "inundate": "flood", "submerge": "flood",
    "arrest": "arrest", "detain": "arrest", "send": "supply", "ship": "supply", "supply": "supply", "deliver": "supply",
}
GENERIC_VERBS = {"be", "rise", "reach", "climb", "stand", "total", "include", "number", "hit", "exceed", "top", "increase", "grow", "fall", "drop"}
# A few concepts news reports word many ways; a statement gets a "#concept" token for each, so
# "travel to" aligns with "visit" and "shipping weapons" with "sent ammunition" without a model.
CONCEPTS = {
    "visit": "visit", "trip": "visit", "travel": "visit", "arrive": "visit", "arrival": "visit", "tour": "visit",
    "send": "supply", "ship": "supply", "supply": "supply", "deliver": "supply", "provide": "supply",
    "transfer": "supply", "export": "supply", "shipment": "supply", "delivery": "supply",
    "weapon": "arms", "arm": "arms", "munition": "arms", "ammunition": "arms", "shell": "arms", "missile": "arms",
    "rocket": "arms", "artillery": "arms", "drone": "arms",
    "meet": "meet", "meeting": "meet", "talk": "meet", "talks": "meet", "summit": "meet", "host": "meet",
    "kill": "kill", "die": "kill", "dead": "kill", "death": "kill",
    "agreement": "deal", "treaty": "deal", "deal": "deal", "pact": "deal",
    "say": "say", "state": "say", "tell": "say", "announce": "say", "claim": "say",
    "praise": "praise", "laud": "praise", "hail": "praise", "thank": "praise", "appreciate": "praise",
    "sanction": "sanction", "embargo": "sanction",
}
# Claim frames: a predicate that acts on a kind of thing ("shipping grain to Portugal", "a supply of
# fuel from Lisbon", "signed a treaty"), with the participants named in its phrase.
FRAME_PREDICATES = frozenset({"supply", "sign"})
FRAME_OBJECTS = frozenset({"arms", "deal"})
# Kinds of facility where news events happen (general building and amenity classes, as in
# OpenStreetMap's map features); words met only in our own corpora were removed.
FACILITY_NOUNS = {
    "airport": "airport", "airbase": "base", "base": "base", "spaceport": "spaceport",
    "palace": "palace", "hotel": "hotel",
    "stadium": "stadium", "university": "university", "station": "station",
    "embassy": "embassy", "hall": "hall", "square": "square", "plant": "plant", "factory": "plant",
    "shipyard": "shipyard", "harbour": "port", "harbor": "port", "hospital": "hospital",
    "headquarters": "headquarters", "parliament": "parliament",
}
REGION_WORDS = {
    "region", "province", "territory", "state", "county", "district", "east",
    "west", "north", "south", "island", "peninsula", "coast", "sea", "border", "area", "continent",
    "europe", "asia", "africa", "america", "middle",
}
FIRST_PERSON = {"i", "we", "my", "our", "us", "me", "ours", "myself", "ourselves"}

# Nouns naming an event: "ahead of his first visit to the country since 2000", "an inquiry into the
# failure of a bridge ..., which closed ...". Reporting and the things supplied ("arms") are
# not events of their own.
EVENT_NOUNS = frozenset(
    {w for w, e in EVENT_WORDS.items() if e != "speak"}
    | {w for w, c in CONCEPTS.items() if c in ("visit", "supply", "meet", "deal", "kill")}
    | {"invasion", "offensive", "shipment", "delivery", "transfer", "export"}
)

"""Which sentences may stand as briefing lines, through the product's own path (ingest, extract,
compare) on three short reports of one made-up event: an outlet's sentence with a word in scare
quotes is its own sentence, not a quotation; a wire lead's dateline is left out of its line,
while the line's passage still points at the article's own characters."""

from __future__ import annotations

from typing import Any

import pytest

from newsprism.compare import compare_story
from newsprism.evaluate.jsonl import extract_records
from newsprism.model import Story

RECORDS = [
    {"id": "wire", "source": "Wire Service", "title": "Harbor bridge closed after inspectors find cracks",
     "published": "2025-03-03",
     "text": "RIVERTON (Wire Service) — State engineers closed the Harbor Street bridge on Monday after inspectors "
             "found deep cracks in two of its steel supports.\n\n"
             "The bridge carries about 40,000 vehicles a day across the Colby River.\n\n"
             "Repairs are expected to take at least six weeks, the transportation department said."},
    {"id": "daily", "source": "Riverton Daily", "title": "City shuts Harbor Street bridge",
     "published": "2025-03-03",
     "text": "The state transportation department on Monday closed the Harbor Street bridge, describing the cracks "
             "inspectors found in its steel supports as “serious” and ordering repairs.\n\n"
             "About 40,000 vehicles cross the bridge over the Colby River every day.\n\n"
             "Commuters were told to use the Mill Road crossing while the work goes on."},
    {"id": "radio", "source": "Valley Radio", "title": "Cracks close a busy bridge in Riverton",
     "published": "2025-03-04",
     "text": "Engineers closed the Harbor Street bridge in Riverton on Monday after an inspection found cracks in "
             "two steel supports.\n\n"
             "The transportation department said repairs would take at least six weeks.\n\n"
             "The bridge, which crosses the Colby River, carries about 40,000 vehicles a day."},
]


@pytest.fixture(scope="module")
def briefed() -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    articles = extract_records(RECORDS)
    assert all(a is not None for a in articles)
    story = Story(id="s1", members={a.id: 1.0 for a in articles})
    trace: dict[str, Any] = {}
    comparison = compare_story(story, articles, trace=trace)
    return comparison, trace, {a.id: a.text for a in articles}


def test_a_sentence_with_a_word_in_scare_quotes_can_stand_as_a_line(briefed: Any) -> None:
    _, trace, _ = briefed
    assert any(t.startswith("The state transportation department on Monday closed") for t in trace["texts"])


def test_a_wire_leads_line_leaves_its_dateline_out(briefed: Any) -> None:
    comparison, trace, texts = briefed
    assert any(t.startswith("State engineers closed the Harbor Street bridge") for t in trace["texts"])
    assert not any(t.startswith("RIVERTON") for t in trace["texts"])
    lines = comparison["briefing"]["summary"]
    assert lines
    for line in lines:
        p = line["passage"]
        assert texts[p["article"]][p["start"]:p["end"]] == line["text"] == p["text"]
        assert not line["text"].startswith("RIVERTON")

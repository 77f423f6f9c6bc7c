"""A comparison's written form (report.json, the store, `compare --json`) lists each passage once
and cites it by row; reading it back gives the comparison as built."""

from __future__ import annotations

import copy

from newsprism.model import (
    drop_passage_texts, fill_passage_texts, pack_passages, pack_spans, unpack_passages, unpack_spans,
)


def _p(article: str, start: int, end: int, text: str, outlet: str, **more: object) -> dict:
    return {"article": article, "outlet": outlet, "start": start, "end": end, "text": text, "field": "text", **more}


def _comparison() -> dict:
    kim = _p("a1", 10, 20, "Kim met him", "Outlet A")
    return {
        "articles": [{"id": "a1", "outlet": "Outlet A"}, {"id": "a2", "outlet": "Outlet B"}],
        "facts": [
            {"id": "F1", "text": "Kim met him", "representative": dict(kim),
             "passages": [{**kim, "stance": "asserts", "sources": []},
                          {**_p("a2", 0, 5, "Kim's", "Outlet B"), "stance": "attributes", "sources": ["TASS"]}]},
        ],
        # an event's text is its representative's; one whose text differs keeps it
        "events": [{"id": "E1", "text": "Kim met him", "representative": dict(kim), "passages": [dict(kim)]},
                   {"id": "E2", "text": "Kim", "representative": dict(kim), "passages": [dict(kim)]}],
        "framing": {"hits": [{"term": "pariah", "passage": _p("a2", 3, 9, "pariah", "Outlet B"),
                              "sentence": _p("a2", 0, 30, "x" * 30, "Outlet B")}]},
        # a caption passage: the same span in another field is another passage
        "captions": [_p("a1", 10, 20, "Kim met him", "Outlet A", field="caption", index=1)],
        # an outlet label other than the article's is kept on the reference
        "quotes": [_p("a1", 10, 20, "Kim met him", "A's wire copy")],
    }


def test_each_passage_is_written_once_and_cited_by_row() -> None:
    packed = pack_passages(_comparison())
    table = packed["passages"]
    assert len(table) == 5  # a1 body 10-20, a2 0-5, a2 3-9, a2 0-30, a1 caption 1 10-20
    assert all("outlet" not in row for row in table)
    fact = packed["facts"][0]
    assert fact["representative"] == {"p": 0} and packed["events"][0]["passages"] == [{"p": 0}]
    assert "text" not in fact and "text" not in packed["events"][0]  # written once, in the table
    assert packed["events"][1]["text"] == "Kim"
    assert fact["passages"][1] == {"p": 1, "stance": "attributes", "sources": ["TASS"]}
    assert table[packed["captions"][0]["p"]] == {"article": "a1", "field": "caption", "index": 1, "start": 10, "end": 20,
                                                  "text": "Kim met him"}
    assert packed["quotes"][0] == {"p": 0, "outlet": "A's wire copy"}


def test_reading_the_written_form_gives_back_the_comparison() -> None:
    built = _comparison()
    before = copy.deepcopy(built)
    packed = pack_passages(built)
    assert built == before  # packing copies, never changes what was built
    assert unpack_passages(packed) == before
    assert pack_passages(packed) is packed  # written once: not packed twice
    assert unpack_passages(before) == before  # a comparison never packed (an older store) reads as it is


def _article() -> dict:
    text = "Mayor Ana Ruiz said on Monday that 40 homes flooded."
    span = lambda s, e, label="": {"start": s, "end": e, "text": text[s:e], "label": label}  # noqa: E731
    return {
        "id": "a1", "text": text, "title": "Ruiz", "captions": ["Ruiz at the river"],
        "paragraphs": [{"start": 0, "end": len(text), "text": "", "label": "paragraph"}],  # text kept as it is
        "mentions": [{**span(6, 14), "label": "PERSON", "entity_id": "PERSON:ana_ruiz", "role": ""}],
        "quotes": [{"kind": "indirect", "content": span(20, 51, "indirect"), "cue": span(15, 19, "speech"),
                    "speaker": span(0, 14), "speaker_name": "Ana Ruiz"}],
        "numbers": [{"span": span(35, 37, "NUMBER"), "value": 40, "sentence": span(0, len(text), "sentence")}],
        # a span whose text is not the body's own (say, of the title) keeps it
        "times": [{"span": {"start": 0, "end": 4, "text": "Ruiz", "label": "TIMEX"}, "value": "x"}],
    }


def test_an_articles_spans_are_written_without_the_text_the_article_already_holds() -> None:
    built = _article()
    before = copy.deepcopy(built)
    packed = pack_spans(built)
    assert built == before
    assert packed["mentions"][0] == {"start": 6, "end": 14, "label": "PERSON", "entity_id": "PERSON:ana_ruiz", "role": ""}
    assert packed["quotes"][0]["speaker"] == {"start": 0, "end": 14}  # an empty label goes too
    assert packed["numbers"][0]["sentence"] == {"start": 0, "end": len(built["text"]), "label": "sentence"}
    assert packed["times"][0]["span"]["text"] == "Ruiz" and packed["paragraphs"] == before["paragraphs"]
    assert packed["text"] == before["text"] and packed["captions"] == before["captions"]
    assert unpack_spans(packed) == before
    assert unpack_spans(before) == before


def test_report_passages_read_their_text_from_the_articles_written_beside_them() -> None:
    body, caption = "On Monday Kim met him.", "Kim met him in Pyongyang"
    articles = {"a1": {"id": "a1", "text": body, "title": "Kim meets him", "captions": ["", caption]}}
    built = {
        "articles": [{"id": "a1", "outlet": "Outlet A"}, {"id": "a2", "outlet": "Outlet B"}],
        "facts": [{"id": "F1", "passages": [_p("a1", 10, 21, body[10:21], "Outlet A"), _p("a2", 0, 5, "Kim's", "Outlet B")]}],
        "events": [{"id": "E1", "passages": [_p("a1", 0, 3, "Kim", "Outlet A", field="title"),
                                             _p("a1", 0, 11, caption[:11], "Outlet A", field="caption", index=1)]}],
    }
    packed = pack_passages(built)
    written = drop_passage_texts(packed, articles)
    # a1's body, headline and caption are in the report: their rows leave the text out; a2 is not: its row keeps it
    assert [("text" in r) for r in written["passages"]] == [False, True, False, False]
    assert fill_passage_texts(written, articles) == packed
    assert unpack_passages(fill_passage_texts(written, articles)) == built
    # a text that is not the article's own slice (an edited article) is kept, never rebuilt wrongly
    assert drop_passage_texts(packed, {"a1": {**articles["a1"], "text": "y" * 30}})["passages"][0]["text"] == "Kim met him"

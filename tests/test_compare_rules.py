"""Unit rules of the compare stage: figure tolerance, units, dates, clause splitting, names."""

from __future__ import annotations

from newsprism.compare.conflicts import figures_conflict, unit_key
from newsprism.compare.dates import date_range
from newsprism.compare.statements import build_statements
from newsprism.model import Article, NumberClaim, Origin, Span


def _n(text: str, value: float, unit: str = "shells", approx: str = "") -> NumberClaim:
    return NumberClaim(Span(0, len(text), text), value, unit, approx)


def test_compare_figures_about_5_million_vs_4_9_million_agree() -> None:
    assert not figures_conflict(_n("about 5 million", 5e6, approx="about"), _n("4.9 million", 4.9e6))


def test_compare_figures_rounding_and_qualifiers() -> None:
    assert not figures_conflict(_n("5 million", 5e6), _n("4.9 million", 4.9e6))  # 5 million is round
    assert figures_conflict(_n("5 million", 5e6), _n("7 million", 7e6))
    assert not figures_conflict(_n("at least 12", 12, approx="at least"), _n("12", 12))
    assert figures_conflict(_n("at least 12", 12, approx="at least"), _n("nine", 9))
    assert figures_conflict(_n("10", 10), _n("12", 12))  # small exact counts are exact


def test_compare_units_normalise() -> None:
    assert figures_conflict(_n("10 km", 10, "km"), _n("10 miles", 10, "miles"))
    assert not figures_conflict(_n("16 km", 16, "km"), _n("10 miles", 10, "miles"))
    assert unit_key("artillery shells")[1] == "shell"
    assert unit_key("containers of ammunition")[1] == "container"
    assert unit_key("residents")[1] == unit_key("people")[1]


def test_compare_date_ranges_compatibility() -> None:
    year, month, day = date_range("2023"), date_range("2023-09"), date_range("2023-09-13")
    assert year and month and day
    assert year.compatible(day) and month.compatible(day)
    other = date_range("2019-04-25")
    assert other and not other.compatible(month)
    visit = date_range("2024-06-18/2024-06-19")
    assert visit and visit.compatible(date_range("2024-06-18"))  # type: ignore[arg-type]


def _article(text: str, aid: str = "a1", outlet: str = "Example") -> Article:
    return Article(id=aid, origin=Origin("file", f"/tmp/{aid}.txt"), outlet=outlet, text=text)


def test_compare_statements_split_two_claims_and_keep_quotes_whole() -> None:
    a = _article("The council approved the budget, while the mayor vetoed the tax plan. "
                 "“We will fight this, and we will win,” the mayor said.")
    sts, _ = build_statements([a])
    texts = [s.text for s in sts]
    assert "The council approved the budget" in texts
    assert any(t.startswith("the mayor vetoed the tax plan") for t in texts)
    assert any("We will fight this, and we will win" in t for t in texts)
    for s in sts:
        assert a.text[s.start : s.end] == s.text


def test_compare_statements_tolerate_unannotated_articles() -> None:
    a = _article("President Ana Mora visited Lisbon on 4 May 2021. She met the mayor of Lisbon there.")
    sts, _ = build_statements([a])
    assert sts and sts[0].dates and sts[0].persons


def test_compare_statements_merge_sentences_inside_a_quotation() -> None:
    a = _article('The council met on Monday.\n\n"The budget is a disgrace. Nobody asked the residents, and the mayor '
                 'knows it," the opposition leader said.\n\n“We will appeal. The court will decide,” the mayor replied. '
                 'The meeting ended at noon.')
    sts, _ = build_statements([a])
    texts = [s.text for s in sts]
    assert '"The budget is a disgrace. Nobody asked the residents, and the mayor knows it," the opposition leader said.' in texts
    assert "“We will appeal. The court will decide,” the mayor replied." in texts
    assert "The meeting ended at noon." in texts
    assert not [t for t in texts if t.startswith(("Nobody asked", "The court will"))]


def test_compare_statements_unbalanced_quote_does_not_swallow_the_paragraph() -> None:
    # a stray mark closes by position ('DPRK" -'), so the next sentence stays a statement of its own
    a = _article('Russia counts on the "joint struggle against the West and the "enemy of the DPRK" - the United States. '
                 'The article contains many well-known propaganda narratives.\n\n'
                 '"An open quote that never closes runs to the end of its paragraph. It stops there.\n\n'
                 'A new paragraph is a new statement. So is its second sentence.')
    sts, _ = build_statements([a])
    texts = [s.text for s in sts]
    assert "The article contains many well-known propaganda narratives." in texts
    assert "A new paragraph is a new statement." in texts and "So is its second sentence." in texts
    assert any(t.startswith('"An open quote') and t.endswith("It stops there.") for t in texts)


def test_compare_quotes_by_speaker_list_what_people_said_not_stances() -> None:
    from newsprism.compare.briefing import quotes_by_speaker, quotes_without_speaker
    from newsprism.compare.framing import Framer
    from newsprism.model import Quote

    text = ("Putin seeks alliances wherever he can. Moscow is seeking to secure munitions. "
            "Putin said the talks were useful. He is believed to be a missionary.")
    a = _article(text)

    def q(content: str, cue: str, label: str, speaker: str | None, sid: str = "") -> Quote:
        c0 = text.index(content)
        k0 = text.index(cue)
        sp = Span(text.index(speaker), text.index(speaker) + len(speaker), speaker) if speaker else None
        return Quote("indirect", Span(c0, c0 + len(content), content), Span(k0, k0 + len(cue), cue, label), sp,
                     sid, speaker or "", "explicit" if speaker else "unresolved")

    a.quotes = [
        q("alliances", "seeks", "stance", "Putin", "PERSON:putin"),
        q("to secure munitions", "is seeking", "intention", "Moscow", "GPE:moscow"),
        q("the talks were useful", "said", "speech", "Putin", "PERSON:putin"),
        q("to be a missionary", "is believed", "belief", None),
    ]
    groups = quotes_by_speaker([a], {a.id: "Example"})
    assert [(g["speaker"], [x["passage"]["text"] for x in g["quotes"]]) for g in groups] == [("Putin", ["the talks were useful"])]
    nobody = quotes_without_speaker([a], {a.id: "Example"})
    assert [x["passage"]["text"] for x in nobody] == ["to be a missionary"]
    voices, words = Framer.voices(a, "Example")
    assert [(v["speaker"], v["words"], v["share"]) for v in voices] == [("Putin", 4, 1.0)]
    assert words == 4 and Framer.unattributed_words(a) == 4

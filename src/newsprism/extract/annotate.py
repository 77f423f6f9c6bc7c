"""Run every extractor over articles: one spaCy parse per article, shared by all extractors.

Order matters and is fixed here: entities (canonical ids) -> quotes & attributions (speakers
resolved to those ids) -> publication date from the text -> time expressions anchored on that
date -> numeric claims (sources from the attributions). A failing extractor is recorded on the
article (``extras["errors"]``) and the others still run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from spacy.tokens import Doc

from newsprism.extract.dating import infer_published
from newsprism.extract.entities import AliasTable, extract_entities
from newsprism.extract.nlp import get_nlp
from newsprism.extract.numbers import extract_numbers
from newsprism.extract.quotes import extract_quotes
from newsprism.extract.times import AnchorPrecision, extract_times, period_start
from newsprism.model import TRUSTED_DATE_CONFIDENCE, Article, TimeExpr

PARALLEL_FROM = 200  # articles; below this a second process costs more than it saves


def anchor_date(article: Article) -> dt.date | None:
    """The day relative expressions are resolved against, if the article's date is trusted."""
    return article.published.trusted_day()


def anchor_of(article: Article) -> tuple[dt.date | None, AnchorPrecision]:
    """The anchor and how much of it is known: a trusted day, else a trusted month or year.

    The trust rule is ``anchor_date``'s (confidence and no conflict); a month ("2024-06") or
    year anchor is the period's first day with precision "month"/"year", against which
    ``extract_times`` resolves only what needs no finer date ("June 18", not "tomorrow").
    """
    day = anchor_date(article)
    if day is not None:
        return day, "day"
    p = article.published
    if not p.value or p.confidence < TRUSTED_DATE_CONFIDENCE or p.conflict:
        return None, "day"
    return period_start(p.value, p.precision) or (None, "day")


def _times(article: Article, doc: Doc) -> list[TimeExpr]:
    anchor, precision = anchor_of(article)
    return extract_times(article.text, anchor, doc, precision)


def _step(article: Article, name: str, fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as exc:  # one extractor's bug must not lose the article's other annotations
        article.extras.setdefault("errors", []).append(f"E901: {name} failed ({type(exc).__name__}: {exc})")
        return None


def annotate(article: Article, doc: Doc, aliases: AliasTable | None = None) -> Article:
    """Fill mentions, entities, quotes, attributions, published, times and numbers."""
    ents = _step(article, "entities", lambda: extract_entities(doc, aliases))
    if ents:
        article.mentions, article.entities = ents
    qa = _step(article, "quotes", lambda: extract_quotes(doc, article.mentions, article.entities))
    if qa:
        article.quotes, article.attributions = qa
    published = _step(article, "dating", lambda: infer_published(article, doc))
    if published is not None:
        article.published = published
    times = _step(article, "times", lambda: _times(article, doc))
    if times is not None:
        article.times = times
    numbers = _step(article, "numbers", lambda: extract_numbers(doc, article.attributions))
    if numbers is not None:
        article.numbers = numbers
    if "extract" not in article.stages:
        article.stages.append("extract")
    return article


def annotate_many(
    articles: list[Article], progress: Callable[[str], None] | None = None, aliases: AliasTable | None = None,
    keep: Callable[[Article, Doc], None] | None = None,
) -> list[Article]:
    """Parse in batches (both cores for large inputs) and annotate each article in order
    (``keep``: called with each article and its parse, e.g. to cache the parse)."""
    nlp = get_nlp()
    aliases = aliases or AliasTable.load()
    n_process = 2 if len(articles) >= PARALLEL_FROM else 1
    docs = nlp.pipe((a.text for a in articles), batch_size=32, n_process=n_process)
    out = []
    for article, doc in zip(articles, docs):
        out.append(annotate(article, doc, aliases))
        if keep is not None:
            keep(article, doc)
        if progress:
            progress(article.origin.location)
    return out

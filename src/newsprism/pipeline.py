"""The pipeline: ingest -> clean -> dedup/store -> extract -> stories -> compare -> report.

Only this module (and the CLI / API layers) wires stages together; stage packages import
``model``, ``errors`` and their own helpers only. Per-document failures are recorded on the run
(one line naming the input) and the run goes on with the rest.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsprism.clean import clean_document
from newsprism.clean.dedup import DuplicateIndex, signature
from newsprism.errors import ConfigError, InputError, StoreError
from newsprism.ingest.fetch import Fetcher
from newsprism.ingest.manifest import Manifest
from newsprism.ingest.sources import Ingestor
from newsprism.limits import Limits
from newsprism.model import Article, RawDocument, Story
from newsprism.store import Store

Progress = Callable[[str, str], None]  # (event, location) -> None
EXTRACT_SETTINGS = "extract.settings"  # Article.extras key: the settings it was extracted with (none: defaults)


@dataclass
class Problem:
    location: str
    code: str
    message: str

    def line(self) -> str:
        return f"{self.location}: {self.code}: {self.message}"


@dataclass
class RunReport:
    """Counts and per-input outcomes of one run (what the CLI prints at the end)."""

    ingested: int = 0
    already_stored: int = 0
    duplicates: int = 0
    rejected: list[Problem] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set, repr=False)
    interrupted: bool = False
    aborted: str | None = None
    seconds: float = 0.0
    stories: list[Story] = field(default_factory=list)

    def reasons(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self.rejected + self.failed:
            out[p.code] = out.get(p.code, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "ingested": self.ingested,
            "already_stored": self.already_stored,
            "duplicates": self.duplicates,
            "rejected": len(self.rejected),
            "failed": len(self.failed),
            "problems": [p.__dict__ for p in self.rejected + self.failed],
            "reasons": self.reasons(),
            "articles": len(self.article_ids),
            "interrupted": self.interrupted,
            "aborted": self.aborted,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class UpdateReport:
    """What ``Pipeline.update`` did: articles extracted and grouped, stories compared."""

    extracted: int = 0
    assigned: int = 0
    compared: int = 0
    story_ids: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "<story id>: <coded reason>" of stories left uncompared
    interrupted: bool = False
    aborted: str | None = None
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage: extract, stories, compare

    def to_dict(self) -> dict[str, Any]:
        return {"extracted": self.extracted, "assigned": self.assigned, "compared": self.compared,
                "stories": len(self.story_ids), "problems": self.problems, "interrupted": self.interrupted, "aborted": self.aborted,
                "seconds": round(self.seconds, 3), "stage_seconds": {k: round(v, 3) for k, v in self.stage_seconds.items()}}


def _optional(module: str, name: str) -> Any:
    """A stage function if its module is installed/built, else None (stages land one by one)."""
    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise


class Pipeline:
    """Runs the stages over a store. The CLI and the Python API both go through here."""

    def __init__(
        self, store: Store, fetcher: Fetcher | None = None, manifest: Manifest | None = None,
        progress: Progress | None = None, aliases_file: str | None = None, lexicon_file: str | None = None,
        limits: Limits | None = None, briefing_words: int | None = None,
    ) -> None:
        self.store = store
        self.briefing_words = briefing_words  # None: the compare stage's default budget
        self.limits = limits or Limits.from_settings()
        self.aliases_file = aliases_file or os.environ.get("NEWSPRISM_ALIASES") or None
        self.lexicon_file = lexicon_file
        self.ingestor = Ingestor(fetcher, manifest, self.limits)
        self.progress = progress or (lambda event, loc: None)
        self._dups: DuplicateIndex | None = None
        self._aliases: Any = None
        self._lexicon: Any = None

    @property
    def dups(self) -> DuplicateIndex:
        if self._dups is None:
            self._dups = DuplicateIndex()
            # Only originals are indexed: a copy is linked to its original's root, so indexing it
            # too would only make every later look-up check one more candidate per known copy
            # (cost growing with the amount of syndication stored, not with the new article).
            self._dups.load(self.store.signatures(originals_only=True))
        return self._dups

    # -- ingest + clean + dedup + store ---------------------------------------------------
    def ingest(self, targets: list[str], report: RunReport | None = None) -> RunReport:
        report = report or RunReport()
        start = time.perf_counter()
        try:
            for item in self.ingestor.iter_documents(targets):
                if isinstance(item, InputError):
                    report.rejected.append(Problem(item.location, item.code, item.message))
                    self.progress("rejected", item.location)
                    continue
                self.ingest_document(item, report)
        except KeyboardInterrupt:
            report.interrupted = True
        except StoreError as exc:  # the store failed mid-run: keep the counts of what went in
            report.aborted = str(exc)
        report.seconds += time.perf_counter() - start
        return report

    def ingest_document(self, raw: RawDocument, report: RunReport) -> None:
        """Clean, de-duplicate and store one document, counting the outcome on ``report``."""
        location = raw.origin.location
        try:
            article = clean_document(raw, self.limits)
        except InputError as err:
            report.rejected.append(Problem(err.location or location, err.code, err.message))
            self.progress("rejected", location)
            return
        except Exception as exc:  # a bug in a stage must not end the run; it is reported
            report.failed.append(Problem(location, "E900", f"{type(exc).__name__}: {exc}"))
            self.progress("failed", location)
            return
        if article.id in report.seen or self.store.has(article.id):
            self._already_stored(article.id, location, report)
            return
        sig = signature(article.text)
        hit = self.dups.find(article.id, sig)
        if hit is not None:
            # Link copies of copies to the root, so a chain still counts as one source.
            original = self.store.get(hit[0])
            root = original.duplicate_of if original is not None and original.duplicate_of else hit[0]
            article.duplicate_of, article.duplicate_score = root, round(hit[1], 3)
            article.stages.append("dedup")
        # replace=False: another process ingesting the same files may have stored it since has()
        if not self.store.put(article, sig.hashvalues, replace=False):
            self._already_stored(article.id, location, report)
            return
        if hit is None:
            self.dups.add(article.id, sig)
        else:
            report.duplicates += 1
        report.ingested += 1
        report.seen.add(article.id)
        report.article_ids.append(article.id)
        self.progress("duplicate" if hit else "ingested", location)

    def _already_stored(self, article_id: str, location: str, report: RunReport) -> None:
        report.already_stored += 1
        if article_id not in report.seen:
            report.seen.add(article_id)
            report.article_ids.append(article_id)
        self.progress("already_stored", location)

    # -- per-article annotation -----------------------------------------------------------
    def extract(self, articles: list[Article]) -> list[Article]:
        """Entities, quotes, numbers, times and dates on each article (if the stage exists)."""
        annotate = _optional("newsprism.extract.annotate", "annotate_many")
        if annotate is None:
            return articles
        from newsprism.extract.nlp import docs_to_bytes, parser_id

        aliases = self.load_aliases()
        parses: list[tuple[str, bytes]] = []  # kept for the compare stage, which then parses no body again
        done = annotate(articles, progress=lambda loc: self.progress("extracted", loc), aliases=aliases,
                        keep=lambda a, doc: parses.append((a.id, docs_to_bytes([doc]))))
        settings = self.extract_settings()
        for a in done:
            a.extras.pop(EXTRACT_SETTINGS, None)
            if settings:
                a.extras[EXTRACT_SETTINGS] = settings
        self.store.update_many(done)
        self.store.put_parses(parses, parser_id())
        return list(done)

    def extract_settings(self) -> str:
        """What an extraction depends on besides the article: the user's alias file ("" for the
        packaged table). An article extracted with other settings is extracted again."""
        if not self.aliases_file:
            return ""
        try:
            return "aliases:" + hashlib.sha1(Path(self.aliases_file).read_bytes()).hexdigest()[:16]
        except OSError as exc:
            raise ConfigError(f"{self.aliases_file}: cannot read alias file: {exc.strerror or exc}") from exc

    def stories(self, articles: list[Article], compare: bool = True) -> list[Story]:
        """Group into stories, settle dates from each story, and (``compare``) compare each story."""
        assign = _optional("newsprism.stories.assign", "assign_stories")
        if assign is None:
            return []
        stories: list[Story] = assign(self.store, articles, self.comparer() if compare else None, self.compare_settings())
        return stories

    def comparer(self) -> Callable[[Story, list[Article]], dict[str, Any]] | None:
        """The compare stage with this pipeline's settings (lexicon, briefing budget), if built."""
        compare = _optional("newsprism.compare", "compare_story")
        if compare is not None and self.lexicon_file:
            compare = functools.partial(compare, lexicon=self.load_lexicon())
        if compare is not None and self.briefing_words:
            compare = functools.partial(compare, briefing_words=self.briefing_words)
        if compare is not None:  # statement vectors made once per article; the story size limit
            compare = functools.partial(compare, cache=self.store, max_statements=self.limits.max_story_statements)
        return compare  # type: ignore[no-any-return]

    def compare_settings(self) -> str:
        """What a stored comparison depends on besides its story's members: the comparison's
        version, the briefing budget and the lexicon file's content (a change makes it stale)."""
        from newsprism import __version__

        version = getattr(importlib.import_module("newsprism.compare.story"), "COMPARISON_VERSION", 0)
        lexicon = ""
        if self.lexicon_file:
            lexicon = hashlib.sha1(Path(self.lexicon_file).read_bytes()).hexdigest()[:16]
        return json.dumps({"comparison": version, "newsprism": __version__, "briefing_words": self.briefing_words,
                           "lexicon": lexicon, "extract": self.extract_settings()}, sort_keys=True)

    # -- backlog --------------------------------------------------------------------------
    def update(self, batch: int = 200) -> UpdateReport:
        """Do what the store is missing, and nothing else: extract stored articles not yet
        extracted, group those not yet in a story, compare every story whose comparison is
        missing or stale. Each batch of articles and each story's comparison is written as it
        finishes, so a kill loses at most the batch or story in hand and a re-run continues
        from there (nothing finished is done again)."""
        from newsprism.stories.assign import assign_backlog, compare_and_store, comparison_inputs

        report = UpdateReport()
        start = time.perf_counter()
        try:
            pending = self.store.pending_extraction(self.extract_settings())
            if pending:
                self.load_aliases()
            t = time.perf_counter()
            for i in range(0, len(pending), batch):
                report.extracted += len(self.extract(self.store.get_many(pending[i:i + batch])))
            report.stage_seconds["extract"] = time.perf_counter() - t
            t = time.perf_counter()
            settings = self.compare_settings()
            waiting = self.store.unassigned()
            if waiting:
                done = assign_backlog(self.store, waiting, None, settings, batch)
                report.assigned = len(waiting)
                report.story_ids.extend(s.id for s in done)
            report.stage_seconds["stories"] = time.perf_counter() - t
            t = time.perf_counter()
            compare = self.comparer()
            if compare is not None:
                current = self.store.comparison_inputs()
                for story in self.store.list_stories():
                    if current.get(story.id) != comparison_inputs(story, settings):
                        compare_and_store(self.store, story, compare, settings)
                        report.compared += 1
                        report.problems.extend(f"{story.id}: {e}" for e in story.extras.get("errors") or ())
                        if story.id not in report.story_ids:
                            report.story_ids.append(story.id)
            report.stage_seconds["compare"] = time.perf_counter() - t
        except KeyboardInterrupt:
            report.interrupted = True
        except StoreError as exc:
            report.aborted = str(exc)
        report.seconds = time.perf_counter() - start
        return report

    # -- user settings files -------------------------------------------------------------
    def load_aliases(self) -> Any:
        """The alias table with the user's file merged (read once; ConfigError names the file)."""
        if self._aliases is None:
            from newsprism.extract.entities import AliasTable

            self._aliases = _read_config("alias", self.aliases_file, AliasTable.load)
        return self._aliases

    def load_lexicon(self) -> Any:
        """The framing lexicon with the user's file merged (read once; ConfigError names it)."""
        if self._lexicon is None:
            from newsprism.compare.lexicon import Lexicon

            self._lexicon = _read_config("lexicon", self.lexicon_file, Lexicon.load)
        return self._lexicon

    # -- whole job ------------------------------------------------------------------------
    def analyze(self, targets: list[str], out_dir: str | Path | None) -> tuple[RunReport, dict[str, Any]]:
        """Ingest everything, run every stage on this run's articles, write the reports into
        ``out_dir`` (None: none written; the run's stories carry their comparisons either way)."""
        from newsprism.report.build import write_store_reports

        if _optional("newsprism.extract.annotate", "annotate_many") is not None:
            self.load_aliases()  # a malformed --aliases / --lexicon stops before ingesting, not after
        if self.lexicon_file and _optional("newsprism.compare", "compare_story") is not None:
            self.load_lexicon()
        report = self.ingest(targets)
        if not report.interrupted and not report.aborted:
            # The store's backlog, this run's articles included, in batches: what was extracted,
            # grouped or compared before (with the same settings) is not done again.
            done = self.update()
            report.interrupted, report.aborted = done.interrupted, report.aborted or done.aborted
            story_of = self.store.story_of_many(report.article_ids)
            touched = dict.fromkeys(story_of[i] for i in report.article_ids if i in story_of)
            report.stories = [s for s in (self.store.get_story(i) for i in touched) if s is not None]
        if out_dir is None:
            self.store.with_comparisons(report.stories)
            return report, {}
        # A story this run touched may hold articles stored by earlier runs; its comparison
        # cites them, so the report lists them too (after this run's own articles).
        data = write_store_reports(self.store, report.stories, Path(out_dir), report, report.article_ids)
        return report, data


def _read_config(kind: str, path: str | None, load: Callable[[str | None], Any]) -> Any:
    """Run a settings-file loader; whatever a malformed file makes it raise (bad JSON, a list
    where an object belongs, a number where a term belongs) becomes one line naming the file."""
    try:
        return load(path)
    except (OSError, ValueError, TypeError, AttributeError, KeyError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        if isinstance(exc, (TypeError, AttributeError, KeyError)):
            reason = f"not the expected shape ({reason})"
        if path and reason.startswith(f"{path}: "):
            raise ConfigError(reason) from exc
        raise ConfigError(f"{path or '(packaged)'}: cannot read {kind} file: {reason}") from exc


def run_stage_safely(fn: Callable[[Article], Article], articles: Iterable[Article], name: str) -> list[Article]:
    """Apply a per-article stage; a failure marks that article and the batch goes on."""
    out = []
    for a in articles:
        try:
            a = fn(a)
            a.stages.append(name)
        except Exception as exc:  # recorded on the article, not raised: one bad input != dead run
            a.status = "failed"
            a.reason = f"E901: {name} failed ({type(exc).__name__}: {exc})"
        out.append(a)
    return out

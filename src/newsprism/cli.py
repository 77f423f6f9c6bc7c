"""Command line: parse arguments, call the library, print. No logic lives here.

Exit codes: 0 everything went in; 1 some inputs were rejected or failed (each named on its own
line); 2 usage error; 3 store error; 130 interrupted (everything committed so far is kept).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.markup import escape
from rich.table import Column, Table
from rich.text import Text

from newsprism.errors import ConfigError, InputError, NewsError, StoreError
from newsprism.model import outlet_name
from newsprism.store.db import default_db_path

# Each evaluation lives in newsprism/evaluate/<name>.py and exposes ``command`` (a click command).
EVALUATIONS = ("extraction", "quotes", "timex", "clustering", "framing", "corroboration", "alignment", "briefing")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

db_option = click.option(
    "--db", default=default_db_path, show_default="newsprism.db or $NEWSPRISM_DB",
    help="SQLite store file.", type=click.Path(dir_okay=False),
)


briefing_option = click.option(
    "--briefing-words", type=click.IntRange(min=20, max=2000), default=None,
    help="Word budget of each story's briefing (default 150).",
)


def limit_options(f: Any) -> Any:
    """--max-file-mb / --max-inflated-mb / --max-words (defaults and env vars in newsprism.limits)."""
    f = click.option("--max-words", type=click.IntRange(min=1), default=None,
                     help="Longest article accepted, in words [50000 or $NEWSPRISM_MAX_WORDS].")(f)
    f = click.option("--max-inflated-mb", type=click.FloatRange(min=0, min_open=True), default=None,
                     help="Most a .gz / WARC.gz input may inflate to [100 or $NEWSPRISM_MAX_INFLATED_MB].")(f)
    f = click.option("--max-file-mb", type=click.FloatRange(min=0, min_open=True), default=None,
                     help="Largest input file or download read [20 or $NEWSPRISM_MAX_FILE_MB].")(f)
    return f


def _store(db: str):  # type: ignore[no-untyped-def]
    from newsprism.store import Store

    try:
        return Store(db)
    except StoreError as exc:
        err.print(f"error: {escape(str(exc))}")
        sys.exit(3)


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A progress bar on stderr for interactive runs; silent when piped or with --quiet."""
    if not enabled or not err.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed} done"),
        TimeElapsedColumn(), console=err, transient=True,
    ) as p:
        yield p


def _pipeline(store, quiet: bool, bar: Any, manifest: str | None = None, limits: dict[str, Any] | None = None,  # type: ignore[no-untyped-def]
              briefing_words: int | None = None, **files: str | None):
    from newsprism.ingest.manifest import Manifest
    from newsprism.limits import Limits
    from newsprism.pipeline import Pipeline

    task = bar.add_task("ingest", total=None) if bar is not None else None
    m = Manifest()
    if manifest:
        # A bad row is reported and skipped by the run; a wholly unusable --manifest stops here,
        # before ingesting: articles stored without the metadata asked for would not get it on
        # a re-run (they count as already stored).
        try:
            m.load(Path(manifest))
        except InputError as exc:
            raise ConfigError(f"{exc.location}: {exc}") from exc

    def progress(event: str, location: str) -> None:
        if bar is not None and task is not None:
            bar.update(task, advance=1, description=event)
        if event in ("rejected", "failed"):
            pass  # printed once at the end, with the reason

    return Pipeline(store, manifest=m, progress=progress, limits=Limits.from_settings(**(limits or {})),
                    briefing_words=briefing_words, **files)


def _print_run(run: Any, as_json: bool) -> int:
    if as_json:
        out.print_json(json.dumps(run.to_dict()))
    else:
        for p in run.rejected + run.failed:
            err.print(f"[red]skipped[/red] {escape(p.line())}")
        summary = (
            f"{run.ingested} ingested, {run.already_stored} already stored, {run.duplicates} near-duplicates "
            f"linked, {len(run.rejected)} rejected, {len(run.failed)} failed ({run.seconds:.1f}s)"
        )
        if run.reasons():
            summary += " — reasons: " + ", ".join(f"{k}×{v}" for k, v in sorted(run.reasons().items()))
        err.print(summary)
    if run.aborted:
        err.print(f"aborted: {escape(run.aborted)}; everything ingested before it is stored")
        return 3
    if run.interrupted:
        err.print("interrupted: everything ingested before the interruption is stored")
        return 130
    return 1 if (run.rejected or run.failed) else 0


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsprism")
def main() -> None:
    """newsprism: group news into stories and trace every claim to its sources."""


@main.command()
@click.argument("targets", nargs=-1, required=True)
@db_option
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False), help="CSV/JSONL: path/url -> outlet, url, published.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@limit_options
def ingest(targets: tuple[str, ...], db: str, manifest: str | None, as_json: bool, quiet: bool, **limits: Any) -> None:
    """Ingest files, folders, JSON/JSONL, HTML, WARC, feeds and URLs into the store."""
    with _store(db) as store, _progress(not quiet and not as_json) as bar:
        try:
            run = _pipeline(store, quiet, bar, manifest, limits).ingest(list(targets))
        except StoreError as exc:
            err.print(f"error: {escape(str(exc))}")
            sys.exit(3)
        except NewsError as exc:
            err.print(f"error: {escape(str(exc))}")
            sys.exit(1)
    sys.exit(_print_run(run, as_json))


@main.command()
@click.argument("targets", nargs=-1, required=True)
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for report.json/.md/.html.")
@db_option
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False), help="CSV/JSONL: path/url -> outlet, url, published.")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False), envvar="NEWSPRISM_ALIASES",
              help="JSON of extra entity aliases (canonical name -> {label, aliases}); or $NEWSPRISM_ALIASES.")
@click.option("--lexicon", type=click.Path(exists=True, dir_okay=False), envvar="NEWSPRISM_LEXICON",
              help="JSON of extra loaded-language terms merged into the framing lexicon; or $NEWSPRISM_LEXICON.")
@briefing_option
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@limit_options
def analyze(
    targets: tuple[str, ...], out_dir: str, db: str, manifest: str | None, aliases: str | None,
    lexicon: str | None, briefing_words: int | None, as_json: bool, quiet: bool, **limits: Any,
) -> None:
    """Ingest TARGETS, run every stage, and write the report into OUT."""
    with _store(db) as store, _progress(not quiet and not as_json) as bar:
        try:
            pipeline = _pipeline(store, quiet, bar, manifest, limits, briefing_words,
                                 aliases_file=aliases, lexicon_file=lexicon)
            run, data = pipeline.analyze(list(targets), out_dir)
        except StoreError as exc:
            err.print(f"error: {escape(str(exc))}")
            sys.exit(3)
        except NewsError as exc:
            err.print(f"error: {escape(str(exc))}")
            sys.exit(1)
    code = _print_run(run, as_json)
    if not as_json:
        err.print(f"{len(data['stories'])} stories; report written to {out_dir}/report.html, report.md, report.json")
    sys.exit(code)


@main.command()
@db_option
@click.option("--outlet", help="Only this outlet.")
@click.option("--search", "query", help="Full-text search (SQLite FTS5 syntax).")
@click.option("--since", help="Published on or after (YYYY-MM-DD).")
@click.option("--until", help="Published on or before (YYYY-MM-DD).")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def articles(db: str, outlet: str | None, query: str | None, since: str | None, until: str | None, limit: int, as_json: bool) -> None:
    """List stored articles (filter by outlet, date or full-text search)."""
    with _store(db) as store:
        try:
            rows = store.list_articles(outlet, query, since, until, limit)
        except StoreError as exc:
            err.print(f"error: {escape(str(exc))}")
            sys.exit(1)
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table("published", "outlet", "title", "words", "note")
    table.columns.insert(0, Column("id", no_wrap=True, min_width=16))
    for r in rows:
        note = f"copy of {r['duplicate_of'][:8]}" if r["duplicate_of"] else ("" if r["status"] == "ok" else r["status"])
        table.add_row(
            r["id"], r["published"] or "", Text(outlet_name(r["outlet"], r["location"])), Text((r["title"] or "")[:70]), str(r["words"]), note
        )
    out.print(table)


@main.command()
@click.argument("article_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help="The full article record as JSON.")
def show(article_id: str, db: str, as_json: bool) -> None:
    """Show one article (id or unique id prefix)."""
    with _store(db) as store:
        a = store.get(article_id)
    if a is None:
        err.print(f"error: {escape(article_id)}: no such article (try `newsprism articles`)")
        sys.exit(1)
    if as_json:
        out.print_json(json.dumps(a.to_dict(), ensure_ascii=False))
        return
    out.print(f"[bold]{escape(a.title or '(untitled)')}[/bold]  [dim]({a.title_source})[/dim]")
    out.print(f"id {a.id} · outlet {a.outlet or '?'} · {a.word_count} words · lang {a.lang or '?'}", markup=False)
    p = a.published
    out.print(f"published {p.value or 'unknown'} ({p.precision or '-'}, confidence {p.confidence:.2f})"
              + (" — evidence disagrees" if p.conflict else ""))
    for e in p.evidence:
        out.print(f"  · {e.source}: {e.value} ({e.precision}, {e.confidence:.2f}) {e.note}", markup=False)
    if a.duplicate_of:
        out.print(f"near-duplicate of {a.duplicate_of} (similarity {a.duplicate_score})")
    for r in a.removed:
        out.print(f"  removed [{r.kind}] {r.text[:80]!r}", markup=False)
    out.print("")
    out.print(a.text, markup=False)


@main.command()
@db_option
@click.option("--recluster", is_flag=True, help="Re-cluster the whole store in one batch first.")
@click.option("--json", "as_json", is_flag=True)
def stories(db: str, recluster: bool, as_json: bool) -> None:
    """List stories (largest first); --recluster rebuilds them from every stored article."""
    with _store(db) as store:
        if recluster:
            from newsprism.compare import compare_story
            from newsprism.stories.assign import recluster_store

            recluster_store(store, compare_story)
        items = store.list_stories()
    if as_json:
        out.print_json(json.dumps([{k: v for k, v in s.to_dict().items() if k != "extras"} for s in items], ensure_ascii=False))
        return
    table = Table("articles", "outlets", "dates", "label")
    table.columns.insert(0, Column("id", no_wrap=True, min_width=22))
    for s in items:
        dates = f"{s.date_start or '?'} – {s.date_end or '?'}"
        table.add_row(s.id, str(len(s.members)), str(s.independent_outlets), dates, Text(s.label[:80]))
    out.print(table)


def _story_or_exit(store: Any, story_id: str) -> Any:
    s = store.get_story(story_id)
    if s is None:
        err.print(f"error: {escape(story_id)}: no such story (try `newsprism stories`)")
        sys.exit(1)
    return s


@main.command()
@click.argument("story_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help="The story record with its members.")
def story(story_id: str, db: str, as_json: bool) -> None:
    """Show one story: label, members with scores, outlets, dates."""
    with _store(db) as store:
        s = _story_or_exit(store, story_id)
        members = {a.id: a for a in store.get_many(s.members)}
    if as_json:
        data = {k: v for k, v in s.to_dict().items() if k != "extras"}
        data["articles"] = [
            {"id": i, "score": sc, "outlet": members[i].outlet, "title": members[i].title,
             "published": members[i].published.value, "copy": i in s.copies}
            for i, sc in s.members.items() if i in members
        ]
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    out.print(Text(s.label, style="bold"))
    out.print(f"{s.id} · {len(s.members)} articles · {s.independent_outlets} independent outlets · "
              f"{s.date_start or '?'} – {s.date_end or '?'}", markup=False)
    out.print("entities: " + ", ".join(s.entities), markup=False)
    table = Table("score", "published", "outlet", "title")
    table.columns.insert(0, Column("article", no_wrap=True, min_width=16))
    for i, sc in s.members.items():
        a = members.get(i)
        if a is None:
            continue
        note = " (copy)" if i in s.copies else ""
        outlet = outlet_name(a.outlet, a.origin.location)
        table.add_row(i, f"{sc:.2f}", a.published.value or "", Text(outlet + note), Text((a.title or "")[:70]))
    out.print(table)


@main.command()
@click.argument("story_id")
@db_option
@briefing_option
@click.option("--json", "as_json", is_flag=True, help="The full comparison (versioned JSON).")
def compare(story_id: str, db: str, briefing_words: int | None, as_json: bool) -> None:
    """Facts, corroboration, conflicts, timeline and framing for one story."""
    from newsprism.compare import compare_story

    with _store(db) as store:
        s = _story_or_exit(store, story_id)
        stored = store.get_comparison(s.id) if not briefing_words else None
        comparison = stored[1] if stored else None
        if not comparison:  # not stored yet, or a briefing of another length asked for
            kw = {"briefing_words": briefing_words} if briefing_words else {}
            try:
                comparison = compare_story(s, store.get_many(s.members), **kw)
            except NewsError as exc:  # a story past the size limit, a bad setting: one line, no traceback
                err.print(f"error: {escape(s.id)}: {escape(str(exc))}")
                sys.exit(1)
    if as_json:
        from newsprism.model import pack_passages

        out.print_json(json.dumps(pack_passages(comparison), ensure_ascii=False))  # as report.json writes it
        return
    from newsprism.report.build import render_story_markdown

    out.print(render_story_markdown(s, comparison), markup=False)


@main.command()
@db_option
@briefing_option
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False), envvar="NEWSPRISM_ALIASES",
              help="JSON of extra entity aliases; or $NEWSPRISM_ALIASES.")
@click.option("--lexicon", type=click.Path(exists=True, dir_okay=False), envvar="NEWSPRISM_LEXICON",
              help="JSON of extra loaded-language terms; or $NEWSPRISM_LEXICON.")
@click.option("--batch", type=click.IntRange(min=1, max=10_000), default=200, show_default=True,
              help="Articles extracted / grouped per batch (each batch is written as it finishes).")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
def update(db: str, briefing_words: int | None, aliases: str | None, lexicon: str | None, batch: int, as_json: bool) -> None:
    """Process the store's backlog: extract new articles, group them into stories, and compare
    every story whose comparison is missing or stale. Safe to interrupt and run again."""
    from newsprism.pipeline import Pipeline

    with _store(db) as store:
        try:
            run = Pipeline(store, briefing_words=briefing_words, aliases_file=aliases, lexicon_file=lexicon).update(batch)
        except NewsError as exc:
            err.print(f"error: {escape(str(exc))}")
            sys.exit(1)
    if as_json:
        out.print_json(json.dumps(run.to_dict()))
    else:
        for problem in run.problems:
            err.print(f"[red]not compared[/red] {escape(problem)}")
        left = f", {len(run.problems)} of them left uncompared" if run.problems else ""
        err.print(f"{run.extracted} articles extracted, {run.assigned} grouped into stories, "
                  f"{run.compared} stories compared{left} ({run.seconds:.1f}s)")
    if run.aborted:
        err.print(f"aborted: {escape(run.aborted)}; everything finished before it is stored")
        sys.exit(3)
    if run.interrupted:
        err.print("interrupted: everything finished before the interruption is stored; run `newsprism update` again")
        sys.exit(130)


@main.command()
@click.argument("sources", type=click.Path(exists=True, dir_okay=False))
@db_option
@click.option("--every", default="15m", show_default=True, help="How often each source is polled (e.g. 30s, 15m, 2h).")
@click.option("--host-delay", default="1s", show_default=True, help="Pause between two requests to one host.")
@click.option("--once", is_flag=True, help="Poll every source once, update, and exit (e.g. from cron).")
@briefing_option
@click.option("-q", "--quiet", is_flag=True, help="No line per round.")
def watch(sources: str, db: str, every: str, host_delay: str, once: bool, briefing_words: int | None, quiet: bool) -> None:
    """Follow the feeds and pages listed in SOURCES (one URL a line): poll each with a
    conditional GET, ingest only new items, and update their stories. Ctrl-C stops it; the
    store stays consistent and the next run goes on from there."""
    from newsprism.pipeline import Pipeline
    from newsprism.watch import Watcher, parse_duration, read_sources

    try:
        urls, problems = read_sources(sources)
        interval, delay = parse_duration(every), parse_duration(host_delay)
    except ConfigError as exc:
        err.print(f"error: {escape(str(exc))}")
        sys.exit(2)
    for p in problems:
        err.print(f"[red]skipped[/red] {escape(p.location)}: {p.code}: {escape(p.message)}")
    if not urls:
        err.print(f"error: {escape(sources)}: no source URLs")
        sys.exit(2)

    def show(rnd: Any) -> None:
        for p in rnd.failed:
            err.print(f"[red]skipped[/red] {escape(p.location)}: {p.code}: {escape(p.message)}")
        if not quiet:
            err.print(escape(rnd.line()))

    with _store(db) as store:
        watcher = Watcher(Pipeline(store, briefing_words=briefing_words), urls, interval, delay)
        try:
            watcher.run(1 if once else None, show)
        except KeyboardInterrupt:
            err.print("stopped: everything fetched and processed before the interruption is stored")
            sys.exit(130)
        except StoreError as exc:
            err.print(f"error: {escape(str(exc))}")
            sys.exit(3)


@main.command()
@click.argument("story_ids", nargs=-1)
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for report.json/.md/.html.")
@db_option
def report(story_ids: tuple[str, ...], out_dir: str, db: str) -> None:
    """Write the report of STORY_IDS (default: every story) from the store, as compared last
    (run `newsprism update` first for stories not compared yet)."""
    from newsprism.report.build import write_store_reports

    with _store(db) as store:
        stories = [_story_or_exit(store, i) for i in story_ids] if story_ids else store.list_stories()
        data = write_store_reports(store, stories, Path(out_dir))
    stale = sum(1 for s in data["stories"] if not s.get("comparison") and not s.get("compared"))
    note = f" ({stale} not compared yet: run `newsprism update`)" if stale else ""
    err.print(f"{len(data['stories'])} stories{note}; report written to {escape(out_dir)}/report.html, report.md, report.json")


class _LazyEvalGroup(click.Group):
    """Evaluation commands are imported only when used, so the CLI starts fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [n for n in EVALUATIONS if importlib.util.find_spec(f"newsprism.evaluate.{n}") is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.list_commands(ctx):
            return None
        command: click.Command = importlib.import_module(f"newsprism.evaluate.{cmd_name}").command
        return command


@main.group(name="eval", cls=_LazyEvalGroup)
def eval_group() -> None:
    """Score a stage on labelled data and print the table."""

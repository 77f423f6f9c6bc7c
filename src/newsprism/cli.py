"""Command line: parse arguments, call the library, print. No logic lives here."""

from __future__ import annotations

import importlib

import click

# Each evaluation lives in newsprism/evaluate/<name>.py and exposes ``command`` (a click command).
EVALUATIONS = ("extraction", "quotes", "timex", "clustering", "framing")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsprism")
def main() -> None:
    """newsprism: group news into stories and trace every claim to its sources."""


@main.group(name="eval")
def eval_group() -> None:
    """Score a stage on labelled data and print the table."""


for _name in EVALUATIONS:
    try:
        _mod = importlib.import_module(f"newsprism.evaluate.{_name}")
    except ModuleNotFoundError as exc:  # evaluation not built yet
        if exc.name != f"newsprism.evaluate.{_name}":
            raise
        continue
    eval_group.add_command(_mod.command, name=_name)

"""`svixsync review`: walk the flagged examples one by one, as `cargo insta review` walks pending snapshots.

Each example is shown as `show --diff` shows it, then the person chooses: edit it (the editor of `svixsync edit`),
ack it (the prose is still true), skip it, or quit. Each choice that writes is its own all-or-nothing write, so
quitting, or a crash, loses nothing already decided.
"""

from __future__ import annotations

import os
import sys
from collections import Counter

import click

from svixsync import state, terminal
from svixsync.commands import ack, edit, show
from svixsync.errors import FatalError
from svixsync.evaluate import evaluate
from svixsync.project import Project
from svixsync.sync import FLAGGED

# Test hook: the tests drive review through click's runner, whose stdin is no terminal.
ASSUME_TERMINAL = "SVIXSYNC_ASSUME_TERMINAL"
CHOICES = {"e": "edit", "a": "ack", "s": "skip", "q": "quit"}
_PAST = {"edit": "edited", "ack": "acknowledged", "skip": "skipped"}


def interactive() -> bool:
    return os.environ.get(ASSUME_TERMINAL) == "1" or (sys.stdin.isatty() and sys.stdout.isatty())


def run(project: Project, name: str | None) -> int:
    if not interactive():
        raise FatalError(
            "review asks questions and needs a terminal; without one, use `svixsync show LINE --diff`, then "
            "`svixsync edit LINE --user-file F --think-file F` or `svixsync ack LINE --keep-prose`"
        )
    with project.writing():  # finishes or undoes an interrupted write before anything is read
        entry = project.config().dataset(name)
        report = evaluate(project, entry, None, explain_flags=True).report
    flagged = [example for example in report.examples if example.flag is not None]
    unrecorded = [e.example.number for e in report.examples if e.status in FLAGGED and e.flag is None]
    if unrecorded:
        listed = ", ".join(map(str, unrecorded))
        terminal.echo([(f"upstream changed under line(s) {listed}: `svixsync update` flags them for review", "note")])
    if not flagged:
        click.echo("no example awaits re-authoring")
        return 1 if unrecorded else 0
    tally: Counter[str] = Counter()
    for index, shown in enumerate(flagged, start=1):
        line = shown.example.number
        terminal.echo([("", None), *show.lines_of(project, entry, report, shown), ("", None)])
        choice = _walk_one(project, name, line, removed=shown.status == "removed", place=f"{index} of {len(flagged)}")
        tally[choice] += 1
        if choice == "quit":
            break
    lock = state.read_lock(project.state, entry)
    left = sum(1 for example in lock.examples if example.review is not None)
    done = ", ".join(f"{tally[word]} {past}" for word, past in _PAST.items() if tally[word])
    click.echo(f"reviewed: {done or 'nothing'}; {left} still flagged")
    return 1 if left else 0


def _walk_one(project: Project, name: str | None, line: int, removed: bool, place: str) -> str:
    """Ask about one example until the person's choice is done; returns it."""
    keys = "sq" if removed else "easq"
    question = ", ".join(
        {"e": "[e]dit", "a": "[a]ck (the prose is still true)", "s": "[s]kip", "q": "[q]uit"}[key] for key in keys
    )
    while True:
        try:
            key = click.prompt(f"line {line} ({place}): {question}", type=click.Choice(list(keys)), show_choices=False)
        except click.Abort:  # end of input: as good as quit
            click.echo("")
            return "quit"
        choice = CHOICES[key]
        try:
            if choice == "edit":
                edit.in_editor(project, line, name)
                entry = project.config().dataset(name)
                if state.read_lock(project.state, entry).examples[line - 1].review is not None:
                    continue  # unchanged, or its words are those it was flagged with: ask again
            elif choice == "ack":
                ack.run(project, [line], True, name)
        except FatalError as error:
            click.echo(f"svixsync: error: {error}", err=True)
            continue
        return choice

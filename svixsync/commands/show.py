"""`svixsync show`: one example as a person reads it; writes nothing."""

from __future__ import annotations

import json

import click

from svixsync import terminal, view
from svixsync.dataset import escape_surrogates
from svixsync.depends import Scope, naming_nothing
from svixsync.evaluate import chosen_lines, evaluate, pin_scope, resolve_pin
from svixsync.project import Project
from svixsync.snapshot import Snapshots
from svixsync.state import DatasetConfig, read_lock
from svixsync.sync import ExampleState, Report, split_code, unchanged_block


def run(project: Project, line: int, diff: bool, output: str, name: str | None) -> int:
    with project.reading():
        project.refuse_unfinished()
        entry = project.config().dataset(name)
        report = evaluate(project, entry, None, explain_flags=diff).report
        chosen_lines([line], entry, [state.example for state in report.examples])
        shown = report.examples[line - 1]
        unresolved = unresolved_mentions(project, entry, shown)
    diffs = view.example_diffs(shown, report) if diff else None
    if output == "json":
        document = view.example_json(shown, report, unresolved, diffs)
        click.echo(escape_surrogates(json.dumps(document, indent=2, ensure_ascii=False)))
    else:
        terminal.echo(view.example_lines(shown, report, unresolved, diffs))
    return 0 if shown.status == "fresh" else 1


def lines_of(project: Project, entry: DatasetConfig, report: Report, shown: ExampleState) -> list[terminal.Line]:
    """What `show --diff` prints for ``shown`` (`review` prints it before each question)."""
    unresolved = unresolved_mentions(project, entry, shown)
    return view.example_lines(shown, report, unresolved, view.example_diffs(shown, report))


def unresolved_mentions(project: Project, entry: DatasetConfig, shown: ExampleState) -> list[str]:
    """The example's inline-code spans that name no block: in the scope at the pin where a checkout is at hand,
    else among the blocks it quotes and the dependencies the lock records."""
    upstream = project.upstream_if_any()
    if upstream is not None:
        lock = read_lock(project.state, entry)
        scope = pin_scope(Snapshots(upstream), resolve_pin(upstream, lock), entry, lock)
    else:
        refs = [block.ref for block in shown.blocks]
        texts = split_code(shown.example.code, refs) or []
        scope = Scope([unchanged_block(ref, text) for ref, text in zip(refs, texts, strict=False) if ref.start_line])
    depends = [dependency.ref for dependency in shown.depends]
    return naming_nothing((shown.example.user, shown.example.think), depends, scope)

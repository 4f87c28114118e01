"""`svixsync update`: bring the dataset and state/ to a revision, all or nothing."""

from __future__ import annotations

from pathlib import Path

import click

from svixsync import report as render
from svixsync import state, transaction
from svixsync.dataset import rewrite
from svixsync.evaluate import evaluate
from svixsync.project import Project
from svixsync.state import Lock
from svixsync.sync import Report


def run(project: Project, rev: str | None, dry_run: bool, force: bool, dataset: str | None) -> int:
    with project.reading() if dry_run else project.writing():
        config = project.config()
        files: dict[Path, transaction.Content] = {}
        said: list[str] = []
        pending = False
        in_sync = True
        datasets = list(config.datasets)
        for entry in config.chosen(dataset):
            evaluation = evaluate(project, entry, rev, force=force, need_upstream=True)
            report = evaluation.report
            assert report.target is not None
            said.append(_what_changed(report, dry_run))
            pending |= any(example.lock.review is not None for example in report.examples)
            in_sync &= report.in_sync
            data = project.root / entry.file
            lines = [
                example.example.with_code(example.code).raw if example.code is not None else example.example.raw
                for example in report.examples
            ]
            files[data] = rewrite(transaction.read_bytes(data), lines)
            lock = Lock(
                dataset=entry.file,
                pinned=report.target,
                examples=[
                    example.lock if example.lock.line == index else example.lock.model_copy(update={"line": index})
                    for index, example in enumerate(report.examples, start=1)
                ],
                uncovered=report.uncovered,
                selection=state.selection_digest(entry, evaluation.tracked),
            )
            if evaluation.tracked != entry.tracked:
                datasets[datasets.index(entry)] = entry.model_copy(update={"tracked": evaluation.tracked})
            del evaluation, report, lines  # the examples' lines are in the new bytes: let them go before the lock's
            files[project.state / entry.lock_file] = state.dump(lock)
        files[project.state / state.CONFIG_FILE] = state.dump_config(config.model_copy(update={"datasets": datasets}))
        click.echo("\n".join(said))
        if not dry_run:
            project.commit(files)
        elif transaction.interrupted(project.state):
            click.echo("svixsync: a write was interrupted; `svixsync update` completes it first", err=True)
    if dry_run:
        return 0 if in_sync else 1
    return 1 if pending else 0


def _what_changed(report: Report, dry_run: bool) -> str:
    """The report, then each line whose code is (or would be) rewritten."""
    verb = "would rewrite" if dry_run else "rewrote"
    rewritten = [f"{verb} the code of line {e.example.number}" for e in report.examples if e.code is not None]
    return "\n".join([render.as_text(report), *rewritten])

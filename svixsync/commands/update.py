"""`svixsync update`: bring the dataset and state/ to a revision, all or nothing."""

from __future__ import annotations

from pathlib import Path

import click

from svixsync import report as render
from svixsync import state, terminal, transaction, view
from svixsync.dataset import rewrite
from svixsync.evaluate import evaluate
from svixsync.project import Project
from svixsync.state import Lock
from svixsync.sync import Report


def run(project: Project, rev: str | None, dry_run: bool, force: bool, dataset: str | None, diff: bool = False) -> int:
    with project.reading() if dry_run else project.writing():
        config = project.config()
        files: dict[Path, transaction.Content] = {}
        said: list[terminal.Line] = []
        pending = False
        in_sync = True
        datasets = list(config.datasets)
        for entry in config.chosen(dataset):
            evaluation = evaluate(project, entry, rev, force=force, need_upstream=True)
            report = evaluation.report
            assert report.target is not None
            said += _said(report, dry_run, diff)
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
        if not dry_run:
            project.commit(files)
        elif transaction.interrupted(project.state):
            click.echo("svixsync: a write was interrupted; `svixsync update` completes it first", err=True)
    # Said once the write committed: what is said to be done is done.
    terminal.echo(said)
    if dry_run:
        return 0 if in_sync else 1
    return 1 if pending else 0


def _said(report: Report, dry_run: bool, diff: bool) -> list[terminal.Line]:
    """What `update` says of one dataset: the report, what it did to each example, and with ``diff`` the diffs."""
    lines: list[terminal.Line] = [(line, None) for line in render.as_text(report).split("\n")]
    lines += done(report, dry_run)
    if diff:
        lines += view.diff_lines(view.code_field_diffs(report))
    return lines


def done(report: Report, dry_run: bool) -> list[terminal.Line]:
    """What an update did (or would do) to each example: code rewritten, flag recorded."""
    out: list[terminal.Line] = []
    for example in report.examples:
        review = example.lock.review if example.flagged_now else None
        deeds = ["rewrite its code"] if example.code is not None else []
        deeds += [f"flag it ({review.reason})"] if review is not None else []
        if deeds:
            verbs = " and ".join(deeds)
            said = f"would {verbs}" if dry_run else verbs.replace("rewrite", "rewrote").replace("flag it", "flagged it")
            out.append((f"line {example.example.number}: {said}", "alert" if review else None))
    if any(example.flagged_now for example in report.examples):
        out.append((f"next: {render.REVIEW_HINT}", "note"))
    return out

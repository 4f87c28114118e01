"""`svixsync update`: bring the dataset and state/ to a revision, all or nothing."""

from __future__ import annotations

from pathlib import Path

import click

from svixsync import report as render
from svixsync import state, transaction
from svixsync.evaluate import evaluate
from svixsync.project import Project
from svixsync.state import Lock


def run(project: Project, rev: str | None, dry_run: bool, force: bool, dataset: str | None) -> int:
    with project.writing():
        config = project.config()
        entries = config.chosen(dataset)
        files: dict[Path, bytes] = {}
        reports = []
        datasets = list(config.datasets)
        for entry in entries:
            evaluation = evaluate(project, entry, rev, force=force, need_upstream=True)
            report = evaluation.report
            reports.append(report)
            assert report.target is not None
            lines = [
                example.example.with_code(example.code).raw if example.code is not None else example.example.raw
                for example in report.examples
            ]
            lock = Lock(
                dataset=entry.file,
                pinned=report.target,
                examples=[
                    example.lock.model_copy(update={"line": index})
                    for index, example in enumerate(report.examples, start=1)
                ],
                uncovered=report.uncovered,
                selection=state.selection_digest(entry, evaluation.tracked),
            )
            files[project.root / entry.file] = "".join(lines).encode("utf-8")
            files[project.state / entry.lock_file] = state.dump(lock)
            if evaluation.tracked != entry.tracked:
                datasets[datasets.index(entry)] = entry.model_copy(update={"tracked": evaluation.tracked})
        new_config = config.model_copy(update={"datasets": datasets})
        files[project.state / state.CONFIG_FILE] = state.dump(new_config)
        for report in reports:
            click.echo(render.as_text(report))
            for example in report.examples:
                if example.code is not None:
                    verb = "would rewrite" if dry_run else "rewrote"
                    click.echo(f"{verb} the code of line {example.example.number}")
        if not dry_run:
            transaction.commit(project.root, project.state, files)
    pending = any(example.lock.review is not None for report in reports for example in report.examples)
    if dry_run:
        return 0 if all(report.in_sync for report in reports) else 1
    return 1 if pending else 0

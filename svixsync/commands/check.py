"""`svixsync check`: compare the dataset and state/ with upstream; write nothing."""

from __future__ import annotations

import sys

import click

from svixsync import report as render
from svixsync import transaction
from svixsync.errors import FatalError
from svixsync.evaluate import evaluate
from svixsync.project import Project


def run(project: Project, rev: str | None, output: str, dataset: str | None) -> int:
    with project.reading():
        if transaction.interrupted(project.state):
            raise FatalError(
                "svixsync was stopped in the middle of a write; run the writing command again "
                "(update, ack, add or init finish or undo it first), then check"
            )
        config = project.config()
        explain = output in ("markdown", "github")  # the comment and the step summary show flagged examples' old code
        reports = [evaluate(project, entry, rev, explain_flags=explain).report for entry in config.chosen(dataset)]
    if reports and reports[0].target is None:
        click.echo(
            "svixsync: no upstream checkout at hand (--upstream or SVIXSYNC_UPSTREAM): "
            "checked the dataset against state/ only",
            err=True,
        )
    if output == "json":
        click.echo(render.as_json_text(reports))
    elif output == "markdown":
        from svixsync import markdown

        click.echo(markdown.comment(reports, config.upstream))
    elif output == "github":
        from svixsync import github

        github.emit(reports, config.upstream)
    else:
        click.echo("\n".join(render.as_text(report) for report in reports))
    sys.stdout.flush()
    return 0 if all(report.in_sync for report in reports) else 1

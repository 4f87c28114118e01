"""`svixsync check`: compare the dataset and state/ with upstream; write nothing."""

from __future__ import annotations

import sys

import click

from svixsync import report as render
from svixsync import terminal, view
from svixsync.errors import FatalError
from svixsync.evaluate import evaluate
from svixsync.project import Project


def run(
    project: Project, rev: str | None, output: str, dataset: str | None, diff: bool = False, strict: bool = False
) -> int:
    """Exit 0 in sync, 1 on findings: an example not fresh, or, with ``strict``, a selected block no example
    covers."""
    if diff and output != "text":
        raise FatalError("--diff prints unified diffs for a person: use it with --format text")
    with project.reading():
        project.refuse_unfinished()
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

        click.echo(markdown.comment(reports, config.upstream, strict=strict))
    elif output == "github":
        from svixsync import github

        github.emit(reports, config.upstream, project.root, strict=strict)
    else:
        lines: list[terminal.Line] = []
        for report in reports:
            lines += [(line, None) for line in render.as_text(report, strict=strict).split("\n")]
            step = render.next_step(report)
            if step:
                lines.append((step, "note"))
            if diff:
                lines += view.diff_lines(view.code_field_diffs(report))
        terminal.echo(lines)
    sys.stdout.flush()
    uncovered = strict and any(report.uncovered for report in reports)
    return 0 if all(report.in_sync for report in reports) and not uncovered else 1

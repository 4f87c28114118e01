"""`check --format github`: workflow-command annotations on the dataset's lines, plus the step summary."""

from __future__ import annotations

import os
from pathlib import Path

import click

from svixsync.report import reasons, summary_line
from svixsync.sync import Report
from svixsync.terminal import safe


def escape_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF encoded; other control characters dropped, bidi shown."""
    return safe(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_commands(report: Report) -> list[str]:
    out = []
    for state in report.examples:
        if state.status == "fresh":
            continue
        level = "warning" if state.status == "refreshed" else "error"
        line = state.example.number
        title = f"svixsync: example {state.status}"
        message = (
            f"{'; '.join(reasons(state))}; "
            + {
                "refreshed": "run `svixsync update` to refresh its code",
                "stale": f"its request and reasoning must be re-authored: `svixsync edit {line}`",
                "review": "code its prose depends on changed; check the request and reasoning, then "
                f"`svixsync edit {line}`, or `svixsync ack {line} --keep-prose` if they are still true",
                "removed": "a block it quotes is gone upstream; write a new example with `svixsync add`, then "
                f"`svixsync remove {line}`",
            }[state.status]
        )
        out.append(
            f"::{level} file={escape_property(report.dataset)},line={line},"
            f"title={escape_property(title)}::{escape_data(message)}"
        )
    for block in report.uncovered:
        out.append(
            f"::warning title={escape_property('svixsync: uncovered block')}::"
            f"{escape_data(f'{block.kind} {block.name} ({block.path}) is covered by no example')}"
        )
    out.append(escape_data(f"{report.dataset}: {summary_line(report)}"))
    return out


def emit(reports: list[Report], upstream_url: str) -> None:
    for report in reports:
        for line in workflow_commands(report):
            click.echo(line)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        from svixsync import markdown

        with Path(summary).open("a", encoding="utf-8") as handle:
            handle.write(markdown.comment(reports, upstream_url) + "\n")

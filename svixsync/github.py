"""`check --format github`: workflow-command annotations on the dataset's lines, plus the step summary."""

from __future__ import annotations

import os
from pathlib import Path

import click

from svixsync import links
from svixsync.names import label
from svixsync.report import reasons, summary_line
from svixsync.sync import Report
from svixsync.terminal import safe

CONFIG = "state/config.json"  # where an uncovered block's notice goes: the topic rules that select it live there


def escape_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF encoded; other control characters dropped, bidi shown."""
    return safe(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def in_workspace(root: Path, name: str) -> str:
    """``name`` (relative to the root folder) as GitHub wants an annotation's file: relative to the repository's
    top, which is where workflows run (a dataset in a subfolder of a monorepo gets its folder in front)."""
    top = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd()).resolve()
    folder = root.resolve()
    return (folder / name).relative_to(top).as_posix() if folder.is_relative_to(top) else name


def _where(report: Report, items: list[links.Located], upstream_url: str) -> list[str]:
    """One line per block: its name and its lines at the pin and at the target, as links."""
    out = []
    for item in items:
        places = links.places(report.pinned, report.target, item)
        if places:
            out.append(f"{item.name}: {' -> '.join(place.url(upstream_url) for place in places)}")
    return out


def workflow_commands(report: Report, upstream_url: str, root: Path = Path(), *, strict: bool = False) -> list[str]:
    """The annotations of one report: an error or warning on each example's line, with links to the lines of the
    blocks behind it; a notice on state/config.json for each uncovered block (an error under ``--strict``)."""
    out = []
    for state in report.examples:
        if state.status == "fresh":
            continue
        level = "warning" if state.status == "refreshed" else "error"
        line = state.example.number
        changed = [b for b in state.blocks if b.change]
        depends = [d for d in state.depends if d.flags]
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
        message = "\n".join([message, *_where(report, [*changed, *depends], upstream_url)])
        out.append(
            f"::{level} file={escape_property(in_workspace(root, report.dataset))},line={line},"
            f"title={escape_property(title)}::{escape_data(message)}"
        )
    level = "error" if strict else "notice"
    for block in report.uncovered:
        place = links.site(report, block)
        message = f"{label(block.kind, block.name)} ({block.path} {place.label}) is covered by no example: "
        out.append(
            f"::{level} file={escape_property(in_workspace(root, CONFIG))},"
            f"title={escape_property('svixsync: uncovered block')}::{escape_data(message + place.url(upstream_url))}"
        )
    out.append(escape_data(f"{report.dataset}: {summary_line(report)}"))
    return out


def emit(reports: list[Report], upstream_url: str, root: Path, *, strict: bool = False) -> None:
    for report in reports:
        for line in workflow_commands(report, upstream_url, root, strict=strict):
            click.echo(line)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        from svixsync import markdown

        with Path(summary).open("a", encoding="utf-8") as handle:
            handle.write(markdown.comment(reports, upstream_url, strict=strict) + "\n")

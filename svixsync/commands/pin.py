"""`svixsync pin`: the pinned upstream commit and the upstream URL, for workflows and scripts."""

from __future__ import annotations

import json

import click

from svixsync.project import Project
from svixsync.state import read_lock
from svixsync.terminal import safe


def run(project: Project, dataset: str | None, output: str) -> int:
    """Print `SHA URL DATASET` per dataset (text), or `{"dataset", "pinned", "upstream"}` (json: one object, or a
    list where several datasets are configured and none is named, as `check` does)."""
    with project.reading():
        project.refuse_unfinished()
        config = project.config()
        pins = [
            {"dataset": entry.file, "pinned": read_lock(project.state, entry).pinned, "upstream": config.upstream}
            for entry in config.chosen(dataset)
        ]
    if output == "json":
        click.echo(json.dumps(pins[0] if len(pins) == 1 else pins, indent=2))
    else:
        # The sha and the URL are validated in state/ and hold no space; the dataset's name, which may, comes last,
        # so `read -r sha url dataset` splits a line right.
        click.echo("\n".join(safe(f"{pin['pinned']} {pin['upstream']} {pin['dataset']}") for pin in pins))
    return 0

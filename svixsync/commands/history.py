"""`svixsync history`: every commit that touched a file, oldest first, with its block events."""

from __future__ import annotations

import json
import sys
import time

import click

from svixsync import state
from svixsync.compare import Change, compare
from svixsync.errors import FatalError
from svixsync.project import Project
from svixsync.report import event
from svixsync.snapshot import Snapshots
from svixsync.state import Topic
from svixsync.terminal import safe
from svixsync.topic import selected_by, topics_for
from svixsync.upstream import check_tracked_path

SLOW_SECONDS = 1.0


def run(project: Project, path: str, start: str | None, end: str, every: bool, output: str) -> int:
    path = check_tracked_path(path)
    upstream = project.upstream()
    end_sha = upstream.resolve(end)
    start_sha = upstream.resolve(start) if start else None
    if upstream.blob_sha(end_sha, path) is None:
        raise FatalError(f"{path} does not exist at {end_sha[:12]}")
    topics = topics_for(state.read_config_if_any(project.state), path)
    if not topics:
        click.echo("svixsync: no topic rules for this file: every block counts as selected", err=True)
    snapshots = Snapshots(upstream)
    commits = upstream.file_history(path, start_sha, end_sha)
    began = time.monotonic()
    entries: list[tuple[str, list[Change]]] = []
    for index, touched in enumerate(commits, start=1):
        old = (
            snapshots.blob(touched.old_blob, touched.old_path, touched.parent)
            if touched.parent and touched.old_path and touched.old_blob
            else []
        )
        new = (
            snapshots.blob(touched.new_blob, touched.new_path, touched.commit)
            if touched.new_path and touched.new_blob
            else []
        )
        moves = {touched.old_path: touched.new_path} if touched.old_path else {}
        changes = [c for c in compare(old, new, moves) if every or _selected(topics, c)]
        entries.append((touched.commit, changes))
        if sys.stderr.isatty() and time.monotonic() - began > SLOW_SECONDS:
            click.echo(f"\r{index}/{len(commits)} commits", err=True, nl=False)
    if sys.stderr.isatty() and time.monotonic() - began > SLOW_SECONDS:
        click.echo("", err=True)
    if output == "json":
        document = {
            "path": path,
            "commits": [
                {"commit": commit, "events": [event(change) for change in changes]} for commit, changes in entries
            ],
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        for commit, changes in entries:
            click.echo(safe(f"{commit[:12]} {upstream.summary(commit)}"))  # a subject may hold escape sequences
            for change in changes:
                extra = f" (was {change.old_name})" if change.old_name else ""
                extra += f" (was in {change.old_path})" if change.old_path else ""
                click.echo(safe(f"  {change.change:<9} {change.kind} {change.name}{extra}"))
    return 0


def _selected(topics: list[Topic], change: Change) -> bool:
    """A change is selected where the block before or after it is."""
    return any(selected_by(topics, block) for block in (change.old, change.new) if block is not None)

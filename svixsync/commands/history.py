"""`svixsync history`: every commit that touched a file, oldest first, with its block events."""

from __future__ import annotations

import json
import sys
import time

import click

from svixsync import state
from svixsync.blocks import Block, UnreadableSource
from svixsync.compare import Change, compare
from svixsync.errors import FatalError
from svixsync.names import label
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
    entries: list[tuple[str, list[Change] | str]] = []  # each commit's changes, or why it could not be read
    last: list[Block] = []  # the blocks of the last readable revision
    for index, touched in enumerate(commits, start=1):
        try:
            new = _read(snapshots, touched.new_blob, touched.new_path, touched.commit)
        except UnreadableSource as error:
            click.echo(f"svixsync: warning: {error}; compared the next readable revision with the last one", err=True)
            entries.append((touched.commit, str(error)))
            continue
        moves = {touched.old_path: touched.new_path} if touched.old_path else {}
        try:
            old = _read(snapshots, touched.old_blob, touched.old_path, touched.parent) if touched.parent else []
        except UnreadableSource:
            old = last
            moves = {last[0].path: touched.new_path} if last else {}
        changes = [c for c in compare(old, new, moves) if every or _selected(topics, c)]
        entries.append((touched.commit, changes))
        last = new
        if sys.stderr.isatty() and time.monotonic() - began > SLOW_SECONDS:
            click.echo(f"\r{index}/{len(commits)} commits", err=True, nl=False)
    if sys.stderr.isatty() and time.monotonic() - began > SLOW_SECONDS:
        click.echo("", err=True)
    if output == "json":
        document = {"path": path, "commits": [_entry(commit, changes) for commit, changes in entries]}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        for commit, found in entries:
            click.echo(safe(f"{commit[:12]} {upstream.summary(commit)}"))  # a subject may hold escape sequences
            if isinstance(found, str):
                click.echo(safe(f"  unreadable: {found}"))
                continue
            for change in found:
                extra = f" (was {change.old_name})" if change.old_name else ""
                extra += f" (was in {change.old_path})" if change.old_path else ""
                click.echo(safe(f"  {change.change:<9} {label(change.kind, change.name)}{extra}"))
    return 0


def _read(snapshots: Snapshots, blob: str | None, path: str | None, commit: str | None) -> list[Block]:
    """The blocks of one side of a commit; none where the file does not exist on that side."""
    return snapshots.blob(blob, path, commit) if blob and path and commit else []


def _entry(commit: str, changes: list[Change] | str) -> dict[str, object]:
    """A commit of contract §5's history document; an unreadable one says so and has no events."""
    if isinstance(changes, str):
        return {"commit": commit, "unreadable": True, "events": []}
    return {"commit": commit, "events": [event(change) for change in changes]}


def _selected(topics: list[Topic], change: Change) -> bool:
    """A change is selected where the block before or after it is."""
    return any(selected_by(topics, block) for block in (change.old, change.new) if block is not None)

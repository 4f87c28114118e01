"""`svixsync blocks`: the blocks of the tracked files at a revision."""

from __future__ import annotations

import json

import click

from svixsync import state
from svixsync.errors import FatalError
from svixsync.project import Project
from svixsync.snapshot import Snapshots
from svixsync.terminal import safe
from svixsync.topic import selected_by, topics_for
from svixsync.upstream import check_tracked_path


def run(project: Project, rev: str, paths: list[str], every: bool, output: str) -> int:
    config = state.read_config_if_any(project.state)
    if not paths:
        if config is None:
            raise FatalError("no state/config.json here: name the files with --file")
        paths = sorted({path for entry in config.datasets for path in entry.tracked})
    paths = [check_tracked_path(path) for path in paths]
    upstream = project.upstream()
    commit = upstream.resolve(rev)
    snapshots = Snapshots(upstream)
    rows = []
    for path in paths:
        if upstream.blob_sha(commit, path) is None:
            raise FatalError(f"{path} does not exist at {commit[:12]}")
        topics = topics_for(config, path)
        for block in snapshots.file(commit, path):
            selected = selected_by(topics, block)
            if every or selected:
                rows.append((block, selected))
    if output == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "path": b.path,
                        "kind": b.kind,
                        "name": b.name,
                        "start_line": b.start_line,
                        "end_line": b.end_line,
                        "selected": selected,
                        "sha256": b.fingerprint.text,
                    }
                    for b, selected in rows
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for block, selected in rows:
            mark = "*" if selected else " "
            click.echo(safe(f"{mark} {block.path}:{block.start_line}-{block.end_line} {block.kind} {block.name}"))
    return 0

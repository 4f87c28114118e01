"""`svixsync blocks`: the blocks of the tracked files at a revision."""

from __future__ import annotations

import json

import click

from svixsync import state
from svixsync.blocks import Block
from svixsync.errors import FatalError
from svixsync.names import base_name, label
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
    upstream.blob_shas(commit, paths)  # one `git ls-tree` for all of them
    snapshots = Snapshots(upstream)
    rows = []
    for path in paths:
        if upstream.blob_sha(commit, path) is None:
            raise FatalError(f"{path} does not exist at {commit[:12]}")
        topics = topics_for(config, path)
        found = snapshots.file(commit, path)
        _warn_about_qualified(found)
        for block in found:
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
            click.echo(safe(f"{mark} {block.path}:{block.start_line}-{block.end_line} {label(block.kind, block.name)}"))
    return 0


def _warn_about_qualified(blocks: list[Block]) -> None:
    """One line on stderr for each group of blocks sharing a name, which qualifiers tell apart (contract §1)."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for block in blocks:
        base = base_name(block.name)
        if block.kind != "use" and base != block.name:
            groups.setdefault((block.path, block.kind, base), []).append(block.name)
    for (path, kind, base), qualified in groups.items():
        click.echo(
            f"svixsync: warning: {path}: {len(qualified)} {kind} blocks are named {base}; "
            f"qualified as {', '.join(qualified)}",
            err=True,
        )

"""Loads a dataset, its lock and upstream, and works out the report `check` prints and `update` applies."""

from __future__ import annotations

from dataclasses import dataclass, replace

from svixsync import dataset, state, sync, transaction
from svixsync.compare import compare
from svixsync.dataset import Example
from svixsync.errors import FatalError
from svixsync.project import Project
from svixsync.snapshot import Snapshots
from svixsync.state import DatasetConfig, Lock, read_lock
from svixsync.topic import selects
from svixsync.upstream import Upstream


@dataclass(frozen=True)
class Evaluation:
    report: sync.Report
    tracked: list[str]  # the tracked paths at the target (files may have moved)


def load_examples(project: Project, entry: DatasetConfig, *, allow_empty: bool = False) -> list[Example]:
    """The dataset's lines, each with the configured system prompt; with ``allow_empty``, a missing or empty file
    has none."""
    path = project.root / entry.file
    if allow_empty and not transaction.exists(path):
        return []
    examples = dataset.parse(entry.file, transaction.read_bytes(path), allow_empty=allow_empty)
    for example in examples:
        if example.system != entry.system_prompt:
            raise FatalError(f"{entry.file}:{example.number}: the system prompt differs from state/config.json")
    return examples


def resolve_pin(upstream: Upstream, lock: Lock) -> str:
    try:
        return upstream.resolve(lock.pinned)
    except FatalError:
        if upstream.is_shallow():
            raise  # says to fetch more history
        raise FatalError(
            f"pinned commit {lock.pinned} is not in {upstream.path} (not fetched, or history rewritten by a "
            "force-push?); fetch it, or re-pin with `svixsync init --rev REV` and review every example"
        ) from None


def evaluate(
    project: Project,
    entry: DatasetConfig,
    rev: str | None,
    *,
    force: bool = False,
    need_upstream: bool = False,
    explain_flags: bool = False,
) -> Evaluation:
    """The report of ``entry`` at ``rev``; with ``explain_flags``, examples flagged earlier also carry their code
    from before the flagging update (for the PR comment, the only report that shows it)."""
    examples = load_examples(project, entry)
    lock = read_lock(project.state, entry)
    upstream = project.upstream() if need_upstream else project.upstream_if_any()
    if upstream is None:
        return Evaluation(sync.offline(examples, lock, force=force), entry.tracked)
    pin = resolve_pin(upstream, lock)
    target = upstream.resolve(rev or "HEAD")
    renames = upstream.renames(pin, target) if pin != target else {}
    moves = {path: renames.get(path, path) for path in entry.tracked}
    # A file deleted upstream stays tracked: its examples are flagged `removed`, and a later restore is followed.
    tracked = [path if moved is None else moved for path, moved in moves.items()]
    # Files the commits left alone are not read at all when the lock knows their blocks (cost follows the change).
    # A hand-edited code field (--force), other topic rules or tracked files, or an older lock: read everything.
    knows_blocks = lock.selection == state.selection_digest(entry) and all(
        ref.start_line is not None for example in lock.examples for ref in example.blocks
    )
    read = [path for path in entry.tracked if force or not knows_blocks or path in renames]
    snapshots = Snapshots(upstream)
    old = snapshots.files(pin, read)
    new = snapshots.files(target, [moved for path in read if (moved := moves[path]) is not None])
    changes = compare(old, new, {path: moves[path] for path in read})
    goal = sync.Target(
        commit=target,
        blocks=new,
        selected=[block for block in new if selects(entry.topic, block)],
        untouched=frozenset(path for path in entry.tracked if path not in read),
        tracked=tracked,
    )
    report = sync.plan(examples, lock, changes, goal, force=force)
    if explain_flags:
        report = _with_code_before_flags(report, upstream, snapshots)
    return Evaluation(report, tracked)


def _with_code_before_flags(report: sync.Report, upstream: Upstream, snapshots: Snapshots) -> sync.Report:
    """Attach, to each example flagged by an earlier update, its code as it was before that update."""
    commits: dict[str, str | None] = {}  # flags of one update share their `since`: resolve it once
    states = []
    for example in report.examples:
        review = example.lock.review
        if review is None or review.since is None or any(block.change for block in example.blocks):
            states.append(example)
            continue
        if review.since not in commits:
            try:
                commits[review.since] = upstream.resolve(review.since)
            except FatalError:  # not fetched, or rewritten: reports say why without the old code
                commits[review.since] = None
        since = commits[review.since]
        paths = sorted({f.old_path or f.path for f in review.changes} | {ref.path for ref in example.lock.blocks})
        try:
            at_since = snapshots.files(since, paths) if since is not None else None
        except FatalError:  # unparseable there: the same
            at_since = None
        states.append(replace(example, before=sync.code_before_flag(example, at_since)) if at_since else example)
    return replace(report, examples=states)

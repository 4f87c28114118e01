"""Loads a dataset, its lock and upstream, and works out the report `check` prints and `update` applies."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from svixsync import dataset, state, sync, transaction
from svixsync.compare import compare
from svixsync.dataset import Example
from svixsync.depends import FILE, Scope, cited_paths, work_out
from svixsync.errors import FatalError
from svixsync.project import Project
from svixsync.snapshot import Snapshots
from svixsync.state import DatasetConfig, ExampleLock, Lock, read_lock
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


def chosen_lines(lines: Iterable[int], entry: DatasetConfig, examples: list[Example]) -> list[int]:
    """The line numbers given on the command line, each once (a repeated one is folded), in the order given; an
    error for one the dataset does not have."""
    chosen = list(dict.fromkeys(lines))
    for line in chosen:
        if not 1 <= line <= len(examples):
            raise FatalError(f"no line {line} in {entry.file} ({len(examples)} lines)")
    return chosen


def record_prose(
    project: Project, entry: DatasetConfig, lock: Lock, examples: list[Example], lines: Iterable[int]
) -> list[ExampleLock]:
    """The lock's entries, those of ``lines`` recording the prose the dataset holds now. Where it changed since the
    entry was written, its dependencies are worked out again at the pin when a checkout is at hand, else left
    unknown (None) for the next run that has one."""
    entries = list(lock.examples)
    rewritten = [line for line in lines if examples[line - 1].prose_sha256 != entries[line - 1].prose_sha256]
    upstream = project.upstream_if_any() if rewritten else None
    scope = pin_scope(Snapshots(upstream), resolve_pin(upstream, lock), entry, lock) if upstream else None
    for line in rewritten:
        example, recorded = examples[line - 1], entries[line - 1]
        depends = (
            work_out((example.user, example.think), recorded.blocks, recorded.citations, scope, recorded.depends)
            if scope is not None
            else None
        )
        entries[line - 1] = recorded.model_copy(update={"prose_sha256": example.prose_sha256, "depends": depends})
    return entries


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
    snapshots = Snapshots(upstream)
    cited = cited_files(entry, lock)
    scope = [*entry.tracked, *cited]
    lock = with_depends(lock, examples, lambda: pin_scope(snapshots, pin, entry, lock))
    renames = upstream.renames(pin, target) if pin != target else {}
    moves = {path: renames.get(path, path) for path in scope}
    # A file deleted upstream stays tracked: its examples are flagged `removed`, and a later restore is followed.
    tracked = [path if (moved := moves[path]) is None else moved for path in entry.tracked]
    # Files the commits left alone are not read at all when the lock knows their blocks (cost follows the change).
    # A hand-edited code field (--force), other topic rules or tracked files, or an older lock: read everything.
    knows_blocks = lock.selection == state.selection_digest(entry) and all(
        ref.start_line is not None for example in lock.examples for ref in example.blocks
    )
    read = [path for path in scope if force or not knows_blocks or path in renames]
    rust = [path for path in read if is_rust(path, entry.tracked)]
    old = snapshots.files(pin, rust)
    new = snapshots.files(target, [moved for path in rust if (moved := moves[path]) is not None])
    changes = compare(old, new, {path: moves[path] for path in rust})
    at_target = set(tracked)
    goal = sync.Target(
        commit=target,
        blocks=new,
        selected=[block for block in new if block.path in at_target and selects(entry.topic, block)],
        untouched=frozenset(path for path in scope if path not in read),
        tracked=tracked,
        moves={path: moves[path] for path in read},
        files_before=_raw(snapshots, pin, [path for path in read if path not in rust]),
        files_after=_raw(snapshots, target, [moved for path in read if path not in rust and (moved := moves[path])]),
    )
    report = sync.plan(examples, lock, changes, goal, force=force)
    if explain_flags:
        report = _with_code_before_flags(report, upstream, snapshots)
    return Evaluation(report, tracked)


def is_rust(path: str, tracked: list[str]) -> bool:
    """Tracked files are Rust; a cited file is Rust by its name, else it is cited whole."""
    return path in tracked or path.endswith(".rs")


def _raw(snapshots: Snapshots, commit: str, paths: list[str]) -> dict[str, bytes]:
    found = {path: snapshots.raw(commit, path) for path in paths}
    return {path: data for path, data in found.items() if data is not None}


def scope_at(snapshots: Snapshots, commit: str, tracked: list[str], cited: list[str]) -> Scope:
    """What the prose of a dataset may depend on at ``commit``: its tracked files and the files it cites."""
    rust = [path for path in [*tracked, *cited] if is_rust(path, tracked)]
    others = [path for path in cited if not is_rust(path, tracked)]
    return Scope(snapshots.files(commit, rust), _raw(snapshots, commit, others), frozenset([*tracked, *cited]))


def cited_files(entry: DatasetConfig, lock: Lock, more: Sequence[str] = ()) -> list[str]:
    """The files the dataset's citations (and ``more``) name, besides its tracked files."""
    citations = [citation for example in lock.examples for citation in example.citations]
    return [path for path in cited_paths([*citations, *more]) if path not in entry.tracked]


def pin_scope(snapshots: Snapshots, pin: str, entry: DatasetConfig, lock: Lock, more: Sequence[str] = ()) -> Scope:
    """The scope of ``entry``'s prose at its pin: tracked files, and the files its citations (and ``more``) name."""
    return scope_at(snapshots, pin, entry.tracked, cited_files(entry, lock, more))


def with_depends(lock: Lock, examples: list[Example], scope: Callable[[], Scope], everything: bool = False) -> Lock:
    """The lock with the dependencies of every example worked out at its pin where the lock does not know them:
    a lock written before svixsync tracked prose, or prose edited since (or all, with ``everything``). ``scope``
    is called, and upstream read, only where there is work to do."""
    sync.check_alignment(examples, lock)
    stale = [
        index
        for index, (example, entry) in enumerate(zip(examples, lock.examples, strict=True))
        if everything or entry.depends is None or entry.prose_sha256 != example.prose_sha256
    ]
    if not stale:
        return lock
    at_pin = scope()
    entries = list(lock.examples)
    for index in stale:
        example, entry = examples[index], entries[index]
        depends = work_out((example.user, example.think), entry.blocks, entry.citations, at_pin, entry.depends)
        entries[index] = entry.model_copy(update={"depends": depends})
    return lock.model_copy(update={"examples": entries})


def _with_code_before_flags(report: sync.Report, upstream: Upstream, snapshots: Snapshots) -> sync.Report:
    """Attach, to each example flagged by an earlier update, its code as it was before that update and the diffs
    of the dependencies that flagged it."""
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
        if since is None or report.target is None:
            states.append(example)
            continue
        quoted = [flag for flag in review.changes if flag.via is None]
        paths = sorted({f.old_path or f.path for f in quoted} | {ref.path for ref in example.lock.blocks})
        try:
            before = sync.code_before_flag(example, snapshots.files(since, paths))
        except FatalError:  # unparseable there: the same
            before = None
        diffs = [
            sync.DependencyDiff(
                flag.via,
                flag.name,
                flag.change,
                _text_at(snapshots, since, flag.old_path or flag.path, flag.kind, flag.old_name or flag.name),
                _text_at(snapshots, report.target, flag.path, flag.kind, flag.name),
                flag.old_name,
            )
            for flag in review.changes
            if flag.via is not None
        ]
        states.append(replace(example, before_blocks=before, flagged=diffs))
    return replace(report, examples=states)


def _text_at(snapshots: Snapshots, commit: str, path: str, kind: str, name: str) -> str | None:
    """The text of a block (or a whole cited file) at ``commit``; None where it is not there or cannot be read."""
    try:
        if kind == FILE:
            data = snapshots.raw(commit, path)
            return data.decode("utf-8", errors="replace") if data is not None else None
        return next((b.text for b in snapshots.file(commit, path) if (b.kind, b.name) == (kind, name)), None)
    except FatalError:
        return None

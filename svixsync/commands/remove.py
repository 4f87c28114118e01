"""`svixsync remove`: delete examples and their lock entries, all or nothing, and say how later lines shift."""

from __future__ import annotations

import click

from svixsync import state, transaction
from svixsync.dataset import Example, rewrite
from svixsync.errors import FatalError
from svixsync.evaluate import chosen_lines, cited_files, load_examples, pin_scope, resolve_pin, with_depends
from svixsync.fingerprint import sha256
from svixsync.project import Project
from svixsync.snapshot import Snapshots
from svixsync.state import DatasetConfig, ExampleLock, Lock, Site
from svixsync.sync import check_alignment, split_code, unchanged_block
from svixsync.topic import selects


def run(project: Project, lines: list[int], name: str | None) -> int:
    with project.writing():
        entry = project.config().dataset(name)
        examples = load_examples(project, entry)
        lock = state.read_lock(project.state, entry)
        check_alignment(examples, lock)
        lines = sorted(chosen_lines(lines, entry, examples))
        if len(lines) == len(examples):
            raise FatalError(f"that would remove every line of {entry.file}; keep at least one")
        gone = set(lines)
        kept = [pair for pair in zip(examples, lock.examples, strict=True) if pair[0].number not in gone]
        removed = [(examples[line - 1], lock.examples[line - 1]) for line in lines]
        entries = [recorded.model_copy(update={"line": index}) for index, (_, recorded) in enumerate(kept, start=1)]
        uncovered, selection = _uncovered(entry, lock, entries, removed)
        new_lock = lock.model_copy(update={"examples": entries, "uncovered": uncovered, "selection": selection})
        kept_examples = [example for example, _ in kept]
        new_lock = _scope_shrunk(project, entry, lock, new_lock, kept_examples)
        path = project.root / entry.file
        data = rewrite(transaction.read_bytes(path), [example.raw for example in kept_examples])
        project.commit({path: data, project.state / entry.lock_file: state.dump(new_lock)})
    listed = ", ".join(map(str, lines))
    click.echo(f"removed line{'s' if len(lines) > 1 else ''} {listed} of {entry.file}; {shifts(lines, len(examples))}")
    return 0


def shifts(removed: list[int], total: int) -> str:
    """How the lines after each removed one move: "lines 4-6 are now 3-5, line 8 is now 6"."""
    moves = []
    for index, line in enumerate(removed):
        first, last = line + 1, (removed[index + 1] - 1 if index + 1 < len(removed) else total)
        if first > last:
            continue
        by = index + 1
        if first == last:
            moves.append(f"line {first} is now {first - by}")
        else:
            moves.append(f"lines {first}-{last} are now {first - by}-{last - by}")
    return ", ".join(moves) if moves else "no line after it moved"


def _uncovered(
    entry: DatasetConfig, lock: Lock, kept: list[ExampleLock], removed: list[tuple[Example, ExampleLock]]
) -> tuple[list[Site] | None, str | None]:
    """The lock's uncovered list once ``removed`` are gone, with the selected blocks no kept example quotes.

    The blocks of an example flagged `removed` were recorded at an older pin, and a hand-edited code field has no
    trustworthy text: then the list (and its selection digest) is dropped, and the next run with a checkout reads
    every tracked file and works it out again."""
    if lock.uncovered is None:
        return None, lock.selection
    covered = {ref.key for recorded in kept for ref in recorded.blocks}
    freed: list[Site] = []
    for example, recorded in removed:
        texts = split_code(example.code, recorded.blocks)
        if texts is None or (recorded.review is not None and recorded.review.reason == "removed"):
            return None, None
        pairs = list(zip(recorded.blocks, texts, strict=True))
        if any(ref.start_line is None or sha256(text) != ref.sha256 for ref, text in pairs):
            return None, None
        for ref, text in pairs:
            block = unchanged_block(ref, text)
            if block.key not in covered and selects(entry.topic, block):
                freed.append(state.site_of(block))
    known = {site.key for site in lock.uncovered}
    fresh = list({site.key: site for site in freed if site.key not in known}.values())
    order = {path: index for index, path in enumerate(entry.tracked)}
    everything = sorted([*lock.uncovered, *fresh], key=lambda site: (order.get(site.path, len(order)), site.start_line))
    return everything, lock.selection


def _scope_shrunk(project: Project, entry: DatasetConfig, lock: Lock, new_lock: Lock, examples: list[Example]) -> Lock:
    """Where the removed examples were the only ones citing a file, every mention is worked out again without it:
    at the pin with a checkout at hand, else left unknown for the next run that has one."""
    if cited_files(entry, new_lock) == cited_files(entry, lock):
        return new_lock
    upstream = project.upstream_if_any()
    if upstream is None:
        entries = [recorded.model_copy(update={"depends": None}) for recorded in new_lock.examples]
        return new_lock.model_copy(update={"examples": entries})
    pin = resolve_pin(upstream, lock)
    return with_depends(
        new_lock, examples, lambda: pin_scope(Snapshots(upstream), pin, entry, new_lock), everything=True
    )

"""Dataset + lock + upstream changes -> the status of every example and what `update` would write (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from svixsync.blocks import Block
from svixsync.compare import Change, ChangeClass
from svixsync.dataset import Example
from svixsync.errors import FatalError
from svixsync.fingerprint import sha256
from svixsync.state import BlockRef, ExampleLock, Flag, Lock, Review, Site

Status = Literal["fresh", "refreshed", "stale", "removed"]
SEVERITY: dict[Status, int] = {"fresh": 0, "refreshed": 1, "stale": 2, "removed": 3}


@dataclass(frozen=True)
class BlockState:
    """One covered block: as recorded at the pin, what happened to it, and where it is at the target."""

    ref: BlockRef
    change: ChangeClass | None
    new: Block | None
    old_name: str | None = None
    old_path: str | None = None

    @property
    def path(self) -> str:
        return self.new.path if self.new else self.ref.path

    @property
    def kind(self) -> str:
        return self.ref.kind

    @property
    def name(self) -> str:
        return self.new.name if self.new else self.ref.name


@dataclass(frozen=True)
class ExampleState:
    example: Example
    status: Status
    blocks: list[BlockState]
    lock: ExampleLock  # the lock entry after `update`
    code: str | None  # the code field after `update`, None where it stays as it is
    before: str | None = None  # for an example flagged earlier: its code field as it was before the flagging update

    @property
    def pending(self) -> bool:
        """Flagged for re-authoring and not yet acknowledged."""
        return self.lock.review is not None


@dataclass(frozen=True)
class Target:
    """Upstream at the revision compared with, as far as it had to be read."""

    commit: str
    blocks: list[Block]  # every block of the files read at the target: those the commit touched, or all
    selected: list[Block]  # the ones the topic rules select
    untouched: frozenset[str]  # tracked files with the pin's blob, left unread: their blocks are the lock's
    tracked: list[str]  # the tracked files at the target, in order


@dataclass(frozen=True)
class Report:
    dataset: str
    pinned: str
    target: str | None
    examples: list[ExampleState]
    uncovered: list[Site]

    def count(self, status: Status) -> int:
        return sum(1 for state in self.examples if state.status == status)

    @property
    def in_sync(self) -> bool:
        return all(state.status == "fresh" for state in self.examples)


def site_of(block: Block) -> Site:
    return Site(path=block.path, kind=block.kind, name=block.name, start_line=block.start_line)


def ref_of(block: Block) -> BlockRef:
    return BlockRef(
        path=block.path,
        kind=block.kind,
        name=block.name,
        start_line=block.start_line,
        lines=block.text.count("\n") + 1,
        sha256=block.fingerprint.text,
        tokens=block.fingerprint.tokens,
        words=block.fingerprint.words,
    )


def code_of(blocks: list[Block]) -> str:
    """The code field of an example covering ``blocks``: their texts joined by a blank line (contract §3)."""
    return "\n\n".join(block.text for block in blocks)


def split_code(code: str, refs: list[BlockRef]) -> list[str] | None:
    """The texts of the blocks a code field is made of, by the recorded line counts; None if it does not fit."""
    lines = code.split("\n")
    texts: list[str] = []
    index = 0
    for position, ref in enumerate(refs):
        if position and (index >= len(lines) or lines[index] != ""):
            return None
        index += 1 if position else 0
        texts.append("\n".join(lines[index : index + ref.lines]))
        index += ref.lines
    return texts if index == len(lines) else None


def verify_code(example: Example, entry: ExampleLock) -> list[str]:
    """The code field must be what svixsync wrote: a hand edit is reported, never overwritten silently.
    Returns the texts of the blocks it is made of."""
    texts = split_code(example.code, entry.blocks)
    if texts is None:
        raise FatalError(
            f"line {example.number}: the code field does not match state/ (edited by hand?); "
            "restore it, or run `svixsync update --force` to rewrite it from upstream"
        )
    for text, ref in zip(texts, entry.blocks, strict=True):
        if sha256(text) != ref.sha256:
            raise FatalError(
                f"line {example.number}: the code of {ref.name} differs from what svixsync wrote "
                "(edited by hand?); restore it, or run `svixsync update --force` to rewrite it from upstream"
            )
    return texts


def check_alignment(examples: list[Example], lock: Lock) -> None:
    if len(examples) != len(lock.examples):
        raise FatalError(
            f"{lock.dataset} has {len(examples)} lines but the lock records {len(lock.examples)} examples; "
            "run `svixsync init` to adopt the dataset again"
        )


def offline(examples: list[Example], lock: Lock, *, force: bool = False) -> Report:
    """What can be said with no checkout at hand: code fields against fingerprints, and pending flags."""
    check_alignment(examples, lock)
    states: list[ExampleState] = []
    for example, entry in zip(examples, lock.examples, strict=True):
        if not force:
            verify_code(example, entry)
        status: Status = entry.review.reason if entry.review else "fresh"
        blocks = [BlockState(ref, None, None) for ref in entry.blocks]
        states.append(ExampleState(example, status, blocks, entry, None))
    return Report(lock.dataset, lock.pinned, None, states, list(lock.uncovered or []))


def plan(examples: list[Example], lock: Lock, changes: list[Change], target: Target, *, force: bool = False) -> Report:
    """Status and new code of every example when upstream moves from the pin to ``target``."""
    check_alignment(examples, lock)
    by_old_key = {change.old.key: change for change in changes if change.old is not None}
    at_target = {block.key: block for block in target.blocks}
    states: list[ExampleState] = []
    unchanged: dict[tuple[str, str, str, str], Block] = {}  # examples share blocks (the `use` block, at least)
    for example, entry in zip(examples, lock.examples, strict=True):
        # Under --force evaluate reads every file, so texts of hand-edited code fields are never reused.
        texts = None if force else verify_code(example, entry)
        blocks = []
        for index, ref in enumerate(entry.blocks):
            if texts is not None and ref.path in target.untouched:
                key = (*ref.key, ref.sha256)
                if key not in unchanged:
                    unchanged[key] = _unchanged(ref, texts[index])
                blocks.append(BlockState(ref, None, unchanged[key]))
            else:
                blocks.append(_follow(ref, by_old_key, at_target))
        states.append(_example_state(example, entry, blocks, lock.pinned, target.commit))
    covered = {state.new.key for example in states for state in example.blocks if state.new is not None}
    found = [site_of(block) for block in target.selected if block.key not in covered]
    kept = [site for site in lock.uncovered or [] if site.path in target.untouched and site.key not in covered]
    order = {path: index for index, path in enumerate(target.tracked)}
    uncovered = sorted(found + kept, key=lambda site: (order.get(site.path, len(order)), site.start_line))
    return Report(lock.dataset, lock.pinned, target.commit, states, uncovered)


def _unchanged(ref: BlockRef, text: str) -> Block:
    """A block of a file the commit left untouched: the recorded one, with the text the code field holds."""
    assert ref.start_line is not None
    return Block(ref.path, ref.kind, ref.name, ref.start_line, ref.start_line + ref.lines - 1, text, ref.fingerprint)


def _follow(
    ref: BlockRef, by_old_key: dict[tuple[str, str, str], Change], at_target: dict[tuple[str, str, str], Block]
) -> BlockState:
    change = by_old_key.get(ref.key)
    new = change.new if change is not None else at_target.get(ref.key)
    if new is None:
        return BlockState(ref, "removed", None)
    # The recorded fingerprint decides content changes: it is what the dataset holds, whatever the pin's blob says.
    content = ref.fingerprint.change_to(new.fingerprint)
    if change is None:
        return BlockState(ref, content, new)
    # A rename is always reported as one; a move only where the block kept its meaning.
    structural = change.change == "renamed" or (change.change == "moved" and content != "semantic")
    return BlockState(ref, change.change if structural else content, new, change.old_name, change.old_path)


def _example_state(
    example: Example, entry: ExampleLock, blocks: list[BlockState], pinned: str, target: str
) -> ExampleState:
    status: Status = "fresh"
    for state in blocks:
        status = max(status, _status_of(state), key=SEVERITY.__getitem__)
    review = entry.review
    if status in ("stale", "removed"):
        flags = [
            Flag(
                path=state.path,
                kind=state.kind,
                name=state.name,
                change=state.change,
                old_name=state.old_name,
                old_path=state.old_path,
            )
            for state in blocks
            if state.change is not None and _status_of(state) in ("stale", "removed")
        ]
        review = Review(
            reason="removed" if status == "removed" else "stale",
            flagged_at=target,
            prose_sha256=review.prose_sha256 if review else example.prose_sha256,
            since=review.since if review else pinned,
            changes=[*(review.changes if review else []), *flags],
        )
    if review is not None:
        status = max(status, review.reason, key=SEVERITY.__getitem__)
    if any(state.new is None for state in blocks):
        return ExampleState(example, status, blocks, entry.model_copy(update={"review": review}), None)
    new_blocks = [state.new for state in blocks if state.new is not None]
    code = code_of(new_blocks)
    # Nothing to record anew, the case of most examples on most runs: keep the lock entry as it is.
    if (
        code == example.code
        and review is entry.review
        and (entry.line, entry.prose_sha256) == (example.number, example.prose_sha256)
        and all(state.change is None and state.new.start_line == state.ref.start_line for state in blocks)  # type: ignore[union-attr]
    ):
        return ExampleState(example, status, blocks, entry, None)
    new_entry = ExampleLock(
        line=example.number,
        prose_sha256=example.prose_sha256,
        blocks=[ref_of(block) for block in new_blocks],
        review=review,
    )
    return ExampleState(example, status, blocks, new_entry, code if code != example.code else None)


def _status_of(state: BlockState) -> Status:
    if state.change is None:
        return "fresh"
    if state.change == "removed":
        return "removed"
    if state.kind != "use" and state.change in ("semantic", "renamed"):
        return "stale"
    return "refreshed"


def code_before_flag(state: ExampleState, at_since: list[Block]) -> str | None:
    """The code field of a flagged example as it was at its review's ``since``, following the recorded changes back;
    None where a block cannot be found there."""
    review = state.lock.review
    if review is None:
        return None
    back = {f.key: (f.old_path or f.path, f.kind, f.old_name or f.name) for f in review.changes}
    found = {block.key: block for block in at_since}
    texts = []
    for ref in state.lock.blocks:
        block = found.get(back.get(ref.key, ref.key))
        if block is None:
            return None
        texts.append(block.text)
    return "\n\n".join(texts)

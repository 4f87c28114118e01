"""Dataset + lock + upstream changes -> the status of every example and what `update` would write (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from svixsync.blocks import Block
from svixsync.compare import Change, ChangeClass, Key, follow
from svixsync.dataset import Example
from svixsync.depends import DependencyState, Moves, citation_of, follow_dependency
from svixsync.errors import FatalError
from svixsync.fingerprint import sha256
from svixsync.state import BlockRef, ExampleLock, Flag, Lock, Review, Site, ref_of, site_of

Status = Literal["fresh", "refreshed", "review", "stale", "removed"]
SEVERITY: dict[Status, int] = {"fresh": 0, "refreshed": 1, "review": 2, "stale": 3, "removed": 4}
FLAGGED: tuple[Status, ...] = ("review", "stale", "removed")  # what `update` flags for a person


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
class DependencyDiff:
    """The code of a dependency before and after the change that flagged an example (for the PR comment)."""

    via: str
    name: str
    change: str | None
    old: str | None
    new: str | None
    old_name: str | None = None  # where it was renamed


@dataclass(frozen=True)
class ExampleState:
    example: Example
    status: Status
    blocks: list[BlockState]
    lock: ExampleLock  # the lock entry after `update`
    code: str | None  # the code field after `update`, None where it stays as it is
    depends: list[DependencyState] = field(default_factory=list)
    flag: Review | None = None  # the flag the lock recorded before this run: why a person still has work to do
    # For an example flagged earlier: the texts of its quoted blocks as they were before the flagging update (in the
    # order of its lock entry), and its dependencies' changes that flagged it.
    before_blocks: list[str] | None = None
    flagged: list[DependencyDiff] = field(default_factory=list)

    @property
    def before(self) -> str | None:
        """The code field as it was before the flagging update."""
        return "\n\n".join(self.before_blocks) if self.before_blocks is not None else None

    def dependency_diffs(self) -> list[DependencyDiff]:
        """The changes of dependencies that flag this example: those of this run, else those of its flag."""
        now = [
            DependencyDiff(d.via, d.name, d.change, d.old_text, d.new_text, d.old_name) for d in self.depends if d.flags
        ]
        return now or self.flagged

    @property
    def flagged_now(self) -> bool:
        """Whether a change of this run flags it (what `update` adds to its flag)."""
        return any(_status_of(b) in FLAGGED for b in self.blocks) or any(d.flags for d in self.depends)


@dataclass(frozen=True)
class Target:
    """Upstream at the revision compared with, as far as it had to be read."""

    commit: str
    blocks: list[Block]  # every block of the files read at the target: those the commit touched, or all
    selected: list[Block]  # the ones the topic rules select
    untouched: frozenset[str]  # tracked and cited files with the pin's blob, left unread: the lock knows them
    tracked: list[str]  # the tracked files at the target, in order
    moves: dict[str, str | None] = field(default_factory=dict)  # old path -> new path of every file read
    files_before: dict[str, bytes] = field(default_factory=dict)  # cited non-Rust files read at the pin
    files_after: dict[str, bytes] = field(default_factory=dict)  # and at the target (absent where deleted)


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


def code_of(blocks: list[Block]) -> str:
    """The code field of an example covering ``blocks``: their texts joined by a blank line (contract §3)."""
    return "\n\n".join(block.text for block in blocks)


def reauthored(example: Example, review: Review) -> bool:
    """Whether the prose's words changed since it was flagged: re-spacing or re-wrapping it does not count."""
    if review.words_sha256 is None:  # a flag written before svixsync recorded words: any byte counts
        return example.prose_sha256 != review.prose_sha256
    return example.words_sha256 != review.words_sha256


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
            f"{lock.dataset} has {len(examples)} line{'s' if len(examples) != 1 else ''} but the lock records "
            f"{len(lock.examples)} example{'s' if len(lock.examples) != 1 else ''}; "
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
        depends = [DependencyState(dependency, None, dependency) for dependency in entry.depends or []]
        states.append(ExampleState(example, status, blocks, entry, None, depends, entry.review))
    return Report(lock.dataset, lock.pinned, None, states, list(lock.uncovered or []))


def plan(examples: list[Example], lock: Lock, changes: list[Change], target: Target, *, force: bool = False) -> Report:
    """Status and new code of every example when upstream moves from the pin to ``target``.

    Every lock entry must know its dependencies (evaluate works out those of a lock written before prose was
    tracked, or of prose edited since)."""
    check_alignment(examples, lock)
    by_old_key = {change.old.key: change for change in changes if change.old is not None}
    at_target = {block.key: block for block in target.blocks}
    moves = Moves(
        read=frozenset(target.moves),
        paths=target.moves,
        by_old_key=by_old_key,
        at_target=at_target,
        files_before=target.files_before,
        files_after=target.files_after,
    )
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
                    unchanged[key] = unchanged_block(ref, texts[index])
                blocks.append(BlockState(ref, None, unchanged[key]))
            else:
                blocks.append(_follow(ref, by_old_key, at_target))
        depends = [follow_dependency(dependency, moves) for dependency in entry.depends or []]
        states.append(_example_state(example, entry, blocks, depends, lock.pinned, target.commit))
    covered = {state.new.key for example in states for state in example.blocks if state.new is not None}
    found = [site_of(block) for block in target.selected if block.key not in covered]
    kept = [site for site in lock.uncovered or [] if site.path in target.untouched and site.key not in covered]
    order = {path: index for index, path in enumerate(target.tracked)}
    uncovered = sorted(found + kept, key=lambda site: (order.get(site.path, len(order)), site.start_line))
    return Report(lock.dataset, lock.pinned, target.commit, states, uncovered)


def unchanged_block(ref: BlockRef, text: str) -> Block:
    """A block of a file the commit left untouched: the recorded one, with the text the code field holds."""
    assert ref.start_line is not None
    return Block(ref.path, ref.kind, ref.name, ref.start_line, ref.start_line + ref.lines - 1, text, ref.fingerprint)


def _follow(ref: BlockRef, by_old_key: dict[Key, Change], at_target: dict[Key, Block]) -> BlockState:
    found = follow(ref.key, ref.fingerprint, by_old_key, at_target)
    return BlockState(ref, found.change, found.new, found.old_name, found.old_path)


def _flag(state: BlockState | DependencyState) -> Flag:
    assert state.change is not None  # only changed blocks and dependencies flag an example
    return Flag(
        path=state.path,
        kind=state.kind,
        name=state.name,
        change=state.change,
        old_name=state.old_name,
        old_path=state.old_path,
        via=state.via if isinstance(state, DependencyState) else None,
    )


def _example_state(
    example: Example,
    entry: ExampleLock,
    blocks: list[BlockState],
    depends: list[DependencyState],
    pinned: str,
    target: str,
) -> ExampleState:
    status: Status = "fresh"
    for state in blocks:
        status = max(status, _status_of(state), key=SEVERITY.__getitem__)
    if any(dependency.flags for dependency in depends):
        status = max(status, "review", key=SEVERITY.__getitem__)
    review = entry.review
    if status in FLAGGED:
        flags = [_flag(state) for state in blocks if _status_of(state) in FLAGGED]
        flags += [_flag(dependency) for dependency in depends if dependency.flags]
        reason = max(status, review.reason if review else status, key=SEVERITY.__getitem__)
        review = Review(
            reason=reason,  # type: ignore[arg-type]  # one of FLAGGED
            flagged_at=target,
            prose_sha256=review.prose_sha256 if review else example.prose_sha256,
            since=review.since if review else pinned,
            # A change already recorded (a block still gone, read again by `update --force` or a later commit
            # touching its file) is not recorded twice.
            changes=[*(earlier := review.changes if review else []), *(f for f in flags if f not in earlier)],
            words_sha256=review.words_sha256 if review else example.words_sha256,
        )
    if review is not None:
        status = max(status, review.reason, key=SEVERITY.__getitem__)
    recorded = [dependency.new for dependency in depends]
    citations = _followed_citations(entry.citations, depends)
    if any(state.new is None for state in blocks):
        update = {"review": review, "depends": recorded, "citations": citations}
        return ExampleState(example, status, blocks, entry.model_copy(update=update), None, depends, entry.review)
    new_blocks = [state.new for state in blocks if state.new is not None]
    code = code_of(new_blocks)
    # Nothing to record anew, the case of most examples on most runs: keep the lock entry as it is.
    if (
        code == example.code
        and review is entry.review
        and (entry.line, entry.prose_sha256) == (example.number, example.prose_sha256)
        and all(state.change is None and state.new.start_line == state.ref.start_line for state in blocks)  # type: ignore[union-attr]
        and recorded == entry.depends
    ):
        return ExampleState(example, status, blocks, entry, None, depends, entry.review)
    new_entry = ExampleLock(
        line=example.number,
        prose_sha256=example.prose_sha256,
        blocks=[ref_of(block) for block in new_blocks],
        review=review,
        citations=citations,
        depends=recorded,
    )
    new_code = code if code != example.code else None
    return ExampleState(example, status, blocks, new_entry, new_code, depends, entry.review)


def _followed_citations(citations: list[str], depends: list[DependencyState]) -> list[str]:
    """The recorded citations, each renamed or moved where the block or file it names was."""
    renamed = {citation_of(state.ref): citation_of(state.new) for state in depends if state.via == "citation"}
    return [renamed.get(citation, citation) for citation in citations]


def _status_of(state: BlockState) -> Status:
    if state.change is None:
        return "fresh"
    if state.change == "removed":
        return "removed"
    if state.kind != "use" and state.change in ("semantic", "renamed"):
        return "stale"
    return "refreshed"


def code_before_flag(state: ExampleState, at_since: list[Block]) -> list[str] | None:
    """The texts of a flagged example's quoted blocks as they were at its review's ``since``, following the recorded
    changes back; None where a block cannot be found there."""
    review = state.lock.review
    if review is None:
        return None
    back = {f.key: (f.old_path or f.path, f.kind, f.old_name or f.name) for f in review.changes if f.via is None}
    found = {block.key: block for block in at_since}
    texts = []
    for ref in state.lock.blocks:
        block = found.get(back.get(ref.key, ref.key))
        if block is None:
            return None
        texts.append(block.text)
    return texts

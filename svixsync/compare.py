"""Blocks at one revision against blocks at another: the change events of contract §2."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from svixsync.blocks import Block
from svixsync.fingerprint import Fingerprint

ChangeClass = Literal["cosmetic", "doc", "semantic", "renamed", "moved", "added", "removed"]
# Texts that agree on this share, names masked, are one block renamed; see tests/compare_test.py for the
# renames it must catch and the near misses (same signature, another body) it must leave as removed + added.
RENAME_SIMILARITY = 0.85
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
KEYWORDS = frozenset({"impl", "for", "as", "mod", "use"})


@dataclass(frozen=True)
class Change:
    """One block event. ``old`` is None for `added`, ``new`` is None for `removed`."""

    change: ChangeClass
    old: Block | None
    new: Block | None

    @property
    def block(self) -> Block:
        block = self.new or self.old
        assert block is not None
        return block

    @property
    def path(self) -> str:
        return self.block.path

    @property
    def kind(self) -> str:
        return self.block.kind

    @property
    def name(self) -> str:
        return self.block.name

    @property
    def old_name(self) -> str | None:
        return self.old.name if self.change == "renamed" and self.old else None

    @property
    def old_path(self) -> str | None:
        if self.old and self.new and self.old.path != self.new.path:
            return self.old.path
        return None


def compare(old: list[Block], new: list[Block], moves: dict[str, str | None]) -> list[Change]:
    """Every block that changed from ``old`` to ``new``; ``moves`` maps an old file path to its new one."""
    new_by_key = {block.key: block for block in new}
    changes: list[Change] = []
    vanished: list[Block] = []
    for block in old:
        target_path = moves.get(block.path) or block.path
        match = new_by_key.pop((target_path, block.kind, block.name), None)
        if match is None:
            vanished.append(block)
            continue
        content = block.fingerprint.change_to(match.fingerprint)
        if content is not None:
            changes.append(Change(content, block, match))
        elif match.path != block.path:
            changes.append(Change("moved", block, match))
    appeared = list(new_by_key.values())
    changes.extend(_moved_between_files(vanished, appeared))
    changes.extend(_renamed(vanished, appeared, moves))
    changes.extend(Change("removed", block, None) for block in vanished)
    changes.extend(Change("added", None, block) for block in appeared)
    order = {block.key: index for index, block in enumerate(new)}
    changes.sort(key=lambda change: (change.new is None, order.get(change.block.key, 0)))
    return changes


@dataclass(frozen=True)
class Followed:
    """Where a recorded block is at the target and how it changed; ``new`` is None where it is gone."""

    change: ChangeClass | None
    new: Block | None
    old_name: str | None = None
    old_path: str | None = None
    old: Block | None = None  # the block at the pin, where the comparison read it


Key = tuple[str, str, str]


def follow(key: Key, recorded: Fingerprint, by_old_key: dict[Key, Change], at_target: dict[Key, Block]) -> Followed:
    """Follow the block recorded under ``key`` from the pin to the target: through the changes of the comparison
    (keyed by the block at the pin), else by its key at the target. The recorded fingerprint decides content
    changes: it is what the dataset holds, whatever the pin's blob says."""
    change = by_old_key.get(key)
    new = change.new if change is not None else at_target.get(key)
    old = change.old if change is not None else None
    if new is None:
        return Followed("removed", None, old=old)
    content = recorded.change_to(new.fingerprint)
    if change is None:
        return Followed(content, new)
    # A rename is always reported as one; a move only where the block kept its meaning.
    structural = change.change == "renamed" or (change.change == "moved" and content != "semantic")
    return Followed(change.change if structural else content, new, change.old_name, change.old_path, old)


def _moved_between_files(vanished: list[Block], appeared: list[Block]) -> list[Change]:
    found: list[Change] = []
    for block in list(vanished):
        for candidate in appeared:
            if (
                candidate.kind == block.kind
                and candidate.name == block.name
                and candidate.fingerprint.tokens == block.fingerprint.tokens
            ):
                found.append(Change("moved", block, candidate))
                vanished.remove(block)
                appeared.remove(candidate)
                break
    return found


def _renamed(vanished: list[Block], appeared: list[Block], moves: dict[str, str | None]) -> list[Change]:
    scored = sorted(
        (
            (similarity(old, new), index_old, index_new)
            for index_old, old in enumerate(vanished)
            for index_new, new in enumerate(appeared)
            if old.kind == new.kind and old.kind != "use" and (moves.get(old.path) or old.path) == new.path
        ),
        reverse=True,
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for score, index_old, index_new in scored:
        if score < RENAME_SIMILARITY:
            break
        if index_old not in used_old and index_new not in used_new:
            used_old.add(index_old)
            used_new.add(index_new)
            pairs.append((index_old, index_new))
    found = [Change("renamed", vanished[i], appeared[j]) for i, j in pairs]
    for index in sorted(used_old, reverse=True):
        del vanished[index]
    for index in sorted(used_new, reverse=True):
        del appeared[index]
    return found


def similarity(old: Block, new: Block) -> float:
    """Share of characters two blocks' code agrees on, names aside (diff-match-patch, Levenshtein)."""
    import diff_match_patch

    a = _masked(old)
    b = _masked(new)
    if not a and not b:
        return 1.0
    engine = diff_match_patch.diff_match_patch()
    engine.Diff_Timeout = 0.5
    diffs = engine.diff_main(a, b, False)
    distance: int = engine.diff_levenshtein(diffs)
    return 1.0 - distance / max(len(a), len(b))


def _masked(block: Block) -> str:
    """The block's code with its own name masked, comment lines and layout left out."""
    names = set(IDENTIFIER.findall(block.name)) - KEYWORDS
    code = (line for line in block.text.splitlines() if not line.lstrip().startswith("//"))
    text = " ".join(" ".join(code).split())
    return IDENTIFIER.sub(lambda m: "\0" if m.group() in names else m.group(), text)

"""Blocks at one revision against blocks at another: the change events of contract §2."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from svixsync.blocks import Block
from svixsync.fingerprint import Fingerprint, sha256
from svixsync.names import base_name, is_positional, own_name

ChangeClass = Literal["cosmetic", "doc", "semantic", "renamed", "moved", "added", "removed"]
# Texts that agree on this share, names masked, are one block renamed; see tests/compare_test.py for the
# renames it must catch and the near misses (same signature, another body) it must leave as removed + added.
RENAME_SIMILARITY = 0.85
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
KEYWORDS = frozenset({"impl", "for", "as", "mod", "use"})
# Up to this many candidates a vanished block is scored against every one; past it, against the few sharing the
# most of its rarer identifiers, so a commit renaming thousands of items costs thousands of diffs, not millions.
ALL_CANDIDATES = 40
SHORTLIST = 8


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
        """The name before, where it differs: a rename, or a block whose parent or qualifier changed."""
        if self.old and self.new and self.old.name != self.new.name:
            return self.old.name
        return None

    @property
    def old_path(self) -> str | None:
        if self.old and self.new and self.old.path != self.new.path:
            return self.old.path
        return None


def compare(old: list[Block], new: list[Block], moves: dict[str, str | None]) -> list[Change]:
    """Every block that changed from ``old`` to ``new``; ``moves`` maps an old file path to its new one.

    Blocks are paired, cheapest evidence first: the same name (unless only a position tells it from its
    namesakes), the same text, the same name but for its qualifier, the same tokens in another file, and last a
    similar text (a rename). Whatever is left was removed or added."""
    pairing = _Pairing(old, new, moves)
    pairing.by_name()
    pairing.by(lambda block, path: (path, block.kind, block.fingerprint.text), prefer_name=True)
    pairing.by_base_name()
    pairing.by(lambda block, _: (block.kind, block.name, block.fingerprint.tokens))
    pairing.renames()
    changes = [change for old_block, new_block in pairing.pairs if (change := _change(old_block, new_block))]
    changes.extend(Change("removed", block, None) for block in pairing.vanished)
    changes.extend(Change("added", None, block) for block in pairing.appeared)
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


def _change(old: Block, new: Block) -> Change | None:
    content = old.fingerprint.change_to(new.fingerprint)
    if old.name == new.name:
        if content is None and old.path != new.path:
            return Change("moved", old, new)
        return Change(content, old, new) if content is not None else None
    if content is None:
        return Change("moved", old, new)  # its text is the same: its parent or qualifier changed, not the item
    if own_name(old.kind, old.name) == own_name(new.kind, new.name):
        return Change(content, old, new)
    return Change("renamed", old, new)


class _Pairing:
    """Old and new blocks still unpaired, in file order, and the pairs found so far."""

    def __init__(self, old: list[Block], new: list[Block], moves: dict[str, str | None]) -> None:
        self.moves = moves
        self.vanished = list(old)
        self.appeared = list(new)
        self.pairs: list[tuple[Block, Block]] = []

    def target(self, block: Block) -> str:
        """Where an old block's file is at the new revision."""
        return self.moves.get(block.path) or block.path

    def _keep(self, used_old: set[int], used_new: set[int]) -> None:
        self.vanished = [block for block in self.vanished if id(block) not in used_old]
        self.appeared = [block for block in self.appeared if id(block) not in used_new]

    def _pair(self, found: Iterable[tuple[Block, Block]]) -> None:
        used_old: set[int] = set()
        used_new: set[int] = set()
        for old, new in found:
            self.pairs.append((old, new))
            used_old.add(id(old))
            used_new.add(id(new))
        self._keep(used_old, used_new)

    def by_name(self) -> None:
        """Same path, kind and name, where the name is not qualified by a mere position."""
        waiting = {block.key: block for block in self.appeared if not is_positional(block.name)}
        found = []
        for block in self.vanished:
            if not is_positional(block.name):
                match = waiting.pop((self.target(block), block.kind, block.name), None)
                if match is not None:
                    found.append((block, match))
        self._pair(found)

    def by(self, key: Callable[[Block, str], Hashable], prefer_name: bool = False) -> None:
        """Equal ``key`` (of the block and its path at the new revision), first come first paired; with
        ``prefer_name`` a namesake is taken before the others. A key of None pairs nothing."""
        waiting: dict[Hashable, list[Block]] = defaultdict(list)
        for block in self.appeared:
            waiting[key(block, block.path)].append(block)
        waiting.pop(None, None)  # a key of None pairs nothing
        found = []
        for block in self.vanished:
            candidates = waiting.get(key(block, self.target(block)))
            if not candidates:
                continue
            base = base_name(block.name)
            chosen = (
                next((c for c in candidates if base_name(c.name) == base), candidates[0])
                if prefer_name
                else candidates[0]
            )
            candidates.remove(chosen)
            found.append((block, chosen))
        self._pair(found)

    def by_base_name(self) -> None:
        """Blocks of one name told apart by qualifiers: the most similar pairs first, then a last one of each."""
        groups: dict[tuple[str, str, str], tuple[list[Block], list[Block]]] = defaultdict(lambda: ([], []))
        for block in self.vanished:
            groups[(self.target(block), block.kind, base_name(block.name))][0].append(block)
        for block in self.appeared:
            groups[(block.path, block.kind, base_name(block.name))][1].append(block)
        found: list[tuple[Block, Block]] = []
        for olds, news in groups.values():
            if not olds or not news:
                continue
            paired = _best_pairs(_candidates(olds, news))
            found.extend(paired)
            left_old = [block for block in olds if all(block is not old for old, _ in paired)]
            left_new = [block for block in news if all(block is not new for _, new in paired)]
            if len(left_old) == 1 and len(left_new) == 1:
                found.append((left_old[0], left_new[0]))
        self._pair(found)

    def renames(self) -> None:
        """Blocks of one kind and file whose texts, names masked, agree on RENAME_SIMILARITY of their characters:
        identical masked texts by hash, the rest scored against a shortlist."""
        self.by(lambda block, path: (path, block.kind, sha256(_masked(block))) if block.kind != "use" else None)
        groups: dict[tuple[str, str], tuple[list[Block], list[Block]]] = defaultdict(lambda: ([], []))
        for block in self.vanished:
            if block.kind != "use":
                groups[(self.target(block), block.kind)][0].append(block)
        for block in self.appeared:
            if block.kind != "use":
                groups[(block.path, block.kind)][1].append(block)
        found: list[tuple[Block, Block]] = []
        for olds, news in groups.values():
            if olds and news:
                found.extend(_best_pairs(_candidates(olds, news)))
        self._pair(found)


def _best_pairs(candidates: Iterable[tuple[Block, Block]]) -> list[tuple[Block, Block]]:
    """Pairs scoring at least RENAME_SIMILARITY, best first, each block in one pair at most."""
    scored = sorted(
        (
            (score, index, old, new)
            for index, (old, new) in enumerate(candidates)
            if (score := _bounded_similarity(old, new)) >= RENAME_SIMILARITY
        ),
        key=lambda entry: (-entry[0], entry[1]),
    )
    used: set[int] = set()
    pairs = []
    for _, _, old, new in scored:
        if id(old) not in used and id(new) not in used:
            used.update((id(old), id(new)))
            pairs.append((old, new))
    return pairs


def _candidates(olds: list[Block], news: list[Block]) -> Iterable[tuple[Block, Block]]:
    """Every pair where there are few; else each old block with the new ones sharing most of its rarer
    identifiers (those in at most a tenth of the new blocks)."""
    if len(news) <= ALL_CANDIDATES:
        yield from ((old, new) for old in olds for new in news)
        return
    words = {id(block): set(IDENTIFIER.findall(_masked(block))) for block in [*olds, *news]}
    postings: dict[str, list[int]] = defaultdict(list)
    for index, block in enumerate(news):
        for word in words[id(block)]:
            postings[word].append(index)
    rare = max(2, len(news) // 10)
    for old in olds:
        shared: Counter[int] = Counter()
        for word in words[id(old)]:
            found = postings.get(word, [])
            if len(found) <= rare:
                shared.update(found)
        for index, _ in shared.most_common(SHORTLIST):
            yield old, news[index]


def _bounded_similarity(old: Block, new: Block) -> float:
    """`similarity`, after two cheap bounds that rule most pairs out: lengths, then character counts (each edit
    adds or removes at most one of each)."""
    a, b = _masked(old), _masked(new)
    longest = max(len(a), len(b))
    if longest and 1 - abs(len(a) - len(b)) / longest < RENAME_SIMILARITY:
        return 0.0
    counts_a, counts_b = _counts(a), _counts(b)
    distance = max(sum((counts_a - counts_b).values()), sum((counts_b - counts_a).values()))
    if longest and 1 - distance / longest < RENAME_SIMILARITY:
        return 0.0
    return similarity(old, new)


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
    return _masked_text(base_name(block.name), block.text)


@lru_cache(maxsize=4096)
def _masked_text(name: str, text: str) -> str:
    names = set(IDENTIFIER.findall(name)) - KEYWORDS
    code = (line for line in text.splitlines() if not line.lstrip().startswith("//"))
    joined = " ".join(" ".join(code).split())
    return IDENTIFIER.sub(lambda m: "\0" if m.group() in names else m.group(), joined)


@lru_cache(maxsize=4096)
def _counts(text: str) -> Counter[str]:
    return Counter(text)

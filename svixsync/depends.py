"""What an example's prose depends on besides the code it quotes (contract §3a), and how a dependency changed.

Two sources: the inline-code spans of the request and the reasoning (**mentions**), resolved to blocks of the
dataset's scope at the pin, and the blocks the lock records as cited (**citations**). Pure: blocks and bytes in,
dependencies out.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from svixsync.blocks import Block
from svixsync.compare import Change, ChangeClass, Key, follow
from svixsync.errors import FatalError
from svixsync.state import BlockRef, Dependency, Via, ref_of
from svixsync.upstream import check_tracked_path

BACKTICKS = re.compile(r"`+")
PREFIXES = ("Self::", "self.", "crate::")
# A dependency change that can make prose false (contract §3a); cosmetic, doc and moved ones need nothing.
FLAGGING: frozenset[ChangeClass | None] = frozenset({"semantic", "renamed", "removed"})
FILE = "file"  # the kind of a cited non-Rust file


def code_spans(text: str) -> list[str]:
    """The inline-code spans of ``text`` (between single backticks, as CommonMark pairs them), stripped.

    A run of backticks opens a span closed by the next run of the same length; longer runs (``x``, fences) are
    skipped whole, and a run that is never closed is plain text."""
    spans: list[str] = []
    position = 0
    while (opening := BACKTICKS.search(text, position)) is not None:
        size = len(opening.group())
        closing = next((run for run in BACKTICKS.finditer(text, opening.end()) if len(run.group()) == size), None)
        if closing is None:
            position = opening.end()
            continue
        inner = text[opening.end() : closing.start()].strip()
        if size == 1 and inner:
            spans.append(inner)
        position = closing.end()
    return spans


def _forms(span: str) -> list[str]:
    """What a span may name: itself without a leading `Self::`, `self.` or `crate::`, then also without a trailing
    `(…)` (`kv_def!(AppEndpointKey)` names the macro block; `invalidate(…)` names `invalidate`)."""
    for prefix in PREFIXES:
        if span.startswith(prefix):
            span = span[len(prefix) :]
            break
    forms = [span]
    if span.endswith(")"):
        depth = 0
        for index in range(len(span) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(span[index], 0)
            if depth == 0:
                if index:
                    forms.append(span[:index])
                break
    return forms


def _last_segment(name: str) -> str:
    return name.rsplit("::", 1)[-1]


def _contains(outer: Block, inner: Block) -> bool:
    return outer.path == inner.path and outer.start_line <= inner.start_line and inner.end_line <= outer.end_line


@dataclass
class Scope:
    """The blocks of the dataset's tracked files and cited files at the pin, and the bytes of its cited non-Rust
    files: everything a span or a citation may resolve to."""

    blocks: list[Block]
    files: dict[str, bytes] = field(default_factory=dict)
    paths: frozenset[str] = frozenset()  # the files of the scope (empty: those its blocks and files are in)
    _by_name: dict[str, list[Block]] = field(init=False, default_factory=dict)
    _by_last: dict[str, list[Block]] = field(init=False, default_factory=dict)
    _in_file: dict[str, list[Block]] = field(init=False, default_factory=dict)
    _texts: dict[str, str] = field(init=False, default_factory=dict)
    _pieces: dict[str, list[Block]] = field(init=False, default_factory=dict)
    _by_key: dict[Key, Block] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        if not self.paths:
            self.paths = frozenset(block.path for block in self.blocks) | frozenset(self.files)
        for block in self.blocks:
            self._by_key.setdefault(block.key, block)
            if block.kind == "use":
                continue  # context, never something prose depends on
            self._by_name.setdefault(block.name, []).append(block)
            self._by_last.setdefault(_last_segment(block.name), []).append(block)
            self._in_file.setdefault(block.path, []).append(block)
        # One text per file, to skip the files a piece is not in with one substring search.
        self._texts = {path: "\0".join(block.text for block in found) for path, found in self._in_file.items()}

    def block(self, key: Key) -> Block | None:
        """The block of the scope with identity ``key``: looked up, since every example asks (a dataset of
        100,000 lines over 20,000 blocks made a walk of the list cost hours)."""
        return self._by_key.get(key)

    def mentioned(self, span: str) -> Block | None:
        """The block a span names (§3a), or None where it names none or is ambiguous."""
        forms = _forms(span)
        for index in (self._by_name, self._by_last):
            for form in forms:
                named = index.get(form, [])
                if len(named) == 1:
                    return named[0]
        for form in forms:
            holding = self._holding(form)
            if holding:  # a shorter form is tried only where the longer one is found nowhere
                return _innermost(holding)
        return None

    def _holding(self, piece: str) -> list[Block]:
        """The blocks whose text holds ``piece`` with a word boundary at each end."""
        if piece not in self._pieces:
            pattern = re.compile(r"(?<!\w)" + re.escape(piece) + r"(?!\w)")
            self._pieces[piece] = [
                block
                for path, text in self._texts.items()
                if piece in text
                for block in self._in_file[path]
                if pattern.search(block.text)
            ]
        return self._pieces[piece]

    def cited(self, citation: str) -> Dependency | None:
        """The dependency a citation names at the pin, or None where it names nothing there."""
        path, name = parse_citation(citation)
        if name is None:
            data = self.files.get(path)
            return None if data is None else file_dependency(path, data)
        found = [block for block in self._by_name.get(name, []) if block.path == path]
        if len(found) > 1:
            kinds = ", ".join(sorted(block.kind for block in found))
            raise FatalError(f"citation {citation!r} is ambiguous ({kinds}); see `svixsync blocks --all`")
        return dependency_of(found[0], "citation") if found else None


def _innermost(holding: list[Block]) -> Block | None:
    """The innermost of blocks that all nest in one another; None where two of them do not nest."""
    chain = sorted(holding, key=lambda block: block.end_line - block.start_line)
    if all(_contains(outer, inner) for inner, outer in itertools.pairwise(chain)):
        return chain[0]
    return None


def parse_citation(citation: str) -> tuple[str, str | None]:
    """`PATH::NAME` → (PATH, NAME); a non-Rust file's `PATH` → (PATH, None). The path is checked like a tracked one."""
    path, separator, name = citation.partition("::")
    path = check_tracked_path(path.strip())
    if separator:
        if not path.endswith(".rs"):
            raise FatalError(f"citation {citation!r}: only a Rust file has blocks to name; cite {path!r} whole")
        if not name.strip():
            raise FatalError(f"citation {citation!r} names no block after `::`")
        return path, name.strip()
    if path.endswith(".rs"):
        raise FatalError(f"citation {citation!r}: name the block of the Rust file it relies on, as PATH::NAME")
    return path, None


def canonical(citation: str) -> str:
    """A citation as the lock records it: `PATH::NAME` or `PATH`, without stray spaces."""
    path, name = parse_citation(citation)
    return path if name is None else f"{path}::{name}"


def check_citations(citations: list[str], quoted: list[BlockRef], scope: Scope, line: int) -> None:
    """Each new citation must name a block (or non-Rust file) at the pin that example ``line`` does not quote."""
    inside = quoted_blocks(quoted, scope)
    for citation in citations:
        cited = scope.cited(citation)
        if cited is None:
            raise FatalError(f"citation {citation!r} names nothing at the pin; see `svixsync blocks --all`")
        block = scope.block(cited.key)
        if block is not None and quotes(inside, block):
            raise FatalError(
                f"citation {citation!r}: line {line} already quotes {block.name}; a block an example quotes is "
                "tracked as code, not cited"
            )


def citation_of(dependency: BlockRef) -> str:
    return dependency.path if dependency.kind == FILE else f"{dependency.path}::{dependency.name}"


def cited_paths(citations: Iterable[str]) -> list[str]:
    """The files ``citations`` name, in order, once each."""
    return list(dict.fromkeys(parse_citation(citation)[0] for citation in citations))


def dependency_of(block: Block, via: Via, spans: Iterable[str] = ()) -> Dependency:
    return Dependency(**ref_of(block).model_dump(), via=via, spans=list(spans))


def file_dependency(path: str, data: bytes, spans: Iterable[str] = ()) -> Dependency:
    """A cited non-Rust file: any change to its bytes counts as `semantic`."""
    digest = hashlib.sha256(data).hexdigest()  # the bytes, whatever their encoding
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return Dependency(
        path=path,
        kind=FILE,
        name=path,
        start_line=1,
        lines=lines,
        sha256=digest,
        tokens=digest,
        words=digest,
        via="citation",
        spans=list(spans),
    )


def quoted_blocks(refs: list[BlockRef], scope: Scope) -> list[Block]:
    """The blocks of ``scope`` an example quotes (by key)."""
    return [block for ref in refs if (block := scope.block(ref.key)) is not None]


def quotes(quoted: list[Block], block: Block) -> bool:
    """Whether ``block`` is quoted, or lies inside a quoted block: never a dependency then."""
    return any(_contains(outer, block) for outer in quoted)


def work_out(
    prose: tuple[str, str],
    quoted: list[BlockRef],
    citations: list[str],
    scope: Scope,
    previous: list[Dependency] | None,
) -> list[Dependency]:
    """Every dependency of an example with request and reasoning ``prose``, at the pin ``scope`` describes.

    Mentions come first in the order the prose names them, then citations; a block both mentioned and cited is
    one dependency, via `citation`. A dependency recorded earlier that no longer resolves (renamed and followed,
    or gone upstream) is kept while a span that named it is still in the prose, or its citation still recorded.
    """
    inside = quoted_blocks(quoted, scope)
    spans = [span for text in prose for span in code_spans(text)]
    found: dict[Key, Dependency] = {}
    for span in spans:
        block = scope.mentioned(span)
        if block is None or quotes(inside, block):
            continue
        known = found.get(block.key)
        if known is None:
            found[block.key] = dependency_of(block, "mention", [span])
        elif span not in known.spans:
            found[block.key] = known.model_copy(update={"spans": [*known.spans, span]})
    for dependency in previous or []:
        # A mention of a file the dataset no longer cites names nothing in scope: it goes, it is not "gone".
        if dependency.key not in found and set(dependency.spans) & set(spans) and dependency.path in scope.paths:
            kept = [span for span in dependency.spans if span in spans]
            found[dependency.key] = _at_pin(dependency.model_copy(update={"via": "mention", "spans": kept}), scope)
    for citation in citations:
        cited = scope.cited(citation)
        if cited is None:
            gone = next((d for d in previous or [] if d.via == "citation" and citation_of(d) == citation), None)
            if gone is None:
                raise FatalError(f"citation {citation!r} names nothing at the pin; see `svixsync blocks --all`")
            cited = gone.model_copy(update={"gone": True})
        known = found.get(cited.key)
        found[cited.key] = cited.model_copy(
            update={"via": "citation", "spans": known.spans if known is not None else []}
        )
    return list(found.values())


def _at_pin(dependency: Dependency, scope: Scope) -> Dependency:
    """A dependency kept from an earlier lock, with its fingerprint at this pin, or marked gone."""
    here = scope.block(dependency.key)
    if here is None:
        return dependency.model_copy(update={"gone": True})
    return dependency_of(here, dependency.via, dependency.spans)


@dataclass(frozen=True)
class DependencyState:
    """One dependency: as recorded at the pin, what happened to it, and how the lock records it at the target."""

    ref: Dependency
    change: ChangeClass | None
    new: Dependency  # the same as ``ref`` where nothing changed
    old_name: str | None = None
    old_path: str | None = None
    old_text: str | None = None  # the texts behind a changed dependency, where this run read them (for diffs)
    new_text: str | None = None

    @property
    def path(self) -> str:
        return self.new.path

    @property
    def kind(self) -> str:
        return self.ref.kind

    @property
    def name(self) -> str:
        return self.new.name

    @property
    def via(self) -> Via:
        return self.ref.via

    @property
    def flags(self) -> bool:
        """Whether this change can make the prose false: the example then needs review."""
        return self.change in FLAGGING


@dataclass(frozen=True)
class Moves:
    """What a run knows of upstream between the pin and the target, for following dependencies."""

    read: frozenset[str]  # scope files read at both ends; dependencies elsewhere are unchanged
    paths: dict[str, str | None]  # old path -> new path (None where deleted) for every file read
    by_old_key: dict[Key, Change]
    at_target: dict[Key, Block]
    files_before: dict[str, bytes]  # non-Rust files read at the pin
    files_after: dict[str, bytes]  # and at the target (absent where deleted)


def follow_dependency(dependency: Dependency, moves: Moves) -> DependencyState:
    """How ``dependency`` changed between the pin and the target."""
    if dependency.path not in moves.read:
        return DependencyState(dependency, None, dependency)
    if dependency.kind == FILE:
        return _follow_file(dependency, moves)
    found = follow(dependency.key, dependency.fingerprint, moves.by_old_key, moves.at_target)
    if found.new is None:
        if dependency.gone:
            return DependencyState(dependency, None, dependency)
        text = found.old.text if found.old else None
        return DependencyState(dependency, "removed", dependency.model_copy(update={"gone": True}), old_text=text)
    new = dependency_of(found.new, dependency.via, dependency.spans)
    old_text = found.old.text if found.old is not None else None
    return DependencyState(dependency, found.change, new, found.old_name, found.old_path, old_text, found.new.text)


def _follow_file(dependency: Dependency, moves: Moves) -> DependencyState:
    new_path = moves.paths.get(dependency.path, dependency.path)
    after = moves.files_after.get(new_path) if new_path is not None else None
    before = moves.files_before.get(dependency.path)
    old_text = before.decode("utf-8", errors="replace") if before is not None else None
    if after is None:
        if dependency.gone:
            return DependencyState(dependency, None, dependency)
        return DependencyState(dependency, "removed", dependency.model_copy(update={"gone": True}), old_text=old_text)
    assert new_path is not None
    new = file_dependency(new_path, after, dependency.spans)
    old_path = dependency.path if new_path != dependency.path else None
    if new.sha256 != dependency.sha256:
        change: ChangeClass | None = "semantic"
    else:
        change = "moved" if old_path else None
    return DependencyState(dependency, change, new, None, old_path, old_text, after.decode("utf-8", errors="replace"))


def naming_nothing(prose: tuple[str, str], depends: list[Dependency], scope: Scope) -> list[str]:
    """The prose's inline-code spans (once each) that name no block of ``scope`` and no recorded dependency: what
    `show` lists as mentions it could not resolve."""
    known = {span for dependency in depends for span in dependency.spans}
    spans = dict.fromkeys(span for text in prose for span in code_spans(text))
    return [span for span in spans if span not in known and scope.mentioned(span) is None]

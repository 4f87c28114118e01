"""Permalinks into upstream, in GitHub's URL layout: a commit, and the lines of a block at a commit.

The upstream URL comes from state/config.json, already checked there to be a plain https URL; paths are
percent-encoded, so a link can neither leave a markdown link nor carry a character a reader would misread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

from svixsync.blocks import Block
from svixsync.depends import FILE, DependencyState
from svixsync.state import Site
from svixsync.sync import BlockState, Report


class Recorded(Protocol):
    """A block as the lock records it: where it starts and how many lines it has."""

    @property
    def path(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def start_line(self) -> int | None: ...
    @property
    def lines(self) -> int: ...


def repository(url: str) -> str:
    """The repository's web address: ``url`` without a trailing slash or `.git`."""
    return url.rstrip("/").removesuffix(".git")


def commit(url: str, sha: str) -> str:
    return f"{repository(url)}/commit/{sha}"


@dataclass(frozen=True)
class Location:
    """A block (or a whole file, where ``lines`` is None) at one upstream commit."""

    sha: str
    path: str
    lines: tuple[int, int] | None

    def url(self, upstream: str) -> str:
        """`…/blob/<sha>/<path>#L<start>-L<end>`."""
        address = f"{repository(upstream)}/blob/{self.sha}/{quote(self.path, safe='/')}"
        return address if self.lines is None else f"{address}#{self.label}"

    @property
    def label(self) -> str:
        """`L10-L24`, `L7`, or for a whole file the commit (its path is already beside it)."""
        if self.lines is None:
            return self.sha[:12]
        start, end = self.lines
        return f"L{start}" + (f"-L{end}" if end != start else "")


def recorded(sha: str, block: Recorded) -> Location | None:
    """Where a block the lock records is at ``sha``; None for a lock written before svixsync recorded lines."""
    if block.kind == FILE:
        return Location(sha, block.path, None)
    if block.start_line is None:
        return None
    return Location(sha, block.path, (block.start_line, block.start_line + block.lines - 1))


def at(sha: str, path: str, start_line: int, end_line: int | None) -> Location:
    """Where a block is at ``sha``; its first line only where its last is not known."""
    return Location(sha, path, (start_line, end_line if end_line is not None else start_line))


Located = BlockState | DependencyState  # a block an example quotes, or one its prose depends on


def places(pinned: str, target: str | None, item: Located) -> list[Location]:
    """Where a covered block or a dependency is at the pin and, when the report looks at another commit, at the
    target (unless it is gone there)."""
    found = [recorded(pinned, item.ref)]
    after = item.new
    if target is not None and target != pinned and item.change != "removed":
        if isinstance(after, Block):
            found.append(at(target, after.path, after.start_line, after.end_line))
        elif after is not None and not after.gone:
            found.append(recorded(target, after))
    return [place for place in found if place is not None]


def site(report: Report, block: Site) -> Location:
    """Where an uncovered block is: at the target, or at the pin when no checkout was at hand."""
    return at(report.target or report.pinned, block.path, block.start_line, block.end_line)

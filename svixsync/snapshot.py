"""The blocks of the tracked files at one revision, each blob parsed once."""

from __future__ import annotations

from svixsync import cache
from svixsync.blocks import Block, extract
from svixsync.errors import FatalError
from svixsync.upstream import Upstream

# Far above any hand-written Rust file (message_app.rs is about 10 KB); a bigger one is generated or a mistake.
MAX_SOURCE_BYTES = 4 * 1024 * 1024


class Snapshots:
    """Block lists by (commit, path); a blob seen again under another commit is not parsed again."""

    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream
        self._by_blob: dict[tuple[str, str], list[Block]] = {}

    def file(self, commit: str, path: str) -> list[Block]:
        """Blocks of ``path`` at ``commit``; empty where the file does not exist there."""
        blob = self.upstream.blob_sha(commit, path)
        return [] if blob is None else self.blob(blob, path, commit)

    def blob(self, blob: str, path: str, commit: str) -> list[Block]:
        """Blocks of the blob ``blob`` read as ``path`` (``commit`` names where it was found, for errors)."""
        key = (blob, path)
        if key not in self._by_blob:
            cached = cache.load(blob, path)
            if cached is not None:
                self._by_blob[key] = cached
                return cached
            size = self.upstream.blob_size(blob)
            if size > MAX_SOURCE_BYTES:
                raise FatalError(
                    f"{path} at {commit[:12]} is {size:,} bytes, over the {MAX_SOURCE_BYTES:,}-byte limit "
                    "for a tracked Rust file"
                )
            data = self.upstream.read_blob(blob)
            if b"\0" in data[:8000]:
                raise FatalError(f"{path} at {commit[:12]} is a binary file, not Rust source")
            try:
                self._by_blob[key] = extract(path, data)
            except FatalError as error:
                raise type(error)(f"{error} (at {commit[:12]})") from None
            cache.store(blob, self._by_blob[key])
        return self._by_blob[key]

    def raw(self, commit: str, path: str) -> bytes | None:
        """The bytes of a non-Rust file at ``commit`` (a cited configuration file); None where it does not exist."""
        blob = self.upstream.blob_sha(commit, path)
        if blob is None:
            return None
        size = self.upstream.blob_size(blob)
        if size > MAX_SOURCE_BYTES:
            raise FatalError(f"{path} at {commit[:12]} is {size:,} bytes, over the {MAX_SOURCE_BYTES:,}-byte limit")
        return self.upstream.read_blob(blob)

    def files(self, commit: str, paths: list[str]) -> list[Block]:
        self.upstream.blob_shas(commit, paths)  # one `git ls-tree` for all of them
        return [block for path in paths for block in self.file(commit, path)]

"""All-or-nothing writes across the dataset and state/, and one writer at a time."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

from svixsync.errors import FatalError

JOURNAL = ".svixsync-journal.json"
LOCK = ".svixsync.lock"
SUFFIX = ".svixsync-new"
LOCK_WAIT_SECONDS = 3.0


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _pending(path: Path) -> Path:
    return path.with_name(path.name + SUFFIX)


def commit(root: Path, state: Path, files: dict[Path, bytes]) -> None:
    """Replace every file in ``files`` or none: new bytes beside each, a journal, then the renames."""
    changed = {path: data for path, data in files.items() if not path.exists() or path.read_bytes() != data}
    if not changed:
        return
    for path, data in changed.items():
        _write_synced(_pending(path), data)
    folders = {path.parent for path in changed} | {state}
    for folder in folders:
        _fsync_dir(folder)
    # From the moment the journal exists, the new pair is complete on disk: recovery rolls forward.
    journal = {"files": sorted(str(path.relative_to(root)) for path in changed)}
    _write_synced(state / JOURNAL, json.dumps(journal).encode())
    _fsync_dir(state)
    _finish(root, state)


def _finish(root: Path, state: Path) -> None:
    journal = json.loads((state / JOURNAL).read_bytes())
    for name in journal["files"]:
        path = root / name
        if _pending(path).exists():
            _pending(path).replace(path)
            _fsync_dir(path.parent)
    (state / JOURNAL).unlink()
    _fsync_dir(state)


def recover(root: Path, state: Path) -> str | None:
    """Complete an update a crash interrupted, or drop its unfinished leftovers; say which."""
    if (state / JOURNAL).exists():
        try:
            _finish(root, state)
        except (ValueError, KeyError, TypeError):
            raise FatalError(f"state/{JOURNAL} is unreadable; remove it and check the dataset by hand") from None
        return "completed an interrupted update"
    leftovers = [*root.glob("*" + SUFFIX), *state.glob("*" + SUFFIX)]
    for leftover in leftovers:
        leftover.unlink()
    return "rolled back an interrupted update" if leftovers else None


@contextlib.contextmanager
def exclusive(state: Path) -> Iterator[None]:
    """Hold state/'s writer lock; a second writer waits briefly, then fails."""
    state.mkdir(parents=True, exist_ok=True)
    with (state / LOCK).open("a") as handle:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise FatalError("another svixsync is writing this dataset; try again when it is done") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

"""All-or-nothing writes across the dataset and state/, and one writer at a time."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

from svixsync.errors import FatalError

JOURNAL = ".svixsync-journal.json"
LOCK = ".svixsync.lock"
SUFFIX = ".svixsync-new"
LOCK_WAIT_SECONDS = 3.0
# Test hook: with SVIXSYNC_CRASH_AT=N the process SIGKILLs itself at its Nth durable step (write, fsync, rename,
# unlink), so the tests can stop an update at every point of a commit and of its recovery.
CRASH_AT = "SVIXSYNC_CRASH_AT"
_steps = 0


def _step() -> None:
    global _steps
    _steps += 1
    if os.environ.get(CRASH_AT) == str(_steps):
        os.kill(os.getpid(), signal.SIGKILL)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    _step()


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        _step()
        os.fsync(handle.fileno())
    _step()


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
    # From the moment the journal exists, the new pair is complete on disk: recovery rolls forward. The journal
    # itself appears by a rename, so it is either absent or whole.
    journal = {"files": sorted(str(path.relative_to(root)) for path in changed)}
    _write_synced(_pending(state / JOURNAL), json.dumps(journal).encode())
    _pending(state / JOURNAL).replace(state / JOURNAL)
    _step()
    _fsync_dir(state)
    _finish(root, state)


def _finish(root: Path, state: Path) -> None:
    journal = json.loads((state / JOURNAL).read_bytes())
    for name in journal["files"]:
        path = root / name
        if _pending(path).exists():
            _pending(path).replace(path)
            _step()
            _fsync_dir(path.parent)
    (state / JOURNAL).unlink()
    _step()
    _fsync_dir(state)


def _leftovers(root: Path, state: Path) -> list[Path]:
    """New files a crashed write left beside the ones they were to replace."""
    return [*root.glob("*" + SUFFIX), *state.glob("*" + SUFFIX)]


def interrupted(root: Path, state: Path) -> bool:
    """Whether a crashed write left a journal or unfinished files behind."""
    return (state / JOURNAL).exists() or bool(_leftovers(root, state))


def recover(root: Path, state: Path) -> str | None:
    """Complete a write a crash interrupted, or drop its unfinished leftovers; say which."""
    if (state / JOURNAL).exists():
        try:
            _finish(root, state)
        except (ValueError, KeyError, TypeError):
            raise FatalError(f"state/{JOURNAL} is unreadable; remove it and check the dataset by hand") from None
        return "completed an interrupted write"
    leftovers = _leftovers(root, state)
    for leftover in leftovers:
        leftover.unlink()
    return "rolled back an interrupted write" if leftovers else None


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

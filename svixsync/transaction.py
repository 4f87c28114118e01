"""All-or-nothing writes across the dataset and state/, one writer at a time, and readers that never see half.

A write declares its files (the intent), puts new bytes beside each, then a journal marks the set complete and
the renames happen. A crash before the journal leaves the old files and the intent's leftovers, which the next
write deletes; after it, the next write completes the renames. Until then, a writer reads the files as the journal
will leave them (``read_bytes``), so a command that fails or only looks (a dry run) writes nothing at all.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import signal
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from svixsync.errors import FatalError, shorten

JOURNAL = ".svixsync-journal.json"
INTENT = ".svixsync-intent.json"
SUFFIX = ".svixsync-new"
LOCK_WAIT_SECONDS = 3.0
# A file name inside one folder, not hidden, no separator, no control character.
PLAIN_NAME = re.compile(r"[^./\\\x00-\x1f\x7f][^/\\\x00-\x1f\x7f]*")
# Test hooks: with SVIXSYNC_CRASH_AT=N the process SIGKILLs itself at its Nth durable step (write, fsync, rename,
# unlink), so the tests can stop an update at every point of a commit and of its recovery; SVIXSYNC_STOP_AT=N
# SIGSTOPs it there instead, so a test can look at the files while the writer is in the middle.
CRASH_AT = "SVIXSYNC_CRASH_AT"
STOP_AT = "SVIXSYNC_STOP_AT"
_steps = 0
# What a file is to hold: its bytes, or its bytes in pieces (a large lock and its final newline, never joined).
Content = bytes | tuple[bytes, ...]
# While a command holds the lock over a write a crash interrupted: each file the journal replaces -> its new bytes.
_view: dict[Path, Path] = {}


def _step() -> None:
    global _steps
    _steps += 1
    if os.environ.get(CRASH_AT) == str(_steps):
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(STOP_AT) == str(_steps):
        os.kill(os.getpid(), signal.SIGSTOP)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    _step()


def _pieces(data: Content) -> tuple[bytes, ...]:
    return data if isinstance(data, tuple) else (data,)


def _write_synced(path: Path, data: Content) -> None:
    """Create ``path`` afresh (never through a link planted there) with ``data``, synced to disk."""
    _unlink_regular(path)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        for piece in _pieces(data):
            handle.write(piece)
        handle.flush()
        _step()
        os.fsync(handle.fileno())
    _step()


def _kind(path: Path) -> int | None:
    """The file type of ``path`` itself (a link is not followed), None where nothing is there."""
    try:
        return stat.S_IFMT(os.lstat(path).st_mode)
    except FileNotFoundError:
        return None


def _regular_or_absent(path: Path, root: Path) -> bool:
    """True where ``path`` is a regular file; False where absent; a FatalError for a link or anything else."""
    kind = _kind(path)
    if kind is not None and kind != stat.S_IFREG:
        what = "a symbolic link" if kind == stat.S_IFLNK else "not a regular file"
        raise FatalError(
            f"{path.relative_to(root)} is {what}; svixsync replaces its files whole and never writes through a "
            "link: put the file itself there"
        )
    return kind is not None


def _unlink_regular(path: Path) -> None:
    if _regular_or_absent(path, path.parent):
        path.unlink()
        _step()


def _holds(path: Path, data: Content, chunk: int = 1 << 20) -> bool:
    """Whether the file at ``path`` holds exactly ``data``, read a chunk at a time (a lock can be large)."""
    pieces = _pieces(data)
    try:
        if path.stat().st_size != sum(map(len, pieces)):
            return False
        with path.open("rb") as handle:
            return all(
                handle.read(len(piece[at : at + chunk])) == piece[at : at + chunk]
                for piece in pieces
                for at in range(0, len(piece), chunk)
            )
    except FileNotFoundError:
        return False


def _pending(path: Path) -> Path:
    return path.with_name(path.name + SUFFIX)


def _name(root: Path, state: Path, path: Path) -> str:
    """``path`` as a journal names it, checked against the files a write may touch."""
    name = str(path.relative_to(root))
    if not _known(state, name):
        raise FatalError(f"svixsync never writes {shorten(name)!r}")
    return name


def _known(state: Path, name: str) -> bool:
    """The files svixsync writes: datasets (plain names in the root) and state/'s JSON (config, locks)."""
    folder, _, file = name.rpartition("/")
    if not PLAIN_NAME.fullmatch(file) or file.endswith(SUFFIX):
        return False
    return folder == "" or (folder == state.name and file.endswith(".json"))


def _names(state: Path, record: str) -> list[str] | None:
    """The names a journal or intent lists; None where it is not such a list."""
    try:
        names = json.loads((state / record).read_bytes())["files"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        return None
    return names


def _listed(root: Path, state: Path, record: str, names: list[str] | None) -> list[Path]:
    """The files a journal or intent names, each one svixsync could have written; else a FatalError."""
    if names is None:
        raise FatalError(f"state/{record} is unreadable; remove it and check the dataset by hand")
    strangers = [name for name in names if not _known(state, name)]
    if strangers:
        raise FatalError(
            f"state/{record} names {shorten(strangers[0])!r}, not a file svixsync writes; remove it and check the "
            "dataset by hand"
        )
    return [root / name for name in names]


def commit(root: Path, state: Path, files: dict[Path, Content]) -> str | None:
    """Replace every file in ``files`` or none: the intent, new bytes beside each, the journal, then the renames.

    An earlier write a crash interrupted is finished (or its leftovers dropped) first; returns what happened to it."""
    global _view
    recovered = _recover(root, state)
    _view = {}
    changed = {path: data for path, data in files.items() if not _holds(path, data)}
    if not changed:
        return recovered
    names = sorted(_name(root, state, path) for path in changed)
    # The files this write replaces and the new ones it puts beside them, checked before any is touched: a link
    # planted at one is refused with nothing written and nothing removed.
    for path in [*changed, *map(_pending, changed), _pending(state / JOURNAL)]:
        _regular_or_absent(path, root)
    if not state.is_dir():
        state.mkdir()
        _step()
        _fsync_dir(root)
    # The intent names every file about to get a twin, so that a crash before the journal leaves only leftovers
    # svixsync can name; it is synced before the first of them exists.
    _write_synced(state / INTENT, json.dumps({"files": names}).encode())
    _fsync_dir(state)
    try:
        for path, data in changed.items():
            _write_synced(_pending(path), data)
        for folder in {path.parent for path in changed} | {state}:
            _fsync_dir(folder)
    except BaseException:  # a full disk, a file size limit, an interrupt: leave nothing behind
        for path in [*map(_pending, changed), state / INTENT]:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    # From the moment the journal exists, the new set is complete on disk: recovery rolls forward. The journal
    # itself appears by a rename, so it is either absent or whole.
    _write_synced(_pending(state / JOURNAL), json.dumps({"files": names}).encode())
    _pending(state / JOURNAL).replace(state / JOURNAL)
    _step()
    _fsync_dir(state)
    _finish(root, state)
    return recovered


def _finish(root: Path, state: Path) -> None:
    for path in _listed(root, state, JOURNAL, _names(state, JOURNAL)):
        if _regular_or_absent(_pending(path), root):
            _regular_or_absent(path, root)
            _pending(path).replace(path)
            _step()
            _fsync_dir(path.parent)
    (state / JOURNAL).unlink()
    _step()
    _drop_intent(root, state)


def _drop_intent(root: Path, state: Path) -> None:
    """Delete the twins an intent names that are still there (a write that never reached its journal), then it."""
    if _kind(state / INTENT) is None:
        return
    names = _names(state, INTENT)
    # An intent cut off while it was written names nothing: it is synced before the first twin exists.
    twins = [_pending(path) for path in _listed(root, state, INTENT, names or [])] + [_pending(state / JOURNAL)]
    for twin in twins:
        _unlink_regular(twin)
    (state / INTENT).unlink()
    _step()
    _fsync_dir(state)


def interrupted(state: Path) -> bool:
    """Whether a crashed write left a journal or an intent behind."""
    return _kind(state / JOURNAL) is not None or _kind(state / INTENT) is not None


def _recover(root: Path, state: Path) -> str | None:
    """Complete a write a crash interrupted, or drop its unfinished leftovers; say which."""
    if _kind(state / JOURNAL) is not None:
        _finish(root, state)
        return "completed an interrupted write"
    if _kind(state / INTENT) is not None:
        _drop_intent(root, state)
        return "rolled back an interrupted write"
    return None


def _pending_view(root: Path, state: Path) -> dict[Path, Path]:
    """Each file an interrupted write's journal replaces -> the twin holding its new bytes (nothing is moved)."""
    if _kind(state / JOURNAL) is None:
        return {}
    view = {}
    for path in _listed(root, state, JOURNAL, _names(state, JOURNAL)):
        if _regular_or_absent(_pending(path), root):
            view[path] = _pending(path)
    return view


def read_bytes(path: Path) -> bytes:
    """The bytes of ``path`` as the interrupted write, if any, will leave them."""
    return _view.get(path, path).read_bytes()


def exists(path: Path) -> bool:
    """Whether ``path`` exists once the interrupted write, if any, is complete."""
    return path in _view or path.exists()


@contextlib.contextmanager
def locked(root: Path, state: Path, *, exclusive: bool) -> Iterator[None]:
    """Hold the root folder's lock: exclusive for a writer, shared for a reader, so a reader never sees the
    dataset of one write beside the lock of another. A second writer waits briefly, then fails. Nothing is
    created: the lock is on the folder itself."""
    global _view
    try:
        descriptor = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except (FileNotFoundError, NotADirectoryError):
        raise FatalError(
            f"no folder {root}: pass --root (or set SVIXSYNC_ROOT to) the folder holding state/ and the dataset"
        ) from None
    try:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(descriptor, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise FatalError("another svixsync is writing this dataset; try again when it is done") from None
                time.sleep(0.1)
        _view = _pending_view(root, state)
        yield
    finally:
        _view = {}
        os.close(descriptor)  # releases the lock

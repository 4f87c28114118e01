"""All-or-nothing writes in a real folder: what a write declares, what it leaves, what a reader sees meanwhile."""

from __future__ import annotations

import json
import os
from itertools import count
from pathlib import Path

import pytest

from svixsync import transaction
from svixsync.errors import FatalError
from svixsync.transaction import INTENT, JOURNAL, SUFFIX, commit, exists, interrupted, locked, read_bytes


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "state").mkdir()
    (tmp_path / "team.jsonl").write_bytes(b"old data\n")
    (tmp_path / "state" / "team.lock.json").write_bytes(b"{}\n")
    return tmp_path


def listing(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_write_replaces_what_changed_and_leaves_nothing_else(root: Path) -> None:
    state = root / "state"
    files: dict[Path, transaction.Content] = {
        root / "team.jsonl": (b"new ", b"data\n"),  # in pieces, as a large dataset is written
        state / "team.lock.json": b"{}\n",  # unchanged: not written at all
        state / "config.json": b'{"a": 1}\n',  # new
    }
    before = (state / "team.lock.json").stat().st_ino
    assert commit(root, state, files) is None
    assert listing(root) == {
        "state/config.json": b'{"a": 1}\n',
        "state/team.lock.json": b"{}\n",
        "team.jsonl": b"new data\n",
    }
    assert (state / "team.lock.json").stat().st_ino == before
    assert not interrupted(state)


def test_a_write_in_a_folder_without_state_creates_it(tmp_path: Path) -> None:
    assert commit(tmp_path, tmp_path / "state", {tmp_path / "state" / "config.json": b"{}\n"}) is None
    assert listing(tmp_path) == {"state/config.json": b"{}\n"}


def test_the_files_a_write_may_touch_are_svixsyncs_own(root: Path) -> None:
    for name in ("notes.txt.svixsync-new", "state/notes.txt", "state/sub/x.json", ".hidden", "docs/team.jsonl"):
        with pytest.raises(FatalError) as caught:
            commit(root, root / "state", {root / name: b"x"})
        assert str(caught.value) == f"svixsync never writes {name!r}"
    assert listing(root) == {"state/team.lock.json": b"{}\n", "team.jsonl": b"old data\n"}


def test_an_interrupted_write_is_completed_or_rolled_back_by_the_next(root: Path) -> None:
    state = root / "state"
    (root / ("team.jsonl" + SUFFIX)).write_bytes(b"new data\n")
    (state / JOURNAL).write_text(json.dumps({"files": ["team.jsonl"]}))
    (state / INTENT).write_text(json.dumps({"files": ["team.jsonl"]}))
    assert interrupted(state)
    with locked(root, state, exclusive=True):
        assert read_bytes(root / "team.jsonl") == b"new data\n"  # as the journal will leave it
        assert read_bytes(state / "team.lock.json") == b"{}\n" and exists(root / "team.jsonl")
        assert commit(root, state, {}) == "completed an interrupted write"
        assert read_bytes(root / "team.jsonl") == b"new data\n"  # read where it now is, the twin gone
    assert listing(root) == {"state/team.lock.json": b"{}\n", "team.jsonl": b"new data\n"}
    (root / ("team.jsonl" + SUFFIX)).write_bytes(b"half")
    (state / INTENT).write_text(json.dumps({"files": ["team.jsonl"]}))
    with locked(root, state, exclusive=True):
        assert read_bytes(root / "team.jsonl") == b"new data\n"  # no journal: the twin is a leftover
        assert commit(root, state, {root / "team.jsonl": b"new data\n"}) == "rolled back an interrupted write"
    assert listing(root) == {"state/team.lock.json": b"{}\n", "team.jsonl": b"new data\n"}
    assert not interrupted(state)


def test_a_view_of_an_interrupted_write_lasts_as_long_as_the_lock(root: Path) -> None:
    state = root / "state"
    (state / ("config.json" + SUFFIX)).write_bytes(b"{}\n")
    (state / JOURNAL).write_text(json.dumps({"files": ["state/config.json"]}))
    with locked(root, state, exclusive=False):
        assert exists(state / "config.json") and read_bytes(state / "config.json") == b"{}\n"
    assert not exists(state / "config.json")
    with pytest.raises(FileNotFoundError):
        read_bytes(state / "config.json")


def test_a_write_killed_before_its_journal_is_rolled_back_whole(root: Path) -> None:
    """Killed at each step before the journal exists, a write leaves an intent that names each new file it made;
    the next write (here one with nothing to change) removes them all."""
    state = root / "state"
    before = listing(root)
    files: dict[Path, transaction.Content] = {root / "team.jsonl": b"new data\n", state / "team.lock.json": b"[]\n"}
    killed = 0
    for step in count(1):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns to pytest
            os.environ[transaction.CRASH_AT] = str(step)
            transaction._steps = 0
            try:
                commit(root, state, files)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        if not os.WIFSIGNALED(status) or (state / JOURNAL).exists():
            break  # from the journal on, the write rolls forward: tested above and by the CLI's crash tests
        killed += 1
        assert commit(root, state, {}) in ("rolled back an interrupted write", None)
        assert listing(root) == before
    assert killed == 11  # each step up to the journal: the intent, each new file, their syncs

"""A power cut at any moment of a write: only what was synced survives, and that is always enough.

SIGKILL (crash_test.py) stops the process but keeps every write it made: the kernel still holds them. A power cut
keeps only what reached the disk: a file's bytes once the file is fsynced, a folder's entries (a file created,
renamed or deleted) once the folder is fsynced. This test wraps ``os.fsync`` (the real call still runs) to note,
after each call, the files a power cut then would leave; it then puts each such set in place and runs the recovery.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.commands.crash_test import Files, assert_old_or_new, files, restore
from tests.commands.update_test import BODY, RELAYOUT, prose
from tests.conftest import SYSTEM, TRACKED, GitRepo, Project


class Disk:
    """What the disk holds in ``folders`` (the root, then folders in it), as far as fsync made it durable: a folder's
    entries (files by inode, and folders) as of the folder's last fsync, each inode's bytes as of its own last
    fsync. A file never synced holds nothing; a folder whose entry in its parent was never synced is not there."""

    def __init__(self, root: Path, folders: list[Path]) -> None:
        self.root = root.resolve()
        self.folders = [folder.resolve() for folder in folders]
        self.entries: dict[Path, dict[str, int]] = {}
        self.subfolders: dict[Path, set[str]] = {}
        self.data: dict[int, bytes] = {}
        self.held: list[int] = []  # descriptors that keep each inode seen in use, so that no number is reused
        for folder in self.folders:  # before the command, everything is on disk
            self._sync_folder(folder)
            for name, inode in self.entries[folder].items():
                self.data[inode] = (folder / name).read_bytes()
        self.after_each_sync: list[Files] = [self.after_power_cut()]

    def _sync_folder(self, folder: Path) -> None:
        self.entries[folder], self.subfolders[folder] = {}, set()
        for entry in os.scandir(folder) if folder.is_dir() else []:
            if entry.is_dir(follow_symlinks=False):
                self.subfolders[folder].add(entry.name)
            elif entry.is_file(follow_symlinks=False):
                self.entries[folder][entry.name] = entry.inode()
                self.held.append(os.open(entry.path, os.O_RDONLY))

    def fsync(self, real: Callable[[int], None], descriptor: int) -> None:
        real(descriptor)
        where = Path(f"/proc/self/fd/{descriptor}").readlink()
        if stat.S_ISDIR(os.fstat(descriptor).st_mode):
            if where in self.folders:
                self._sync_folder(where)
        elif where.parent in self.folders:
            self.data[os.fstat(descriptor).st_ino] = Path(f"/proc/self/fd/{descriptor}").read_bytes()
            self.held.append(os.dup(descriptor))
        self.after_each_sync.append(self.after_power_cut())

    def after_power_cut(self) -> Files:
        """Every file a power cut now would leave, named from the root, with the bytes it would hold."""
        there = [f for f in self.folders if f == self.root or f.name in self.subfolders.get(f.parent, set())]
        return {
            str((folder / name).relative_to(self.root)): self.data.get(inode, b"")
            for folder in there
            for name, inode in self.entries[folder].items()
        }

    def close(self) -> None:
        for descriptor in self.held:
            os.close(descriptor)


def power_cuts(project: Project, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> tuple[Files, Files, list[Files]]:
    """Run ``args`` with fsync watched: the files before and after, and each distinct set a power cut could leave."""
    old = files(project)
    disk = Disk(project.root, [project.root, project.root / "state"])
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda descriptor: disk.fsync(real, descriptor))
    try:
        result = project.run(*args)
    finally:
        monkeypatch.undo()
        disk.close()
    assert result.exit_code in (0, 1), result.output
    new = files(project)
    assert new != old
    # What the command says is done is on disk: a power cut right after it returns keeps the whole new set.
    assert disk.after_each_sync[-1] == new
    return old, new, list({tuple(sorted(state.items())): state for state in disk.after_each_sync}.values())


def test_a_power_cut_anywhere_in_an_update_loses_nothing(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(TRACKED, *RELAYOUT)
    project.upstream.commit("stale one, refresh one")
    original_prose = prose(project)
    old, new, kept = power_cuts(project, monkeypatch, ["update"])

    def same_prose() -> None:
        assert prose(project) == original_prose

    for state in kept:
        restore(project, state)
        assert_old_or_new(project, old, new, same_prose)
        finished = project.run("update")
        assert finished.exit_code == 1, finished.output
        assert files(project) == new


def test_a_power_cut_anywhere_in_a_first_init_loses_nothing(
    upstream: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = Project(tmp_path / "dataset", upstream)
    init = ["init", "--dataset", "team.jsonl", "--system-prompt", SYSTEM, "--tracked", TRACKED]
    _, new, kept = power_cuts(project, monkeypatch, init)
    assert set(new) == {"team.jsonl", "state/config.json", "state/team.lock.json"}
    for state in kept:
        restore(project, state)
        project.root.mkdir(exist_ok=True)
        project.ok(*init)  # finishes or undoes what was left, then writes state/ as an uninterrupted init does
        assert files(project) == new

"""SIGKILL at every durable step of a write, and of the recovery that follows: nothing lost, nothing half-done."""

from __future__ import annotations

import os
import shutil
import signal
import sys
from collections.abc import Callable
from itertools import count
from pathlib import Path

import pytest

from svixsync import transaction
from svixsync.cli import cli
from tests.commands.update_test import BODY, RELAYOUT, prose
from tests.conftest import TRACKED, Project
from tests.rust_source import HANDLERS, HANDLERS_RS

Files = dict[str, bytes]


def files(project: Project) -> Files:
    """The dataset and state/."""
    return project.snapshot()


def restore(project: Project, wanted: Files) -> None:
    shutil.rmtree(project.root)
    for name, data in wanted.items():
        (project.root / name).parent.mkdir(parents=True, exist_ok=True)
        (project.root / name).write_bytes(data)


def run_killed_at(project: Project, args: list[str], step: int) -> int | None:
    """Run the CLI in a child process that SIGKILLs itself at ``step``; None if it was killed, else its exit code."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns to pytest
        code = 3
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.environ[transaction.CRASH_AT] = str(step)
            os.environ["SVIXSYNC_UPSTREAM"] = ""
            transaction._steps = 0
            cli.main(["--root", str(project.root), "--upstream", str(project.upstream.path), *args], "svixsync")
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 3
        finally:
            sys.stdout.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return None
    return os.WEXITSTATUS(status)


def assert_old_or_new(project: Project, old: Files, new: Files, same_prose: Callable[[], None]) -> None:
    """After a kill: each file whole, old or new; the pair mixed only while a journal says how to finish; readers
    refuse while a journal or an intent is left."""
    now = files(project)
    data = {name: now[name] for name in old.keys() | new.keys() if name in now}
    for name, content in data.items():
        assert content in (old.get(name), new.get(name)), name
    same_prose()
    if not (project.root / "state" / transaction.JOURNAL).exists():
        assert data in (old, new)
    if transaction.interrupted(project.root / "state"):
        result = project.run("check")
        assert result.exit_code == 2 and "stopped in the middle of a write" in result.stderr


def kill_everywhere(project: Project, args: list[str], finisher: list[str] | None = None) -> tuple[int, int]:
    """Kill ``args`` at each step, then the recovery that ``finisher`` does at each step; every time, the next
    run ends like a clean one.

    ``finisher`` (default ``args``) is a writing command that finishes or undoes an interrupted write: `update` for
    a command that must not run twice (`remove`) or that fails when run again over a completed write, writing
    nothing (`ack`: nothing left to acknowledge). Where the write was undone, ``args`` runs again."""
    finisher = finisher or args
    old = files(project)
    original_prose = prose(project)
    expected_code = project.run(*args).exit_code
    new = files(project)
    assert new != old
    new_prose = prose(project)  # the prose `edit` wrote, or what `remove` left; for the others, the original

    def same_prose() -> None:
        assert prose(project) in (original_prose, new_prose)

    recovery_kills = 0
    for step in count(1):
        restore(project, old)
        code = run_killed_at(project, args, step)
        if code is not None:
            assert code == expected_code and files(project) == new
            return step - 1, recovery_kills  # every step before this one was a kill
        assert_old_or_new(project, old, new, same_prose)
        crashed = files(project)
        was_interrupted = transaction.interrupted(project.root / "state")
        if (project.root / "state" / transaction.JOURNAL).exists():
            for recovery_step in count(1):
                if run_killed_at(project, finisher, recovery_step) is not None:
                    break
                recovery_kills += 1
                assert_old_or_new(project, old, new, same_prose)
                restore(project, crashed)
        restore(project, crashed)
        result = project.run(*finisher)
        assert ("interrupted write" in result.stderr) == was_interrupted
        if finisher == args:
            assert result.exit_code == expected_code, result.output
        elif files(project) != new:  # the finisher undid the write (and may record what it found): run it again
            assert project.run(*args).exit_code == expected_code
        assert files(project) == new
    raise AssertionError("unreachable")


# Kills during the write and during the recovery that follows, per scenario (the README's reliability table).
KILLS = {
    "refresh-and-stale": (20, 30),
    "file-moved-and-relayout": (24, 48),
    "ack": (15, 16),
    "cite": (15, 16),
    "edit": (20, 30),
    "remove": (20, 30),
}


@pytest.mark.parametrize("scenario", KILLS)
def test_sigkill_at_every_step_loses_nothing(project: Project, scenario: str, tmp_path: Path) -> None:
    finisher = None
    if scenario == "refresh-and-stale":
        project.upstream.edit(TRACKED, *BODY)
        project.upstream.edit(TRACKED, *RELAYOUT)
        project.upstream.commit("stale one, refresh one")
        args = ["update"]
    elif scenario == "file-moved-and-relayout":
        project.upstream.move(TRACKED, "src/teams/mod.rs")
        project.upstream.edit("src/teams/mod.rs", *RELAYOUT)
        project.upstream.commit("move and relayout")
        args = ["update"]
    elif scenario == "cite":
        project.upstream.write(HANDLERS, HANDLERS_RS)
        project.upstream.commit("handlers")
        project.ok("update")
        args = ["cite", "1", f"{HANDLERS}::post_team_message"]
    elif scenario == "edit":  # the dataset and the lock change: new prose, flag cleared
        project.upstream.edit(TRACKED, *BODY)
        project.upstream.commit("stale")
        project.ok("update", code=1)
        (tmp_path / "think.txt").write_text("Cache write errors now fail the read.\n")
        args = ["edit", "1", "--think-file", str(tmp_path / "think.txt")]
    elif scenario == "remove":  # the dataset and the lock change: a line and its entry go, lines shift
        args, finisher = ["remove", "2"], ["update"]
    else:
        project.upstream.edit(TRACKED, *BODY)
        project.upstream.commit("stale")
        project.ok("update", code=1)
        data = project.root / "team.jsonl"
        data.write_bytes(data.read_bytes().replace(b"tries the cache", b"reads the cache"))
        # A completed `ack` fails when run again (nothing to acknowledge) and writes nothing: `update` finishes it.
        args, finisher = ["ack", "1"], ["update"]
    kills, recovery_kills = kill_everywhere(project, args, finisher)
    # Each write, fsync, rename and unlink is a step; the README's reliability table gives these counts.
    print(f"{scenario}: {kills} kills during the write, {recovery_kills} during recovery")
    assert (kills, recovery_kills) == KILLS[scenario]

"""SIGKILL at every durable step of a write, and of the recovery that follows: nothing lost, nothing half-done."""

from __future__ import annotations

import os
import shutil
import signal
import sys
from collections.abc import Callable
from itertools import count

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
    """After a kill: each file whole, old or new; the pair mixed only while a journal says how to finish."""
    now = files(project)
    data = {name: now[name] for name in old.keys() | new.keys() if name in now}
    for name, content in data.items():
        assert content in (old.get(name), new.get(name)), name
    same_prose()
    if transaction.interrupted(project.root / "state"):
        result = project.run("check")
        assert result.exit_code == 2 and "stopped in the middle of a write" in result.stderr
    else:
        assert data in (old, new)


def kill_everywhere(project: Project, args: list[str], finisher: list[str]) -> tuple[int, int]:
    """Kill ``args`` at each step, then the recovery at each step that ``finisher`` (a writing command that
    succeeds once the write is complete) does; every time, the next run ends like a clean one."""
    old = files(project)
    original_prose = prose(project)

    def same_prose() -> None:
        assert prose(project) == original_prose

    expected_code = project.run(*args).exit_code
    new = files(project)
    assert new != old
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
        result = project.run(*args)
        assert ("interrupted write" in result.stderr) == (was_interrupted and result.exit_code == expected_code)
        if result.exit_code != expected_code:
            # A completed `ack` has nothing left to acknowledge, and says so; failing, it writes nothing, and the
            # next writing command that succeeds completes the write.
            assert args[0] == "ack" and "is not flagged" in result.stderr, result.stderr
            assert ("still pending" in result.stderr) == was_interrupted and files(project) == crashed
            assert ("interrupted write" in project.ok("update").stderr) == was_interrupted
        assert files(project) == new
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    "scenario",
    ["refresh-and-stale", "file-moved-and-relayout", "ack", "cite"],
)
def test_sigkill_at_every_step_loses_nothing(project: Project, scenario: str) -> None:
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
    else:
        project.upstream.edit(TRACKED, *BODY)
        project.upstream.commit("stale")
        project.ok("update", code=1)
        data = project.root / "team.jsonl"
        data.write_bytes(data.read_bytes().replace(b"tries the cache", b"reads the cache"))
        args = ["ack", "1"]
    # A completed `ack` fails when run again (nothing to acknowledge), so `update` finishes it.
    kills, recovery_kills = kill_everywhere(project, args, ["update"])
    # Each write, fsync, rename and unlink is a step: at least ten per scenario (one file, for ack and cite), and
    # some inside recovery.
    assert kills >= 10 and recovery_kills >= 4, (kills, recovery_kills)
    print(f"{scenario}: {kills} kills during the write, {recovery_kills} during recovery")

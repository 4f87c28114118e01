"""Exit 1 means findings, nothing else: every failure is exit 2 with one line (an interrupt, 130), never a traceback."""

from __future__ import annotations

import fcntl
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.commands.errors_test import assert_refused
from tests.commands.update_test import BODY
from tests.conftest import TRACKED, Project

ROOT = Path(__file__).resolve().parent.parent.parent


def svixsync(project: Project, *args: str, **options: object) -> subprocess.Popen[bytes]:
    """The real CLI in a process of its own, for what a process can suffer: signals, limits, a closed pipe."""
    command = [sys.executable, "-m", "svixsync", "--root", str(project.root), "--upstream", str(project.upstream.path)]
    return subprocess.Popen([*command, *args], stderr=subprocess.PIPE, **options)  # type: ignore[call-overload]


def one_error_line(stderr: bytes) -> str:
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("svixsync: error: "), lines
    return lines[0]


def stale(project: Project) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("stale")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs to give the checkout to another user")
def test_git_refusing_the_checkout_is_its_own_message_and_exit_2(project: Project, tmp_path: Path) -> None:
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    os.environ.update(GIT_CONFIG_GLOBAL=str(empty), GIT_CONFIG_NOSYSTEM="1")  # no safe.directory from the machine
    try:
        subprocess.run(["chown", "-R", "4242:4242", str(project.upstream.path)], check=True)
        for args in (["check"], ["update"], ["blocks"], ["history", "--file", TRACKED]):
            assert_refused(project, *args, message="dubious ownership")
    finally:
        subprocess.run(["chown", "-R", "0:0", str(project.upstream.path)], check=True)
        del os.environ["GIT_CONFIG_GLOBAL"], os.environ["GIT_CONFIG_NOSYSTEM"]


def test_a_folder_where_the_journal_should_be(project: Project) -> None:
    (project.root / "state" / ".svixsync-journal.json").mkdir()
    assert_refused(project, "update", message=".svixsync-journal.json: Is a directory")
    assert_refused(project, "check", message=".svixsync-journal.json: Is a directory")


def test_a_file_size_limit_fails_the_write_with_exit_2_and_leaves_nothing(project: Project) -> None:
    stale(project)
    before = project.snapshot()

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))  # the lock is bigger: its write fails

    process = svixsync(project, "update", stdout=subprocess.DEVNULL, preexec_fn=limit)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2
    assert "File too large" in one_error_line(stderr)
    assert project.snapshot() == before
    project.ok("update", code=1)  # and nothing is left that needs recovering


def default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def waiting_for_the_lock(pid: int, root: Path) -> None:
    """Return once process ``pid`` holds the root folder open: it waits for the lock on it (for 3 seconds at most,
    so a signal must not come a fixed time after the start, which a loaded machine may not keep to)."""
    for _ in range(1200):
        try:
            if any(fd.readlink() == root.resolve() for fd in Path(f"/proc/{pid}/fd").iterdir()):
                return
        except FileNotFoundError:  # a descriptor closed while it was listed
            pass
        time.sleep(0.05)
    raise AssertionError("svixsync never opened the root folder")


def test_an_interrupt_exits_130_with_one_line_and_writes_nothing(project: Project) -> None:
    stale(project)
    before = project.snapshot()
    held = os.open(project.root, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # the update waits for the lock: interrupt it there
        # As from a terminal, whatever the test runner does with SIGINT (mutmut ignores it, and an ignored signal
        # stays ignored across exec).
        process = svixsync(project, "update", stdout=subprocess.DEVNULL, preexec_fn=default_sigint)
        waiting_for_the_lock(process.pid, project.root)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    finally:
        os.close(held)
    assert process.returncode == 130
    assert one_error_line(stderr) == "svixsync: error: interrupted"
    assert project.snapshot() == before


def test_a_closed_output_pipe_is_exit_2_with_one_line(project: Project) -> None:
    read, write = os.pipe()
    os.close(read)
    process = svixsync(project, "blocks", "--all", stdout=write)
    os.close(write)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2
    assert "output was closed" in one_error_line(stderr)


def test_an_embedded_nul_in_an_option_is_exit_2(project: Project) -> None:
    assert_refused(project, "blocks", "--file", "src/\u0000.rs", message="tracked path must be relative")
    assert_refused(project, "check", "--rev", "HEAD\u0000", message="not a single revision")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show"], "Missing argument 'LINE'. (see `svixsync show --help`)"),
        (["check", "--format", "nope"], "'nope' is not one of 'text', 'json', 'markdown', 'github'."),
        (["nosuch"], "No such command 'nosuch'. (see `svixsync --help`)"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(project: Project, args: list[str], message: str) -> None:
    result = project.run(*args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("svixsync: error: ") and message in lines[0], lines

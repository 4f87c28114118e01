"""The write journal names only svixsync's own files; readers never see half a write; failures and dry runs write
nothing, not even the completion of an interrupted write."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from itertools import count
from pathlib import Path

import pytest

from svixsync import transaction
from tests.commands.crash_test import files, restore, run_killed_at
from tests.commands.errors_test import assert_refused
from tests.commands.update_test import BODY
from tests.conftest import TRACKED, GitRepo, Project

ROOT = Path(__file__).resolve().parent.parent.parent
STATE = "state"


def stale(project: Project) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("stale")


def interrupt_after_the_journal(project: Project, args: list[str]) -> None:
    """Leave ``args`` killed at the first step where its journal exists: the new pair is complete, not in place."""
    old = files(project)
    for step in count(1):
        restore(project, old)
        assert run_killed_at(project, args, step) is None, "the write ended before its journal was kept"
        if (project.root / STATE / transaction.JOURNAL).exists():
            return


@pytest.mark.parametrize(
    "name",
    [
        "../outside.txt",
        "{outside}",
        "state/../../outside.txt",
        "state/.svixsync.lock",
        "state/notes.txt",
        "docs/team.jsonl",
        "team.jsonl.svixsync-new",
    ],
)
@pytest.mark.parametrize("record", [transaction.JOURNAL, transaction.INTENT])
def test_a_journal_naming_other_files_is_refused(project: Project, tmp_path: Path, name: str, record: str) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("someone else's file\n")
    entry = name.format(outside=outside)
    (project.root / STATE / record).write_text(json.dumps({"files": [entry]}))
    planted = Path(str(project.root / entry) + transaction.SUFFIX)
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_text("planted\n")
    stale(project)
    message = f"state/{record} names {entry!r}, not a file svixsync writes; remove it and check the "
    assert_refused(project, "update", message=message + "dataset by hand")
    assert outside.read_text() == "someone else's file\n" and planted.read_text() == "planted\n"


def test_files_svixsync_did_not_declare_are_left_alone(project: Project) -> None:
    stale(project)
    strangers = [project.root / "notes.md.svixsync-new", project.root / STATE / "mine.json.svixsync-new"]
    for stranger in strangers:
        stranger.write_text("not svixsync's\n")
    project.ok("update", code=1)
    assert all(stranger.read_text() == "not svixsync's\n" for stranger in strangers)


def test_a_symlinked_dataset_is_refused_not_replaced(project: Project, tmp_path: Path) -> None:
    real = tmp_path / "elsewhere.jsonl"
    shutil.move(project.root / "team.jsonl", real)
    (project.root / "team.jsonl").symlink_to(real)
    project.ok("check")  # read through the link
    stale(project)
    assert_refused(
        project,
        "update",
        message="team.jsonl is a symbolic link; svixsync replaces its files whole and never writes through a link: "
        "put the file itself there",
    )
    assert (project.root / "team.jsonl").is_symlink()


def test_leftovers_of_an_interrupted_write_are_git_ignored(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "dataset-repo")
    shutil.copy(ROOT / ".gitignore", repo.path)
    leftovers = [
        "endpoint_caching.jsonl.svixsync-new",
        "state/endpoint_caching.lock.json.svixsync-new",
        "state/config.json.svixsync-new",
        f"state/{transaction.JOURNAL}",
        f"state/{transaction.JOURNAL}.svixsync-new",
        f"state/{transaction.INTENT}",
    ]
    ignored = repo.git("check-ignore", "--no-index", *leftovers).splitlines()
    assert ignored == leftovers
    kept = subprocess.run(
        ["git", "check-ignore", "--no-index", "state/config.json", "endpoint_caching.jsonl"], cwd=repo.path, check=False
    )
    assert kept.returncode == 1  # none of them is ignored


def test_a_dry_run_writes_nothing_even_over_an_interrupted_write(project: Project) -> None:
    stale(project)
    interrupt_after_the_journal(project, ["update"])
    before = files(project)
    result = project.ok("update", "--dry-run", code=1)
    assert files(project) == before
    assert "a write was interrupted" in result.stderr
    assert "line 1: stale" in result.stdout  # what the completed write holds, as `update` would see it


def test_a_writer_that_fails_writes_nothing_not_even_a_recovery(project: Project) -> None:
    stale(project)
    interrupt_after_the_journal(project, ["update"])
    before = files(project)
    assert_refused(project, "ack", "99", message="no line 99 in team.jsonl")
    assert files(project) == before
    assert "completed an interrupted write" in project.ok("update", code=1).stderr


def test_a_failing_init_in_an_empty_folder_creates_nothing(upstream: GitRepo, tmp_path: Path) -> None:
    empty = Project(tmp_path / "empty", upstream)
    result = empty.run("init")
    assert result.exit_code == 2 and "needs --dataset, --system-prompt and --tracked" in result.stderr
    assert list(empty.root.iterdir()) == []


def stopped(pid: int) -> bool:
    """Whether process ``pid`` has stopped itself (SIGSTOP), waiting up to a minute; False if it ended."""
    for _ in range(600):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return False
        if state == "T":
            return True
        if state == "Z":
            return False
        time.sleep(0.1)
    raise AssertionError("the writer neither stopped nor ended")


def test_check_during_an_update_waits_and_reads_a_whole_pair(project: Project) -> None:
    stale(project)
    old = files(project)
    project.ok("update", code=1)
    new = files(project)
    command = [sys.executable, "-m", "svixsync", "--root", str(project.root), "--upstream", str(project.upstream.path)]
    for step in count(1):
        restore(project, old)
        env = {**os.environ, transaction.STOP_AT: str(step)}
        writer = subprocess.Popen([*command, "update"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not stopped(writer.pid):
            raise AssertionError("no step left the dataset and its lock from two different writes")
        now = files(project)
        pair = [now.get(name) for name in ("team.jsonl", "state/team.lock.json")]
        if pair in ([old["team.jsonl"], new["state/team.lock.json"]], [new["team.jsonl"], old["state/team.lock.json"]]):
            break  # the writer stands between its two renames
        writer.kill()
        writer.wait()
    reader = subprocess.Popen([*command, "check"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    writer.send_signal(signal.SIGCONT)
    assert writer.wait(timeout=60) == 1
    out, err = reader.communicate(timeout=60)
    assert reader.returncode == 1, err
    assert "line 1: stale" in out and files(project) == new


@pytest.mark.parametrize(
    "journal", [b'{"files": ["team.jsonl"', b'{"files": "team.jsonl"}', b'{"files": [1]}', b"{}", b"[]"]
)
def test_an_unreadable_journal_stops_every_command_and_is_left_for_a_person(project: Project, journal: bytes) -> None:
    (project.root / STATE / transaction.JOURNAL).write_bytes(journal)
    stale(project)
    message = f"state/{transaction.JOURNAL} is unreadable; remove it and check the dataset by hand"
    for command in ("check", "update"):
        assert_refused(project, command, message=message)


def test_an_intent_cut_off_while_it_was_written_is_rolled_back(project: Project) -> None:
    # The intent is synced before the first twin exists: cut off, it names nothing, and there is nothing to undo.
    (project.root / STATE / transaction.INTENT).write_bytes(b'{"files": ["team.js')
    stale(project)
    result = project.ok("update", code=1)
    assert result.stderr == "svixsync: rolled back an interrupted write\n"
    assert not transaction.interrupted(project.root / STATE)
    assert project.check_json(code=1)["examples"][0]["status"] == "stale"  # type: ignore[index]


def test_an_ack_run_again_over_its_completed_write_says_so_and_the_next_write_completes_it(project: Project) -> None:
    stale(project)
    project.ok("update", code=1)
    data = project.root / "team.jsonl"
    data.write_bytes(data.read_bytes().replace(b"tries the cache", b"reads the cache"))
    interrupt_after_the_journal(project, ["ack", "1"])
    before = files(project)
    assert_refused(
        project,
        "ack",
        "1",
        message="line 1 is not flagged; nothing to acknowledge (a write svixsync was stopped in is still pending: "
        "the next writing command that succeeds completes it)",
    )
    assert files(project) == before
    assert project.ok("update").stderr == "svixsync: completed an interrupted write\n"
    assert project.check_json(code=0)["examples"][0]["status"] == "fresh"  # type: ignore[index]


@pytest.mark.parametrize(
    "planted",
    ["team.jsonl.svixsync-new", "state/team.lock.json.svixsync-new", f"state/{transaction.JOURNAL}.svixsync-new"],
)
def test_a_link_planted_where_a_write_puts_a_file_is_refused_with_nothing_touched(
    project: Project, tmp_path: Path, planted: str
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("not svixsync's\n")
    (project.root / planted).symlink_to(target)
    stale(project)
    assert_refused(
        project,
        "update",
        message=f"{planted} is a symbolic link; svixsync replaces its files whole and never writes through a link: "
        "put the file itself there",
    )
    assert target.read_text() == "not svixsync's\n" and (project.root / planted).is_symlink()


@pytest.mark.parametrize(
    ("record", "planted", "what"),
    [
        (transaction.INTENT, "team.jsonl.svixsync-new", "a symbolic link"),
        (transaction.JOURNAL, "team.jsonl.svixsync-new", "a symbolic link"),
        (transaction.JOURNAL, "team.jsonl", "a symbolic link"),
        (transaction.JOURNAL, "team.jsonl.svixsync-new", "not a regular file"),
    ],
)
def test_a_link_or_folder_where_an_interrupted_write_left_a_file_is_refused_not_followed(
    project: Project, tmp_path: Path, record: str, planted: str, what: str
) -> None:
    (project.root / STATE / record).write_bytes(b'{"files": ["team.jsonl"]}')
    (project.root / "team.jsonl.svixsync-new").write_bytes((project.root / "team.jsonl").read_bytes())
    target = tmp_path / "elsewhere.txt"
    target.write_text("not svixsync's\n")
    (project.root / planted).unlink()
    if what == "a symbolic link":
        (project.root / planted).symlink_to(target)
    else:
        (project.root / planted).mkdir()
    message = f"{planted} is {what}; svixsync replaces its files whole and never writes through a link"
    assert_refused(project, "update", message=message)
    assert target.read_text() == "not svixsync's\n"

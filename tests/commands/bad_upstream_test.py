"""Upstream and state/ that svixsync cannot trust: one line on stderr, exit 2, nothing written."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

import pytest

from svixsync.snapshot import MAX_SOURCE_BYTES
from tests.commands.errors_test import assert_refused
from tests.conftest import TRACKED, GitRepo, Project


def test_shallow_clone_lacking_the_pin_says_to_fetch_more(project: Project, tmp_path: Path) -> None:
    project.upstream.edit(TRACKED, "!m.away", "!m.away && !m.archived")
    project.upstream.commit("second")
    shallow = tmp_path / "shallow"
    GitRepo(tmp_path / "unused").git("clone", "-q", "--depth", "1", f"file://{project.upstream.path}", str(shallow))
    project.upstream = GitRepo.__new__(GitRepo)
    project.upstream.path = shallow
    assert_refused(project, "update", message="is not in the shallow clone")
    assert_refused(project, "check", message="git fetch --unshallow")


def test_pin_gone_after_a_force_push_says_how_to_repin(project: Project) -> None:
    repo = project.upstream
    repo.git("checkout", "-q", "--orphan", "rewritten")
    repo.commit("history rewritten")
    repo.git("branch", "-D", "main")
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")
    assert_refused(project, "update", message="re-pin with `svixsync init --rev REV`")


@pytest.mark.parametrize("path", ["../outside.rs", "/etc/passwd", "src/../../x.rs", "-x.rs"])
def test_tracked_path_escaping_the_repository(project: Project, path: str) -> None:
    assert_refused(project, "init", "--tracked", path, message="tracked path must be relative and inside")
    assert_refused(project, "history", "--file", path, message="tracked path must be relative and inside")
    config = project.root / "state" / "config.json"
    config.write_text(config.read_text().replace(f'"{TRACKED}"', f'"{path}"'))
    assert_refused(project, "check", message="broken state/config.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"fn ok() {}\n\0\0\0binary\n", f"{TRACKED} at {{head}} is a binary file, not Rust source"),
        (
            b"// generated\n" + b"const X: u8 = 0;\n" * (MAX_SOURCE_BYTES // 17 + 1),
            f"{TRACKED} at {{head}} is 4,194,321 bytes, over the 4,194,304-byte limit",
        ),
        # A stray brace between items: where one item ends and the next begins is anyone's guess.
        (
            b"pub fn ok() {}\n}\npub fn other() {}\n",
            f"{TRACKED}: Rust syntax error near line 2: its items cannot be told apart",
        ),
    ],
    ids=["binary", "huge", "syntax-error"],
)
def test_tracked_file_that_is_not_rust_source(project: Project, content: bytes, message: str) -> None:
    (project.upstream.path / TRACKED).write_bytes(content)
    head = project.upstream.commit("not rust any more")
    assert_refused(project, "update", message=message.format(head=head[:12]))
    assert_refused(project, "check", message=message.format(head=head[:12]))


@pytest.mark.parametrize("nonsense", ["", "[]", "{", '{"upstream": "http://example.com/x", "datasets": []}'])
def test_state_config_edited_into_nonsense(project: Project, nonsense: str) -> None:
    (project.root / "state" / "config.json").write_text(nonsense)
    assert_refused(project, "update", message="broken state/config.json")


def test_second_writer_waits_then_fails_or_proceeds(project: Project) -> None:
    project.upstream.edit(TRACKED, "!m.away", "!m.away && !m.archived")
    project.upstream.commit("second")
    held = os.open(project.root, os.O_RDONLY)  # the lock is on the root folder itself
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert_refused(project, "update", message="another svixsync is writing this dataset")
        threading.Timer(1.0, fcntl.flock, (held, fcntl.LOCK_UN)).start()
        result = project.run("update")
    finally:
        os.close(held)
    assert result.exit_code == 0, result.stderr
    assert "pinned" in result.stdout


def test_a_syntax_error_inside_a_body_is_read_not_refused(project: Project) -> None:
    project.upstream.edit(
        TRACKED, "let _ = cache.set(&key, &team, ttl).await;", "let _ = try!(cache.set(&key, &team, ttl));"
    )
    project.upstream.commit("2015-edition error handling")
    document = project.check_json(code=1)
    examples = document["examples"]
    assert isinstance(examples, list) and examples[0]["status"] == "stale"
    assert examples[0]["blocks"][1] == {
        "path": TRACKED,
        "kind": "fn",
        "name": "CachedTeam::cached_fetch",
        "change": "semantic",
        "old_name": None,
        "old_path": None,
    }
    assert [example["status"] for example in examples] == ["stale", "fresh", "fresh"]


def test_readers_share_the_lock_and_a_writer_waits_for_them(project: Project) -> None:
    project.upstream.edit(TRACKED, "!m.away", "!m.away && !m.archived")
    project.upstream.commit("second")
    held = os.open(project.root, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_SH)  # a reader, say a `check` in another terminal
        project.ok("check")  # another reader reads alongside
        before = project.snapshot()
        assert_refused(project, "update", message="another svixsync is writing this dataset")
        assert project.snapshot() == before
    finally:
        os.close(held)


def test_a_root_that_does_not_exist_is_named(project: Project, tmp_path: Path) -> None:
    root = tmp_path / "nowhere"
    result = project.run("--root", str(root), "check")  # the last --root counts
    assert result.exit_code == 2
    assert result.stderr == (
        f"svixsync: error: no folder {root}: "
        "pass --root (or set SVIXSYNC_ROOT to) the folder holding state/ and the dataset\n"
    )

"""Bad input: one clear line on stderr, exit 2, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import TRACKED, GitRepo, Project


def assert_refused(project: Project, *args: str, message: str, upstream: bool = True) -> None:
    before = project.snapshot()
    result = project.run(*args, upstream=upstream)
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("svixsync: error: ") and message in lines[0], lines
    assert project.snapshot() == before


def test_missing_and_non_git_upstream(project: Project, tmp_path: Path) -> None:
    project.upstream = GitRepo.__new__(GitRepo)
    project.upstream.path = tmp_path / "nowhere"
    assert_refused(project, "update", message="upstream checkout not found")
    (tmp_path / "plain").mkdir()
    project.upstream.path = tmp_path / "plain"
    assert_refused(project, "check", message="not a git repository")


def test_unknown_revision_and_option_injection(project: Project) -> None:
    assert_refused(project, "check", "--rev", "no-such-branch", message="unknown revision 'no-such-branch'")
    assert_refused(project, "update", "--rev", "--upload-pack=touch x", message="not a single revision")


def test_broken_state_and_bad_dataset_lines(project: Project) -> None:
    lock = project.root / "state" / "team.lock.json"
    good = lock.read_bytes()
    lock.write_text('{"dataset": "team.jsonl"}')
    assert_refused(project, "check", message="broken state/team.lock.json")
    lock.write_bytes(good)
    data = project.root / "team.jsonl"
    original = data.read_bytes()
    data.write_bytes(original.replace(b"\n", b"\n\n", 1))
    assert_refused(project, "update", message="team.jsonl:2: blank line")
    data.write_bytes(original.replace(b"You are a test maintainer.", b"You are someone else.", 1))
    assert_refused(project, "check", message="team.jsonl:1: the system prompt differs")


def test_hand_edited_code_is_reported_and_rewritten_only_with_force(project: Project) -> None:
    data = project.root / "team.jsonl"
    data.write_bytes(data.read_bytes().replace(b"TEAM_v1_", b"TEAM_v9_"))
    for command in ("check", "update"):
        assert_refused(project, command, message="line 3: the code of impl TeamKey differs from what svixsync wrote")
    project.ok("update", "--force")
    assert b"TEAM_v1_" in data.read_bytes()
    project.ok("check")


def test_lines_added_by_hand_must_be_adopted(project: Project) -> None:
    data = project.root / "team.jsonl"
    first = data.read_text().splitlines()[0]
    document = json.loads(first)
    document["messages"][1]["content"] = "Another angle on the same code."
    data.write_text(data.read_text() + json.dumps(document) + "\n")
    assert_refused(project, "check", message="run `svixsync init` to adopt the dataset again")
    project.ok("init")
    assert len(json.loads((project.root / "state" / "team.lock.json").read_text())["examples"]) == 4
    project.ok("check")


def add_members_dataset(project: Project) -> None:
    """A second dataset, members.jsonl, over the same upstream file, with one example."""
    topic = project.root / "other-topic.json"
    topic.write_text(json.dumps({"include": [{"name": "active_members"}]}))
    project.ok(
        "init",
        "--dataset",
        "members.jsonl",
        "--system-prompt",
        "Other prompt.",
        "--tracked",
        "src/team.rs",
        "--topic-file",
        str(topic),
    )
    project.add(
        "CachedTeam::active_members",
        user="Who counts as active?",
        think="Away members do not.",
        dataset="members.jsonl",
    )


def test_two_datasets_share_one_upstream(project: Project) -> None:
    add_members_dataset(project)
    result = project.run("check", "--format", "json")
    documents = json.loads(result.stdout)
    assert [len(d["examples"]) for d in documents] == [3, 1]
    assert documents[1]["uncovered"] == []
    project.upstream.edit("src/team.rs", "!m.away", "!m.away && !m.archived")
    project.upstream.commit("archived members are not active")
    members = json.loads(project.run("check", "--format", "json", "--dataset", "members.jsonl").stdout)
    assert members["examples"][0]["status"] == "stale"
    team = json.loads(project.run("check", "--format", "json", "--dataset", "team.jsonl").stdout)
    assert team["summary"]["stale"] == 0


def test_a_hand_edit_of_the_use_block_is_reported_too(project: Project) -> None:
    data = project.root / "team.jsonl"
    lines = data.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b"use std::time::Duration;", b"use std::time::Instant;")
    data.write_bytes(b"\n".join(lines))
    for command in ("check", "update"):
        assert_refused(project, command, message="line 2: the code of use differs from what svixsync wrote")
    project.ok("update", "--force")
    assert b"use std::time::Instant;" not in data.read_bytes()
    project.ok("check")


SEVERAL = "several datasets are configured (team.jsonl, members.jsonl); choose one with --dataset"


def test_with_two_datasets_a_command_on_lines_must_be_told_which(project: Project) -> None:
    add_members_dataset(project)
    files = ["--user-file", str(project.root / "user.txt"), "--think-file", str(project.root / "think.txt")]
    for args in [
        ["ack", "1", "--keep-prose"],
        ["add", "CachedTeam::forget", *files],
        ["cite", "1", f"{TRACKED}::CachedTeam::forget"],
        ["edit", "1", *files],
        ["remove", "1"],
        ["show", "1"],
        ["init"],
    ]:
        assert_refused(project, *args, message=SEVERAL)
    in_a_terminal = {"SVIXSYNC_UPSTREAM": "", "SVIXSYNC_ASSUME_TERMINAL": "1"}
    (line,) = project.run("review", env=in_a_terminal).stderr.splitlines()
    assert line == f"svixsync: error: {SEVERAL}"
    assert "active_members" in project.ok("show", "1", "--dataset", "members.jsonl").stdout


def test_ack_of_a_line_the_dataset_does_not_have(project: Project) -> None:
    for line in ("4", "0"):
        assert_refused(project, "ack", line, "--keep-prose", message=f"no line {line} in team.jsonl (3 lines)")


def shape(*roles: str, **extra: object) -> bytes:
    """A dataset line with these message roles (content "x"), and ``extra`` keys."""
    document = {"type": "chatml", "messages": [{"role": role, "content": "x"} for role in roles], **extra}
    return json.dumps(document).encode()


SYSTEM_LINE = {"role": "system", "content": "You are a test maintainer."}


@pytest.mark.parametrize(
    ("line_2", "message"),
    [
        (b"", "team.jsonl:2: blank line"),
        (b'{"type": "chatml",', "team.jsonl:2:19: invalid JSON: Expecting property name enclosed in double quotes"),
        (b"[]", "team.jsonl:2: line: Input should be a valid dictionary"),
        (b'{"type": "chatml", "messages": []}', "team.jsonl:2: messages must be system, user, assistant; found"),
        (shape("system", "user", "assistant", "assistant"), "found system, user, assistant, assistant"),
        (
            json.dumps({"type": "chatml", "messages": [{"role": "system", "content": 1}]}).encode(),
            "team.jsonl:2: messages.0.content: Input should be a valid string",
        ),
        (shape("system", "user", "assistant", extra=1), "team.jsonl:2: extra: Extra inputs are not permitted"),
        (shape("user", "system", "assistant"), "team.jsonl:2: messages must be system, user, assistant; found user,"),
        (shape("system", "user", "assistant"), "team.jsonl:2: assistant content must start with <think>"),
        (b"FIRST", "team.jsonl:2: duplicate of line 1"),
        (b'{"type": "chatml", "messages": [\xff]}', "team.jsonl:2: not valid UTF-8 (byte "),
        (
            json.dumps({"type": "chatml", "messages": [{**SYSTEM_LINE, "content": "Another prompt."}]}).encode(),
            "team.jsonl:2: messages must be system, user, assistant; found system",
        ),
    ],
    ids=[
        "blank-line",
        "invalid-json",
        "not-an-object",
        "no-messages",
        "extra-message",
        "non-string-content",
        "extra-key",
        "role-order",
        "no-think",
        "duplicate",
        "not-utf-8",
        "one-message",
    ],
)
def test_a_wrong_line_is_named_with_its_file_line_and_field(project: Project, line_2: bytes, message: str) -> None:
    data = project.root / "team.jsonl"
    first, _, third = data.read_bytes().split(b"\n", 2)
    data.write_bytes(b"\n".join([first, first if line_2 == b"FIRST" else line_2, third]))
    for command in (["check"], ["update"], ["ack", "1", "--keep-prose"]):
        assert_refused(project, *command, message=message)


def test_an_empty_dataset_and_another_system_prompt_are_named(project: Project) -> None:
    data = project.root / "team.jsonl"
    original = data.read_bytes()
    data.write_bytes(b"")
    assert_refused(project, "check", message="team.jsonl: the dataset is empty")
    data.write_bytes(original.replace(b"You are a test maintainer.", b"You are someone else.", 1))
    assert_refused(project, "update", message="team.jsonl:1: the system prompt differs from state/config.json")

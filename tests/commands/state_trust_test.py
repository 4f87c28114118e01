"""state/ that svixsync wrote or a person edited: never bricked by an update, never trusted beyond its schema."""

from __future__ import annotations

import json

import pytest

from tests.commands.errors_test import assert_refused
from tests.conftest import TRACKED, Project
from tests.rust_source import ROSTER_RS, TEAM_RS

ROSTER = "src/roster.rs"


def config(project: Project) -> dict[str, object]:
    document: dict[str, object] = json.loads((project.root / "state" / "config.json").read_text())
    return document


def statuses(project: Project) -> list[str]:
    return [example["status"] for example in project.check_json()["examples"]]  # type: ignore[attr-defined]


def test_upstream_deleting_the_only_tracked_file_flags_its_examples_and_keeps_it_tracked(project: Project) -> None:
    project.upstream.git("rm", "-q", TRACKED)
    project.upstream.commit("drop the team module")
    project.ok("update", code=1)
    assert config(project)["datasets"][0]["tracked"] == [TRACKED]  # type: ignore[index]
    assert statuses(project) == ["removed"] * 3  # state/ still reads: exit 1, not 2
    project.ok("check", code=1, upstream=False)
    project.upstream.write(TRACKED, TEAM_RS)
    project.upstream.commit("restore it")
    project.ok("update", code=1)  # flagged until a person re-authors them
    assert "CachedTeam::cached_fetch" in project.ok("blocks").stdout


def test_a_deleted_file_among_several_stays_tracked_so_a_restore_is_followed(project: Project) -> None:
    project.upstream.write(ROSTER, ROSTER_RS)
    project.upstream.commit("roster")
    project.ok("init", "--rev", "HEAD", "--tracked", TRACKED, "--tracked", ROSTER)
    project.upstream.git("rm", "-q", ROSTER)
    project.upstream.commit("drop the roster")
    project.ok("update")
    assert config(project)["datasets"][0]["tracked"] == [TRACKED, ROSTER]  # type: ignore[index]
    project.upstream.write(ROSTER, ROSTER_RS)
    project.upstream.commit("roster is back")
    project.ok("update")
    assert "impl RosterKey" in project.ok("blocks", "--all").stdout
    uncovered = [(site["path"], site["name"]) for site in project.check_json()["uncovered"]]  # type: ignore[attr-defined]
    assert uncovered == [
        (TRACKED, "CachedTeam"),
        (ROSTER, "CachedRoster"),
        (ROSTER, "kv_def!(RosterKey)"),
        (ROSTER, "impl RosterKey"),
    ]


def edit_lock(project: Project, change: dict[str, object], line: int | None = None) -> None:
    path = project.root / "state" / "team.lock.json"
    document = json.loads(path.read_text())
    target = document if line is None else document["examples"][line - 1]
    target.update(change)
    path.write_text(json.dumps(document, indent=2))


LONG = "9" * 5000


@pytest.mark.parametrize(
    ("change", "line", "field"),
    [
        ({"pinned": "HEAD"}, None, "pinned"),
        ({"pinned": "main"}, None, "pinned"),
        ({"pinned": LONG}, None, "pinned"),
        ({"selection": "x"}, None, "selection"),
        ({"prose_sha256": LONG}, 1, "examples.0.prose_sha256"),
        ({"review": {"reason": "stale", "flagged_at": "HEAD", "prose_sha256": "0" * 64}}, 2, "flagged_at"),
        ({"review": {"reason": "stale", "flagged_at": "0" * 40, "prose_sha256": "0" * 64, "since": "v1"}}, 2, "since"),
        ({"line": 0}, 1, "examples.0.line"),
    ],
)
def test_recorded_shas_and_numbers_are_validated(
    project: Project, change: dict[str, object], line: int | None, field: str
) -> None:
    edit_lock(project, change, line)
    for command in ("check", "update"):
        result = project.run(command)
        assert result.exit_code == 2, result.output
        (message,) = result.stderr.strip().splitlines()
        assert message.startswith("svixsync: error: broken state/team.lock.json: ") and field in message
        assert len(message) < 400, message  # a 5,000-character value is not echoed


def test_block_fingerprints_are_validated(project: Project) -> None:
    path = project.root / "state" / "team.lock.json"
    document = json.loads(path.read_text())
    document["examples"][0]["blocks"][1]["tokens"] = "not a hash"
    path.write_text(json.dumps(document))
    assert_refused(project, "check", message="examples.0.blocks.1.tokens: Value error, must be a sha256")


@pytest.mark.parametrize(
    "edit",
    [
        lambda document: document["datasets"][0]["tracked"].append(TRACKED),
        lambda document: document["datasets"].append(document["datasets"][0]),
        lambda document: document["datasets"].append({**document["datasets"][0], "file": "team.txt"}),
    ],
    ids=["tracked-twice", "dataset-twice", "same-lock-file"],
)
def test_duplicates_in_config_are_rejected(project: Project, edit: object) -> None:
    path = project.root / "state" / "config.json"
    document = json.loads(path.read_text())
    edit(document)  # type: ignore[operator]
    path.write_text(json.dumps(document))
    assert_refused(project, "check", message="is listed twice")
    assert_refused(project, "update", message="is listed twice")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"change": "![beacon](https://example.com/b.png)"}, "changes.0.change: Input should be"),
        ({"change": "semantic", "name": ""}, "changes.0.name"),
        ({"change": "semantic", "kind": "<img>"}, "changes.0.kind"),
    ],
)
def test_flag_fields_are_validated_against_their_enums(
    project: Project, change: dict[str, object], message: str
) -> None:
    flag = {"path": TRACKED, "kind": "fn", "name": "CachedTeam::forget", **change}
    review = {"reason": "stale", "flagged_at": "0" * 40, "prose_sha256": "0" * 64, "changes": [flag]}
    edit_lock(project, {"review": review}, 2)
    assert_refused(project, "check", "--format", "markdown", message=message)


@pytest.mark.parametrize(
    "url",
    ["http://example.com/x", "https://example.com/x) ![b](https://e/b.png", "https://example.com/<script>"],
)
def test_upstream_url_must_be_a_plain_https_url(project: Project, url: str) -> None:
    path = project.root / "state" / "config.json"
    document = json.loads(path.read_text())
    document["upstream"] = url
    path.write_text(json.dumps(document))
    assert_refused(project, "check", "--format", "markdown", message="upstream: Value error")


def test_a_nul_or_newline_in_a_tracked_path_is_rejected(project: Project) -> None:
    path = project.root / "state" / "config.json"
    for bad in ("src/te\u0000am.rs", "src/team.rs\n\u001b]0;x\u0007"):
        document = json.loads(path.read_text())
        document["datasets"][0]["tracked"] = [bad]
        path.write_text(json.dumps(document))
        assert_refused(project, "check", message="tracked path must be relative and inside")
        path.write_text(json.dumps({**document, "datasets": [{**document["datasets"][0], "tracked": [TRACKED]}]}))
    assert_refused(project, "history", "--file", "src/team.rs\n", message="tracked path must be relative")


def test_what_is_wrong_with_state_is_said_in_full(project: Project) -> None:
    state = project.root / "state"
    lock_path, config_path = state / "team.lock.json", state / "config.json"
    lock, config = lock_path.read_bytes(), config_path.read_bytes()
    edit_lock(project, {"dataset": "other.jsonl"})
    assert_refused(project, "check", message="state/team.lock.json is the lock of other.jsonl, not team.jsonl")
    lock_path.write_bytes(lock)
    edit_lock(project, {"line": 0}, 2)
    assert_refused(project, "check", message="broken state/team.lock.json: examples.1.line: Input should be greater")
    lock_path.write_bytes(lock)
    edit_lock(project, {"blocks": [{**json.loads(lock)["examples"][2]["blocks"][1], "kind": "module"}]}, 3)
    assert_refused(
        project,
        "check",
        message="broken state/team.lock.json: examples.2.blocks.0.kind: Value error, must be a block kind of contract "
        "§1 (use, struct, enum, union, trait, type, const, static, fn, impl, macro, mod, file), not 'module'",
    )
    lock_path.write_text("{\n  x")
    assert_refused(
        project,
        "check",
        message="broken state/team.lock.json: invalid JSON at line 2, column 3: Expecting property name enclosed in "
        "double quotes",
    )
    lock_path.write_bytes(lock)
    config_path.write_text("{\n  x")
    assert_refused(project, "check", message="broken state/config.json: document: Invalid JSON: key must be a string")
    config_path.unlink()
    assert_refused(project, "update", message="state/config.json not found; run `svixsync init` first")
    config_path.write_bytes(config)
    assert_refused(project, "check", "--dataset", "nope.jsonl", message="no dataset 'nope.jsonl' in state/config.json")


def test_a_value_listed_twice_is_named(project: Project) -> None:
    path = project.root / "state" / "config.json"
    document = json.loads(path.read_text())
    document["datasets"][0]["tracked"].append(TRACKED)
    path.write_text(json.dumps(document))
    assert_refused(
        project,
        "check",
        message=f"broken state/config.json: datasets.0.tracked: Value error, tracked file '{TRACKED}' is listed twice",
    )


def test_state_is_written_as_json_dumps_would_write_it(project: Project) -> None:
    # Diff-friendly and stable: two-space indents, one key a line, non-ASCII as it is (pydantic writes it faster).
    prompt = "Tu es un mainteneur de tests « ü »."
    project.ok("init", "--dataset", "autre.jsonl", "--system-prompt", prompt, "--tracked", TRACKED)
    names = ["config.json", "team.lock.json", "autre.lock.json"]
    written = {name: (project.root / "state" / name).read_bytes() for name in names}
    assert json.loads(written["autre.lock.json"])["examples"] == []
    project.add("CachedMember", user="Qui « est » là ?", think="Un membre.", dataset="autre.jsonl")
    written["autre.lock.json"] = (project.root / "state" / "autre.lock.json").read_bytes()
    for name, data in written.items():
        assert data == (json.dumps(json.loads(data), indent=2, ensure_ascii=False) + "\n").encode(), name
    assert prompt.encode() in written["config.json"]


def test_init_refuses_a_second_dataset_whose_lock_file_the_first_one_has(project: Project) -> None:
    (project.root / "state" / "team.lock.json").unlink()  # else that lock, another dataset's, is named first
    (project.root / "team.txt").write_text("")
    assert_refused(
        project,
        "init",
        "--dataset",
        "team.txt",
        "--system-prompt",
        "You are a maintainer.",
        "--tracked",
        TRACKED,
        message="refusing to write a state/config.json that svixsync would reject "
        "(document: Value error, lock file 'team.lock.json' is listed twice)",
    )

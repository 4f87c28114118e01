"""`svixsync review`: the flagged examples one at a time, answered by a script through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from svixsync.cli import cli
from svixsync.commands.review import ASSUME_TERMINAL
from tests.commands.edit_test import editor
from tests.commands.errors_test import assert_refused
from tests.commands.show_test import in_terminal
from tests.commands.update_test import BODY, FORGET, RENAME
from tests.conftest import TRACKED, Project


def review(project: Project, answers: str, editor_command: str = "false") -> Result:
    """`svixsync review` with ``answers`` typed in, as if at a terminal."""
    env = {"SVIXSYNC_UPSTREAM": "", ASSUME_TERMINAL: "1", "VISUAL": editor_command, "EDITOR": editor_command}
    args = ["--root", str(project.root), "--upstream", str(project.upstream.path), "review"]
    return CliRunner().invoke(cli, args, input=answers, env=env)


def flags(project: Project) -> list[str | None]:
    lock = json.loads((project.root / "state" / "team.lock.json").read_text())
    return [entry["review"]["reason"] if entry["review"] else None for entry in lock["examples"]]


@pytest.fixture
def two_flagged(project: Project) -> Project:
    """Lines 1 and 2 flagged stale by one update."""
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(TRACKED, *RENAME)
    project.upstream.commit("propagate cache errors, rename forget")
    project.ok("update", code=1)
    assert flags(project) == ["stale", "stale", None]
    return project


def test_ack_then_skip(two_flagged: Project) -> None:
    result = review(two_flagged, "a\ns\n")
    assert result.exit_code == 1, result.output
    assert flags(two_flagged) == [None, "stale", None]
    out = result.stdout
    # Each example as `show --diff` prints it, then the question.
    assert out.index("team.jsonl line 1: stale") < out.index("-        let _ = cache.set(&key, &team, ttl).await;")
    assert "line 1 (1 of 2): [e]dit, [a]ck (the prose is still true), [s]kip, [q]uit: " in out
    assert "acknowledged line 1" in out
    assert "+    pub async fn drop_team(cache: &Cache, id: &str) -> Result<()> {" in out
    assert out.rstrip().endswith("reviewed: 1 acknowledged, 1 skipped; 1 still flagged")


def test_edit_in_the_editor_clears_the_flag_and_quit_stops(two_flagged: Project, tmp_path: Path) -> None:
    rewrite = editor(tmp_path, ("read the cache first?", "now fail when the cache write fails?"))
    result = review(two_flagged, "e\nq\n", rewrite)
    assert result.exit_code == 1, result.output
    assert "line 1: rewrote the request and the reasoning; its flag (stale) is cleared" in result.stdout
    assert flags(two_flagged) == [None, "stale", None]
    assert result.stdout.rstrip().endswith("reviewed: 1 edited; 1 still flagged")
    assert b"now fail when the cache write fails?" in two_flagged.dataset()


def test_an_unchanged_edit_or_an_unknown_answer_asks_again(two_flagged: Project, tmp_path: Path) -> None:
    untouched = editor(tmp_path)
    result = review(two_flagged, "x\ne\ns\na\n", untouched)
    assert result.exit_code == 1, result.output
    assert "left as it was; nothing written" in result.stdout
    assert result.stdout.count("line 1 (1 of 2): ") == 3  # x is no answer, the edit changed nothing, then skip
    assert flags(two_flagged) == ["stale", None, None]


def test_end_of_input_is_quit(two_flagged: Project) -> None:
    result = review(two_flagged, "")
    assert result.exit_code == 1 and "reviewed: nothing; 2 still flagged" in result.stdout


def test_a_removed_example_offers_only_skip_and_says_how_to_replace_it(project: Project) -> None:
    project.upstream.edit(TRACKED, FORGET + "\n", "")
    project.upstream.commit("forget is gone")
    project.ok("update", code=1)
    result = review(project, "a\ns\n")
    assert "line 2 (1 of 1): [s]kip, [q]uit: " in result.stdout
    assert "Error: 'a' is not one of 's', 'q'." in result.stdout
    assert "then `svixsync remove 2`" in " ".join(result.stdout.split())


def test_nothing_flagged_and_updates_not_yet_made(project: Project) -> None:
    assert review(project, "").stdout == "no example awaits re-authoring\n"
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("propagate cache errors")
    result = review(project, "")
    assert result.exit_code == 1
    assert "`svixsync update` flags them for review" in result.stdout


def test_refuses_without_a_terminal_and_works_in_one(two_flagged: Project) -> None:
    assert_refused(two_flagged, "review", message="needs a terminal; without one, use `svixsync show LINE --diff`")
    screen = in_terminal(two_flagged, "review", answers=b"s\nq\n")
    assert "line 1 (1 of 2): " in screen and "reviewed: 1 skipped; 2 still flagged" in screen

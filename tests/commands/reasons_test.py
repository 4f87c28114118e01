"""Reasons that last: every report says why an example is flagged long after the update that flagged it; update
says what it did once it is done; `--diff` shows code fields as black does."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from svixsync import transaction
from tests.commands.errors_test import assert_refused
from tests.commands.update_test import BODY, RELAYOUT, RENAME, code
from tests.conftest import TRACKED, Project


@pytest.fixture
def renamed(project: Project) -> tuple[Project, str, str]:
    """Line 2 flagged stale by an update that renamed the fn it quotes; the pins before and after."""
    pin = project.upstream.git("rev-parse", "HEAD")
    project.upstream.edit(TRACKED, *RENAME)
    target = project.upstream.commit("rename forget")
    project.ok("update", code=1)
    return project, pin, target


def test_text_json_and_github_say_why_after_the_update(renamed: tuple[Project, str, str]) -> None:
    project, pin, target = renamed
    why = "CachedTeam::drop_team (renamed, was CachedTeam::forget)"
    why += f" (flagged by the update from {pin[:12]} to {target[:12]})"
    text = project.ok("check", code=1).stdout
    assert f"line 2: stale: {why}" in text.splitlines()
    assert "next: `svixsync review` walks the flagged examples (or `show LINE --diff`, `edit LINE`)" in text
    offline = project.ok("check", code=1, upstream=False).stdout
    assert f"line 2: stale: {why}" in offline.splitlines()
    document = project.check_json(code=1)
    example = document["examples"][1]  # type: ignore[index]
    assert example["flag"] == {
        "reason": "stale",
        "since": pin,
        "flagged_at": target,
        "changes": [
            {
                "path": TRACKED,
                "kind": "fn",
                "name": "CachedTeam::drop_team",
                "change": "renamed",
                "old_name": "CachedTeam::forget",
                "old_path": None,
                "via": None,
            }
        ],
    }
    assert set(example) == {"line", "status", "blocks", "depends", "flag"}
    assert document["examples"][0]["flag"] is None  # type: ignore[index]
    github = project.ok("check", "--format", "github", code=1).stdout.splitlines()
    assert github[0].startswith("::error file=team.jsonl,line=2,")
    assert f"::{why}; its request and reasoning must be re-authored: `svixsync edit 2`" in github[0]


def test_update_says_what_it_refreshed_and_flagged(project: Project) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(TRACKED, *RELAYOUT)
    project.upstream.commit("stale one, refresh one")
    dry = project.ok("update", "--dry-run", code=1).stdout.splitlines()
    assert "line 1: would rewrite its code and flag it (stale)" in dry
    assert "line 2: would rewrite its code" in dry
    done = project.ok("update", code=1).stdout.splitlines()
    assert done[-3:] == [
        "line 1: rewrote its code and flagged it (stale)",
        "line 2: rewrote its code",
        "next: `svixsync review` walks the flagged examples (or `show LINE --diff`, `edit LINE`)",
    ]


def test_update_says_nothing_of_a_write_that_did_not_happen(project: Project) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("stale")
    # Killed at its last durable step: the write is not finished, so nothing may claim it was.
    env = {**os.environ, "PYTHONUNBUFFERED": "1", transaction.CRASH_AT: "1", "SVIXSYNC_UPSTREAM": ""}
    args = ["--root", str(project.root), "--upstream", str(project.upstream.path), "update"]
    killed = subprocess.run([sys.executable, "-m", "svixsync", *args], env=env, capture_output=True, text=True)
    assert killed.returncode == -9 and killed.stdout == "", killed.stdout


def test_check_diff_and_update_dry_run_diff_print_every_code_field_change(project: Project) -> None:
    before = project.snapshot()
    old = code(project, 1)
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(TRACKED, *RELAYOUT)
    target = project.upstream.commit("stale one, refresh one")
    pin = json.loads((project.root / "state" / "team.lock.json").read_text())["pinned"]
    text = project.ok("check", "--diff", code=1).stdout
    diff = text.split("\n--- ", 1)[1]
    lines = ("--- " + diff).splitlines()
    assert lines[:2] == [
        f"--- team.jsonl:1 code (pinned {pin[:12]})",
        f"+++ team.jsonl:1 code (upstream {target[:12]})",
    ]
    hunk = old.split("\n").index("        let _ = cache.set(&key, &team, ttl).await;") + 1 - 3
    assert lines[2] == f"@@ -{hunk},7 +{hunk},7 @@"
    assert "-        let _ = cache.set(&key, &team, ttl).await;" in lines
    assert "+        cache.set(&key, &team, ttl).await?;" in lines
    assert "--- team.jsonl:2 code (pinned" in text and "+            .delete(&TeamKey::new(id))" in lines
    assert "team.jsonl:3" not in text
    assert project.ok("update", "--dry-run", "--diff", code=1).stdout.endswith(diff)
    assert project.snapshot() == before
    assert_refused(project, "check", "--diff", "--format", "json", message="use it with --format text")

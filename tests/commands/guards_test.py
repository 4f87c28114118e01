"""Honest guards: a flag is cleared by a change of words, never of whitespace alone, and never silently; a line
named twice is one line."""

from __future__ import annotations

import json

from tests.commands.reasons_test import renamed
from tests.conftest import Project

__all__ = ["renamed"]  # the fixture


def test_ack_folds_repeated_lines(renamed: tuple[Project, str, str]) -> None:
    project, _, _ = renamed
    assert project.ok("ack", "2", "2", "--keep-prose").stdout == "acknowledged line 2\n"


def test_init_says_which_flags_it_clears(renamed: tuple[Project, str, str]) -> None:
    project, _, _ = renamed
    data = project.root / "team.jsonl"
    respaced = data.read_bytes().replace(b"When do we drop", b"When  do we drop", 1)
    data.write_bytes(respaced)
    assert project.ok("init").stdout.startswith("team.jsonl: 3 examples")  # only re-spaced: still flagged
    assert project.check_json(code=1)["examples"][1]["status"] == "stale"  # type: ignore[index]
    data.write_bytes(respaced.replace(b"When  do we drop", b"Why do we drop", 1))
    said = project.ok("init").stdout.splitlines()
    assert said[0] == (
        "line 2: its prose was re-authored since it was flagged stale; the flag is cleared "
        "(`svixsync edit` and `ack` do this one line at a time)"
    )
    project.ok("check")


def test_init_says_a_flag_went_with_a_line_deleted_by_hand(renamed: tuple[Project, str, str]) -> None:
    project, _, _ = renamed
    data = project.root / "team.jsonl"
    lines = data.read_bytes().splitlines(keepends=True)
    data.write_bytes(lines[0] + lines[2])
    said = project.ok("init").stdout.splitlines()
    assert said[0] == "the example flagged stale on line 2 is no longer in the dataset; its flag went with it"


def test_a_flag_recorded_before_words_were_counts_any_byte_of_prose(project: Project) -> None:
    path = project.root / "state" / "team.lock.json"
    document = json.loads(path.read_text())
    entry = document["examples"][0]
    entry["review"] = {"reason": "stale", "flagged_at": document["pinned"], "prose_sha256": entry["prose_sha256"]}
    path.write_text(json.dumps(document))
    assert project.run("ack", "1").exit_code == 2  # the prose is as it was flagged
    data = project.root / "team.jsonl"
    data.write_bytes(data.read_bytes().replace(b"tries the cache", b"tries  the cache", 1))
    assert project.ok("ack", "1").stdout == "acknowledged line 1\n"  # a re-spacing is enough for such a flag

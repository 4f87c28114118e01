"""The sample PR comment in the README is what svixsync prints today for the bump it describes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands.update_test import BODY, RELAYOUT
from tests.conftest import TRACKED, GitRepo, Project
from tests.rust_source import EVICT_ALL, FORGET, TEAM_RS

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- sample comment: start -->\n", "<!-- sample comment: end -->\n"
KEY_V2 = ('format!("TEAM_v1_{id}")', 'format!("TEAM_v2_{id}")')


def sample_comment(tmp_path: Path) -> str:
    """A bump of the tests' team service: one fn now propagates errors (the reasoning of another example mentions
    it), one is reformatted, the key format moves to v2 and a new caching fn appears; the weekly workflow runs
    `update`, then posts `check --format markdown`."""
    repo = GitRepo(tmp_path / "upstream")
    repo.write(TRACKED, TEAM_RS)
    repo.commit("team cache")
    project = Project(tmp_path / "dataset", repo)
    project.init()
    config = project.root / "state" / "config.json"
    document = json.loads(config.read_text())
    document["upstream"] = "https://github.com/example/team-service"
    config.write_text(json.dumps(document, indent=2) + "\n")
    project.add(
        "CachedTeam::cached_fetch",
        "CachedTeam::load_from_db",
        user="Why does the roster read the cache before the database, and what happens when the cache is down?",
        think="x",
    )
    project.add(
        "CachedTeam::forget",
        user="When do we drop a team from the cache?",
        think="Entries written by `cached_fetch` stay until `forget` deletes them or their TTL runs out.",
    )
    project.add(
        "CachedMember", "kv_def!(TeamKey)", "impl TeamKey", user="What does a cached member look like?", think="x"
    )
    repo.edit(TRACKED, FORGET, FORGET + "\n\n" + EVICT_ALL)
    repo.edit(TRACKED, *BODY)
    repo.edit(TRACKED, *RELAYOUT)
    repo.edit(TRACKED, *KEY_V2)
    repo.commit("Propagate cache write errors, key v2, evict_all")
    project.ok("update", code=1)
    return project.ok("check", "--format", "markdown", code=1).stdout


def test_readme_sample_comment_is_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.setenv(variable, "2026-11-02T09:00:00+00:00")  # fixed dates: the same commit shas every run
    expected = "".join(f"> {line}".rstrip() + "\n" for line in sample_comment(tmp_path).rstrip("\n").split("\n"))
    readme = README.read_text(encoding="utf-8")
    assert START in readme and END in readme
    current = readme.split(START, 1)[1].split(END, 1)[0]
    assert current == expected, "README sample out of date; it should be:\n" + expected

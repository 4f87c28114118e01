"""`check --strict`: a selected block no example covers is a finding, in every format."""

from __future__ import annotations

import json

from tests.conftest import TRACKED, Project
from tests.rust_source import EVICT_ALL, FORGET


def test_uncovered_is_a_warning_unless_strict(project: Project) -> None:
    plain = project.ok("check")
    assert "warning: uncovered struct CachedTeam" in plain.stdout
    strict = project.ok("check", "--strict", code=1)
    # The same findings; an error now, as the exit code says.
    assert strict.stdout == plain.stdout.replace("warning: uncovered", "error: uncovered")
    assert "error: uncovered struct CachedTeam" in strict.stdout
    document = json.loads(project.ok("check", "--strict", "--format", "json", code=1).stdout)
    assert document["summary"]["uncovered"] == 1 and document["summary"]["fresh"] == 3
    assert "block to cover" in project.ok("check", "--strict", "--format", "markdown", code=1).stdout
    assert "to cover" not in project.ok("check", "--format", "markdown").stdout
    github = project.ok("check", "--strict", "--format", "github", code=1).stdout
    assert github.startswith("::error file=state/config.json,title=svixsync%3A uncovered block::struct CachedTeam")


def test_strict_passes_once_every_selected_block_is_covered(project: Project) -> None:
    project.add("CachedTeam", user="What does the cache hold?", think="The whole team, members included.")
    project.ok("check", "--strict")
    project.upstream.edit(TRACKED, FORGET, FORGET + "\n\n" + EVICT_ALL)
    project.upstream.commit("evict_all")
    result = project.ok("check", "--strict", code=1)
    assert "error: uncovered fn CachedTeam::evict_all (src/team.rs:26)" in result.stdout
    assert "0 stale" in result.stdout


def test_the_comment_counts_the_blocks_to_cover(project: Project) -> None:
    project.upstream.edit(TRACKED, FORGET, FORGET + "\n\n" + EVICT_ALL)
    project.upstream.commit("evict_all")
    comment = project.ok("check", "--strict", "--format", "markdown", code=1).stdout
    assert "2 blocks to cover" in comment and "1 block" not in comment

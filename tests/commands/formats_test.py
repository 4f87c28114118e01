"""`check --format markdown|github`: first versions; issue 4 refines them."""

from __future__ import annotations

from pathlib import Path

from svixsync.github import escape_data, escape_property
from svixsync.markdown import fence
from tests.commands.update_test import BODY
from tests.conftest import TRACKED, Project


def test_markdown_comment_lists_stale_examples_with_a_diff(project: Project) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("propagate cache errors")
    result = project.run("check", "--format", "markdown")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "<!-- svixsync-report -->"
    assert "| 1 | stale | CachedTeam::cached_fetch | semantic | Why does the roster read the cache first?… |" in lines
    assert "-        let _ = cache.set(&key, &team, ttl).await;" in lines
    assert "+        cache.set(&key, &team, ttl).await?;" in lines


def test_github_annotations_point_at_dataset_lines(project: Project, tmp_path: Path) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("propagate cache errors")
    summary = tmp_path / "summary.md"
    result = project.run(
        "check", "--format", "github", env={"SVIXSYNC_UPSTREAM": "", "GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith("::error file=team.jsonl,line=1,title=svixsync%3A example stale::")
    assert summary.read_text().startswith("<!-- svixsync-report -->")


def test_escaping_and_fences_survive_hostile_text() -> None:
    assert escape_data("50%\r\n::error::") == "50%25%0D%0A::error::"
    assert escape_property("a,b:c") == "a%2Cb%3Ac"
    body = 'let s = r#"```` fenced ````"#;'
    fenced = fence(body)
    assert fenced.startswith("`````\n") and fenced.endswith("\n`````")

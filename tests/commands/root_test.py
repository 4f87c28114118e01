"""Monorepos: the root folder from `--root` before or after the command, or from SVIXSYNC_ROOT."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from svixsync.cli import cli
from tests.conftest import TRACKED, Project

ROOT = Path(__file__).resolve().parent.parent.parent


def summary(args: list[str], env: dict[str, str]) -> str:
    result = CliRunner().invoke(cli, args, env={"SVIXSYNC_UPSTREAM": "", **env})
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout.splitlines()[-1]


def test_root_before_or_after_the_command_or_from_the_environment(project: Project, tmp_path: Path) -> None:
    root = str(project.root)
    expected = "3 fresh, 0 refreshed, 0 stale, 0 removed, 0 review, 1 uncovered"
    assert summary(["--root", root, "check"], {}) == expected
    assert summary(["check", "--root", root], {}) == expected
    assert summary(["check"], {"SVIXSYNC_ROOT": root}) == expected
    # After the command wins, as the nearest one: the environment and the group's option are defaults.
    elsewhere = str(tmp_path / "elsewhere")
    assert summary(["--root", elsewhere, "check", "--root", root], {"SVIXSYNC_ROOT": elsewhere}) == expected
    assert summary(["pin", "--root", root], {}).endswith(" team.jsonl")
    result = CliRunner().invoke(cli, ["check", "--root", elsewhere], env={"SVIXSYNC_ROOT": root})
    assert result.exit_code == 2 and "no folder " in result.stderr


def test_every_command_takes_root_after_its_name() -> None:
    for name, command in cli.commands.items():  # type: ignore[attr-defined]
        assert "--root" in [option for param in command.params for option in param.opts], name


def test_pre_commit_hook_matches_state_and_datasets_anywhere() -> None:
    """pre-commit searches each changed path with the hook's `files:` pattern; a dataset under datasets/team/ of a
    monorepo is checked with `args: [--root, datasets/team]` (the test above runs that command line)."""
    import yaml  # a dependency of pre-commit, itself a test dependency

    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    pattern = re.compile(hook["files"])
    checked = [
        "team.jsonl",
        "state/config.json",
        "state/team.lock.json",
        "datasets/team/team.jsonl",
        "datasets/team/state/config.json",
        "a/b/c/state/x.lock.json",
    ]
    ignored = ["src/app.py", "state/notes.md", "mystate/config.json", "datasets/team/state/old/config.json", "x.json"]
    assert [path for path in checked if not pattern.search(path)] == []
    assert [path for path in ignored if pattern.search(path)] == []


def test_annotations_name_files_from_the_top_of_the_repository(project: Project) -> None:
    """In a monorepo the workflow runs at the repository's top and the dataset lives in a folder: GitHub puts an
    annotation on a path from the top."""
    project.upstream.edit(TRACKED, "let _ = cache.set(&key, &team, ttl).await;", "cache.set(&key, &team, ttl).await?;")
    project.upstream.commit("propagate cache errors")
    top = project.root.parent
    env = {"SVIXSYNC_UPSTREAM": str(project.upstream.path), "GITHUB_WORKSPACE": str(top)}
    result = CliRunner().invoke(cli, ["check", "--root", str(project.root), "--format", "github"], env=env)
    assert result.exit_code == 1
    files = re.findall(r"^::\w+ file=([^,]+),", result.stdout, flags=re.MULTILINE)
    folder = project.root.name
    assert files == [f"{folder}/team.jsonl", f"{folder}/state/config.json"]
    outside = CliRunner().invoke(
        cli, ["check", "--root", str(project.root), "--format", "github"], env={**env, "GITHUB_WORKSPACE": "/nowhere"}
    )
    assert re.findall(r"^::\w+ file=([^,]+),", outside.stdout, flags=re.MULTILINE) == [
        "team.jsonl",
        "state/config.json",
    ]

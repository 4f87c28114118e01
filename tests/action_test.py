"""action.yml: valid for GitHub and zizmor, and its own bash steps run as a runner runs them, on real projects."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import TRACKED, Project
from tests.workflows_test import ROOT, assert_matches_schema

ACTION = ROOT / "action.yml"
COUNTS = ("fresh", "refreshed", "stale", "removed", "review", "uncovered")


def action() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(ACTION.read_text())
    return document


def step(name: str) -> dict[str, Any]:
    (found,) = [step for step in action()["runs"]["steps"] if step.get("name") == name]
    return found


def test_action_matches_githubs_schema() -> None:
    assert_matches_schema("vendor.github-actions", ACTION)


def test_action_has_the_inputs_and_outputs_a_workflow_relies_on() -> None:
    document = action()
    assert document["runs"]["using"] == "composite"
    assert set(document["inputs"]) == {
        "command",
        "root",
        "dataset",
        "upstream-repository",
        "upstream-ref",
        "python-version",
        "strict",
        "comment",
    }
    assert set(document["outputs"]) == {"status", "report", *COUNTS}
    uses = [step["uses"] for step in document["runs"]["steps"] if "uses" in step]
    assert uses and all(re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", action) for action in uses), uses
    # Installed from the action's own files, never from the workspace under test.
    install = step("Install svixsync from the action's own files")
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}" and '"$ACTION_PATH"' in install["run"]
    assert "GITHUB_WORKSPACE" not in ACTION.read_text()


def test_every_run_step_is_valid_bash_with_a_shell() -> None:
    scripts = [step for step in action()["runs"]["steps"] if "run" in step]
    assert len(scripts) == 4
    for found in scripts:
        assert found["shell"] == "bash"
        result = subprocess.run(["bash", "-n"], input=found["run"], capture_output=True, text=True, check=False)
        assert result.returncode == 0, (found["name"], result.stderr)
        assert "${{" not in found["run"], found["name"]  # inputs reach scripts through env, never spliced in


class Runner:
    """The action's run steps, each run as GitHub runs a composite's bash step (`bash -e -o pipefail`), with the
    step's env (inputs filled in) and a runner's files; svixsync is the one under test, in place of the install."""

    def __init__(self, tmp_path: Path, inputs: dict[str, str]) -> None:
        self.temp = tmp_path / "runner-temp"
        (self.temp / "svixsync-venv" / "bin").mkdir(parents=True)
        (self.temp / "svixsync-venv" / "bin" / "svixsync").symlink_to(Path(sys.executable).parent / "svixsync")
        self.bin = tmp_path / "runner-bin"
        self.bin.mkdir()
        (self.bin / "python").symlink_to(sys.executable)  # what setup-python puts first on PATH
        defaults = {name: str(spec.get("default", "")) for name, spec in action()["inputs"].items()}
        self.inputs = {**defaults, **inputs}
        self.outputs: dict[str, dict[str, str]] = {}
        self.stdout = ""

    def run(self, name: str, workspace: Path, event: str = "pull_request") -> int:
        found = step(name)
        output = self.temp / f"output-{len(self.outputs)}"
        output.touch()
        env = {
            "PATH": f"{self.bin}:{os.environ['PATH']}",
            "HOME": str(self.temp),
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_OUTPUT": str(output),
            "SVIXSYNC_CACHE_DIR": "",
        }
        for key, value in found.get("env", {}).items():
            env[key] = self._expand(str(value), event)
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", found["run"]],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        self.stdout += result.stdout
        self.outputs[found.get("id", name)] = dict(
            line.split("=", 1) for line in output.read_text().splitlines() if "=" in line
        )
        return result.returncode

    def _expand(self, value: str, event: str) -> str:
        def one(found: re.Match[str]) -> str:
            expression = found.group(1).strip()
            if expression.startswith("inputs."):
                return self.inputs[expression.removeprefix("inputs.")]
            if expression.startswith("steps."):
                _, step_id, _, key = expression.split(".")
                return self.outputs.get(step_id, {}).get(key, "")
            return {"github.event_name": event, "github.event.pull_request.number": "7"}[expression]

        return re.sub(r"\$\{\{(.*?)\}\}", one, value)


def in_monorepo(project: Project, tmp_path: Path) -> Path:
    """A repository holding the project's dataset in datasets/team/, its config pointing at the local upstream."""
    workspace = tmp_path / "workspace"
    shutil.copytree(project.root, workspace / "datasets" / "team", ignore=shutil.ignore_patterns("*.txt", "topic.json"))
    return workspace


def test_check_clones_upstream_at_the_pin_and_reports(project: Project, tmp_path: Path) -> None:
    pin = project.upstream.git("rev-parse", "HEAD")
    project.upstream.edit(TRACKED, "let _ = cache.set(&key, &team, ttl).await;", "cache.set(&key, &team, ttl).await?;")
    project.upstream.commit("propagate cache errors: not yet the pin")
    workspace = in_monorepo(project, tmp_path)
    runner = Runner(
        tmp_path, {"root": "datasets/team", "upstream-repository": str(project.upstream.path), "comment": "true"}
    )
    assert runner.run("Check out upstream", workspace) == 0
    checkout = Path(runner.outputs["upstream"]["path"])
    assert (
        subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
        == pin
    )
    assert runner.run("Run svixsync", workspace) == 0
    outputs = runner.outputs["run"]
    assert {key: outputs[key] for key in ("status", *COUNTS)} == {
        "status": "0",
        "fresh": "3",
        "refreshed": "0",
        "stale": "0",
        "removed": "0",
        "review": "0",
        "uncovered": "1",
    }
    report = Path(outputs["report"])
    assert report.read_text().startswith("<!-- svixsync-report -->\n### svixsync: nothing to re-author")
    assert (report.parent / "pr-number").read_text() == "7\n" and (report.parent / "status").read_text() == "0\n"
    # Annotations name the dataset's files from the top of the repository.
    assert "::notice file=datasets/team/state/config.json," in runner.stdout
    assert runner.run("Fail on findings (check) or on bad input (both)", workspace) == 0


def test_strict_check_at_a_given_ref_fails_the_job(project: Project, tmp_path: Path) -> None:
    project.upstream.edit(TRACKED, "let _ = cache.set(&key, &team, ttl).await;", "cache.set(&key, &team, ttl).await?;")
    project.upstream.commit("propagate cache errors")
    project.upstream.git("branch", "next")
    workspace = in_monorepo(project, tmp_path)
    inputs = {"root": "datasets/team", "upstream-repository": str(project.upstream.path), "upstream-ref": "next"}
    runner = Runner(tmp_path, {**inputs, "strict": "true"})
    assert runner.run("Check out upstream", workspace) == 0
    assert runner.run("Run svixsync", workspace) == 0
    assert runner.outputs["run"]["status"] == "1" and runner.outputs["run"]["stale"] == "1"
    assert "block to cover" in Path(runner.outputs["run"]["report"]).read_text()
    assert runner.run("Fail on findings (check) or on bad input (both)", workspace) == 1


def test_update_moves_to_the_default_branch_and_passes_on_findings(project: Project, tmp_path: Path) -> None:
    project.upstream.edit(TRACKED, "let _ = cache.set(&key, &team, ttl).await;", "cache.set(&key, &team, ttl).await?;")
    head = project.upstream.commit("propagate cache errors")
    workspace = in_monorepo(project, tmp_path)
    inputs = {"command": "update", "root": "datasets/team", "upstream-repository": str(project.upstream.path)}
    runner = Runner(tmp_path, inputs)
    assert runner.run("Check out upstream", workspace, event="schedule") == 0
    assert runner.run("Run svixsync", workspace, event="schedule") == 0
    assert runner.outputs["run"]["status"] == "1" and runner.outputs["run"]["stale"] == "1"
    lock = json.loads((workspace / "datasets" / "team" / "state" / "team.lock.json").read_text())
    assert lock["pinned"] == head
    assert not (Path(runner.outputs["run"]["report"]).parent / "pr-number").exists()  # no comment off a PR
    assert runner.run("Fail on findings (check) or on bad input (both)", workspace, event="schedule") == 0


def test_bad_input_stops_before_anything_runs(project: Project, tmp_path: Path) -> None:
    workspace = in_monorepo(project, tmp_path)
    runner = Runner(tmp_path, {"command": "fix", "root": "datasets/team"})
    assert runner.run("Check out upstream", workspace) == 2
    runner = Runner(tmp_path / "b", {"root": "nowhere"})
    assert runner.run("Check out upstream", workspace) == 2


@pytest.mark.parametrize(
    ("command", "update", "check", "fails"),
    [
        ("update", 0, 0, False),
        ("update", 1, 1, False),
        ("update", 2, 0, True),
        ("update", 1, 2, True),
        ("update", 130, 0, True),
        ("update", 0, 130, True),
        ("check", 0, 0, False),
        ("check", 0, 1, True),
        ("check", 0, 2, True),
    ],
)
def test_the_job_fails_as_the_exit_codes_say(
    tmp_path: Path, command: str, update: int, check: int, fails: bool
) -> None:
    """update: 1 is what its pull request is for; 2 and above (bad input, a crash, an interrupt) fail the job.
    check: 1 and 2 fail it. svixsync stands in by exit code."""
    runner = Runner(tmp_path, {"command": command})
    stand_in = runner.temp / "svixsync-venv" / "bin" / "svixsync"
    stand_in.unlink()
    stand_in.write_text(f'#!/bin/sh\ncase "$1" in update) exit {update};; check) exit {check};; esac\nexit 99\n')
    stand_in.chmod(0o755)
    failed = runner.run("Run svixsync", tmp_path) != 0
    if not failed:
        failed = runner.run("Fail on findings (check) or on bad input (both)", tmp_path) != 0
    assert failed == fails, runner.outputs

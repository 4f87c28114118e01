"""The GitHub workflows and the pre-commit hook, checked by the tools GitHub users rely on."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is a test dependency: pip install -e '.[test]'"
    return found


def test_the_five_workflows_exist() -> None:
    assert [path.name for path in WORKFLOWS] == [
        "dataset-check.yml",
        "dataset-comment.yml",
        "release.yml",
        "tests.yml",
        "upstream-update.yml",
    ]


def assert_matches_schema(schema: str, path: Path) -> None:
    """``path`` validates against one of GitHub's schemas that check-jsonschema ships (`vendor.github-…`)."""
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", schema, str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_matches_githubs_schema(workflow: Path) -> None:
    assert_matches_schema("vendor.github-workflows", workflow)


def test_zizmor_finds_nothing_at_medium_or_above() -> None:
    paths = [*WORKFLOWS, ROOT / "action.yml"]
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", "--min-severity", "medium", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_actions_are_pinned_and_permissions_start_empty(workflow: Path) -> None:
    text = workflow.read_text()
    uses = re.findall(r"uses: (\S+)", text)
    # Third-party actions by commit sha; `./` is this repository's own action.yml, at the commit under test.
    assert uses and all(re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}|\./", action) for action in uses), uses
    assert "\npermissions: {}\n" in text


def test_dataset_workflows_run_this_repositorys_action() -> None:
    import yaml

    for name, command in (("dataset-check.yml", "check"), ("upstream-update.yml", "update")):
        jobs = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())["jobs"]
        steps = [step for job in jobs.values() for step in job["steps"] if step.get("uses") == "./"]
        assert [step["with"]["command"] for step in steps] == [command], name


def test_tests_workflow_runs_ci_which_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    test_command = re.findall(r"^python3 -m venv .*pytest$", readme, flags=re.MULTILINE)
    assert len(test_command) == 1
    assert "bash .ci/run" in (ROOT / ".github" / "workflows" / "tests.yml").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install --quiet -e '.[test]'" in ci and "python -m pytest" in ci


def test_pre_commit_manifest_is_valid_and_checks_the_whole_dataset() -> None:
    manifest = ROOT / ".pre-commit-hooks.yaml"
    result = subprocess.run(
        [tool("pre-commit"), "validate-manifest", str(manifest)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = manifest.read_text()
    assert "id: svixsync-check" in text and "pass_filenames: false" in text and "entry: svixsync check" in text


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_run_step_is_valid_bash(workflow: Path) -> None:
    import yaml  # a dependency of pre-commit, itself a test dependency

    document = yaml.safe_load(workflow.read_text())
    steps = [step for job in document["jobs"].values() for step in job["steps"]]
    scripts = [step["run"] for step in steps if "run" in step]
    assert scripts or any(step.get("uses") == "./" for step in steps)  # action.yml's steps: tests/action_test.py
    for script in scripts:
        result = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, check=False)
        assert result.returncode == 0, (script, result.stderr)


def test_pre_commit_hook_runs_svixsync_check_in_a_dataset_repository(tmp_path: Path) -> None:
    repo = tmp_path / "dataset"
    (repo / "state").mkdir(parents=True)
    shutil.copy(ROOT / "endpoint_caching.jsonl", repo)
    for name in ("config.json", "endpoint_caching.lock.json"):
        shutil.copy(ROOT / "state" / name, repo / "state")
    env = {"PATH": str(BIN) + ":/usr/bin:/bin", "HOME": str(tmp_path), "PRE_COMMIT_HOME": str(tmp_path / "cache")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, check=False)

    run("git", "init", "-q")
    run("git", "add", "-A")
    hook = (tool("pre-commit"), "try-repo", str(ROOT), "svixsync-check", "--all-files")
    passed = run(*hook)
    assert passed.returncode == 0 and "svixsync check" in passed.stdout, passed.stdout + passed.stderr
    data = repo / "endpoint_caching.jsonl"
    first, rest = data.read_text(encoding="utf-8").split("\n", 1)
    document = json.loads(first)
    think, code = document["messages"][2]["content"].split("</think>", 1)
    document["messages"][2]["content"] = think + "</think>" + code.replace("async fn", "async  fn", 1)
    data.write_text(json.dumps(document, ensure_ascii=False) + "\n" + rest, encoding="utf-8")
    failed = run(*hook)
    assert failed.returncode == 1 and "edited by hand" in failed.stdout, failed.stdout


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_job_has_a_time_limit(workflow: Path) -> None:
    import yaml

    jobs = yaml.safe_load(workflow.read_text())["jobs"]
    assert all(0 < job.get("timeout-minutes", 0) <= 60 for job in jobs.values()), workflow.name


def test_release_publishes_by_trusted_publishing_with_permissions_per_job() -> None:
    import yaml

    document = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    assert document[True] == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads the key `on` as true
    jobs = document["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["publish"]["permissions"] == {"id-token": "write"} and jobs["publish"]["needs"] == "build"
    assert jobs["publish"]["environment"]["name"] == "pypi"
    upload = "\n".join(step.get("run", "") for step in jobs["publish"]["steps"])
    assert "twine upload" in upload and "password" not in upload.lower() and "secrets" not in upload


@pytest.mark.parametrize(("form", "passes"), [("v{}", True), ("v{}.1", False), ("{}", False)])
def test_release_refuses_a_tag_that_is_not_the_version(form: str, passes: bool) -> None:
    import tomllib

    import yaml

    tag = form.format(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"])
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())["jobs"]
    (script,) = [step["run"] for step in jobs["build"]["steps"] if "run" in step]
    check = "\n".join(script.splitlines()[:2])  # the version check, before anything is installed or built
    result = subprocess.run(
        ["bash", "-e", "-c", check],
        cwd=ROOT,
        env={"PATH": f"{BIN}:/usr/bin:/bin", "TAG": tag},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode == 0) == passes, result

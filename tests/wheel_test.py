"""The release: `python -m build` makes an sdist and a wheel that pass `twine check`; the wheel, installed into a
fresh virtual environment from PyPI's dependencies, runs on a project of its own. One build, about half a minute."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import SYSTEM, TRACKED, GitRepo
from tests.rust_source import TOPIC
from tests.workflows_test import ROOT, tool

# What the sdist is built from: everything else in the repository stays out of the package.
SOURCES = ("pyproject.toml", "README.md", "NOTICE", "svixsync")


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "SVIXSYNC_UPSTREAM": "", "SVIXSYNC_CACHE_DIR": ""}
    result = subprocess.run(list(map(str, args)), cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-2000:])
    return result


def test_wheel_builds_checks_installs_and_runs(tmp_path: Path, upstream: GitRepo) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, source / name)
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--outdir", dist, source)
    [wheel] = dist.glob("svixsync-*.whl")
    [sdist] = dist.glob("svixsync-*.tar.gz")
    checked = run(tool("twine"), "check", "--strict", wheel, sdist)
    assert checked.stdout.count("PASSED") == 2

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel)
    svixsync = venv / "bin" / "svixsync"
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert run(svixsync, "--version").stdout == f"svixsync, version {version}\n"

    root = tmp_path / "project"
    root.mkdir()
    (root / "topic.json").write_text(json.dumps(TOPIC))
    (root / "user.txt").write_text("When do we drop a team from the cache?")
    (root / "think.txt").write_text("forget deletes the TeamKey entry.")
    where = ("--root", root, "--upstream", upstream.path)
    run(svixsync, *where, "init", "--dataset", "team.jsonl", "--system-prompt", SYSTEM, "--tracked", TRACKED,
        "--topic-file", root / "topic.json")  # fmt: skip
    run(svixsync, *where, "add", "CachedTeam::forget", "--user-file", root / "user.txt", "--think-file",
        root / "think.txt")  # fmt: skip
    checked = run(svixsync, *where, "check")
    assert "1 fresh, 0 refreshed, 0 stale, 0 removed, 0 review" in checked.stdout
    assert run(svixsync, "check", "--root", root).stdout.startswith("team.jsonl: pinned ")  # no upstream at hand

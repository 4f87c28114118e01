"""Real git repositories and real svixsync projects in a temporary folder; no mocks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from svixsync.cli import cli
from tests.rust_source import TEAM_RS, TOPIC

SYSTEM = "You are a test maintainer."
TRACKED = "src/team.rs"

# Hypothesis in CI: no example database written into the repository, and every failure printed with the blob that
# replays it (`@reproduce_failure(...)`); a run that found it only by luck also prints `--hypothesis-seed=N`.
settings.register_profile("ci", database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Where HOME and the cache folders point for the whole session (pytest_configure).
HOME_FOLDERS = {
    "HOME": "",
    "XDG_CACHE_HOME": ".cache",
    "XDG_CONFIG_HOME": ".config",
    "XDG_DATA_HOME": ".local/share",
    "XDG_STATE_HOME": ".local/state",
    "PRE_COMMIT_HOME": ".cache/pre-commit",
}
SESSION_HOME = pytest.StashKey[tuple[pytest.MonkeyPatch, Path]]()


def pytest_configure(config: pytest.Config) -> None:
    """HOME and every cache folder in a temporary folder of this session, from before collection to the end: no
    test or fixture writes into the home of whoever runs the suite (svixsync's block cache, pre-commit's, git's
    config) or into the repository (Hypothesis keeps caches in a storage folder, and fills them while collecting)."""
    home = Path(tempfile.mkdtemp(prefix="svixsync-tests-home-"))
    patch = pytest.MonkeyPatch()
    for name, folder in HOME_FOLDERS.items():
        patch.setenv(name, str(home / folder))
    patch.delenv("SVIXSYNC_CACHE_DIR", raising=False)  # the default: under XDG_CACHE_HOME
    set_hypothesis_home_dir(home / ".hypothesis")
    config.stash[SESSION_HOME] = (patch, home)


def pytest_unconfigure(config: pytest.Config) -> None:
    patch, home = config.stash[SESSION_HOME]
    patch.undo()
    set_hypothesis_home_dir(None)
    shutil.rmtree(home, ignore_errors=True)


class GitRepo:
    """A small upstream repository built commit by commit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "user.name", "Test")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.path, check=True, capture_output=True, text=True).stdout.strip()

    def write(self, relative: str, text: str) -> None:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))

    def move(self, old: str, new: str) -> None:
        (self.path / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)

    def read(self, relative: str) -> str:
        return (self.path / relative).read_bytes().decode("utf-8")

    def edit(self, relative: str, old: str, new: str) -> None:
        text = self.read(relative)
        assert old in text, old
        self.write(relative, text.replace(old, new, 1))

    def commit(self, message: str, allow_empty: bool = False) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, *(["--allow-empty"] if allow_empty else []))
        return self.git("rev-parse", "HEAD")


class Project:
    """A svixsync root folder pointed at a GitRepo, driven through the real CLI."""

    def __init__(self, root: Path, upstream: GitRepo) -> None:
        self.root = root
        self.upstream = upstream
        root.mkdir(parents=True, exist_ok=True)

    def run(self, *args: str, upstream: bool = True, env: dict[str, str] | None = None) -> Result:
        prefix = ["--root", str(self.root)]
        if upstream:
            prefix += ["--upstream", str(self.upstream.path)]
        return CliRunner().invoke(cli, [*prefix, *args], env=env or {"SVIXSYNC_UPSTREAM": ""})

    def ok(self, *args: str, code: int = 0, upstream: bool = True) -> Result:
        result = self.run(*args, upstream=upstream)
        assert result.exit_code == code, (result.output, result.stderr, result.exception)
        return result

    def init(self, dataset: str = "team.jsonl", tracked: Sequence[str] = (TRACKED,)) -> None:
        topic = self.root / "topic.json"
        topic.write_text(json.dumps(TOPIC))
        args = ["init", "--dataset", dataset, "--system-prompt", SYSTEM, "--topic-file", str(topic)]
        for path in tracked:
            args += ["--tracked", path]
        self.ok(*args)

    def add(self, *names: str, user: str, think: str, dataset: str | None = None, cite: Sequence[str] = ()) -> None:
        (self.root / "user.txt").write_text(user, encoding="utf-8")
        (self.root / "think.txt").write_text(think, encoding="utf-8")
        extra = ["--dataset", dataset] if dataset else []
        for citation in cite:
            extra += ["--cite", citation]
        self.ok(
            "add",
            *names,
            "--user-file",
            str(self.root / "user.txt"),
            "--think-file",
            str(self.root / "think.txt"),
            *extra,
        )

    def dataset(self, name: str = "team.jsonl") -> bytes:
        return (self.root / name).read_bytes()

    def check_json(self, *args: str, code: int | None = None) -> dict[str, object]:
        result = self.run("check", "--format", "json", *args)
        if code is not None:
            assert result.exit_code == code, (result.output, result.stderr)
        document: dict[str, object] = json.loads(result.stdout)
        return document

    def snapshot(self) -> dict[str, bytes]:
        """Every file under the root, to prove a command wrote nothing."""
        return {str(p.relative_to(self.root)): p.read_bytes() for p in sorted(self.root.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def block_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own empty block cache, never the user's."""
    folder = tmp_path / "block-cache"
    monkeypatch.setenv("SVIXSYNC_CACHE_DIR", str(folder))
    from svixsync import cache

    cache.folder.cache_clear()
    return folder


@pytest.fixture
def upstream(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "upstream")
    repo.write(TRACKED, TEAM_RS)
    repo.write("README.md", "team service\n")
    repo.commit("team cache")
    return repo


@pytest.fixture
def project(tmp_path: Path, upstream: GitRepo) -> Project:
    """A project with three examples over the fixture upstream, pinned at its first commit."""
    project = Project(tmp_path / "dataset", upstream)
    project.init()
    project.add(
        "CachedTeam::cached_fetch",
        "CachedTeam::load_from_db",
        user="Why does the roster read the cache first?",
        think="The lookup tries the cache, then the database, and writes back with a TTL.",
    )
    project.add(
        "CachedTeam::forget",
        user="When do we drop a team from the cache?",
        think="forget deletes the TeamKey entry; « ünïcode » stays intact.",
    )
    project.add(
        "CachedMember",
        "kv_def!(TeamKey)",
        "impl TeamKey",
        user="What does the cached member look like?\nTwo lines of request.",
        think="The serde rename keeps old payloads readable.",
    )
    return project

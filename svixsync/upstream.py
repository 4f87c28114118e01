"""The only door to git: the tracked upstream checkout, read at any revision without touching its work tree."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from svixsync.errors import FatalError, shorten
from svixsync.terminal import CONTROL

UPSTREAM_URL = "https://github.com/svix/svix-webhooks"
# Config of the checkout that would make git run a program: overridden for every git svixsync starts (through
# GIT_CONFIG_COUNT, which outranks every config file), beside --no-ext-diff, --no-textconv and --no-show-signature
# on the commands that would otherwise honour them. svixsync only reads: no hook, pager, signature check, external
# diff, text conversion, fsmonitor or ssh has any business running.
SAFE_CONFIG = {
    "core.fsmonitor": "false",
    "core.hooksPath": os.devnull,
    "core.pager": "cat",
    "core.sshCommand": "false",
    "log.showSignature": "false",
    "gpg.program": "false",
    "gpg.openpgp.program": "false",
    "gpg.x509.program": "false",
    "gpg.ssh.program": "false",
    "diff.external": "false",
}
SAFE_ENV = {
    "GIT_CONFIG_COUNT": str(len(SAFE_CONFIG)),
    **{f"GIT_CONFIG_KEY_{index}": key for index, key in enumerate(SAFE_CONFIG)},
    **{f"GIT_CONFIG_VALUE_{index}": value for index, value in enumerate(SAFE_CONFIG.values())},
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",
}
# git's scp-like remote syntax, `git@github.com:owner/name.git`.
SCP_LIKE = re.compile(r"[\w.-]+@(?P<host>[\w.-]+):(?P<path>[^/][\w./-]*)")
# A single revision as a person types it: a name, a sha, `HEAD~2`, `v1.0^{commit}`, `@`. No ranges, no options.
REVISION = re.compile(r"[A-Za-z0-9_@{}^~./+-]+")
FULL_SHA = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class FileCommit:
    """One commit that touched a followed file: where the file was before it and after it."""

    commit: str
    parent: str | None
    old_path: str | None
    new_path: str | None
    old_blob: str | None = None
    new_blob: str | None = None


def check_revision(rev: str) -> str:
    """Reject anything that is not one revision before it can reach git (options, ranges, spaces)."""
    if not rev or rev.startswith("-") or ".." in rev or not REVISION.fullmatch(rev):
        raise FatalError(f"not a single revision: {shorten(rev)!r}")
    return rev


def check_tracked_path(path: str) -> str:
    """A tracked path must stay inside the repository: relative, no `..`, forward slashes."""
    pure = PurePosixPath(path)
    if (
        not path
        or pure.is_absolute()
        or ".." in pure.parts
        or "\\" in path
        or path.startswith("-")
        or CONTROL.search(path)
    ):
        raise FatalError(f"tracked path must be relative and inside the repository: {shorten(path)!r}")
    return str(pure)


class Upstream:
    """A git checkout of the tracked repository, opened read-only through GitPython."""

    def __init__(self, path: Path) -> None:
        import git  # GitPython is slow to import; only commands that read upstream pay for it.

        if not path.exists():
            raise FatalError(f"upstream checkout not found: {path}")
        try:
            # A folder inside the checkout will do: tracked paths are relative to the repository's top.
            self._repo = git.Repo(path, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise FatalError(f"upstream is not a git repository: {path}") from None
        self._repo.git.update_environment(**SAFE_ENV)
        self._git = git
        self._trees: dict[str, dict[str, str | None]] = {}  # commit -> path -> blob sha, filled by blob_shas
        self.path = path
        # git refuses some checkouts outright ("dubious ownership" where another user owns it, as in many CI
        # containers): ask once, so its own words reach the user rather than a dead `cat-file --batch` later.
        self._run("rev-parse", "--git-dir")

    def _run(self, command: str, *args: str, **options: Any) -> str:
        """``git COMMAND ARGS``; where git fails, a FatalError with the line git gave as its reason."""
        try:
            return str(getattr(self._repo.git, command.replace("-", "_"))(*args, **options))
        except self._git.GitCommandError as error:
            raise FatalError(f"git {command} failed in {self.path}: {_reason(error)}") from None

    def resolve(self, rev: str) -> str:
        """The full sha of the commit ``rev`` names, or a FatalError saying why not."""
        check_revision(rev)
        try:
            return str(self._repo.commit(rev).hexsha)
        except (ValueError, self._git.BadName, self._git.BadObject, IndexError):
            pass
        if FULL_SHA.fullmatch(rev) and self.is_shallow():
            raise FatalError(
                f"commit {rev} is not in the shallow clone {self.path}; fetch more history (git fetch --unshallow)"
            )
        raise FatalError(f"unknown revision {rev!r} in {self.path}")

    def is_shallow(self) -> bool:
        return Path(self._repo.git_dir, "shallow").exists()

    def blob_shas(self, commit: str, paths: list[str]) -> dict[str, str | None]:
        """The blob sha of each path at ``commit`` (None where it does not exist there), from one `git ls-tree`."""
        known = self._trees.setdefault(commit, {})
        missing = sorted({path for path in paths if path not in known})
        if missing:
            known.update(dict.fromkeys(missing))
            out = self._run(
                "ls-tree", "-r", "-t", "-z", "--full-tree", commit, "--", *missing, env={"GIT_LITERAL_PATHSPECS": "1"}
            )
            for entry in filter(None, out.split("\0")):
                meta, _, path = entry.partition("\t")
                _, kind, sha = meta.split()
                if path in known:
                    if kind != "blob":
                        raise FatalError(f"{path} at {commit[:12]} is not a file")
                    known[path] = sha
        return {path: known[path] for path in paths}

    def blob_sha(self, commit: str, path: str) -> str | None:
        """The blob sha of ``path`` at ``commit``, or None where the file does not exist there."""
        return self.blob_shas(commit, [path])[path]

    def blob_size(self, sha: str) -> int:
        return int(self._repo.odb.info(bytes.fromhex(sha)).size)

    def read_blob(self, sha: str) -> bytes:
        """The bytes of one blob, through GitPython's persistent `git cat-file --batch`."""
        return bytes(self._repo.odb.stream(bytes.fromhex(sha)).read())

    def origin_url(self) -> str | None:
        """The https address of the checkout's `origin` remote (`git@host:owner/name.git` written as
        `https://host/owner/name`), or None where it has none."""
        try:
            url = self._repo.remotes.origin.url
        except (AttributeError, IndexError, ValueError):
            return None
        found = SCP_LIKE.fullmatch(url)
        if found:
            url = f"https://{found['host']}/{found['path']}"
        return url.removesuffix("/").removesuffix(".git")

    def summary(self, commit: str) -> str:
        """Date and subject of a commit, for a person reading history."""
        found = self._repo.commit(commit)
        return f"{found.committed_datetime.date().isoformat()} {found.summary!s}"

    def renames(self, old: str, new: str) -> dict[str, str | None]:
        """Paths changed between two commits: old path -> new path (None where deleted), renames detected."""
        out = self._run("diff", "--name-status", "-M", "-z", "--no-ext-diff", "--no-textconv", old, new)
        fields = out.split("\0")
        changes: dict[str, str | None] = {}
        index = 0
        while index < len(fields) and fields[index]:
            status = fields[index]
            if status[0] in "RC":
                changes[fields[index + 1]] = fields[index + 2]
                index += 3
            else:
                changes[fields[index + 1]] = None if status == "D" else fields[index + 1]
                index += 2
        return changes

    def file_history(self, path: str, start: str | None, end: str) -> list[FileCommit]:
        """Commits after ``start`` up to ``end`` that touched ``path`` (as named at ``end``), oldest first, each
        with the file's blob before and after it (from `--raw`, so no tree is read)."""
        span = f"{start}..{end}" if start else end
        out = self._run(
            "log",
            "--no-show-signature",
            "--no-ext-diff",
            "--no-textconv",
            "--follow",
            "--raw",
            "--no-abbrev",
            "-M",
            "-z",
            "--format=%x01%H %P",
            span,
            "--",
            path,
        )
        commits: list[FileCommit] = []
        for record in out.split("\x01")[1:]:
            header, _, rest = record.partition("\0")
            shas = header.split()
            fields = [field.strip("\n") for field in rest.split("\0")]
            fields = [field for field in fields if field]
            if not fields:
                continue  # a merge with no change of its own to the file
            _, _, old_blob, new_blob, status = fields[0].lstrip(":").split()
            parent = shas[1] if len(shas) > 1 else None
            if status[0] in "RC":
                old_path, new_path = fields[1], fields[2]
            elif status == "A":
                old_path, new_path = None, fields[1]
            elif status == "D":
                old_path, new_path = fields[1], None
            else:
                old_path = new_path = fields[1]
            commits.append(
                FileCommit(
                    shas[0],
                    parent,
                    old_path,
                    new_path,
                    old_blob if old_path else None,
                    new_blob if new_path else None,
                )
            )
        commits.reverse()
        return commits


def _reason(error: Exception) -> str:
    """The line of git's stderr that says why it failed (`fatal: …`), else its first line."""
    stderr = str(getattr(error, "stderr", "")).strip()
    stderr = stderr.removeprefix("stderr: '").removesuffix("'")
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    reason = next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[0] if lines else str(error))
    return shorten(reason, 300)


def upstream_from(option: str | None) -> Path | None:
    """The checkout named by ``--upstream`` or SVIXSYNC_UPSTREAM, if either is set."""
    value = option or os.environ.get("SVIXSYNC_UPSTREAM")
    return Path(value) if value else None

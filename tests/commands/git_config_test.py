"""An upstream checkout's own git config never makes svixsync run a program."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.commands.update_test import BODY
from tests.conftest import TRACKED, GitRepo, Project

HOOKS = ("post-checkout", "post-index-change", "pre-auto-gc", "reference-transaction", "fsmonitor-watchman")
SIGNATURE = "-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEEtestonly\n=AbCd\n-----END PGP SIGNATURE-----"


def plant(repo: GitRepo, tmp_path: Path) -> Path:
    """Point every config key that makes git run a program at a script that leaves a mark; return the mark."""
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> {marker}\ncat "$1" 2>/dev/null\nexit 0\n')
    script.chmod(0o755)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in HOOKS:
        (hooks / hook).symlink_to(script)
    settings = {
        "core.fsmonitor": str(script),
        "core.hooksPath": str(hooks),
        "core.pager": str(script),
        "core.sshCommand": str(script),
        "core.editor": str(script),
        "diff.external": str(script),
        "diff.evil.textconv": str(script),
        "diff.evil.command": str(script),
        "log.showSignature": "true",
        "gpg.program": str(script),
        "gpg.openpgp.program": str(script),
        "gpg.ssh.program": str(script),
        "gpg.x509.program": str(script),
        "pager.log": str(script),
        "pager.diff": str(script),
    }
    for key, value in settings.items():
        repo.git("config", key, value)
    return marker


def sign_head(repo: GitRepo) -> None:
    """Give HEAD a (made-up) signature, so `log.showSignature` has something to verify."""
    header, _, message = repo.git("cat-file", "commit", "HEAD").partition("\n\n")
    signed = f"{header}\ngpgsig {SIGNATURE.replace(chr(10), chr(10) + ' ')}\n\n{message}\n"
    sha = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=repo.path,
        input=signed,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    repo.git("update-ref", "refs/heads/main", sha)


def test_no_program_of_the_checkouts_config_runs(project: Project, tmp_path: Path) -> None:
    repo = project.upstream
    repo.write(".gitattributes", "*.rs diff=evil\n")
    repo.edit(TRACKED, *BODY)
    repo.commit("stale, signed")
    sign_head(repo)
    marker = plant(repo, tmp_path)
    project.ok("check", code=1)
    project.ok("check", "--format", "markdown", code=1)
    project.ok("history", "--file", TRACKED, "--all")
    project.ok("blocks", "--all")
    project.ok("update", code=1)
    project.ok("init")
    project.add("CachedTeam::forget", user="Is forget idempotent?", think="Deleting a missing key is fine.")
    assert not marker.exists(), marker.read_text()
    # The planted config does work: the same git run as a person would run it triggers it.
    repo.git("log", "-1", "--format=%H")
    assert marker.exists()

"""`svixsync pin`: the pinned commit and the upstream URL, as a workflow reads them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import GitRepo, Project


def test_pin_prints_sha_url_and_dataset(project: Project) -> None:
    head = project.upstream.git("rev-parse", "HEAD")
    text = project.ok("pin", upstream=False).stdout
    assert text == f"{head} https://github.com/svix/svix-webhooks team.jsonl\n"
    document = json.loads(project.ok("pin", "--format", "json", upstream=False).stdout)
    assert document == {"dataset": "team.jsonl", "pinned": head, "upstream": "https://github.com/svix/svix-webhooks"}


def test_pin_follows_update_and_lists_every_dataset(project: Project) -> None:
    project.init(dataset="other.jsonl")
    project.upstream.edit("README.md", "team service", "team service, v2")
    moved = project.upstream.commit("readme")
    project.ok("update", "--dataset", "team.jsonl")
    pins = json.loads(project.ok("pin", "--format", "json", upstream=False).stdout)
    assert [(pin["dataset"], pin["pinned"]) for pin in pins] == [
        ("team.jsonl", moved),
        ("other.jsonl", project.upstream.git("rev-parse", "HEAD~1")),
    ]
    only = project.ok("pin", "--dataset", "other.jsonl", upstream=False).stdout
    assert only.split() == [pins[1]["pinned"], "https://github.com/svix/svix-webhooks", "other.jsonl"]


def test_pin_without_state_is_one_error_line(project: Project) -> None:
    result = project.run("--root", str(project.root / "nowhere"), "pin")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "no folder" in result.stderr


def url_after_init(project: Project, *extra: str) -> str:
    project.init()
    if extra:
        project.ok("init", *extra)
    return str(json.loads(project.ok("pin", "--format", "json", upstream=False).stdout)["upstream"])


def test_init_records_the_checkouts_origin_as_upstream_url(tmp_path: Path, upstream: GitRepo) -> None:
    upstream.git("remote", "add", "origin", "git@github.com:example/team-service.git")
    assert url_after_init(Project(tmp_path / "a", upstream)) == "https://github.com/example/team-service"
    upstream.git("remote", "set-url", "origin", "https://gitlab.example.com/group/team/")
    assert url_after_init(Project(tmp_path / "b", upstream)) == "https://gitlab.example.com/group/team"
    upstream.git("remote", "set-url", "origin", "/srv/git/team")  # not a web address: the default stays
    assert url_after_init(Project(tmp_path / "c", upstream)) == "https://github.com/svix/svix-webhooks"


def test_init_takes_upstream_url_and_refuses_a_bad_one(tmp_path: Path, upstream: GitRepo) -> None:
    project = Project(tmp_path / "a", upstream)
    assert url_after_init(project, "--upstream-url", "https://git.example.org/team") == "https://git.example.org/team"
    before = project.snapshot()
    result = project.run("init", "--upstream-url", "https://example.org/a)b")
    assert result.exit_code == 2 and "bad upstream URL" in result.stderr and result.stderr.count("\n") == 1
    assert project.snapshot() == before

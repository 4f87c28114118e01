"""Harmless quirks are accepted and written back as found; a folder that is not a dataset's says what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands.update_test import BODY
from tests.conftest import TRACKED, GitRepo, Project
from tests.rust_source import TEAM_RS

BOM = "\ufeff".encode()


@pytest.mark.parametrize(
    ("head", "tail"),
    [(BOM, b""), (b"", b"\n"), (b"", b"\n\n  \n"), (BOM, b"\r\n")],
    ids=["bom", "blank-last-line", "blank-lines", "bom-and-crlf-blank"],
)
def test_a_bom_and_blank_last_lines_are_kept(project: Project, head: bytes, tail: bytes) -> None:
    data = project.root / "team.jsonl"
    data.write_bytes(head + data.read_bytes() + tail)
    project.ok("check")
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("stale")
    project.ok("update", code=1)
    written = data.read_bytes()
    assert written.startswith(head + b'{"type"') and written.endswith(b"}\n" + tail)
    assert b"cache.set(&key, &team, ttl).await?;" in written
    project.add("CachedTeam::forget", user="Does forget tolerate a missing key?", think="Deleting nothing is fine.")
    written = data.read_bytes()
    assert written.startswith(head) and written.endswith(b"}\n" + tail) and written.count(b'{"type"') == 4
    project.ok("check", code=1)  # line 1 stays flagged; nothing else to say


def test_upstream_may_be_a_folder_inside_the_checkout(project: Project) -> None:
    repo = project.upstream
    repo.edit(TRACKED, *BODY)
    repo.commit("stale")
    project.upstream = GitRepo.__new__(GitRepo)
    project.upstream.path = repo.path / "src"  # tracked paths stay relative to the repository's top
    assert json.loads(project.ok("check", "--format", "json", code=1).stdout)["summary"]["stale"] == 1
    project.ok("history", "--file", TRACKED)


@pytest.mark.parametrize("args", [["check"], ["update"], ["ack", "1"], ["update", "--dry-run"]])
def test_a_folder_without_state_says_what_to_do_and_stays_empty(
    upstream: GitRepo, tmp_path: Path, args: list[str]
) -> None:
    folder = Project(tmp_path / "not-a-dataset", upstream)
    result = folder.run(*args)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line == (
        f"svixsync: error: no state/ folder in {folder.root}: run svixsync in the folder that holds state/ and the "
        "dataset (or pass --root or set SVIXSYNC_ROOT), or start one with "
        "`svixsync init --dataset FILE --system-prompt TEXT --tracked PATH`"
    )
    assert list(folder.root.iterdir()) == []


def test_init_says_which_upstream_url_it_records_when_the_checkout_has_no_https_origin(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "upstream")  # no remote at all
    repo.write(TRACKED, TEAM_RS)
    repo.commit("team cache")
    project = Project(tmp_path / "dataset", repo)
    topic = tmp_path / "topic.json"
    topic.write_text('{"include": [{}]}')
    result = project.ok(
        "init", "--dataset", "team.jsonl", "--system-prompt", "x", "--tracked", TRACKED, "--topic-file", str(topic)
    )
    assert "no https origin: recording https://github.com/svix/svix-webhooks" in result.stderr
    assert "--upstream-url" in result.stderr
    # Straight after init the dataset is empty: check says what to do next.
    checked = project.run("check")
    assert checked.exit_code == 2 and "add an example with `svixsync add`" in checked.stderr

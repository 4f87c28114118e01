"""Files a commit leaves untouched are not read again: the lock knows their blocks. The outcome is the same as
reading everything."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.commands.update_test import BODY
from tests.conftest import TRACKED, GitRepo, Project
from tests.rust_source import ROSTER_RS, TEAM_RS

ROSTER = "src/roster.rs"


def two_file_project(tmp_path: Path) -> Project:
    repo = GitRepo(tmp_path / "upstream")
    repo.write(TRACKED, TEAM_RS)
    repo.write(ROSTER, ROSTER_RS)
    repo.commit("team and roster")
    project = Project(tmp_path / "dataset", repo)
    project.init(tracked=(TRACKED, ROSTER))
    project.add("CachedTeam::cached_fetch", user="How is a team read?", think="Cache, then database.")
    project.add("impl RosterKey", user="How is a roster keyed?", think="By team, version 1.")
    project.add("CachedTeam::forget", "CachedRoster", user="What does forgetting a team leave?", think="The roster.")
    return project


def forget_what_the_lock_knows(root: Path) -> None:
    lock = root / "state" / "team.lock.json"
    document = json.loads(lock.read_text())
    document.pop("uncovered")
    document.pop("selection")
    lock.write_text(json.dumps(document))


def test_untouched_file_gives_the_same_outcome_as_reading_everything(tmp_path: Path) -> None:
    project = two_file_project(tmp_path)
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(TRACKED, "cache.delete(&TeamKey::new(id)).await", "cache.delete(&TeamKey::new(id)).await?")
    project.upstream.commit("team.rs only")
    full = Project(tmp_path / "full", project.upstream)
    shutil.copytree(project.root, full.root, dirs_exist_ok=True)
    forget_what_the_lock_knows(full.root)

    incremental_check = project.check_json(code=1)
    assert incremental_check == full.check_json(code=1)
    assert [(e["line"], e["status"]) for e in incremental_check["examples"]] == [  # type: ignore[index]
        (1, "stale"),
        (2, "fresh"),
        (3, "stale"),
    ]
    # In the order of the tracked files, then of their lines: the roster's site comes from the lock, unread.
    assert [(site["path"], site["name"]) for site in incremental_check["uncovered"]] == [  # type: ignore[attr-defined, index]
        (TRACKED, "CachedTeam"),
        (TRACKED, "CachedTeam::load_from_db"),
        (TRACKED, "CachedMember"),
        (TRACKED, "kv_def!(TeamKey)"),
        (TRACKED, "impl TeamKey"),
        (ROSTER, "kv_def!(RosterKey)"),
    ]

    project.ok("update", code=1)
    full.ok("update", code=1)
    assert project.snapshot() == {name: data for name, data in full.snapshot().items() if name in project.snapshot()}
    # Line 3 quotes both files: its roster block comes back byte for byte from the code field.
    assert "pub struct CachedRoster" in json.loads(project.dataset().splitlines()[2])["messages"][2]["content"]


def test_untouched_files_are_taken_from_the_lock(tmp_path: Path) -> None:
    project = two_file_project(tmp_path)
    lock = project.root / "state" / "team.lock.json"
    document = json.loads(lock.read_text())
    document["uncovered"] = [site for site in document["uncovered"] if site["path"] != ROSTER]
    lock.write_text(json.dumps(document))
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("team.rs only")
    uncovered = project.check_json(code=1)["uncovered"]
    # The lock said the roster file has nothing uncovered, and that file was not read again.
    assert [site["path"] for site in uncovered] == [TRACKED] * len(uncovered)  # type: ignore[index, union-attr, arg-type]
    project.upstream.edit(ROSTER, "ROSTER_v1_", "ROSTER_v2_")
    project.upstream.commit("roster.rs too")
    assert ROSTER in [site["path"] for site in project.check_json(code=1)["uncovered"]]  # type: ignore[index, union-attr]

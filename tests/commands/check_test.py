"""`svixsync check` over a real upstream repository replayed commit by commit."""

from __future__ import annotations

import json

from tests.commands.depends_test import cited
from tests.commands.errors_test import assert_refused
from tests.conftest import TRACKED, Project

__all__ = ["cited"]  # the fixture


def statuses(document: dict[str, object]) -> dict[int, str]:
    return {e["line"]: e["status"] for e in document["examples"]}  # type: ignore[attr-defined, index]


def test_fresh_at_the_pin_exits_0_and_lists_every_example(project: Project) -> None:
    document = project.check_json(code=0)
    assert statuses(document) == {1: "fresh", 2: "fresh", 3: "fresh"}
    assert document["pinned"] == document["target"] == project.upstream.git("rev-parse", "HEAD")
    first = document["examples"][0]["blocks"]  # type: ignore[index]
    assert [b["name"] for b in first] == ["use", "CachedTeam::cached_fetch", "CachedTeam::load_from_db"]
    assert all(b["change"] is None for b in first)
    assert document["uncovered"] == [{"path": TRACKED, "kind": "struct", "name": "CachedTeam"}]
    assert document["summary"] == {"fresh": 3, "refreshed": 0, "stale": 0, "removed": 0, "review": 0, "uncovered": 1}


def test_check_writes_nothing_even_with_findings(project: Project) -> None:
    project.upstream.edit(TRACKED, "Drops the cached team.", "Drops the cached team, if any.")
    project.upstream.commit("doc")
    before = project.snapshot()
    result = project.run("check")
    assert result.exit_code == 1
    assert "line 2: refreshed: CachedTeam::forget (doc)" in result.stdout
    assert project.snapshot() == before


def test_offline_check_verifies_against_state_and_says_so(project: Project) -> None:
    result = project.run("check", upstream=False)
    assert result.exit_code == 0, result.stderr
    assert "checked the dataset against state/ only" in result.stderr
    document = project.check_json()
    assert document["target"] is not None
    offline = project.run("check", "--format", "json", upstream=False)
    assert '"target": null' in offline.stdout


def test_offline_check_says_what_a_check_at_the_pin_says(cited: Project) -> None:
    online = cited.check_json(code=0)
    offline = json.loads(cited.ok("check", "--format", "json", upstream=False).stdout)
    assert offline == {**online, "target": None}  # every example, block, dependency and uncovered block
    assert len(offline["examples"][3]["depends"]) == 5  # type: ignore[index]
    pin = str(online["pinned"])
    text = cited.ok("check", upstream=False).stdout.splitlines()
    assert text[0] == f"team.jsonl: pinned {pin[:12]} -> no upstream checkout"


def test_offline_check_refuses_a_hand_edited_code_field(project: Project) -> None:
    data = project.root / "team.jsonl"
    data.write_bytes(data.read_bytes().replace(b"TEAM_v1_", b"TEAM_v9_"))
    assert_refused(project, "check", message="line 3: the code of impl TeamKey differs", upstream=False)


def test_a_pin_moved_by_hand_does_not_hide_a_change_the_dataset_does_not_hold(project: Project) -> None:
    project.upstream.edit(TRACKED, "let _ = cache.set(&key, &team, ttl).await;", "cache.set(&key, &team, ttl).await?;")
    head = project.upstream.commit("cache errors fail the read")
    path = project.root / "state" / "team.lock.json"
    document = json.loads(path.read_text())
    document["pinned"] = head  # the lock says HEAD, but its fingerprints are those of the block before
    path.write_text(json.dumps(document))
    project.upstream.edit(TRACKED, "!m.away", "!m.away && !m.archived")
    project.upstream.commit("a change elsewhere in the file: it is read again")
    found = project.check_json(code=1)
    assert [example["status"] for example in found["examples"]] == ["stale", "fresh", "fresh"]  # type: ignore[index]
    assert found["examples"][0]["blocks"][1]["change"] == "semantic"  # type: ignore[index]
    # The same where the file moved since: the comparison says `moved`, the recorded fingerprint says more.
    project.upstream.move(TRACKED, "src/cache/team.rs")
    project.upstream.commit("move the module")
    block = project.check_json(code=1)["examples"][0]["blocks"][1]  # type: ignore[index]
    assert (block["change"], block["old_path"]) == ("semantic", TRACKED)

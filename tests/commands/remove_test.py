"""`svixsync remove`: examples and their lock entries go together, and later lines say where they went."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from svixsync.commands.remove import shifts
from tests.commands.depends_test import HANDLER, cited
from tests.commands.errors_test import assert_refused
from tests.commands.update_test import FORGET
from tests.conftest import TRACKED, Project

__all__ = ["cited"]  # the fixture


def lock(project: Project) -> dict[str, object]:
    return json.loads((project.root / "state" / "team.lock.json").read_text())  # type: ignore[no-any-return]


def requests(project: Project) -> list[str]:
    return [json.loads(line)["messages"][1]["content"] for line in project.dataset().decode().splitlines()]


def adopted_afresh(project: Project, tmp_path: Path) -> dict[str, object]:
    """The lock `init` writes for a copy of the project: what a remove must leave behind (flags aside)."""
    shutil.copytree(project.root, tmp_path / "copy")
    copy = Project(tmp_path / "copy", project.upstream)
    (copy.root / "state" / "team.lock.json").unlink()
    copy.ok("init")
    return lock(copy)


def test_remove_shifts_later_lines_and_keeps_the_lock_aligned(project: Project, tmp_path: Path) -> None:
    project.add("CachedTeam::active_members", user="Who is active?", think="Members not away.")
    before = requests(project)
    result = project.ok("remove", "2")
    assert result.stdout == "removed line 2 of team.jsonl; lines 3-4 are now 2-3\n"
    assert requests(project) == [before[0], before[2], before[3]]
    assert [entry["line"] for entry in lock(project)["examples"]] == [1, 2, 3]  # type: ignore[index]
    document = project.check_json(code=0)
    # forget is selected by the topic rules and no example quotes it any more.
    assert document["uncovered"] == [
        {"path": TRACKED, "kind": "struct", "name": "CachedTeam"},
        {"path": TRACKED, "kind": "fn", "name": "CachedTeam::forget"},
    ]
    assert lock(project)["uncovered"] == adopted_afresh(project, tmp_path)["uncovered"]
    assert project.run("check", upstream=False).exit_code == 0


def test_several_lines_folded_and_crlf_kept(project: Project) -> None:
    data = project.root / "team.jsonl"
    data.write_bytes(data.read_bytes().replace(b"\n", b"\r\n"))
    project.add("CachedTeam::active_members", user="Who is active?", think="Members not away.")
    result = project.ok("remove", "3", "1", "3")
    assert result.stdout == "removed lines 1, 3 of team.jsonl; line 2 is now 1, line 4 is now 2\n"
    assert project.dataset().count(b"\r\n") == 2 and project.dataset().count(b"\n") == 2
    project.ok("check")


def test_a_removed_example_is_replaced_with_add_and_remove(project: Project, tmp_path: Path) -> None:
    project.upstream.edit(TRACKED, FORGET + "\n", "")
    project.upstream.commit("forget is gone")
    project.ok("update", code=1)
    project.add("CachedTeam::cached_fetch", user="What replaced forget?", think="Entries now expire by TTL only.")
    result = project.ok("remove", "2")
    assert result.stdout == "removed line 2 of team.jsonl; lines 3-4 are now 2-3\n"
    assert project.check_json(code=0)["summary"]["stale"] == 0  # type: ignore[index]
    # Its blocks were recorded at an older pin: the next run reads upstream again for the uncovered list.
    assert lock(project)["uncovered"] is None
    project.ok("update")
    assert lock(project)["uncovered"] == adopted_afresh(project, tmp_path)["uncovered"]


def test_removing_the_only_citation_of_a_file_works_mentions_out_again(cited: Project) -> None:
    assert lock(cited)["examples"][3]["citations"] == [HANDLER, "config.default.toml"]  # type: ignore[index]
    cited.add("CachedTeam::forget", user="Who calls `deliver`?", think="The handler, after the lookup.")
    names = [d["name"] for d in cited.check_json(code=0)["examples"][4]["depends"]]  # type: ignore[index]
    assert names == ["deliver"]  # in scope while line 4 cites its file
    cited.ok("remove", "4")
    # Worked out again without the file, as `cite --drop` does: out of scope, its block names nothing any more. It
    # still exists upstream, so it is not "gone"; the mention simply goes.
    assert lock(cited)["examples"][3]["depends"] == []  # type: ignore[index]
    cited.ok("check")


def test_bad_lines_are_refused(project: Project) -> None:
    assert_refused(project, "remove", "4", message="no line 4 in team.jsonl (3 lines)")
    assert_refused(project, "remove", "1", "2", "3", message="that would remove every line of team.jsonl")
    assert_refused(project, "remove", "0", message="no line 0")


def test_shift_wording() -> None:
    assert shifts([3], 3) == "no line after it moved"
    assert shifts([1, 2], 5) == "lines 3-5 are now 1-3"
    assert shifts([2, 4], 6) == "line 3 is now 2, lines 5-6 are now 3-4"

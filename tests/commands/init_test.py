"""`svixsync init` adopts the lines a dataset has: flags stay with their prose, a line that quotes nothing is named,
and a revision given with `--rev` is the pin."""

from __future__ import annotations

import json

import pytest

from svixsync.dataset import content
from tests.commands.errors_test import assert_refused
from tests.commands.update_test import BODY, RENAME
from tests.conftest import SYSTEM, TRACKED, Project
from tests.rust_source import TEAM_RS

WARM = (
    "    pub fn active_members",
    "    pub async fn warm(cache: &Cache, team: &CachedTeam) -> Result<()> {\n"
    "        cache.set(&TeamKey::new(&team.id), team, Duration::from_secs(30)).await\n    }\n\n"
    "    pub fn active_members",
)


def lock(project: Project) -> dict[str, object]:
    document: dict[str, object] = json.loads((project.root / "state" / "team.lock.json").read_text())
    return document


def reviews(project: Project) -> list[object]:
    return [example["review"] for example in lock(project)["examples"]]  # type: ignore[attr-defined]


def statuses(project: Project) -> list[str]:
    return [example["status"] for example in project.check_json()["examples"]]  # type: ignore[attr-defined]


def test_init_keeps_the_flags_of_the_lines_it_adopts_again_wherever_they_now_stand(project: Project) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(TRACKED, *RENAME)
    project.upstream.commit("stale and renamed")
    project.ok("update", code=1)
    flags = reviews(project)
    assert flags[0] is not None and flags[1] is not None and flags[2] is None
    before = project.snapshot()
    assert project.ok("init").stdout == "team.jsonl: 3 examples pinned at " + lock(project)["pinned"][:12] + "\n"  # type: ignore[index]
    assert project.snapshot() == before  # nothing to adopt anew: the same lock, byte for byte
    data = project.root / "team.jsonl"
    first, second, third = data.read_bytes().splitlines(keepends=True)
    data.write_bytes(third + first + second)  # lines moved by hand: each flag follows its prose
    project.ok("init")
    assert reviews(project) == [None, flags[0], flags[1]]
    assert statuses(project) == ["fresh", "stale", "stale"]


def test_init_names_a_line_whose_code_matches_no_block(project: Project) -> None:
    use_block = TEAM_RS[: TEAM_RS.index("\n\n/// A cached team")]
    forget = TEAM_RS[TEAM_RS.index("    /// Drops") : TEAM_RS.index("    /// Cache first") - 2]
    for code, where in [
        ("fn nowhere() {}", "from code line 1 on"),
        (use_block, "from code line 4 on"),  # the use block alone quotes nothing
        (f"{use_block}\n\n{forget}\n\nfn nowhere() {{}}", "from code line 11 on"),
    ]:
        data = project.root / "team.jsonl"
        original = data.read_bytes()
        data.write_bytes(original + content(SYSTEM, "What else?", "Nothing.", code).encode() + b"\n")
        assert_refused(
            project, "init", message=f"line 4: its code matches no block of the tracked files at the pin ({where})"
        )
        data.write_bytes(original)


@pytest.fixture
def two_commits(project: Project) -> tuple[Project, str, str]:
    """The fixture's pin, then a commit that adds a caching fn no example quotes; then one that makes line 1 stale."""
    pin = project.upstream.git("rev-parse", "HEAD")
    project.upstream.edit(TRACKED, *WARM)
    head = project.upstream.commit("warm")
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("stale")
    return project, pin, head


def uncovered(document: dict[str, object]) -> list[str]:
    return [site["name"] for site in document["uncovered"]]  # type: ignore[attr-defined, index]


def test_check_rev_compares_with_the_revision_given(two_commits: tuple[Project, str, str]) -> None:
    project, pin, warm = two_commits
    at_pin = project.check_json("--rev", pin, code=0)
    assert (at_pin["pinned"], at_pin["target"]) == (pin, pin) and "CachedTeam::warm" not in uncovered(at_pin)
    at_warm = project.check_json("--rev", warm, code=0)
    assert at_warm["target"] == warm and "CachedTeam::warm" in uncovered(at_warm)
    assert project.check_json(code=1)["examples"][0]["status"] == "stale"  # type: ignore[index]


def test_init_rev_pins_the_revision_given(two_commits: tuple[Project, str, str]) -> None:
    project, pin, warm = two_commits
    assert project.ok("init", "--rev", warm).stdout.endswith(f"pinned at {warm[:12]}\n")
    assert lock(project)["pinned"] == warm
    assert "CachedTeam::warm" in uncovered(project.check_json("--rev", warm, code=0))
    assert project.check_json(code=1)["examples"][0]["status"] == "stale"  # type: ignore[index]
    project.ok("init", "--rev", pin)
    assert lock(project)["pinned"] == pin

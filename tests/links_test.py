"""Permalinks into upstream."""

from __future__ import annotations

import json

from svixsync.links import Location, commit, repository
from tests.conftest import Project

SHA = "4fc0cfb8b426c87ef7e2b937e7d896a71d456a47"


def test_repository_address_drops_git_suffix_and_slash() -> None:
    assert repository("https://github.com/svix/svix-webhooks.git") == "https://github.com/svix/svix-webhooks"
    assert repository("https://github.com/svix/svix-webhooks/") == "https://github.com/svix/svix-webhooks"
    assert commit("https://github.com/o/r.git", SHA) == f"https://github.com/o/r/commit/{SHA}"


def test_lines_link_and_label() -> None:
    url = "https://github.com/o/r"
    block = Location(SHA, "src/a b(1).rs", (10, 24))
    assert block.url(url) == f"{url}/blob/{SHA}/src/a%20b%281%29.rs#L10-L24"  # nothing can leave a markdown link
    assert block.label == "L10-L24"
    one = Location(SHA, "src/a.rs", (7, 7))
    assert (one.url(url), one.label) == (f"{url}/blob/{SHA}/src/a.rs#L7", "L7")
    whole = Location(SHA, "config.toml", None)
    assert (whole.url(url), whole.label) == (f"{url}/blob/{SHA}/config.toml", SHA[:12])


def test_a_lock_without_last_lines_links_to_the_first(project: Project) -> None:
    """Locks written before svixsync recorded where an uncovered block ends still read, and link its first line."""
    path = project.root / "state" / "team.lock.json"
    lock = json.loads(path.read_text())
    assert [site["end_line"] for site in lock["uncovered"]] == [12]
    for site in lock["uncovered"]:
        del site["end_line"]
    path.write_text(json.dumps(lock, indent=2) + "\n")
    pin = project.upstream.git("rev-parse", "HEAD")
    comment = project.ok("check", "--format", "markdown", upstream=False).stdout
    link = f"https://github.com/svix/svix-webhooks/blob/{pin}/src/team.rs#L6"
    assert f"- struct `CachedTeam` ([`src/team.rs` L6]({link}))" in comment

"""Statuses by precedence (contract §3: removed > stale > review > refreshed > fresh), and flags that outlive the
update that wrote them: a later update adds to a flag, never resets it."""

from __future__ import annotations

import json

from tests.commands.depends_test import cited, lock
from tests.commands.update_test import BODY, RELAYOUT, RENAME
from tests.conftest import TRACKED, Project
from tests.rust_source import CONFIG, FORGET, HANDLERS

__all__ = ["cited"]  # the fixture

GONE_MEMBER = ("#[derive(Deserialize, Serialize, Debug, Clone)]\npub struct CachedMember {", "pub struct Gone {")


def statuses(project: Project) -> list[str]:
    return [example["status"] for example in project.check_json()["examples"]]  # type: ignore[attr-defined, index]


def test_removed_outranks_stale_and_review_in_one_example(cited: Project) -> None:
    # Line 3 quotes CachedMember and impl TeamKey; line 4 quotes CachedMember and mentions forget.
    cited.upstream.edit(TRACKED, "TEAM_v1_", "TEAM_v2_")
    cited.upstream.edit(TRACKED, "pub away: bool,", "pub away: bool,\n    pub since: u64,")
    cited.upstream.edit(TRACKED, *RENAME)
    cited.upstream.commit("key v2, a new field, forget renamed")
    assert statuses(cited) == ["fresh", "stale", "stale", "stale"]  # line 4: stale outranks review
    source = cited.upstream.read(TRACKED)
    start = source.index("/// One member of a team")
    cited.upstream.write(TRACKED, source[:start] + source[source.index("kv_def!(TeamKey") :])
    cited.upstream.edit(HANDLERS, "fn post_team_message(", "fn post_roster_message(")
    cited.upstream.commit("no more CachedMember; the handler renamed")
    assert statuses(cited) == ["fresh", "stale", "removed", "removed"]
    cited.ok("update", code=1)
    assert statuses(cited) == ["fresh", "stale", "removed", "removed"]
    # The removed example's lock entry still follows what its prose depends on: forget is drop_team now, and the
    # handler it cites is post_roster_message.
    entry = lock(cited)["examples"][3]
    assert entry["depends"][0]["name"] == "CachedTeam::drop_team"  # type: ignore[index]
    assert entry["citations"] == [f"{HANDLERS}::post_roster_message", CONFIG]  # type: ignore[index]


def test_a_flag_keeps_its_reason_origin_and_prose_through_later_updates(project: Project) -> None:
    pin = project.upstream.git("rev-parse", "HEAD")
    project.upstream.edit(TRACKED, FORGET + "\n", "")
    project.upstream.commit("forget is gone")
    project.ok("update", code=1)
    flagged = lock(project)["examples"][1]["review"]  # type: ignore[index]
    assert (flagged["reason"], flagged["since"]) == ("removed", pin)
    # The person edits the prose, then a later update finds forget back with another body: still removed.
    data = project.root / "team.jsonl"
    data.write_bytes(data.read_bytes().replace(b"When do we drop", b"When do we evict", 1))
    project.upstream.edit(
        TRACKED, "    /// Cache first", FORGET.replace(".await", ".await?") + "\n\n    /// Cache first"
    )
    project.upstream.commit("forget is back, and propagates errors")
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("cached_fetch too")
    assert statuses(project) == ["stale", "removed", "fresh"]
    project.ok("update", code=1)
    review = lock(project)["examples"][1]["review"]  # type: ignore[index]
    assert (review["reason"], review["since"], review["prose_sha256"]) == ("removed", pin, flagged["prose_sha256"])
    assert review["words_sha256"] == flagged["words_sha256"]
    assert [change["change"] for change in review["changes"]] == ["removed", "semantic"]
    assert statuses(project) == ["stale", "removed", "fresh"]


def test_a_second_change_adds_to_a_flag_and_the_prose_edited_meanwhile_still_counts(project: Project) -> None:
    pin = project.upstream.git("rev-parse", "HEAD")
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("cache errors fail the read")
    project.ok("update", code=1)
    data = project.root / "team.jsonl"
    data.write_bytes(data.read_bytes().replace(b"tries the cache", b"tries the shared cache", 1))
    project.upstream.edit(TRACKED, "archived: false }", "archived: true }")
    project.upstream.commit("loaded teams are archived")
    project.ok("update", code=1)
    review = json.loads((project.root / "state" / "team.lock.json").read_text())["examples"][0]["review"]
    assert review["since"] == pin
    assert [change["name"] for change in review["changes"]] == ["CachedTeam::cached_fetch", "CachedTeam::load_from_db"]
    assert project.ok("ack", "1").stdout == "acknowledged line 1\n"  # reworded since the first flag: enough


def test_after_an_update_the_lock_is_what_init_at_the_new_pin_writes(cited: Project) -> None:
    def init_finds_nothing_left_behind() -> None:
        updated = cited.snapshot()
        cited.ok("init")
        assert cited.snapshot() == updated

    cited.add("CachedMember", user="Who is in it?", think="Everyone `active_members` keeps.")
    data = cited.root / "team.jsonl"
    lines = data.read_bytes().splitlines(keepends=True)
    data.write_bytes(b"".join([lines[1], lines[0], *lines[2:]]))  # two lines swapped by hand, then adopted
    cited.ok("init")
    # Upstream: an inner attribute on top (every block a line further down), a quoted fn and a mentioned fn
    # reformatted, the cited handler renamed.
    cited.upstream.write(TRACKED, "#![allow(dead_code)]\n\n" + cited.upstream.read(TRACKED))
    cited.upstream.edit(TRACKED, *RELAYOUT)
    cited.upstream.edit(TRACKED, ".filter(|m| !m.away)", ".filter(|m| {\n            !m.away\n        })")
    cited.upstream.edit(HANDLERS, "fn post_team_message(", "fn post_roster_message(")
    cited.upstream.commit("an attribute on top, two relayouts, a renamed handler")
    cited.ok("update", code=1)
    assert lock(cited)["examples"][3]["citations"] == [f"{HANDLERS}::post_roster_message", CONFIG]  # type: ignore[index]
    cited.ok("ack", "4", "--keep-prose")
    init_finds_nothing_left_behind()
    # Then a prose reworded by hand, and a mentioned fn respaced within its lines: no block moves.
    data.write_bytes(data.read_bytes().replace(b"tries the cache", b"tries the shared cache"))
    cited.upstream.edit(TRACKED, "!m.away\n", "! m.away\n")
    cited.upstream.commit("a space")
    cited.ok("update")
    init_finds_nothing_left_behind()


def test_an_earlier_flag_is_reported_until_a_person_acts(project: Project) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(TRACKED, FORGET + "\n", "")
    project.upstream.commit("cached_fetch changes, forget is gone")
    project.ok("update", code=1)
    project.upstream.edit(
        TRACKED,
        "let team = Self::load_from_db(db, id).await?;",
        "let team =\n            Self::load_from_db(db, id).await?;",
    )
    project.upstream.commit("relayout")
    document = project.check_json(code=1)
    flags = [example["flag"] for example in document["examples"]]  # type: ignore[attr-defined, index]
    assert [flag and flag["reason"] for flag in flags] == ["stale", "removed", None]  # type: ignore[index]
    assert [e["status"] for e in document["examples"]] == ["stale", "removed", "fresh"]  # type: ignore[attr-defined, index]
    assert "CachedTeam::cached_fetch (semantic) (flagged by the update from" in project.run("check").stdout

"""`svixsync update` (and the statuses check reports first) for each kind of upstream change."""

from __future__ import annotations

import json
import os
import stat

import pytest

from tests.conftest import TRACKED, GitRepo, Project
from tests.rust_source import EVICT_ALL, FORGET, TEAM_RS


def examples(project: Project) -> list[dict[str, object]]:
    return [json.loads(line) for line in project.dataset().decode().splitlines()]


def prose(project: Project) -> list[tuple[str, str, str]]:
    out = []
    for example in examples(project):
        messages = example["messages"]  # type: ignore[index]
        answer = messages[2]["content"]  # type: ignore[index]
        out.append((messages[0]["content"], messages[1]["content"], answer.split("</think>")[0]))  # type: ignore[index]
    return out


def code(project: Project, line: int) -> str:
    answer: str = examples(project)[line - 1]["messages"][2]["content"]  # type: ignore[index]
    return answer.split("</think>\n\n", 1)[1]


def blocks_of(document: dict[str, object], line: int) -> list[dict[str, object]]:
    return document["examples"][line - 1]["blocks"]  # type: ignore[index, no-any-return]


def changed(document: dict[str, object]) -> list[tuple[int, str, str, str | None, str | None, str | None]]:
    return [
        (e["line"], e["status"], b["name"], b["change"], b["old_name"], b["old_path"])  # type: ignore[index]
        for e in document["examples"]  # type: ignore[attr-defined]
        for b in e["blocks"]  # type: ignore[index]
        if b["change"] is not None  # type: ignore[index]
    ]


RELAYOUT = (
    "        cache.delete(&TeamKey::new(id)).await\n",
    "        cache\n            .delete(&TeamKey::new(id))\n            .await\n",
)
DOC = ("/// Drops the cached team.", "/// Drops the cached team, so the next read goes to the database.")
BODY = ("let _ = cache.set(&key, &team, ttl).await;", "cache.set(&key, &team, ttl).await?;")
RENAME = ("pub async fn forget(", "pub async fn drop_team(")
IMPORTS = (
    "use serde::{Deserialize, Serialize};\nuse crate::core::cache::{Cache, CacheKey, kv_def};",
    "use crate::core::cache::{kv_def, Cache, CacheKey};\nuse serde::{Serialize, Deserialize};",
)
TEST_ONLY = ("assert!(true);", "assert_eq!(1, 1);")
# The use block changes meaning: context, it refreshes the code and never makes an example stale (contract §3).
NEW_IMPORT = ("use std::time::Duration;", "use std::time::Duration;\nuse std::fmt;")
UNICODE_STRING = ('format!("TEAM_v1_{id}")', 'format!("ÉQUIPE_v1_{id}")')


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(RELAYOUT, [(2, "refreshed", "CachedTeam::forget", "cosmetic", None, None)], id="relayout"),
        pytest.param(DOC, [(2, "refreshed", "CachedTeam::forget", "doc", None, None)], id="doc-comment"),
        pytest.param(BODY, [(1, "stale", "CachedTeam::cached_fetch", "semantic", None, None)], id="body"),
        pytest.param(
            RENAME, [(2, "stale", "CachedTeam::drop_team", "renamed", "CachedTeam::forget", None)], id="rename"
        ),
        pytest.param(
            IMPORTS, [(line, "refreshed", "use", "cosmetic", None, None) for line in (1, 2, 3)], id="import-reorder"
        ),
        pytest.param(
            NEW_IMPORT, [(line, "refreshed", "use", "semantic", None, None) for line in (1, 2, 3)], id="new-import"
        ),
        pytest.param(TEST_ONLY, [], id="cfg-test-edit"),
        pytest.param(UNICODE_STRING, [(3, "stale", "impl TeamKey", "semantic", None, None)], id="non-ascii-string"),
    ],
)
def test_one_change_gives_exact_events_and_update_keeps_prose(
    project: Project, edit: tuple[str, str], expected: list[tuple[object, ...]]
) -> None:
    before_prose = prose(project)
    project.upstream.edit(TRACKED, *edit)
    project.upstream.commit("change")
    document = project.check_json(code=1 if expected else 0)
    assert changed(document) == expected

    result = project.run("update")
    stale = any(status == "stale" for _, status, *_ in expected)
    assert result.exit_code == (1 if stale else 0), result.output
    assert prose(project) == before_prose
    for line, _, name, *_ in expected:
        if name != "use":  # the rewritten code ends with the block as upstream now has it
            assert project.upstream.read(TRACKED).count(code(project, line).split("\n\n")[-1]) == 1
    after = project.snapshot()
    assert project.run("update").exit_code == (1 if stale else 0)
    assert project.snapshot() == after, "a second update must change no byte"

    recheck = project.check_json(code=1 if stale else 0)
    assert all(e["status"] in ("fresh", "stale") for e in recheck["examples"])  # type: ignore[attr-defined, index]


def test_refreshed_code_is_exactly_the_new_blocks(project: Project) -> None:
    project.upstream.edit(TRACKED, *DOC)
    project.upstream.commit("doc")
    project.ok("update")
    new_source = project.upstream.read(TRACKED)
    use_block = new_source[: new_source.index("\n\n/// A cached team")]
    forget = new_source[new_source.index("    /// Drops") : new_source.index("    /// Cache first") - 2]
    assert code(project, 2) == f"{use_block}\n\n{forget}"
    assert project.check_json(code=0)["summary"]["refreshed"] == 0  # type: ignore[index]


def test_stale_example_stays_flagged_until_its_prose_is_reauthored(project: Project) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("propagate cache errors")
    project.ok("update", code=1)
    assert project.check_json(code=1)["examples"][0]["status"] == "stale"  # type: ignore[index]

    refused = project.run("ack", "1")
    assert refused.exit_code == 2
    assert "unchanged since it was flagged" in refused.stderr

    data = project.dataset().decode()
    project.root.joinpath("team.jsonl").write_text(
        data.replace("Why does the roster read the cache first?", "Why do cache write errors now fail the read?"),
        encoding="utf-8",
    )
    project.ok("ack", "1")
    assert project.check_json(code=0)["summary"]["stale"] == 0  # type: ignore[index]


def test_ack_keep_prose_clears_the_flag_without_edits(project: Project) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("propagate cache errors")
    project.ok("update", code=1)
    project.ok("ack", "1", "--keep-prose")
    project.ok("check")


def test_deleted_block_is_removed_and_its_line_left_as_it_is(project: Project) -> None:
    source = project.upstream.read(TRACKED)
    start = source.index("    /// Drops the cached team.")
    end = source.index("    /// Cache first")
    project.upstream.write(TRACKED, source[:start] + source[end:])
    project.upstream.commit("no more forget")
    line_before = project.dataset().decode().splitlines()[1]
    document = project.check_json(code=1)
    assert changed(document) == [(2, "removed", "CachedTeam::forget", "removed", None, None)]
    project.ok("update", code=1)
    assert project.dataset().decode().splitlines()[1] == line_before
    assert project.check_json(code=1)["examples"][1]["status"] == "removed"  # type: ignore[index]
    refused = project.run("ack", "2", "--keep-prose")
    assert refused.exit_code == 2 and "gone upstream" in refused.stderr


def test_near_miss_rename_stays_removed_and_added(project: Project) -> None:
    """Same signature shape, another body: not a rename (see compare.RENAME_SIMILARITY)."""
    project.upstream.edit(TRACKED, FORGET, EVICT_ALL)
    project.upstream.commit("bulk eviction")
    document = project.check_json(code=1)
    assert changed(document) == [(2, "removed", "CachedTeam::forget", "removed", None, None)]
    assert document["uncovered"] == [
        {"path": TRACKED, "kind": "struct", "name": "CachedTeam"},
        {"path": TRACKED, "kind": "fn", "name": "CachedTeam::evict_all"},
    ]


def test_new_caching_fn_is_uncovered_warning_only(project: Project) -> None:
    project.upstream.edit(
        TRACKED,
        "    pub fn active_members",
        "    /// Warms the cache.\n    pub async fn warm(cache: &Cache, team: &CachedTeam) -> Result<()> {\n"
        "        cache.set(&TeamKey::new(&team.id), team, Duration::from_secs(30)).await\n    }\n\n"
        "    pub fn active_members",
    )
    project.upstream.commit("warm")
    document = project.check_json(code=0)
    assert document["uncovered"] == [
        {"path": TRACKED, "kind": "struct", "name": "CachedTeam"},
        {"path": TRACKED, "kind": "fn", "name": "CachedTeam::warm"},
    ]
    assert document["summary"]["uncovered"] == 2  # type: ignore[index]
    result = project.run("check")
    assert "warning: uncovered fn CachedTeam::warm" in result.stdout


def test_file_moved_with_git_mv_refreshes_and_follows(project: Project) -> None:
    project.upstream.move(TRACKED, "src/cache/team.rs")
    project.upstream.commit("move the module")
    document = project.check_json(code=1)
    assert changed(document) == [
        (line, "refreshed", name, "moved", None, TRACKED)
        for line, names in [
            (1, ["use", "CachedTeam::cached_fetch", "CachedTeam::load_from_db"]),
            (2, ["use", "CachedTeam::forget"]),
            (3, ["use", "CachedMember", "kv_def!(TeamKey)", "impl TeamKey"]),
        ]
        for name in names
    ]
    assert document["uncovered"] == [{"path": "src/cache/team.rs", "kind": "struct", "name": "CachedTeam"}]
    project.ok("update")
    config = json.loads((project.root / "state" / "config.json").read_text())
    assert config["datasets"][0]["tracked"] == ["src/cache/team.rs"]
    project.ok("check")


def test_item_moved_to_another_tracked_file(tmp_path: object, upstream: GitRepo) -> None:
    from pathlib import Path

    upstream.write("src/keys.rs", "use crate::core::cache::kv_def;\n")
    upstream.commit("keys module")
    project = Project(Path(str(tmp_path)) / "two", upstream)
    project.init(tracked=(TRACKED, "src/keys.rs"))
    project.add("impl TeamKey", user="How is the team key built?", think="It is versioned with v1.")
    key_impl = TEAM_RS[TEAM_RS.index("impl TeamKey {") : TEAM_RS.index("#[cfg(test)]")]
    upstream.edit(TRACKED, key_impl, "")
    upstream.write("src/keys.rs", "use crate::core::cache::kv_def;\n\n" + key_impl)
    upstream.commit("keys live with keys")
    document = project.check_json(code=1)
    moved = [b for b in blocks_of(document, 1) if b["change"] == "moved"]
    assert moved == [
        {
            "path": "src/keys.rs",
            "kind": "impl",
            "name": "impl TeamKey",
            "change": "moved",
            "old_name": None,
            "old_path": TRACKED,
        }
    ]


def test_a_removed_block_read_again_is_flagged_once(project: Project) -> None:
    project.upstream.edit(TRACKED, FORGET + "\n", "")
    project.upstream.commit("forget is gone")
    project.ok("update", code=1)
    lock = project.root / "state" / "team.lock.json"
    once = json.loads(lock.read_text())["examples"][1]["review"]["changes"]
    assert [(c["name"], c["change"]) for c in once] == [("CachedTeam::forget", "removed")]
    for _ in range(2):  # --force reads every file again: the block is still gone, not gone twice
        project.ok("update", "--force", code=1)
    assert json.loads(lock.read_text())["examples"][1]["review"]["changes"] == once


def styled(document: dict[str, object]) -> str:
    """A line as another tool might write it: keys in another order, odd spacing, every non-ASCII character escaped."""
    messages = [{"content": m["content"], "role": m["role"]} for m in document["messages"]]  # type: ignore[attr-defined]
    return json.dumps({"messages": messages, "type": "chatml"}, ensure_ascii=True, separators=(" ,  ", " :\t"))


def test_update_rewrites_only_the_code_of_a_line_written_in_another_style(project: Project) -> None:
    data = project.root / "team.jsonl"
    lines = data.read_bytes().decode().splitlines(keepends=True)
    # Line 3 as another tool wrote it, with an escape json.dumps never writes (`\/`) in the reasoning, and CRLF.
    document = json.loads(lines[2])
    old_code = code(project, 3)
    # U+10000 as a surrogate pair whose high half is the first one, U+D800: one character, twelve raw bytes.
    lines[2] = styled(document).replace("The serde rename", "The serde\\/rename \\ud800\\udc00") + "\r\n"
    data.write_bytes("".join(lines).encode())
    assert "The serde/rename \U00010000" in json.loads(lines[2])["messages"][2]["content"]
    project.ok("check")
    # A doc edit of a block with non-ASCII text: the rewritten code is escaped as the rest of the line is.
    project.upstream.edit(TRACKED, "« café » crew included.", "« café » crew, every one of them.")
    project.upstream.commit("doc")
    project.ok("update")
    new_code = code(project, 3)
    assert new_code == old_code.replace("crew included.", "crew, every one of them.")
    old_literal, new_literal = (json.dumps(text, ensure_ascii=True)[1:-1] for text in (old_code, new_code))
    assert lines[2].count(old_literal) == 1 and "\\u00ab caf\\u00e9 \\u00bb" in new_literal
    written = data.read_bytes().decode().splitlines(keepends=True)
    assert written == [*lines[:2], lines[2].replace(old_literal, new_literal)]


def test_update_dry_run_says_what_it_would_do_and_writes_nothing(project: Project) -> None:
    pin = project.upstream.git("rev-parse", "HEAD")
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(TRACKED, *RELAYOUT)
    project.upstream.commit("stale one, refresh one")
    before = project.snapshot()
    said = project.ok("update", "--dry-run", code=1).stdout.splitlines()
    assert project.snapshot() == before
    assert said[-3:] == [
        "line 1: would rewrite its code and flag it (stale)",
        "line 2: would rewrite its code",
        "next: `svixsync review` walks the flagged examples (or `show LINE --diff`, `edit LINE`)",
    ]
    assert project.check_json(code=1)["pinned"] == pin


def test_written_files_are_read_write_for_their_owner_and_readable_by_others(project: Project) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("stale")
    project.ok("update", code=1)
    umask = os.umask(0)
    os.umask(umask)
    for name in ("team.jsonl", "state/team.lock.json"):
        assert stat.S_IMODE((project.root / name).stat().st_mode) == 0o644 & ~umask, name

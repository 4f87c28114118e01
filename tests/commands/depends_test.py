"""What the prose depends on (contract §3a): mentions and citations flag an example `review` when they change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands.errors_test import assert_refused
from tests.commands.formats_test import parse
from tests.commands.update_test import DOC, RELAYOUT, RENAME, prose
from tests.conftest import TRACKED, Project
from tests.rust_source import CONFIG, CONFIG_TOML, FORGET, HANDLERS, HANDLERS_RS

# Line 4 quotes CachedMember only; its reasoning names `forget` and `load_from_db` and a piece of the key format.
MENTIONS = (
    "Members are dropped by `forget`, reloaded by `CachedTeam::load_from_db(db, id)`, and keyed under `TEAM_v1_`. "
    "Every `.await` and `Result` is ignored."
)
HANDLER = f"{HANDLERS}::post_team_message"


@pytest.fixture
def cited(project: Project) -> Project:
    """The team project, with an untracked handler module and a config file upstream, and line 4 depending on
    blocks it does not quote: three mentions and two citations."""
    project.upstream.write(HANDLERS, HANDLERS_RS)
    project.upstream.write(CONFIG, CONFIG_TOML)
    project.upstream.commit("handlers and config")
    project.ok("update")
    project.add("CachedMember", user="Where does a `CachedMember` come from?", think=MENTIONS, cite=[HANDLER, CONFIG])
    return project


def example(document: dict[str, object], line: int) -> dict[str, object]:
    return document["examples"][line - 1]  # type: ignore[index, no-any-return]


def depends(document: dict[str, object], line: int) -> list[tuple[str, str, str, str | None]]:
    return [(d["name"], d["via"], d["kind"], d["change"]) for d in example(document, line)["depends"]]  # type: ignore[attr-defined, index]


def lock(project: Project) -> dict[str, object]:
    return json.loads((project.root / "state" / "team.lock.json").read_text())  # type: ignore[no-any-return]


def test_mentions_resolve_names_last_segments_and_text_pieces(cited: Project) -> None:
    document = cited.check_json(code=0)
    assert depends(document, 4) == [
        ("CachedTeam::forget", "mention", "fn", None),
        ("CachedTeam::load_from_db", "mention", "fn", None),
        ("TeamKey::new", "mention", "fn", None),  # `TEAM_v1_` lies in impl TeamKey and, innermost, its fn
        ("post_team_message", "citation", "fn", None),
        (CONFIG, "citation", "file", None),
    ]
    # `.await` and `Result` stand in unrelated blocks; `CachedMember` is quoted: none is a dependency.
    assert document["summary"]["review"] == 0  # type: ignore[index]


def test_a_block_both_quoted_and_mentioned_counts_once_as_quoted(cited: Project) -> None:
    cited.add("CachedTeam::forget", user="Why `forget` and not `CachedTeam::forget`?", think="`forget` deletes.")
    document = cited.check_json(code=0)
    assert [b["name"] for b in example(document, 5)["blocks"]] == ["use", "CachedTeam::forget"]  # type: ignore[index]
    assert depends(document, 5) == []


def test_renamed_mentioned_fn_flags_review_with_the_new_name_and_update_follows_it(cited: Project) -> None:
    before = prose(cited)
    cited.upstream.edit(TRACKED, *RENAME)
    cited.upstream.commit("rename forget")
    document = cited.check_json(code=1)
    assert example(document, 4)["status"] == "review"
    assert ("CachedTeam::drop_team", "mention", "fn", "renamed") in depends(document, 4)
    renamed = next(d for d in example(document, 4)["depends"] if d["change"] == "renamed")  # type: ignore[attr-defined]
    assert renamed["old_name"] == "CachedTeam::forget"
    text = cited.run("check").stdout
    assert "line 4: review: the reasoning mentions `forget`, renamed to `CachedTeam::drop_team`" in text

    assert cited.run("update").exit_code == 1
    assert prose(cited) == before
    entry = lock(cited)["examples"][3]  # type: ignore[index]
    assert entry["depends"][0]["name"] == "CachedTeam::drop_team"
    assert entry["review"]["reason"] == "review"
    assert entry["review"]["changes"][0]["via"] == "mention"
    assert example(cited.check_json(code=1), 4)["status"] == "review"  # flagged until a person acts
    cited.ok("ack", "4", "--keep-prose")
    document = cited.check_json(code=1)  # line 2 quotes the renamed fn: stale until re-authored
    assert [example(document, line)["status"] for line in (2, 4)] == ["stale", "fresh"]
    assert ("CachedTeam::drop_team", "mention", "fn", None) in depends(document, 4)


def test_a_mentioned_piece_of_a_string_literal_flags_when_its_block_changes(cited: Project) -> None:
    cited.upstream.edit(TRACKED, 'format!("TEAM_v1_{id}")', 'format!("TEAM_v1_{id}_{}", 2)')
    cited.upstream.commit("key gains a suffix")
    document = cited.check_json(code=1)
    assert example(document, 4)["status"] == "review"
    assert ("TeamKey::new", "mention", "fn", "semantic") in depends(document, 4)
    assert example(document, 3)["status"] == "stale"  # line 3 quotes impl TeamKey


@pytest.mark.parametrize(("edit", "change"), [(RELAYOUT, "cosmetic"), (DOC, "doc")], ids=["cosmetic", "doc"])
def test_cosmetic_or_doc_change_of_a_mentioned_block_needs_nothing(
    cited: Project, edit: tuple[str, str], change: str
) -> None:
    cited.upstream.edit(TRACKED, *edit)
    cited.upstream.commit("forget reworded")
    document = cited.check_json(code=1)  # line 2 quotes forget: refreshed
    assert example(document, 4)["status"] == "fresh"
    assert ("CachedTeam::forget", "mention", "fn", change) in depends(document, 4)
    cited.ok("update")
    assert cited.check_json(code=0)["summary"]["review"] == 0  # type: ignore[index]


def test_cited_fn_in_an_untracked_file_flags_on_meaning_not_on_layout(cited: Project) -> None:
    cited.upstream.edit(HANDLERS, "Duration::from_secs(30)", "Duration::from_secs(\n        30,\n    )")
    cited.upstream.commit("rustfmt")
    assert depends(cited.check_json(code=0), 4)[3] == ("post_team_message", "citation", "fn", "cosmetic")
    cited.upstream.edit(HANDLERS, "30,", "60,")
    cited.upstream.commit("a minute")
    document = cited.check_json(code=1)
    assert example(document, 4)["status"] == "review"
    assert depends(document, 4)[3] == ("post_team_message", "citation", "fn", "semantic")
    text = cited.run("check").stdout
    assert f"cites `{HANDLER}`, changed (semantic)" in text


def test_cited_non_rust_file_flags_on_any_change(cited: Project) -> None:
    cited.upstream.edit(CONFIG, 'cache_type = "memory"', 'cache_type = "redis"')
    cited.upstream.commit("redis by default")
    document = cited.check_json(code=1)
    assert depends(document, 4)[4] == (CONFIG, "citation", "file", "semantic")
    assert f"cites `{CONFIG}`, changed (semantic)" in cited.run("check").stdout
    cited.ok("update", code=1)
    cited.ok("ack", "4", "--keep-prose")
    (cited.upstream.path / CONFIG).write_bytes(b'cache_type = "caf\xe9"\n')  # Latin-1, not UTF-8
    cited.upstream.commit("not UTF-8")
    assert depends(cited.check_json(code=1), 4)[4] == (CONFIG, "citation", "file", "semantic")


def test_renamed_cited_block_is_followed_and_the_lock_records_the_new_name(cited: Project) -> None:
    cited.upstream.edit(HANDLERS, "fn post_team_message(", "fn post_roster_message(")
    cited.upstream.commit("rename the handler")
    document = cited.check_json(code=1)
    assert depends(document, 4)[3] == ("post_roster_message", "citation", "fn", "renamed")
    cited.ok("update", code=1)
    entry = lock(cited)["examples"][3]  # type: ignore[index]
    assert entry["citations"] == [f"{HANDLERS}::post_roster_message", CONFIG]
    cited.ok("ack", "4", "--keep-prose")
    assert depends(cited.check_json(code=0), 4)[3] == ("post_roster_message", "citation", "fn", None)


def test_removed_cited_block_flags_review_that_says_so_and_stays_listed(cited: Project) -> None:
    source = cited.upstream.read(HANDLERS)
    start = source.index("/// Posts a message")
    cited.upstream.write(HANDLERS, source[:start] + source[source.index("pub async fn deliver") :])
    cited.upstream.commit("drop the handler")
    document = cited.check_json(code=1)
    assert depends(document, 4)[3] == ("post_team_message", "citation", "fn", "removed")
    assert f"cites `{HANDLER}`, removed upstream" in cited.run("check").stdout
    cited.ok("update", code=1)
    cited.ok("ack", "4", "--keep-prose")
    document = cited.check_json(code=0)
    assert depends(document, 4)[3] == ("post_team_message", "citation", "fn", None)
    assert lock(cited)["examples"][3]["depends"][3]["gone"] is True  # type: ignore[index]
    cited.upstream.edit(HANDLERS, "Ok(())", "Ok(drop(body))")
    cited.upstream.commit("another change to the file")
    assert example(cited.check_json(code=0), 4)["status"] == "fresh"  # still gone: nothing new to review
    cited.ok("cite", "4", HANDLER, "--drop")
    assert [d[0] for d in depends(cited.check_json(code=0), 4)] == [
        "CachedTeam::forget",
        "CachedTeam::load_from_db",
        "TeamKey::new",
        CONFIG,
    ]


def test_cite_records_and_drops_citations(cited: Project) -> None:
    cited.ok("cite", "1", f"{HANDLERS}::deliver")
    assert lock(cited)["examples"][0]["citations"] == [f"{HANDLERS}::deliver"]  # type: ignore[index]
    assert depends(cited.check_json(code=0), 1) == [("deliver", "citation", "fn", None)]
    unchanged = cited.snapshot()
    assert "already cites" in cited.ok("cite", "1", f"{HANDLERS}::deliver").stdout
    assert cited.snapshot() == unchanged
    cited.ok("cite", "1", f"{HANDLERS}::deliver", "--drop")
    assert lock(cited)["examples"][0]["citations"] == []  # type: ignore[index]


def test_a_mention_both_cited_counts_as_a_citation(cited: Project) -> None:
    cited.ok("cite", "4", f"{TRACKED}::CachedTeam::forget")
    assert depends(cited.check_json(code=0), 4)[0] == ("CachedTeam::forget", "citation", "fn", None)
    cited.ok("cite", "4", f"{TRACKED}::CachedTeam::forget", "--drop")
    assert depends(cited.check_json(code=0), 4)[0] == ("CachedTeam::forget", "mention", "fn", None)


def test_bad_citations_are_refused_with_one_line_and_nothing_written(cited: Project) -> None:
    assert_refused(cited, "cite", "1", f"{HANDLERS}::no_such_fn", message="names nothing at the pin")
    assert_refused(cited, "cite", "1", "src/nowhere.toml", message="names nothing at the pin")
    assert_refused(cited, "cite", "1", HANDLERS, message="name the block of the Rust file")
    assert_refused(cited, "cite", "1", f"{CONFIG}::cache_type", message="only a Rust file has blocks")
    assert_refused(cited, "cite", "1", "../etc/passwd", message="inside the repository")
    assert_refused(
        cited,
        *("cite", "1", f"{TRACKED}::CachedTeam::cached_fetch"),
        message="line 1 already quotes CachedTeam::cached_fetch; a block an example quotes is tracked as code, "
        "not cited",
    )
    assert_refused(cited, "cite", "9", CONFIG, message="no line 9")
    assert_refused(cited, "cite", "1", CONFIG, "--drop", message="line 1 does not cite")
    (cited.root / "user.txt").write_text("u")
    (cited.root / "think.txt").write_text("t")
    add = ["add", "CachedMember", "--user-file", str(cited.root / "user.txt"), "--think-file"]
    assert_refused(cited, *add, str(cited.root / "think.txt"), "--cite", f"{HANDLERS}::nope", message="nothing")
    assert_refused(
        cited, *add, str(cited.root / "think.txt"), "--cite", f"{TRACKED}::CachedMember", message="already quotes"
    )


def test_lock_written_before_prose_tracking_is_upgraded_by_the_next_write(cited: Project) -> None:
    path = cited.root / "state" / "team.lock.json"
    current = path.read_bytes()
    old = json.loads(current)
    for entry in old["examples"]:
        entry.pop("depends")
        entry.pop("citations")
    old["examples"][3]["citations"] = [HANDLER, CONFIG]  # citations made by hand before this version could
    path.write_text(json.dumps(old, indent=2) + "\n")
    document = cited.check_json(code=0)  # worked out in memory, nothing written
    assert depends(document, 4)[0] == ("CachedTeam::forget", "mention", "fn", None)
    assert "depends" not in path.read_text()
    cited.ok("update")
    assert path.read_bytes() == current


def test_init_adopts_mentions_and_keeps_citations(cited: Project, tmp_path: Path) -> None:
    current = (cited.root / "state" / "team.lock.json").read_bytes()
    cited.ok("init")
    assert (cited.root / "state" / "team.lock.json").read_bytes() == current


def test_markdown_comment_shows_a_review_row_and_the_dependency_diff(cited: Project) -> None:
    cited.upstream.edit(HANDLERS, "Duration::from_secs(30)", "Duration::from_secs(60)")
    cited.upstream.commit("a minute")
    comment = cited.run("check", "--format", "markdown").stdout
    assert "### svixsync: 1 example to review" in comment
    assert "| 4 | **review** | `post_team_message` ([L" in comment
    assert "-    let team = CachedTeam::cached_fetch(cache, db, id, Duration::from_secs(30)).await?;" in comment
    assert "+    let team = CachedTeam::cached_fetch(cache, db, id, Duration::from_secs(60)).await?;" in comment
    github = cited.run("check", "--format", "github").stdout
    assert "::error file=team.jsonl,line=4,title=svixsync%3A example review::" in github


def test_markdown_details_show_each_cited_change_and_a_removed_block_in_full(cited: Project) -> None:
    handlers = cited.upstream.read(HANDLERS)
    start = handlers.index("/// Posts a message")
    cited.upstream.write(HANDLERS, handlers[:start] + handlers[handlers.index("pub async fn deliver") :])
    cited.upstream.edit(CONFIG, 'cache_type = "memory"', 'cache_type = "redis"')
    pin = cited.upstream.git("rev-parse", "HEAD")
    cited.upstream.commit("no more handler; redis")
    head = cited.upstream.git("rev-parse", "HEAD")
    comment = parse(cited.ok("check", "--format", "markdown", code=1).stdout)
    assert comment.rows[1] == [
        "4",
        "review",
        f"post_team_message (L5-L9), {CONFIG} ({pin[:12]} → {head[:12]})",
        f"cites {HANDLER}, removed upstream; cites {CONFIG}, changed (semantic)",
        "Where does a `CachedMember` come from?",
    ]
    assert [html for html in comment.html if html.startswith("<details>")] == [
        "<details><summary>line 4: cited post_team_message (removed)</summary>",
        f"<details><summary>line 4: cited {CONFIG} (semantic)</summary>",
    ]
    removed, changed = (body.splitlines() for _, body in comment.fences)
    gone = HANDLERS_RS[HANDLERS_RS.index("/// Posts") : HANDLERS_RS.index("\n\npub async fn deliver")]
    assert removed == [f"-{line}" for line in gone.splitlines()] + ["+"]  # the block, then nothing
    assert changed == [f" {CONFIG_TOML.splitlines()[0]}", '-cache_type = "memory"', '+cache_type = "redis"', " "]


def test_a_removed_cited_file_stays_listed_through_init_and_a_renamed_mention_is_kept_at_the_pin(
    cited: Project,
) -> None:
    cited.upstream.git("rm", "-q", CONFIG)
    cited.upstream.edit(TRACKED, *RENAME)
    cited.upstream.commit("no config file; forget renamed")
    cited.ok("update", code=1)
    cited.ok("ack", "2", "4", "--keep-prose")
    # init works every dependency out again at the pin: the prose still says `forget`, which names nothing now, and
    # the cited file is gone; both stay, the renamed fn fingerprinted at the pin, the file marked gone.
    before = {d["name"]: d for d in lock(cited)["examples"][3]["depends"]}  # type: ignore[index]
    cited.ok("init")
    after = {d["name"]: d for d in lock(cited)["examples"][3]["depends"]}  # type: ignore[index]
    assert after == before
    assert (after["CachedTeam::drop_team"]["spans"], after["CachedTeam::drop_team"]["gone"]) == (["forget"], False)
    assert (after[CONFIG]["gone"], after[CONFIG]["kind"]) == (True, "file")
    assert depends(cited.check_json(code=0), 4)[2] == ("CachedTeam::drop_team", "mention", "fn", None)  # kept: last
    cited.upstream.edit(TRACKED, FORGET.replace("fn forget(", "fn drop_team("), "")
    cited.upstream.commit("drop_team is gone too")
    cited.ok("update", code=1)
    (cited.root / "think.txt").write_text(MENTIONS + " Still true.", encoding="utf-8")
    cited.ok("edit", "4", "--think-file", str(cited.root / "think.txt"))  # prose worked out again, forget still named
    assert [d["gone"] for d in lock(cited)["examples"][3]["depends"]] == [False, False, True, False, True]  # type: ignore[index]


def test_a_citation_naming_two_blocks_or_none_after_the_colons_is_refused(cited: Project) -> None:
    cited.upstream.write(
        HANDLERS, HANDLERS_RS + "\npub struct Deliver {}\n#[allow(non_snake_case)]\npub fn Deliver() {}\n"
    )
    cited.upstream.commit("a struct and a fn of one name")
    cited.ok("update")
    assert_refused(
        cited,
        "cite",
        "4",
        f"{HANDLERS}::Deliver",
        message=f"citation '{HANDLERS}::Deliver' is ambiguous (fn, struct); see `svixsync blocks --all`",
    )
    assert_refused(cited, "cite", "4", f"{HANDLERS}:: ", message=f"citation '{HANDLERS}:: ' names no block after `::`")


def test_cited_files_moved_or_deleted_are_followed_and_reported(cited: Project) -> None:
    cited.upstream.move(CONFIG, "config/default.toml")
    cited.upstream.move(HANDLERS, "src/web/handlers.rs")
    cited.upstream.commit("move the config and the handlers")
    document = cited.check_json(code=0)  # a move needs nothing
    found = [(d["name"], d["change"], d["path"], d["old_path"]) for d in example(document, 4)["depends"]][3:]  # type: ignore[index]
    assert found == [
        ("post_team_message", "moved", "src/web/handlers.rs", HANDLERS),
        ("config/default.toml", "moved", "config/default.toml", CONFIG),
    ]
    cited.ok("update")
    assert lock(cited)["examples"][3]["citations"] == [  # type: ignore[index]
        "src/web/handlers.rs::post_team_message",
        "config/default.toml",
    ]
    cited.upstream.git("rm", "-q", "config/default.toml")
    cited.upstream.commit("no config file")
    assert depends(cited.check_json(code=1), 4)[4] == ("config/default.toml", "citation", "file", "removed")
    details = parse(cited.ok("check", "--format", "markdown", code=1).stdout).fences
    assert details == [("diff", "".join(f"-{line}\n" for line in CONFIG_TOML.splitlines()) + " \n")]
    cited.ok("update", code=1)
    cited.ok("ack", "4", "--keep-prose")
    cited.ok("update", "--force")  # every file read again: the cited file is still gone, and still listed
    assert depends(cited.check_json(code=0), 4)[4] == ("config/default.toml", "citation", "file", None)
    assert lock(cited)["examples"][3]["depends"][4]["gone"] is True  # type: ignore[index]


def test_a_cited_file_that_is_not_utf_8_is_compared_and_shown_either_side(cited: Project) -> None:
    (cited.upstream.path / CONFIG).write_bytes(b'cache_type = "caf\xe9"\n')  # Latin-1
    cited.upstream.commit("Latin-1")
    cited.ok("update", code=1)
    cited.ok("ack", "4", "--keep-prose")
    (cited.upstream.path / CONFIG).write_bytes(b'cache_type = "th\xe9"\n')
    cited.upstream.commit("Latin-1 again")
    comment = parse(cited.ok("check", "--format", "markdown", code=1).stdout)
    assert comment.fences == [("diff", '-cache_type = "caf\ufffd"\n+cache_type = "th\ufffd"\n \n')]


def test_a_cited_file_read_again_unchanged_has_no_change(cited: Project) -> None:
    # New topic rules make a check read every file, cited ones too, not only those the commits touched.
    config = cited.root / "state" / "config.json"
    document = json.loads(config.read_text())
    document["datasets"][0]["topic"]["include"].append({"name": "^deliver$"})
    config.write_text(json.dumps(document))
    cited.upstream.write("README.md", "Unrelated.\n")
    cited.upstream.commit("a file nothing cites")
    assert [(d["name"], d["change"]) for d in example(cited.check_json(code=0), 4)["depends"]][-1] == (CONFIG, None)

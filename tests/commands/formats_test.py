"""`check --format markdown|github`, parsed as GitHub would read them, with hostile upstream and dataset text."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from svixsync.github import escape_data, escape_property
from svixsync.markdown import LIMIT, diff
from tests.commands.errors_test import add_members_dataset
from tests.commands.update_test import BODY, RELAYOUT, code
from tests.conftest import TRACKED, GitRepo, Project
from tests.rust_source import EVICT_ALL, FORGET, TEAM_RS

URL = "https://github.com/svix/svix-webhooks"
HOSTILE = "x |` ``` </details> <!-- -->%0A ::error::a,b:c $x$ *y* _z_ [l](http://e) & <b>"

# The only HTML a comment holds: its marker and one collapsed diff, that of line 1.
LINE_1_DIFF_ONLY = [
    "<!-- svixsync-report -->",
    "<details><summary>line 1: code change (upstream now)</summary>",
    "</details>",
]


@dataclass
class Comment:
    """The structure of a markdown comment, as markdown-it (CommonMark + GFM tables) parses it."""

    html: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    fences: list[tuple[str, str]] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def inline_text(token: Token) -> str:
    return "".join(child.content for child in token.children or [] if child.type in ("text", "code_inline"))


def parse(source: str) -> Comment:
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    out = Comment()
    context: list[str] = []
    for token in tokens:
        out.links += [str(child.attrs["href"]) for child in token.children or [] if child.type == "link_open"]
        if token.nesting == 1:
            context.append(token.type)
        elif token.nesting == -1:
            context.pop()
        if token.type == "html_block":
            out.html.append(token.content.strip())
        elif token.type == "fence":
            out.fences.append((token.info, token.content))
        elif token.type == "tr_open":
            out.rows.append([])
        elif token.type == "inline" and context and context[-1] in ("th_open", "td_open"):
            out.rows[-1].append(inline_text(token))
        elif token.type == "inline" and context[-2:] == ["heading_open"]:
            out.headings.append(inline_text(token))
        elif token.type == "inline" and "bullet_list_open" in context:
            out.bullets.append(inline_text(token))
        elif token.type == "inline":
            out.paragraphs.append(inline_text(token))
    return out


def markdown(project: Project, code_: int = 1) -> str:
    result = project.run("check", "--format", "markdown")
    assert result.exit_code == code_, result.stderr
    return result.stdout


def test_realistic_bump_lists_what_to_reauthor_and_why(project: Project) -> None:
    before = code(project, 1)
    project.upstream.edit(TRACKED, FORGET, FORGET + "\n\n" + EVICT_ALL)
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(TRACKED, *RELAYOUT)
    pin = project.upstream.git("rev-parse", "HEAD")
    target = project.upstream.commit("propagate cache errors; evict many")
    comment = parse(markdown(project))
    assert comment.html == LINE_1_DIFF_ONLY
    assert comment.headings == ["svixsync: 1 example to re-author"]
    # Each block links to its lines at the pin, then at the target (evict_all was inserted above cached_fetch).
    assert comment.rows == [
        ["line", "status", "blocks", "why", "request"],
        ["1", "stale", "CachedTeam::cached_fetch (L26-L35 → L35-L44)", "meaning changed (semantic)",
         "Why does the roster read the cache first?"],
        ["2", "refreshed", "CachedTeam::forget (L21-L24 → L21-L26)", "layout only (cosmetic)",
         "When do we drop a team from the cache?"],
    ]  # fmt: skip
    assert f"{URL}/blob/{pin}/src/team.rs#L26-L35" in comment.links
    assert f"{URL}/blob/{target}/src/team.rs#L35-L44" in comment.links
    assert comment.bullets == [
        "struct CachedTeam (src/team.rs L6-L12)",
        "fn CachedTeam::evict_all (src/team.rs L28-L33)",
    ]
    assert f"{URL}/blob/{target}/src/team.rs#L28-L33" in comment.links
    assert len(comment.fences) == 1 and comment.fences[0][0] == "diff"
    after = before.replace(*BODY)
    assert comment.fences[0][1] == diff(before, after) + "\n"
    assert "-        let _ = cache.set(&key, &team, ttl).await;" in comment.fences[0][1].splitlines()


def test_after_update_the_flag_says_which_update_and_shows_the_old_code(project: Project) -> None:
    before = code(project, 1)
    pin = project.upstream.git("rev-parse", "HEAD")
    project.upstream.edit(TRACKED, *BODY)
    target = project.upstream.commit("propagate cache errors")
    project.ok("update", code=1)
    source = markdown(project)
    comment = parse(source)
    assert (
        comment.rows[1]
        == [
            "1",
            "stale",
            "CachedTeam::cached_fetch (L26-L35)",  # the block at the pin, which the update moved to the target
            f"meaning changed (semantic) between {pin[:12]} and {target[:12]}",
            "Why does the roster read the cache first?",
        ]
    )
    assert f"({URL}/commit/{target})" in source
    assert f"{URL}/blob/{target}/src/team.rs#L26-L35" in comment.links
    assert comment.html[1] == "<details><summary>line 1: code change (the flagging update)</summary>"
    assert comment.fences == [("diff", diff(before, before.replace(*BODY)) + "\n")]


def test_hostile_code_and_prose_stay_text(project: Project) -> None:
    hostile_rust = HOSTILE
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(
        TRACKED,
        "let key = TeamKey::new(id);",
        f'let key = TeamKey::new(id); // {hostile_rust}\n        let _s = r#"{hostile_rust}"#;',
    )
    # A block's name holds upstream text only where a cfg qualifier tells namesakes apart (contract §1).
    hostile_pair = (
        f'#[cfg(feature = "{hostile_rust}")]\nkv_def!(HostileKey, String);\n'
        f'#[cfg(not(feature = "{hostile_rust}"))]\nkv_def!(HostileKey, String);'
    )
    project.upstream.edit(TRACKED, "kv_def!(TeamKey, CachedTeam);", f"kv_def!(TeamKey, CachedTeam);\n{hostile_pair}")
    project.upstream.commit("hostile")
    data = project.root / "team.jsonl"
    data.write_bytes(data.read_bytes().replace(b"Why does the roster", b"Why " + HOSTILE.encode()))
    project.ok("init")  # adopt the re-authored prose
    comment = parse(markdown(project))
    assert comment.html == LINE_1_DIFF_ONLY
    assert len(comment.rows) == 2 and all(len(row) == 5 for row in comment.rows)
    assert comment.rows[1][4] == " ".join(f"Why {HOSTILE}".split()[:12]) + "…"
    assert comment.bullets[-2:] == [
        f'macro kv_def!(HostileKey) [cfg(feature = "{hostile_rust}")] (src/team.rs L52-L53)',
        f'macro kv_def!(HostileKey) [cfg(not(feature = "{hostile_rust}"))] (src/team.rs L54-L55)',
    ]
    [(info, body)] = comment.fences
    assert info == "diff" and f'+        let _s = r#"{hostile_rust}"#;' in body.splitlines()


def test_a_diff_too_large_is_left_out_whole_with_a_note(project: Project) -> None:
    before = code(project, 1)
    huge = "\n".join(f"        let _pad{i} = {i}; // {'x' * 60}" for i in range(1200))
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(TRACKED, "TeamKey(format!", f"{huge.strip()}\n        TeamKey(format!")
    project.upstream.commit("huge")
    source = markdown(project)
    assert len(source.encode("utf-16-le")) // 2 <= LIMIT
    comment = parse(source)
    assert [row[0] for row in comment.rows] == ["line", "1", "3"]
    # Line 1's small diff is kept whole, line 3's is left out whole, and the comment says so.
    assert comment.html == LINE_1_DIFF_ONLY
    assert comment.fences == [("diff", diff(before, before.replace(*BODY)) + "\n")]
    assert comment.paragraphs[-1].startswith("1 section left out to stay under GitHub's comment limit")


def test_github_annotations_point_at_dataset_lines(project: Project, tmp_path: Path) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(
        TRACKED,
        "kv_def!(TeamKey, CachedTeam);",
        'kv_def!(TeamKey, CachedTeam);\n#[cfg(feature = "a,b:c%0A::error::x")]\nkv_def!(OtherKey, String);\n'
        "#[cfg(not(unix))]\nkv_def!(OtherKey, String);",
    )
    pin = project.upstream.git("rev-parse", "HEAD")
    target = project.upstream.commit("propagate cache errors")
    summary = tmp_path / "summary.md"
    result = project.run(
        "check", "--format", "github", env={"SVIXSYNC_UPSTREAM": "", "GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "::error file=team.jsonl,line=1,title=svixsync%3A example stale::CachedTeam::cached_fetch (semantic); "
        "its request and reasoning must be re-authored: `svixsync edit 1`"
        f"%0ACachedTeam::cached_fetch: {URL}/blob/{pin}/src/team.rs#L26-L35 -> {URL}/blob/{target}/src/team.rs#L26-L35"
    )
    # An uncovered block has no line in the dataset: a notice on the configuration that selects it, with its link.
    assert lines[2] == (
        "::notice file=state/config.json,title=svixsync%3A uncovered block::"
        'macro kv_def!(OtherKey) [cfg(feature = "a,b:c%250A::error::x")] (src/team.rs L51-L52) is covered by no '
        f"example: {URL}/blob/{target}/src/team.rs#L51-L52"
    )
    assert all(line.startswith("::") or line.startswith("team.jsonl: ") for line in lines)
    assert parse(summary.read_text()).rows[1][:2] == ["1", "stale"]


def test_escaping_of_workflow_command_values() -> None:
    assert escape_data("50%\r\n::error::") == "50%25%0D%0A::error::"
    assert escape_property("a,b:c") == "a%2Cb%3Ac"


def test_removed_example_says_what_is_gone_and_has_no_diff(project: Project) -> None:
    project.upstream.edit(TRACKED, FORGET + "\n", "")
    project.upstream.commit("forget is gone")
    comment = parse(markdown(project))
    assert comment.headings == ["svixsync: 1 example to re-author"]
    assert comment.rows[1] == [
        "2",
        "removed",
        "CachedTeam::forget (L21-L24)",  # where it was: it is nowhere at the target
        "gone upstream (removed)",
        "When do we drop a team from the cache?",
    ]
    assert comment.html == ["<!-- svixsync-report -->"] and comment.fences == []


def test_a_pipe_in_a_block_name_or_a_path_stays_in_its_table_cell(tmp_path: Path) -> None:
    # A cfg qualifier quotes upstream text into a block's name (contract §1), and a path may hold any character: here
    # a `|`, which GFM reads as the end of a table cell even inside a code span unless it is escaped.
    path = "src/key|s.rs"
    piped = (
        '#[cfg(feature = "a|b")]\nkv_def!(PipedKey, String);\n#[cfg(not(feature = "a|b"))]\nkv_def!(PipedKey, String);'
    )
    repo = GitRepo(tmp_path / "upstream")
    repo.write(path, f"use std::fmt;\n\n{piped}\n\npub fn other() {{}}\n")
    repo.commit("keys by feature")
    project = Project(tmp_path / "dataset", repo)
    project.init(tracked=(path,))
    name = 'kv_def!(PipedKey) [cfg(feature = "a|b")]'
    project.add(name, user="Which key holds strings?", think="The one behind the feature.")
    project.add("other", user="What else is there?", think=f"Nothing but `{name}`.")
    repo.edit(path, "kv_def!(PipedKey, String);\n#[cfg(not", "kv_def!(PipedKey, u64);\n#[cfg(not")
    repo.commit("a number now")
    rows = parse(markdown(project)).rows[1:]
    assert rows == [
        ["1", "stale", f"{name} (L3-L4 → L3-L4)", "meaning changed (semantic)", "Which key holds strings?"],
        [
            "2",
            "review",
            f"{name} (L3-L4 → L3-L4)",
            f"the reasoning mentions {name}, changed (semantic)",
            "What else is there?",
        ],
    ]
    project.ok("update", code=1)
    comment = parse(markdown(project))  # the flags' rows, as the lock recorded them
    assert [row[:3] for row in comment.rows[1:]] == [[*row[:2], f"{name} (L3-L4)"] for row in rows]  # at the pin
    assert [row[3].split(" between ")[0] for row in comment.rows[1:]] == [row[3] for row in rows]
    assert comment.bullets == [f'macro kv_def!(PipedKey) [cfg(not(feature = "a|b"))] ({path} L5-L6)']  # no `\|`


def summary_paragraph(source: str) -> str:
    return next(line for line in source.splitlines() if line.startswith("**team.jsonl**"))


def test_nothing_to_reauthor_and_the_revision_checked_against(project: Project) -> None:
    pin = project.upstream.git("rev-parse", "HEAD")
    project.upstream.edit(TRACKED, "/// Drops the cached team.", "/// Drops the cached team, if any.")
    head = project.upstream.commit("doc")
    source = markdown(project)
    comment = parse(source)
    assert comment.headings == ["svixsync: nothing to re-author"]
    assert summary_paragraph(source) == (
        "**team.jsonl**: 2 fresh, 1 refreshed, 0 stale, 0 removed, 0 review, 1 uncovered. "
        f"Pinned at [`{pin[:12]}`]({URL}/commit/{pin}), checked against [`{head[:12]}`]({URL}/commit/{head})."
    )
    assert comment.rows[1:] == [
        [
            "2",
            "refreshed",
            "CachedTeam::forget (L21-L24 → L21-L24)",
            "comments only (doc)",
            "When do we drop a team from the cache?",
        ]
    ]
    project.ok("update")
    assert summary_paragraph(markdown(project, 0)).endswith(f"Pinned at [`{head[:12]}`]({URL}/commit/{head}).")


def test_moved_and_renamed_blocks_say_where_they_were_and_what_they_were_called(project: Project) -> None:
    project.upstream.move(TRACKED, "src/cache/team.rs")
    project.upstream.edit("src/cache/team.rs", *BODY)
    project.upstream.edit("src/cache/team.rs", "pub async fn forget(", "pub async fn drop_team(")
    project.upstream.commit("move, change one fn, rename another")
    moved = f"moved, was in {TRACKED}"
    rows = parse(markdown(project)).rows[1:]
    assert rows == [
        [
            "1",
            "stale",
            "use (L1-L4 → L1-L4), CachedTeam::cached_fetch (L26-L35 → L26-L35), "
            "CachedTeam::load_from_db (L15-L19 → L15-L19)",
            f"{moved}; meaning changed, was in {TRACKED}; {moved}",
            "Why does the roster read the cache first?",
        ],
        [
            "2",
            "stale",
            "use (L1-L4 → L1-L4), CachedTeam::drop_team (L21-L24 → L21-L24)",
            f"{moved}; renamed from CachedTeam::forget",
            "When do we drop a team from the cache?",
        ],
        [
            "3",
            "refreshed",
            "use (L1-L4 → L1-L4), CachedMember (L42-L48 → L42-L48), kv_def!(TeamKey) (L50 → L50), "
            "impl TeamKey (L51-L55 → L51-L55)",
            f"{moved}; {moved}; {moved}; {moved}",
            "What does the cached member look like? Two lines of request.",
        ],
    ]
    project.ok("update", code=1)
    flagged = [row[:4] for row in parse(markdown(project)).rows[1:]]  # what the flags recorded: the flagging changes
    assert [row[:3] for row in flagged] == [
        ["1", "stale", "CachedTeam::cached_fetch (L26-L35)"],  # at the new pin
        ["2", "stale", "CachedTeam::drop_team (L21-L24)"],
    ]
    assert flagged[0][3].startswith(f"meaning changed, was in {TRACKED} between ")
    assert flagged[1][3].startswith("renamed from CachedTeam::forget between ")


def test_a_flag_written_before_flags_recorded_their_changes_names_the_quoted_blocks(project: Project) -> None:
    pin = project.upstream.git("rev-parse", "HEAD")
    path = project.root / "state" / "team.lock.json"
    document = json.loads(path.read_text())
    document["examples"][0]["review"] = {"reason": "stale", "flagged_at": pin, "prose_sha256": "0" * 64}
    path.write_text(json.dumps(document))
    comment = parse(markdown(project))
    assert comment.headings == ["svixsync: 1 example to re-author"]
    assert comment.rows[1][:4] == [
        "1",
        "stale",
        "CachedTeam::cached_fetch (L26-L35), CachedTeam::load_from_db (L15-L19)",
        f"flagged by the update to {pin[:12]}",
    ]
    assert f"flagged by the update to [`{pin[:12]}`]({URL}/commit/{pin})" in markdown(project)


def test_two_examples_to_review_each_with_the_diff_of_what_it_mentions(project: Project) -> None:
    for request in ("Who is active?", "Who is away?"):
        project.add("CachedTeam::forget", user=request, think="`active_members` skips members who are away.")
    project.upstream.edit(TRACKED, "!m.away", "!m.away && !m.archived")
    project.upstream.commit("archived members are not active")
    comment = parse(markdown(project))
    assert comment.headings == ["svixsync: 2 examples to review"]
    assert [row[:2] for row in comment.rows[1:]] == [["4", "review"], ["5", "review"]]
    assert comment.rows[1][3] == "the reasoning mentions active_members, changed (semantic)"
    titles = [html for html in comment.html if html.startswith("<details>")]
    assert titles == [
        f"<details><summary>line {line}: mentioned CachedTeam::active_members (semantic)</summary>" for line in (4, 5)
    ]


def test_every_dataset_gets_its_summary_rows_and_diffs(project: Project) -> None:
    add_members_dataset(project)
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(TRACKED, "!m.away", "!m.away && !m.archived")
    project.upstream.commit("two datasets stale")
    source = markdown(project)
    comment = parse(source)
    assert comment.headings == ["svixsync: 2 examples to re-author"]
    assert [line.split(":")[0] for line in source.splitlines() if line.startswith("**") and ".jsonl**" in line] == [
        "**team.jsonl**",
        "**members.jsonl**",
    ]
    assert [row[:3] for row in comment.rows if row[0] != "line"] == [
        ["1", "stale", "CachedTeam::cached_fetch (L26-L35 → L26-L35)"],
        ["1", "stale", "CachedTeam::active_members (L37-L39 → L37-L39)"],
    ]
    assert [html for html in comment.html if html.startswith("<details>")] == [
        "<details><summary>line 1: code change (upstream now)</summary>"
    ] * 2
    assert ["cache.set" in body for _, body in comment.fences] == [True, False]


def test_every_section_left_out_is_counted(project: Project) -> None:
    huge = "\n".join(f"        let _pad{i} = {i}; // {'x' * 60}" for i in range(1200))
    project.upstream.edit(
        TRACKED, "let key = TeamKey::new(id);", f"{huge.strip()}\n        let key = TeamKey::new(id);"
    )
    project.upstream.edit(TRACKED, "TeamKey(format!", f"{huge.strip()}\n        TeamKey(format!")
    project.upstream.commit("two huge changes")
    source = markdown(project)
    assert len(source.encode("utf-16-le")) // 2 <= LIMIT
    comment = parse(source)
    assert [row[0] for row in comment.rows] == ["line", "1", "3"] and comment.fences == []
    assert comment.paragraphs[-1].startswith("2 sections left out to stay under GitHub's comment limit")


def test_a_flag_of_several_changes_lists_each(project: Project) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(TRACKED, "archived: false }", "archived: true }")
    project.upstream.commit("two fns of line 1 change")
    project.ok("update", code=1)
    row = parse(markdown(project)).rows[1]
    assert row[:3] == ["1", "stale", "CachedTeam::cached_fetch (L26-L35), CachedTeam::load_from_db (L15-L19)"]
    assert row[3].startswith("meaning changed (semantic); meaning changed (semantic) between ")


def size(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_the_comment_fills_githubs_limit_but_the_room_kept_for_its_note(project: Project) -> None:
    def comment_with(pad: int) -> str:
        project.upstream.write(TRACKED, TEAM_RS.replace("TEAM_v1_{id}", "TEAM_v1_{id}" + "x" * pad))
        project.upstream.commit(f"a key {pad} characters longer")
        return markdown(project).removesuffix("\n")  # the newline `check` prints after the comment

    # Each section takes its characters and a newline; the sections may take all but 300 characters of the limit.
    # Line 3's diff grows by a character with each one added to its key: find the longest key whose diff still fits.
    room = LIMIT - 300
    longest = 1 + room - 1 - size(comment_with(1))
    full = comment_with(longest)
    assert size(full) == room - 1 and "left out" not in full
    over = comment_with(longest + 1)
    assert over.endswith(
        "_1 section left out to stay under GitHub's comment limit; run `svixsync check` to see everything._"
    )
    assert size(over) < room


def test_a_stale_example_also_shows_the_diff_of_a_dependency_that_changed(project: Project) -> None:
    project.add("CachedTeam::cached_fetch", user="Who is fetched?", think="Then `active_members` filters them.")
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(TRACKED, "!m.away", "!m.away && !m.archived")
    project.upstream.commit("both change")
    comment = parse(markdown(project))
    assert [html for html in comment.html if html.startswith("<details>")] == [
        "<details><summary>line 1: code change (upstream now)</summary>",
        "<details><summary>line 4: code change (upstream now)</summary>",
        "<details><summary>line 4: mentioned CachedTeam::active_members (semantic)</summary>",
    ]


def test_a_block_with_no_recorded_lines_is_named_without_links(project: Project) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("stale")
    project.ok("update", code=1)
    path = project.root / "state" / "team.lock.json"
    document = json.loads(path.read_text())
    for ref in document["examples"][0]["blocks"]:  # a lock written before svixsync recorded lines
        del ref["start_line"]
    path.write_text(json.dumps(document))
    result = project.run("check", "--format", "markdown", upstream=False)
    assert result.exit_code == 1, result.stderr
    assert parse(result.stdout).rows[1][:3] == ["1", "stale", "CachedTeam::cached_fetch"]  # no "(L…)"

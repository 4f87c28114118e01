"""`check --format markdown|github`, parsed as GitHub would read them, with hostile upstream and dataset text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from svixsync.github import escape_data, escape_property
from svixsync.markdown import LIMIT, diff
from tests.commands.update_test import BODY, RELAYOUT, code
from tests.conftest import TRACKED, Project
from tests.rust_source import EVICT_ALL, FORGET

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


def inline_text(token: Token) -> str:
    return "".join(child.content for child in token.children or [] if child.type in ("text", "code_inline"))


def parse(source: str) -> Comment:
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    out = Comment()
    context: list[str] = []
    for token in tokens:
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
    project.upstream.commit("propagate cache errors; evict many")
    comment = parse(markdown(project))
    assert comment.html == LINE_1_DIFF_ONLY
    assert comment.headings == ["svixsync: 1 example to re-author"]
    assert comment.rows == [
        ["line", "status", "blocks", "why", "request"],
        ["1", "stale", "CachedTeam::cached_fetch", "meaning changed (semantic)",
         "Why does the roster read the cache first?"],
        ["2", "refreshed", "CachedTeam::forget", "layout only (cosmetic)", "When do we drop a team from the cache?"],
    ]  # fmt: skip
    assert comment.bullets == ["struct CachedTeam (src/team.rs:6)", "fn CachedTeam::evict_all (src/team.rs:28)"]
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
    assert comment.rows[1] == [
        "1",
        "stale",
        "CachedTeam::cached_fetch",
        f"meaning changed (semantic) between {pin[:12]} and {target[:12]}",
        "Why does the roster read the cache first?",
    ]
    assert f"({URL}/commit/{target})" in source
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
        f'macro kv_def!(HostileKey) [cfg(feature = "{hostile_rust}")] (src/team.rs:52)',
        f'macro kv_def!(HostileKey) [cfg(not(feature = "{hostile_rust}"))] (src/team.rs:54)',
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
    project.upstream.commit("propagate cache errors")
    summary = tmp_path / "summary.md"
    result = project.run(
        "check", "--format", "github", env={"SVIXSYNC_UPSTREAM": "", "GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "::error file=team.jsonl,line=1,title=svixsync%3A example stale::CachedTeam::cached_fetch (semantic); "
        "its request and reasoning must be re-authored: `svixsync edit 1`"
    )
    assert lines[2] == (
        "::warning title=svixsync%3A uncovered block::"
        'macro kv_def!(OtherKey) [cfg(feature = "a,b:c%250A::error::x")] (src/team.rs) is covered by no example'
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
        "CachedTeam::forget",
        "gone upstream (removed)",
        "When do we drop a team from the cache?",
    ]
    assert comment.html == ["<!-- svixsync-report -->"] and comment.fences == []


def test_a_long_list_keeps_what_fits_and_counts_the_rest() -> None:
    from svixsync.markdown import _Comment

    body = _Comment(budget=100)
    body.add("x" * 40)
    body.lines(["head"], [f"- item {n}" for n in range(20)], [""])
    kept = body.parts[1].split("\n")
    assert kept[0] == "head" and kept[-1] == "" and 2 < len(kept) - 2 < 20
    assert body.left_out == 20 - (len(kept) - 2) and body.used <= 100


def test_a_pipe_in_a_block_name_stays_in_its_table_cell(project: Project) -> None:
    # A cfg qualifier quotes upstream text into a block's name (contract §1): here a `|`, which GFM reads as the end
    # of a table cell even inside a code span unless it is escaped.
    piped = (
        '#[cfg(feature = "a|b")]\nkv_def!(PipedKey, String);\n#[cfg(not(feature = "a|b"))]\nkv_def!(PipedKey, String);'
    )
    project.upstream.edit(TRACKED, "kv_def!(TeamKey, CachedTeam);", f"kv_def!(TeamKey, CachedTeam);\n{piped}")
    project.upstream.commit("keys by feature")
    project.ok("update")
    name = 'kv_def!(PipedKey) [cfg(feature = "a|b")]'
    project.add(name, user="Which key holds strings?", think="The one behind the feature.")
    project.upstream.edit(TRACKED, "kv_def!(PipedKey, String);\n#[cfg(not", "kv_def!(PipedKey, u64);\n#[cfg(not")
    project.upstream.commit("a number now")
    expected = ["4", "stale", name, "meaning changed (semantic)", "Which key holds strings?"]
    assert parse(markdown(project)).rows[1] == expected
    project.ok("update", code=1)
    row = parse(markdown(project)).rows[1]  # the flag's row, as the lock recorded it
    assert row[:3] == expected[:3] and row[3].startswith("meaning changed (semantic) between ")
    bullets = parse(markdown(project)).bullets
    assert f'macro kv_def!(PipedKey) [cfg(not(feature = "a|b"))] ({TRACKED}:53)' in bullets  # no `\|` outside tables

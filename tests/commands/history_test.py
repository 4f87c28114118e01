"""`svixsync history`: every commit that touched the file, oldest first, with exact block events."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import TRACKED, GitRepo, Project
from tests.rust_library import WALKER_RS


def events(project: Project, *args: str) -> list[list[tuple[str, str, str | None, str | None]]]:
    result = project.ok("history", "--file", "src/cache/team.rs", "--format", "json", *args)
    document = json.loads(result.stdout)
    assert document["path"] == "src/cache/team.rs"
    return [
        [(e["change"], e["name"], e["old_name"], e["old_path"]) for e in commit["events"]]
        for commit in document["commits"]
    ]


def test_replayed_history_gives_exact_events(tmp_path: Path, upstream: GitRepo) -> None:
    upstream.edit(TRACKED, "Drops the cached team.", "Drops the cached team, if any.")
    upstream.commit("doc")
    upstream.edit(TRACKED, "pub async fn forget(", "pub async fn drop_team(")
    upstream.commit("rename")
    upstream.edit(TRACKED, "assert!(true);", "assert!(!false);")
    upstream.commit("test only")
    upstream.move(TRACKED, "src/cache/team.rs")
    upstream.commit("move")
    upstream.edit("src/cache/team.rs", "TEAM_v1_", "TEAM_v2_")
    upstream.commit("bump key")
    upstream.write("README.md", "unrelated\n")
    upstream.commit("unrelated")

    project = Project(tmp_path / "bare", upstream)
    everything = events(project, "--all")
    assert len(everything) == 6
    assert everything[0][0] == ("added", "use", None, None) and len(everything[0]) == 11
    assert everything[1:] == [
        [("doc", "impl CachedTeam", None, None), ("doc", "CachedTeam::forget", None, None)],
        [("semantic", "impl CachedTeam", None, None), ("renamed", "CachedTeam::drop_team", "CachedTeam::forget", None)],
        [],
        [
            ("moved", name, None, TRACKED)
            for name in [
                "use",
                "CachedTeam",
                "impl CachedTeam",
                "CachedTeam::load_from_db",
                "CachedTeam::drop_team",
                "CachedTeam::cached_fetch",
                "CachedTeam::active_members",
                "CachedMember",
                "kv_def!(TeamKey)",
                "impl TeamKey",
                "TeamKey::new",
            ]
        ],
        [("semantic", "impl TeamKey", None, None), ("semantic", "TeamKey::new", None, None)],
    ]
    first = upstream.git("rev-list", "--max-parents=0", "HEAD")
    assert len(events(project, "--all", "--from", first)) == 5


def test_history_selects_by_topic_rules_when_state_exists(project: Project) -> None:
    project.upstream.move(TRACKED, "src/cache/team.rs")
    project.upstream.commit("move")
    project.ok("update")
    selected = events(project)
    names = {name for commit in selected for _, name, _, _ in commit}
    assert "CachedTeam::active_members" not in names and "use" not in names
    assert "CachedTeam::forget" in names


def test_history_rejects_option_like_revisions(project: Project) -> None:
    result = project.run("history", "--file", TRACKED, "--to", "--output=report.txt")
    assert result.exit_code == 2
    assert result.stderr.strip() == "svixsync: error: not a single revision: '--output=report.txt'"
    ranged = project.run("history", "--file", TRACKED, "--from", "HEAD~1..HEAD")
    assert ranged.exit_code == 2
    assert ranged.stderr == "svixsync: error: not a single revision: 'HEAD~1..HEAD'\n"


def test_blocks_json_lists_lines_selection_and_hashes(project: Project) -> None:
    result = project.ok("blocks", "--all", "--format", "json")
    rows = json.loads(result.stdout)
    by_name = {row["name"]: row for row in rows}
    assert by_name["CachedTeam::forget"]["start_line"] == 21 and by_name["CachedTeam::forget"]["end_line"] == 24
    assert by_name["CachedTeam::forget"]["selected"] is True
    assert by_name["CachedTeam::active_members"]["selected"] is False
    assert set(rows[0]) == {"path", "kind", "name", "start_line", "end_line", "selected", "sha256"}
    selected_only = json.loads(project.ok("blocks", "--format", "json").stdout)
    assert all(row["selected"] for row in selected_only)


def walker_repo(tmp_path: Path) -> GitRepo:
    """An upstream whose one file, src/walk.rs, has namesakes told apart by cfg and by position."""
    repo = GitRepo(tmp_path / "upstream")
    repo.write("src/walk.rs", WALKER_RS)
    repo.commit("walker")
    return repo


def test_history_skips_an_unreadable_revision_and_compares_across_it(tmp_path: Path) -> None:
    repo = walker_repo(tmp_path)
    repo.edit(
        "src/walk.rs", "impl_visit!(Walker);\nimpl_visit!(Walker);", "impl_visit!(Walker);\n}\nimpl_visit!(Walker);"
    )
    broken = repo.commit("a stray brace")
    repo.edit("src/walk.rs", "impl_visit!(Walker);\n}\n", "impl_visit!(Walker);\n")
    repo.edit("src/walk.rs", "self.depth == 0", "self.depth == 0 || self.path_is_root()")
    repo.commit("fixed, and is_root changed")
    project = Project(tmp_path / "bare", repo)
    result = project.ok("history", "--file", "src/walk.rs", "--all", "--format", "json")
    commits = json.loads(result.stdout)["commits"]
    assert commits[1] == {"commit": broken, "unreadable": True, "events": []}
    assert [(e["change"], e["name"]) for e in commits[2]["events"]] == [
        ("semantic", "impl Entry<T> [3]"),
        ("semantic", "Entry::is_root"),
    ]
    assert "unreadable" not in commits[2]
    warning = (
        "svixsync: warning: src/walk.rs: Rust syntax error near line 41: its items cannot be told apart "
        f"(at {broken[:12]})"
    )
    assert result.stderr.splitlines()[-1].startswith(warning)
    text = project.ok("history", "--file", "src/walk.rs", "--all").stdout.splitlines()
    assert text[text.index(next(line for line in text if line.startswith(broken[:12]))) + 1].startswith(
        "  unreadable: src/walk.rs: Rust syntax error near line 41"
    )


def test_history_reads_revisions_written_in_2015_edition_rust(tmp_path: Path) -> None:
    repo = walker_repo(tmp_path)
    repo.edit("src/walk.rs", "let meta = ent.metadata()?;", "let meta = try!(ent.metadata());")
    repo.commit("back to try!")
    project = Project(tmp_path / "bare", repo)
    commits = json.loads(project.ok("history", "--file", "src/walk.rs", "--all", "--format", "json").stdout)["commits"]
    assert [(e["change"], e["name"]) for e in commits[1]["events"]] == [
        ("semantic", "impl Entry<T> [1]"),
        ("semantic", "Entry::from_os [cfg(windows)]"),
    ]


def test_blocks_warns_about_every_name_it_had_to_qualify(tmp_path: Path) -> None:
    repo = walker_repo(tmp_path)
    result = Project(tmp_path / "bare", repo).ok("blocks", "--file", "src/walk.rs", "--all")
    assert result.stderr.splitlines() == [
        "svixsync: warning: src/walk.rs: 3 impl blocks are named impl Entry<T>; "
        "qualified as impl Entry<T> [1], impl Entry<T> [2], impl Entry<T> [3]",
        "svixsync: warning: src/walk.rs: 2 fn blocks are named Entry::from_os; "
        "qualified as Entry::from_os [cfg(unix)], Entry::from_os [cfg(windows)]",
        "svixsync: warning: src/walk.rs: 2 macro blocks are named impl_visit!(Walker); "
        "qualified as impl_visit!(Walker) [1], impl_visit!(Walker) [2]",
    ]


def test_history_text_names_each_commit_and_its_events(tmp_path: Path, upstream: GitRepo) -> None:
    first = upstream.git("rev-parse", "HEAD")
    upstream.edit(TRACKED, "Drops the cached team.", "Drops the cached team, if any.")
    doc = upstream.commit("doc")
    upstream.edit(TRACKED, "pub async fn forget(", "pub async fn drop_team(")
    renamed = upstream.commit("rename")
    upstream.move(TRACKED, "src/cache/team.rs")
    moved = upstream.commit("move")
    project = Project(tmp_path / "bare", upstream)
    result = project.ok("history", "--file", "src/cache/team.rs", "--all", "--from", first)

    def header(commit: str) -> str:
        return f"{commit[:12]} {upstream.git('log', '-1', '--format=%cs %s', commit)}"  # date, subject

    moves = [  # how a person names each block: `use`, and an impl by its name alone
        "use",
        "struct CachedTeam",
        "impl CachedTeam",
        "fn CachedTeam::load_from_db",
        "fn CachedTeam::drop_team",
        "fn CachedTeam::cached_fetch",
        "fn CachedTeam::active_members",
        "struct CachedMember",
        "macro kv_def!(TeamKey)",
        "impl TeamKey",
        "fn TeamKey::new",
    ]
    assert result.stdout.splitlines() == [
        header(doc),
        "  doc       impl CachedTeam",
        "  doc       fn CachedTeam::forget",
        header(renamed),
        "  semantic  impl CachedTeam",
        "  renamed   fn CachedTeam::drop_team (was CachedTeam::forget)",
        header(moved),
        *(f"  moved     {block} (was in {TRACKED})" for block in moves),
    ]
    assert result.stderr == "svixsync: no topic rules for this file: every block counts as selected\n"

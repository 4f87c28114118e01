"""Which blocks an inline-code span names (contract §3a), over blocks tree-sitter extracts from Rust written here."""

from __future__ import annotations

import hashlib

import pytest

from svixsync.blocks import extract
from svixsync.depends import Scope, citation_of, code_spans, file_dependency, work_out
from tests.rust_source import HANDLERS, HANDLERS_RS, ROSTER_RS, TEAM_RS

TEAM = "src/team.rs"
ROSTER = "src/roster.rs"


def scope(*files: tuple[str, str]) -> Scope:
    return Scope([block for path, source in files for block in extract(path, source.encode())])


def test_code_spans_are_single_backtick_spans_as_commonmark_pairs_them() -> None:
    text = "Call `forget` then ``a `b` c`` and\n```rust\nlet `x` = 1;\n```\n` padded ` and an unclosed ` tick"
    assert code_spans(text) == ["forget", "padded"]
    assert code_spans("a `` `` b `c`") == ["c"]
    assert code_spans("no spans here") == []


@pytest.mark.parametrize(
    ("span", "name"),
    [
        ("CachedTeam::forget", "CachedTeam::forget"),  # a block's name
        ("kv_def!(TeamKey)", "kv_def!(TeamKey)"),  # a name that ends in parentheses
        ("forget", "CachedTeam::forget"),  # the last segment of one block's name
        ("forget(cache, id)", "CachedTeam::forget"),  # a trailing (…) dropped
        ("Self::load_from_db", "CachedTeam::load_from_db"),  # a leading Self:: dropped
        ("self.active_members()", "CachedTeam::active_members"),
        ("crate::team::CachedTeam", None),  # crate:: dropped leaves a path that names no block
        ("TEAM_v1_", "TeamKey::new"),  # a piece of a string literal: the innermost of impl TeamKey and its fn
        ("cache.delete(&TeamKey::new(id))", "CachedTeam::forget"),  # a piece of code in one fn and its impl
        (".await", None),  # in several unrelated fns
        ("Result", None),  # in several fns
        ("use", None),  # the `use` block is context, never named
        ("TEAM_v1", None),  # not word-bounded where it occurs (`TEAM_v1_{id}`)
    ],
)
def test_what_a_span_names(span: str, name: str | None) -> None:
    found = scope((TEAM, TEAM_RS)).mentioned(span)
    assert (found.name if found else None) == name


def test_a_last_segment_shared_by_two_blocks_names_neither() -> None:
    both = scope((TEAM, TEAM_RS), (ROSTER, ROSTER_RS))
    assert both.mentioned("new") is None  # TeamKey::new and RosterKey::new
    assert both.mentioned("TeamKey::new") is not None
    assert scope((TEAM, TEAM_RS)).mentioned("new") is not None


def test_a_name_in_one_file_and_a_piece_in_another() -> None:
    both = scope((TEAM, TEAM_RS), (HANDLERS, HANDLERS_RS))
    found = both.mentioned("Duration::from_secs(30)")
    assert found is not None and found.name == "post_team_message"
    assert both.mentioned("cached_fetch") is not None  # the fn's name wins over the piece in the handler


def test_a_cited_file_is_one_dependency_of_all_its_lines() -> None:
    found = file_dependency("config.toml", b"a = 1\nb = 2\n", ["`a`"])
    assert (found.kind, found.name, found.start_line, found.lines, found.spans) == (
        "file",
        "config.toml",
        1,
        2,
        ["`a`"],
    )
    assert found.sha256 == found.tokens == found.words == hashlib.sha256(b"a = 1\nb = 2\n").hexdigest()
    assert file_dependency("config.toml", b"a = 1\nb = 2").lines == 2
    assert file_dependency("config.toml", b"").lines == 1
    assert citation_of(found) == "config.toml"


def test_spans_naming_one_block_make_one_dependency_that_lists_each_once() -> None:
    team = scope((TEAM, TEAM_RS))
    prose = ("When is `forget` called?", "`CachedTeam::forget` deletes the key; `forget` never reads the db.")
    [forget] = work_out(prose, [], [], team, None)
    assert (forget.name, forget.via, forget.spans) == (
        "CachedTeam::forget",
        "mention",
        ["forget", "CachedTeam::forget"],
    )


def test_an_earlier_dependency_the_prose_no_longer_names_is_not_kept() -> None:
    team = scope((TEAM, TEAM_RS))
    earlier = work_out(("Who is active?", "`active_members` skips the away."), [], [], team, None)
    assert [d.name for d in earlier] == ["CachedTeam::active_members"]
    now = work_out(("When is `forget` called?", "On a team's deletion."), [], [], team, earlier)
    assert [(d.name, d.spans) for d in now] == [("CachedTeam::forget", ["forget"])]


def test_a_last_segment_is_what_follows_the_last_separator() -> None:
    source = (
        "impl std::convert::From<Row> for Team {\n"
        "    fn from(row: Row) -> Team {\n        Team { id: row.id }\n    }\n}\n\n"
        "fn load(row: Row) -> Team {\n    Team::from(row)\n}\n"
    )  # `from` is in the text of two blocks apart: only the last segment of the fn's name tells them apart
    found = scope((TEAM, source)).mentioned("from")
    assert found is not None and found.name == "<Team as std::convert::From<Row>>::from"


def test_a_block_mentioned_and_cited_is_one_dependency_via_citation_with_the_spans() -> None:
    both = scope((TEAM, TEAM_RS), (HANDLERS, HANDLERS_RS))
    prose = ("Who calls `post_team_message`?", "The message route.")
    [handler] = work_out(prose, [], [f"{HANDLERS}::post_team_message"], both, None)
    assert (handler.name, handler.via, handler.spans) == ("post_team_message", "citation", ["post_team_message"])


def test_an_earlier_dependency_gone_upstream_keeps_only_the_spans_still_in_the_prose() -> None:
    prose = ("Who is active?", "`active_members` and `CachedTeam::active_members` skip the away.")
    earlier = work_out(prose, [], [], scope((TEAM, TEAM_RS)), None)
    gone = scope((TEAM, TEAM_RS.replace("fn active_members(", "fn present_members(")))
    [kept] = work_out(("Who is active?", "`CachedTeam::active_members` skips the away."), [], [], gone, earlier)
    assert (kept.name, kept.spans, kept.gone) == ("CachedTeam::active_members", ["CachedTeam::active_members"], True)

"""Change classes from real tree-sitter parses of Rust written for these tests."""

from __future__ import annotations

import pytest

from svixsync.blocks import Block, extract
from svixsync.compare import RENAME_SIMILARITY, compare, similarity
from tests.rust_source import EVICT_ALL, FORGET, TEAM_RS


def block(source: str, name: str) -> Block:
    return next(b for b in extract("src/team.rs", source.encode()) if b.name == name)


def classes(old: str, new: str) -> list[tuple[str, str, str | None]]:
    changes = compare(extract("a.rs", old.encode()), extract("a.rs", new.encode()), {})
    return [(c.change, c.block.name, c.old_name) for c in changes]


@pytest.mark.parametrize(
    ("new_text", "label"),
    [
        (
            FORGET.replace("fn forget(", "fn drop_team(")
            .replace("id: &str", "team_id: &str")
            .replace("new(id)", "new(team_id)"),
            "rename with a renamed parameter",
        ),
        (FORGET.replace("fn forget(", "fn drop_team("), "plain rename"),
    ],
)
def test_renames_score_above_the_threshold(new_text: str, label: str) -> None:
    renamed = TEAM_RS.replace(FORGET, new_text)
    new_name = "CachedTeam::drop_team"
    assert similarity(block(TEAM_RS, "CachedTeam::forget"), block(renamed, new_name)) >= RENAME_SIMILARITY, label
    assert ("renamed", new_name, "CachedTeam::forget") in classes(TEAM_RS, renamed)


def test_rename_with_doc_edit_is_still_a_rename() -> None:
    renamed = TEAM_RS.replace("fn forget(", "fn drop_team(").replace(
        "Drops the cached team.", "Drops the cached team from the cache."
    )
    assert ("renamed", "CachedTeam::drop_team", "CachedTeam::forget") in classes(TEAM_RS, renamed)


def test_near_miss_same_signature_other_body_is_removed_and_added() -> None:
    changed = TEAM_RS.replace(FORGET, EVICT_ALL)
    score = similarity(block(TEAM_RS, "CachedTeam::forget"), block(changed, "CachedTeam::evict_all"))
    assert 0.7 < score < RENAME_SIMILARITY  # close, and still not a rename
    result = classes(TEAM_RS, changed)
    assert ("removed", "CachedTeam::forget", None) in result
    assert ("added", "CachedTeam::evict_all", None) in result


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("v.iter().map(|x| !x.0.is_empty())", "v.iter().map(|x| {\n        !x.0.is_empty()\n    })", "cosmetic"),
        ("v.iter().filter(|m| { return !m.away })", "v.iter().filter(|m| !m.away)", "cosmetic"),
        ("f(a, b)", "f(\n        a,\n        b,\n    )", "cosmetic"),
        ("f(a, b)", "f(b, a)", "semantic"),
        ("(a,)", "(a)", "semantic"),
        ("f(a) // fetch a\n", "f(a) // fetch the a\n", "doc"),
        ("f(a) // fetch a\n", "f(a)   //   fetch   a\n", "cosmetic"),
        ('s("é")', 's("e")', "semantic"),
    ],
)
def test_token_normalisation_is_sound(old: str, new: str, expected: str) -> None:
    template = "fn main() {{\n    let _ = {};\n}}\n"
    assert classes(template.format(old), template.format(new)) == [(expected, "main", None)]


def test_tail_return_in_fn_body_is_cosmetic() -> None:
    old = "fn main() -> u8 {\n    let a = 1;\n    return a;\n}\n"
    new = "fn main() -> u8 {\n    let a = 1;\n    a\n}\n"
    assert classes(old, new) == [("cosmetic", "main", None)]
    early = "fn main() -> u8 {\n    return 1;\n    2\n}\n"
    assert classes(early, "fn main() -> u8 {\n    1;\n    2\n}\n") == [("semantic", "main", None)]


def test_use_regrouping_is_cosmetic_but_a_new_import_is_semantic() -> None:
    old = "use a::{b, c::{d, e}};\nuse f::g;\n\nfn main() {}\n"
    regrouped = "use f::g;\nuse a::c::{e, d};\nuse a::b;\n\nfn main() {}\n"
    added = "use a::{b, c::{d, e}};\nuse f::{g, h};\n\nfn main() {}\n"
    assert classes(old, regrouped) == [("cosmetic", "use", None)]
    assert classes(old, added) == [("semantic", "use", None)]


def test_serde_alias_field_rename_is_semantic() -> None:
    old = TEAM_RS
    new = TEAM_RS.replace(
        '#[serde(rename = "away_flag", alias = "away")]\n    pub away: bool,',
        '#[serde(rename = "away_flag", alias = "away")]\n    pub is_away: bool,',
    )
    assert ("semantic", "CachedMember", None) in classes(old, new)

"""Change classes from real tree-sitter parses of Rust written for these tests."""

from __future__ import annotations

import pytest

from svixsync.blocks import Block, extract
from svixsync.compare import RENAME_SIMILARITY, compare, similarity
from tests.rust_library import RUNTIME_RS, WALKER_RS
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


def events(old: str, new: str) -> list[tuple[str, str, str | None]]:
    return classes(old, new)


def test_a_change_to_one_of_two_namesakes_is_that_ones_alone() -> None:
    changed = WALKER_RS.replace("self.depth == 0", "self.depth == 0 && self.path_is_set()")
    assert events(WALKER_RS, changed) == [
        ("semantic", "impl Entry<T> [3]", None),
        ("semantic", "Entry::is_root", None),
    ]


def test_a_change_to_one_cfg_alternative_is_classified_for_it() -> None:
    changed = WALKER_RS.replace("let meta = ent.metadata()?;", "let meta = fs::metadata(ent.path())?;")
    assert events(WALKER_RS, changed) == [
        ("semantic", "impl Entry<T> [1]", None),
        ("semantic", "Entry::from_os [cfg(windows)]", None),
    ]


def test_a_new_namesake_moves_the_others_by_position_and_nothing_else_changes() -> None:
    added = "impl<T> Entry<T> {\n    pub fn new(path: T) -> Entry<T> {\n        Entry { path, depth: 0 }\n    }\n}\n\n"
    changed = WALKER_RS.replace("impl<T: AsRef<str>> Entry<T> {", added + "impl<T: AsRef<str>> Entry<T> {")
    assert events(WALKER_RS, changed) == [
        ("added", "impl Entry<T> [1]", None),
        ("added", "Entry::new", None),
        ("moved", "impl Entry<T> [2]", "impl Entry<T> [1]"),
        ("moved", "impl Entry<T> [3]", "impl Entry<T> [2]"),
        ("moved", "impl Entry<T> [4]", "impl Entry<T> [3]"),
    ]


def test_a_comment_typo_inside_a_macro_body_is_doc_for_the_item_it_is_in() -> None:
    typo = RUNTIME_RS.replace("Runs a future to completion.", "Runs a future to completion")
    assert events(RUNTIME_RS, typo) == [("doc", "impl Runtime", None), ("doc", "Runtime::block_on", None)]
    changed = RUNTIME_RS.replace("Ok(())", "Err(io::ErrorKind::Unsupported.into())")
    assert events(RUNTIME_RS, changed) == [("semantic", "bind_default", None)]


def test_members_carried_along_by_a_header_change_are_moved() -> None:
    changed = WALKER_RS.replace("impl<T> Visit for Entry<T> {", "impl<T> walk::Visit for Entry<T> {")
    assert events(WALKER_RS, changed) == [
        ("renamed", "impl walk::Visit for Entry<T>", "impl Visit for Entry<T>"),
        ("moved", "<Entry<T> as walk::Visit>::visit", "<Entry<T> as Visit>::visit"),
        ("moved", "<Entry<T> as walk::Visit>::leave", "<Entry<T> as Visit>::leave"),
    ]
    # A type parameter dropped from an inherent impl: its members keep their names and their text.
    concrete = WALKER_RS.replace(
        "impl<T> Entry<T> {\n    pub fn into_path", "impl Entry<String> {\n    pub fn into_path"
    )
    assert events(WALKER_RS, concrete) == [
        ("renamed", "impl Entry<String>", "impl Entry<T> [2]"),
        ("moved", "impl Entry<T> [2]", "impl Entry<T> [3]"),
    ]


def test_a_member_whose_parent_and_body_both_changed_keeps_its_content_class() -> None:
    changed = WALKER_RS.replace("impl<T> Visit for Entry<T> {", "impl<T> walk::Visit for Entry<T> {").replace(
        "depth <= self.depth", "depth < self.depth"
    )
    assert ("semantic", "<Entry<T> as walk::Visit>::visit", "<Entry<T> as Visit>::visit") in events(WALKER_RS, changed)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("fn f<T>(x: T) -> T\nwhere\n    T: Copy,\n{\n    x\n}", "fn f<T>(x: T) -> T\nwhere\n    T: Copy\n{\n    x\n}"),
        ('fn f() {\n    println!("{}", a);\n}', 'fn f() {\n    println!(\n        "{}",\n        a,\n    );\n}'),
        (
            "fn f() {\n    let v = vec![g(a)?, h(b)];\n}",
            "fn f() {\n    let v = vec![\n        g(\n            a,\n        )?,\n        h(b),\n    ];\n}",
        ),
        (
            "fn f(x: u8) -> u8 {\n    match x {\n        0 => match y { _ => 1 },\n        _ => 2,\n    }\n}",
            (
                "fn f(x: u8) -> u8 {\n    match x {\n        0 => {\n            match y { _ => 1 }\n        }\n"
                "        _ => 2,\n    }\n}"
            ),
        ),
        (
            "fn f(x: u8) -> u8 {\n    match x {\n        0 => if a { 1 } else { 2 },\n        _ => 2,\n    }\n}",
            (
                "fn f(x: u8) -> u8 {\n    match x {\n        0 => {\n            if a { 1 } else { 2 }\n        }\n"
                "        _ => 2,\n    }\n}"
            ),
        ),
        (
            "fn f() -> u8 {\n    if a {\n        return 1\n    }\n    2\n}",
            "fn f() -> u8 {\n    if a {\n        return 1;\n    }\n    2\n}",
        ),
        (
            "fn f() {\n    loop {\n        if a { break }\n        if b { continue }\n    }\n}",
            "fn f() {\n    loop {\n        if a { break; }\n        if b { continue; }\n    }\n}",
        ),
        (
            (
                "fn f(x: u8) -> Option<u8> {\n    let y = match x {\n        0 => { return None; }\n        v => v,\n"
                "    };\n    Some(y)\n}"
            ),
            (
                "fn f(x: u8) -> Option<u8> {\n    let y = match x {\n        0 => return None,\n        v => v,\n"
                "    };\n    Some(y)\n}"
            ),
        ),
        (
            "fn f(x: u8) -> u8 {\n    match x {\n        | 0 | 1 => 1,\n        _ => 2,\n    }\n}",
            "fn f(x: u8) -> u8 {\n    match x {\n        0 | 1 => 1,\n        _ => 2,\n    }\n}",
        ),
        (
            "fn f() {\n    use std::io;\n    use std::fmt::{self, Write};\n    io::stdout();\n}",
            "fn f() {\n    use std::fmt::{Write, self};\n    use std::io;\n    io::stdout();\n}",
        ),
        (
            "mod m {\n    use a::B;\n    use a::C;\n\n    fn g() {}\n}",
            "mod m {\n    use a::{C, B};\n\n    fn g() {}\n}",
        ),
        ("fn f() -> (u8, u16) {\n    (1, 2)\n}", "fn f() -> (\n    u8,\n    u16,\n) {\n    (1, 2,)\n}"),
    ],
    ids=[
        "where-comma",
        "macro-argument-comma",
        "call-comma-inside-macro",
        "braces-around-lone-match",
        "braces-around-lone-if",
        "return-semicolon",
        "break-continue-semicolon",
        "braced-return-arm",
        "leading-pipe",
        "use-order-in-fn",
        "use-grouping-in-mod",
        "pair-comma",
    ],
)
def test_rustfmt_no_ops_are_cosmetic(old: str, new: str) -> None:
    found = events(old + "\n", new + "\n")
    assert found and {change for change, _, _ in found} == {"cosmetic"}, found


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("fn f() {\n    m!((a,));\n}", "fn f() {\n    m!((a));\n}"),
        ("macro_rules! m {\n    () => { g!(a, b,) };\n}", "macro_rules! m {\n    () => { g!(a, b) };\n}"),
        (
            "fn f() {\n    match x {\n        0 => { g(); }\n        _ => {}\n    }\n}",
            "fn f() {\n    match x {\n        0 => g(),\n        _ => {}\n    }\n}",
        ),
        ("fn f() {\n    use a::B;\n}", "fn f() {\n    use a::C;\n}"),
    ],
    ids=["one-element-tuple-in-macro", "inside-macro-rules", "arm-with-a-statement", "another-import"],
)
def test_near_no_ops_that_change_meaning_stay_semantic(old: str, new: str) -> None:
    assert {change for change, _, _ in events(old + "\n", new + "\n")} == {"semantic"}


def test_renames_in_bulk_each_find_their_own_partner() -> None:
    def module(prefix: str, edited: bool) -> str:
        return "".join(
            f"pub fn {prefix}_{index}(cache: &Cache, id: u64) -> u64 {{\n"
            f'    let key = Key::new("k{index * 7919 % 1000}", id);\n'
            f"    cache.get(&key).unwrap_or({index}){' + 1' if edited else ''}\n}}\n\n"
            for index in range(120)
        )

    found = events(module("lookup", False), module("fetch", True))
    assert len(found) == 120
    assert all(change == "renamed" and old == f"lookup_{name.split('_')[1]}" for change, name, old in found)


def test_a_rename_at_exactly_the_threshold_is_a_rename() -> None:
    # Names masked, 17 characters against 20, three inserted: 1 - 3/20 is RENAME_SIMILARITY itself.
    old, new = "fn a() { fo(1); }\n", "fn b() { fo(1);xyz }\n"
    assert similarity(block(old, "a"), block(new, "b")) == RENAME_SIMILARITY
    assert classes(old, new) == [("renamed", "b", "a")]
    assert classes(old, "fn b() { fo(1);wxyz }\n") == [("added", "b", None), ("removed", "a", None)]


def test_renames_pair_best_first_and_each_block_once() -> None:
    # Every old fn is similar enough to every new one; the closest pairs win, whatever their order in the file.
    old = "fn a() { let alpha = compute(1, 2, 3); }\nfn b() { let alpha = compute(1, 2, 4); }\n"
    crossed = "fn c() { let alpha = compute(1, 2, 4); y; }\nfn d() { let alpha = compute(1, 2, 3); x; }\n"
    assert classes(old, crossed) == [("renamed", "c", "b"), ("renamed", "d", "a")]
    # Two vanished fns close to one new fn: the closer is renamed, the other removed.
    one = "fn c() { let alpha = compute(1, 2, 3); x; }\n"
    assert classes(old, one) == [("renamed", "c", "a"), ("removed", "b", None)]


def test_blocks_far_apart_in_size_or_in_characters_are_never_renames() -> None:
    long_body = "".join(f"    step_{index}(x);\n" for index in range(40))
    assert classes("fn a() { x }\n", f"fn b() {{\n{long_body}}}\n") == [("added", "b", None), ("removed", "a", None)]
    same_size = classes("fn a() { aaaaaaaaaaaaaaaaaaaa }\n", "fn b() { zzzzzzzzzzzzzzzzzzzz }\n")
    assert same_size == [("added", "b", None), ("removed", "a", None)]


def test_a_vanished_block_is_renamed_to_one_new_block_at_most() -> None:
    old = "fn a() { let alpha = compute(1, 2, 3); }\n"
    two = "fn c() { let alpha = compute(1, 2, 3); x; }\nfn d() { let alpha = compute(1, 2, 4); y; }\n"
    assert classes(old, two) == [("renamed", "c", "a"), ("added", "d", None)]


def shortlisted(news: int, shared_by: int) -> list[tuple[str, str, str | None]]:
    """``news`` new fns, ``old0`` renamed to ``new0`` with one letter changed: both name `tag_one`, which
    ``shared_by`` of the new fns name in all (the others less like old0); every other identifier is in every fn, or
    in one alone."""

    def body(prefix: str, index: int, tagged: int) -> str:
        if index >= tagged:
            return f"let v = own_{prefix}_{index}(1);"
        return {("old", 0): "let v = tag_one(1);", ("new", 0): "let w = tag_one(1);"}.get(
            (prefix, index), "let u = tag_one(22);"
        )

    def module(prefix: str, tagged: int) -> str:
        return "".join(f"fn {prefix}{index}() {{ {body(prefix, index, tagged)} }}\n" for index in range(news))

    return classes(module("old", 1), module("new", shared_by))


def test_past_forty_candidates_a_rename_is_found_by_a_rare_shared_identifier() -> None:
    # Up to ALL_CANDIDATES new blocks, every pair is scored; past it, a shared identifier counts while it is in at
    # most a tenth of the new blocks (two at least).
    assert ("renamed", "new0", "old0") in shortlisted(40, 40)
    assert ("renamed", "new0", "old0") in shortlisted(50, 5)
    assert ("renamed", "new0", "old0") not in shortlisted(50, 6)


def test_renames_in_bulk_whose_old_text_has_words_the_new_one_lacks() -> None:
    # More than ALL_CANDIDATES blocks: each vanished one is scored against those sharing its rarer identifiers; the
    # identifier it lost (`old_tmp`) is in no new block at all.
    def module(prefix: str, local: str) -> str:
        return "".join(f"fn {prefix}{index}() {{ let {local} = key_{index}(1); }}\n" for index in range(50))

    found = classes(module("old", "old_tmp"), module("new", "new_tmp"))
    assert found == [("renamed", f"new{index}", f"old{index}") for index in range(50)]


def test_blocks_of_one_text_pair_with_their_namesakes_first() -> None:
    # Two `impl A` hold the same fn, so their members are told apart by position alone; a new `impl B` with that
    # very fn comes first in the file. Unchanged, the members of A keep their names; B's is new.
    method = "    fn x(&self) -> u8 { 1 }\n"
    old = f"struct A;\nimpl A {{\n{method}}}\nimpl A {{\n{method}}}\n"
    new = f"struct A;\nstruct B;\nimpl B {{\n{method}}}\n" + old.removeprefix("struct A;\n")
    assert classes(old, "struct A;\n" + new.removeprefix("struct A;\n")) == [
        ("added", "B", None),
        ("added", "impl B", None),
        ("added", "B::x", None),
    ]


def test_several_removed_blocks_come_last_in_file_order() -> None:
    assert classes("fn a() {}\nfn b() {}\nfn c() {}\n", "fn b() {}\nfn d() { e() }\n") == [
        ("added", "d", None),
        ("removed", "a", None),
        ("removed", "c", None),
    ]
    # The first of three namesakes told apart by position is gone: the others move up a place, and the one removed
    # bears a name a new block has too.
    assert classes("fn g() {}\nm!(A, 1);\nm!(A, 2);\nm!(A, 3);\n", "m!(A, 2);\nm!(A, 3);\n") == [
        ("moved", "m!(A) [1]", "m!(A) [2]"),
        ("moved", "m!(A) [2]", "m!(A) [3]"),
        ("removed", "g", None),
        ("removed", "m!(A) [1]", None),
    ]


def test_namesakes_told_apart_by_cfg_keep_their_identity_when_their_bodies_swap() -> None:
    doubled = "let total = values.iter().map(|v| v * 2).sum::<u64>(); total + 1"
    counted = "let count = values.len() as u64; count * 3"

    def module(unix: str, windows: str) -> str:
        return "".join(
            f"#[cfg({cfg})]\nfn f(values: &[u64]) -> u64 {{\n    {body}\n}}\n"
            for cfg, body in (("unix", unix), ("windows", windows))
        )

    assert classes(module(doubled, counted), module(counted, doubled)) == [
        ("semantic", "f [cfg(unix)]", None),
        ("semantic", "f [cfg(windows)]", None),
    ]


def test_members_carried_along_are_paired_by_their_text_before_their_likeness() -> None:
    # With their names masked, x and y read alike; their texts, which hold their names, tell them apart.
    old = "struct A;\nimpl A {\n    fn x() -> u8 { 1 }\n    fn y() -> u8 { 1 }\n}\n"
    new = "struct A;\nimpl B for A {\n    fn y() -> u8 { 1 }\n    fn x() -> u8 { 1 }\n}\n"
    assert classes(old, new) == [
        ("renamed", "impl B for A", "impl A"),
        ("moved", "<A as B>::y", "A::y"),
        ("moved", "<A as B>::x", "A::x"),
    ]


NAMESAKES_OLD = """fn gone() -> u8 {
    1
}

#[cfg(unix)]
fn f() -> u32 {
    let a = read_config("unix");
    a.len() as u32 + 1
}

#[cfg(windows)]
fn f() -> u32 {
    7
}

#[cfg(unix)]
fn g(x: u32) -> u32 {
    let doubled = x.checked_mul(2).expect("the offset table holds at most u32::MAX / 2 entries");
    let shifted = doubled.checked_add(offset()).expect("offsets stay small enough to add");
    shifted.rotate_left(3) ^ 0x5bd1_e995
}

#[cfg(windows)]
fn g(x: u32) -> u32 {
    let table = load_table();
    table[x as usize]
}

#[cfg(unix)]
fn h() -> &'static str {
    "unix"
}
"""
NAMESAKES_NEW = """#[cfg(target_os = "linux")]
fn f() -> u32 {
    std::process::id()
}

#[cfg(windows)]
fn f() -> u32 {
    7
}

#[cfg(target_os = "linux")]
fn g(x: u32) -> u32 {
    let doubled = x.checked_mul(2).expect("the offset table holds at most u32::MAX / 2 entries");
    let shifted = doubled.checked_add(offset()).expect("offsets stay small enough to add");
    shifted.rotate_left(3) ^ 0x5bd1_e995
}

#[cfg(target_os = "macos")]
fn g(x: u32) -> u32 {
    unreachable!("no table here: {}", x)
}

#[cfg(target_os = "linux")]
fn h() -> &'static str {
    concat!("li", "nux")
}

#[cfg(target_os = "macos")]
fn h() -> &'static str {
    env!("MACOS_NAME")
}
"""


def test_namesakes_whose_cfg_changed_pair_the_likest_first_then_the_last_one_of_each() -> None:
    # `gone` has no namesake left: its group is passed over, the groups after it still paired. `g [cfg(unix)]` pairs
    # with its copy by likeness, then the last one of each side, however unalike; one `h` against two is no pair.
    assert classes(NAMESAKES_OLD, NAMESAKES_NEW) == [
        ("semantic", 'f [cfg(target_os = "linux")]', "f [cfg(unix)]"),
        ("semantic", 'g [cfg(target_os = "linux")]', "g [cfg(unix)]"),
        ("semantic", 'g [cfg(target_os = "macos")]', "g [cfg(windows)]"),
        ("added", 'h [cfg(target_os = "linux")]', None),
        ("added", 'h [cfg(target_os = "macos")]', None),
        ("removed", "gone", None),
        ("removed", "h", None),
    ]

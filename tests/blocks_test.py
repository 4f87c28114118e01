"""Block extraction: names of contract §1, whole-line byte-exact text, attached comments, test modules."""

from __future__ import annotations

import pytest

from svixsync import cfg
from svixsync.blocks import extract
from svixsync.errors import FatalError
from tests.rust_library import RUNTIME_RS, WALKER_RS
from tests.rust_source import TEAM_RS


def test_names_kinds_and_lines_of_a_module_shaped_like_the_real_one() -> None:
    blocks = extract("src/team.rs", TEAM_RS.encode())
    assert [(b.kind, b.name, b.start_line, b.end_line) for b in blocks] == [
        ("use", "use", 1, 4),
        ("struct", "CachedTeam", 6, 12),
        ("impl", "impl CachedTeam", 14, 40),
        ("fn", "CachedTeam::load_from_db", 15, 19),
        ("fn", "CachedTeam::forget", 21, 24),
        ("fn", "CachedTeam::cached_fetch", 26, 35),
        ("fn", "CachedTeam::active_members", 37, 39),
        ("struct", "CachedMember", 42, 48),
        ("macro", "kv_def!(TeamKey)", 50, 50),
        ("impl", "impl TeamKey", 51, 55),
        ("fn", "TeamKey::new", 52, 54),
    ]


def test_text_is_whole_lines_with_attached_doc_and_indentation() -> None:
    blocks = {b.name: b for b in extract("src/team.rs", TEAM_RS.encode())}
    assert blocks["CachedTeam::forget"].text == (
        "    /// Drops the cached team.\n"
        "    pub async fn forget(cache: &Cache, id: &str) -> Result<()> {\n"
        "        cache.delete(&TeamKey::new(id)).await\n"
        "    }"
    )
    member = blocks["CachedMember"].text
    assert member.startswith("/// One member of a team — « café » crew included.\n#[derive(")
    assert member.endswith("pub away: bool,\n}")


def test_trait_impls_generics_mods_and_a_blank_line_before_a_comment() -> None:
    source = (
        "// detached note\n\n"
        "impl<T: Clone> From<Wrapper<T>> for  Vec<T> {\n"
        "    fn from(w: Wrapper<T>) -> Self { w.0 }\n}\n\n"
        "mod inner {\n    pub const LIMIT: u16 = 3;\n}\n\n"
        "#[cfg(test)]\nmod tests {\n    fn hidden() {}\n}\n"
    )
    names = [(b.kind, b.name, b.text.splitlines()[0]) for b in extract("x.rs", source.encode())]
    assert names == [
        ("impl", "impl From<Wrapper<T>> for Vec<T>", "impl<T: Clone> From<Wrapper<T>> for  Vec<T> {"),
        ("fn", "<Vec<T> as From<Wrapper<T>>>::from", "    fn from(w: Wrapper<T>) -> Self { w.0 }"),
        ("mod", "mod inner", "mod inner {"),
        ("const", "inner::LIMIT", "    pub const LIMIT: u16 = 3;"),
    ]


def test_trailing_comment_of_previous_line_is_not_attached() -> None:
    source = "const A: u8 = 1; // about A\nconst B: u8 = 2;\n"
    blocks = extract("x.rs", source.encode())
    assert [b.text for b in blocks] == ["const A: u8 = 1;", "const B: u8 = 2;"]


def test_non_ascii_offsets_are_bytes() -> None:
    source = '/// Ünïcödé 🚀 doc\nfn straße() -> &\'static str { "日本" }\n'
    (block,) = extract("x.rs", source.encode())
    assert block.name == "straße"
    assert block.text == source.rstrip("\n")


def test_syntax_error_is_reported_not_dropped() -> None:
    with pytest.raises(FatalError, match=r"x.rs: Rust syntax error near line 2"):
        extract("x.rs", b"fn ok() {}\nfn broken( {\n")


def names(source: str) -> list[str]:
    return [block.name for block in extract("x.rs", source.encode())]


def test_namesakes_get_their_cfg_or_their_position_as_qualifier() -> None:
    found = names(WALKER_RS)
    assert "Entry::from_os [cfg(unix)]" in found and "Entry::from_os [cfg(windows)]" in found
    assert [n for n in found if n.startswith("impl Entry")] == [
        "impl Entry<T> [1]",
        "impl Entry<T> [2]",
        "impl Entry<T> [3]",
    ]
    assert [n for n in found if n.startswith("impl_visit!")] == ["impl_visit!(Walker) [1]", "impl_visit!(Walker) [2]"]
    assert len(found) == len(set(found))


def test_member_names_drop_the_types_generic_arguments() -> None:
    found = names(WALKER_RS)
    assert [name for name in found if name.startswith("Entry::")] == [
        "Entry::depth",
        "Entry::from_os [cfg(unix)]",
        "Entry::from_os [cfg(windows)]",
        "Entry::into_path",
        "Entry::is_root",
    ]
    # A trait impl keeps `<Type as Trait>::name` as written.
    assert "<Entry<T> as Visit>::visit" in found


def test_items_inside_item_level_macros_are_blocks_named_where_the_invocation_stands() -> None:
    blocks = {b.name: b for b in extract("src/runtime.rs", RUNTIME_RS.encode())}
    assert list(blocks) == [
        "use",
        "spawn [1]",
        "impl Runtime",
        "Runtime::block_on",
        "bind_default",
        "spawn [2]",
        "kv_def!(RuntimeKey)",
        "CURRENT",
        "mod shutdown",
        "shutdown::kv_def!(ShutdownKey)",
        "shutdown::shutdown_now",
    ]
    assert blocks["Runtime::block_on"].text == (
        "        /// Runs a future to completion.\n"
        "        pub fn block_on<F: Future>(&self, future: F) -> F::Output {\n"
        "            self.handle.enter(|| self.scheduler.block_on(future))\n"
        "        }"
    )
    assert (blocks["bind_default"].start_line, blocks["bind_default"].end_line) == (18, 20)
    assert blocks["CURRENT"].kind == "static"


def test_macro_names_are_bounded_and_a_long_name_is_cut() -> None:
    source = (
        "fuzz_target!(|data: &[u8]| {\n    let _ = parse(data);\n});\n"
        "tuple_impls!(2 => (0 T0 1 T1) 3 => (0 T0 1 T1 2 T2));\n"
        "key_def!(crate::cache::Key, Value);\nrouted!(get index);\n"
        'include!(concat!(env!("OUT_DIR"), "/generated.rs"));\n'
        f"impl Handler for Service<{', '.join(f'Parameter{i}' for i in range(40))}> {{}}\n"
    )
    found = names(source)
    assert found[:5] == ["fuzz_target!", "tuple_impls!", "key_def!(crate::cache::Key)", "routed!", "include!"]
    assert len(found[5]) == 200 and found[5].endswith("…") and found[5].startswith("impl Handler for Service<")


def test_test_code_is_never_a_block() -> None:
    found = names(WALKER_RS)
    assert "helper" not in found and not any("tests" in n or "walks" in n for n in found)
    assert "only_in_builds" in found  # `not(test)` does not require test
    assert names("#![cfg(test)]\nfn only_in_tests() {}\n") == []
    kept = names("#[cfg(any(test, fuzzing))]\nfn shared() {}\n#[cfg(all(unix, test))]\nimpl Probe {}\n")
    assert kept == ["shared"]


@pytest.mark.parametrize(
    ("predicate", "required"),
    [
        ("test", True),
        ("all(test, not(loom))", True),
        ("any(test, all(test, unix))", True),
        ("any(test, fuzzing)", False),
        ("not(test)", False),
        ('feature = "test"', False),
        ("all(unix, any(test))", True),
        ("all(test", False),
    ],
)
def test_which_cfg_predicates_require_test(predicate: str, required: bool) -> None:
    assert cfg.requires_test(predicate) is required


def test_use_declarations_spread_through_a_file_make_one_block_per_run() -> None:
    source = (
        "use std::fmt;\n// the io side\nuse std::io;\n\nmod driver;\n\n"
        "pub use driver::Driver;\n#[cfg(test)]\nuse driver::Mock;\npub use driver::Handle;\n\n"
        "fn run() {}\n\nuse std::sync::Arc;\n"
    )
    blocks = extract("x.rs", source.encode())
    assert [(b.name, b.start_line, b.end_line) for b in blocks] == [
        ("use", 1, 3),
        ("use [2]", 7, 10),
        ("run", 12, 12),
        ("use [3]", 14, 14),
    ]


def test_a_macro_invocation_in_an_inline_mod_keeps_its_semicolon() -> None:
    blocks = {b.name: b for b in extract("src/runtime.rs", RUNTIME_RS.encode())}
    assert blocks["shutdown::kv_def!(ShutdownKey)"].text == "    kv_def!(ShutdownKey, Shutdown);"
    assert blocks["kv_def!(RuntimeKey)"].text == "kv_def!(RuntimeKey, Runtime);"


@pytest.mark.parametrize(
    "body",
    [
        "    let ino = try!(ent.ino());\n    Ok(box ino)\n",  # 2015-edition forms
        "    let = ;\n    match x { => 1 }\n",
        "    foo(|x| { x + 1 );\n",
    ],
    ids=["try-and-box", "broken-statements", "unclosed-closure"],
)
def test_a_syntax_error_inside_a_body_keeps_the_items_apart(body: str) -> None:
    source = f"fn before() {{}}\n\nfn damaged(ent: Entry) -> Result<u64> {{\n{body}}}\n\nfn after() {{}}\n"
    blocks = extract("x.rs", source.encode())
    assert [(b.name, b.start_line) for b in blocks] == [
        ("before", 1),
        ("damaged", 3),
        ("after", 3 + body.count("\n") + 3),
    ]
    assert blocks[1].text.endswith(body + "}")


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("fn a() {}\n}\nfn b() {}\n", 2),
        ("impl X {\n    fn a() {}\n\nfn b() {}\n", 4),
        ("struct S {\n    a: u8,\n\nfn b() {}\n", 4),
        ("fn ok() {}\nfn broken( {\n", 2),
    ],
    ids=["stray-brace", "unclosed-impl", "struct-swallows-fn", "unclosed-fn"],
)
def test_a_revision_whose_items_cannot_be_told_apart_is_unreadable(source: str, line: int) -> None:
    with pytest.raises(FatalError, match=rf"x.rs: Rust syntax error near line {line}\b"):
        extract("x.rs", source.encode())


def test_a_damaged_parameter_list_keeps_the_fn_a_block() -> None:
    source = "fn ok() {}\n\npub fn broken( {\n    let = ;\n}\n\nfn after() {}\n"
    assert [(b.name, b.start_line, b.end_line) for b in extract("x.rs", source.encode())] == [
        ("ok", 1, 1),
        ("broken", 3, 5),
        ("after", 7, 7),
    ]

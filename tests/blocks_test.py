"""Block extraction: names of contract §1, whole-line byte-exact text, attached comments, test modules."""

from __future__ import annotations

import pytest

from svixsync.blocks import extract
from svixsync.errors import FatalError
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

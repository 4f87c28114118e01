"""Block names (contract §1): the 200-character bound and the qualifiers that tell namesakes apart."""

from __future__ import annotations

from svixsync.names import MAX_NAME, base_name, bounded, is_positional, label, own_name, qualified


def test_a_name_is_cut_only_past_the_bound() -> None:
    assert bounded("x" * MAX_NAME) == "x" * MAX_NAME
    assert bounded("x" * (MAX_NAME + 1)) == "x" * (MAX_NAME - 1) + "…"
    assert bounded("abcdef", limit=4) == "abc…"


def test_namesakes_are_told_apart_by_all_their_cfgs_else_by_position() -> None:
    several = [("fn", "f", ["cfg(unix)", 'cfg(feature = "a")']), ("fn", "f", ["cfg(windows)"]), ("fn", "g", [])]
    assert qualified(several) == ['f [cfg(unix), cfg(feature = "a")]', "f [cfg(windows)]", "g"]
    one_without = [("fn", "f", ["cfg(unix)"]), ("fn", "f", [])]
    assert qualified(one_without) == ["f [1]", "f [2]"]
    alike = [("fn", "f", ["cfg(unix)"]), ("fn", "f", ["cfg(unix)"])]
    assert qualified(alike) == ["f [1]", "f [2]"]
    long_cfg = "cfg(" + "a" * 100 + ")"
    assert qualified([("fn", "f", [long_cfg]), ("fn", "f", ["cfg(b)"])]) == ["f [1]", "f [2]"]
    assert qualified([("fn", "f", []), ("struct", "f", [])]) == ["f", "f"]  # another kind is another identity


def test_a_qualified_name_stays_within_the_bound() -> None:
    long = "x" * 250
    names = qualified([("fn", long, []), ("fn", long, [])])
    assert names == ["x" * (MAX_NAME - 5) + "… [1]", "x" * (MAX_NAME - 5) + "… [2]"]
    assert [len(name) for name in names] == [MAX_NAME, MAX_NAME]


def test_what_a_qualified_name_is_made_of() -> None:
    assert base_name("Entry::from_os [cfg(unix)]") == "Entry::from_os"
    assert base_name("impl Entry<T> [2]") == "impl Entry<T>"
    assert base_name("kv_def!(Key)") == "kv_def!(Key)"
    assert is_positional("impl Entry<T> [2]") and not is_positional("from_os [cfg(unix)]")
    assert own_name("fn", "<Entry<T> as Visit>::visit [2]") == "visit"
    assert own_name("fn", "r#type") == "r#type"
    assert own_name("impl", "impl Entry<T>") == "impl Entry<T>"
    assert own_name("struct", "m::Item [cfg(unix)]") == "Item"


def test_a_block_is_labelled_by_kind_and_name_once() -> None:
    assert label("fn", "CachedTeam::forget") == "fn CachedTeam::forget"
    assert label("use", "use") == "use"
    assert label("impl", "impl TryFrom<Model> for CachedTeam") == "impl TryFrom<Model> for CachedTeam"
    assert label("struct", "implementation") == "struct implementation"  # a name that merely starts with a kind
    assert label("impl", "implTeam") == "impl implTeam"

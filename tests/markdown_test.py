"""The pieces of the PR comment, one by one: code spans, fences, capped cells, diffs and the size budget."""

from __future__ import annotations

from svixsync.markdown import _capped, _Comment, _link, _request, _size, _why, code, diff, fence

URL = "https://github.com/example/team-service"
SHA = "0123456789abcdef0123456789abcdef01234567"


def test_a_code_span_holds_any_backticks_and_escapes_a_pipe_only_in_a_table() -> None:
    assert code("Team::new") == "`Team::new`"
    assert code("a|b") == "`a\\|b`" and code("a|b", in_table=False) == "`a|b`"
    assert code("`x") == "`` `x ``" and code("x`") == "`` x` ``"
    assert code("a``b") == "```a``b```"
    assert code("a \n  b") == "`a b`"


def test_a_fence_is_longer_than_any_backtick_run_inside() -> None:
    assert fence("x", "diff") == "```diff\nx\n```"
    assert fence("a ```` b") == "`````\na ```` b\n`````"
    assert fence("a\tb\u0007\nc") == "```\na\tb\nc\n```"  # tabs and newlines kept, control characters dropped


def test_a_cell_shows_five_parts_then_counts_the_rest() -> None:
    assert _capped(["a"] * 5, ", ") == "a, a, a, a, a"
    assert _capped(["a"] * 6, "; ") == "a; a; a; a; a; and 1 more"
    assert _capped([], ", ") == ""


def test_a_request_is_cut_at_twelve_words_or_120_characters() -> None:
    twelve = " ".join(f"w{n}" for n in range(12))
    assert _request(twelve) == twelve
    assert _request(twelve + " w12") == twelve + "…"
    assert _request("x" * 120) == "x" * 120
    assert _request("x" * 121) == "x" * 120 + "…"
    assert _request("a *b*") == "a \\*b\\*"


def test_links_and_reasons_in_words() -> None:
    assert _link(URL, SHA) == f"[`{SHA[:12]}`]({URL}/commit/{SHA})"
    assert _link(URL, None) == "no upstream checkout"
    assert _why("renamed", "CachedTeam::forget", None) == "renamed from `CachedTeam::forget`"
    assert _why("moved", None, "src/a|b.rs") == "moved, was in `src/a\\|b.rs`"
    assert _why("semantic", None, None) == "meaning changed (semantic)"
    assert _why("added", None, None) == "added (added)"  # a change the table has no words for


def test_a_diff_says_how_many_unchanged_lines_it_leaves_out() -> None:
    assert diff("a\nb\nc\nd\ne", "a\nb\nC\nd\ne", context=1) == "\n".join(
        ["@@ 1 unchanged line @@", " b", "-c", "+C", " d", "@@ 1 unchanged line @@"]
    )
    assert diff("a\nb\nc\nd\ne\nf\ng", "a\nb\nc\nD\ne\nf\ng", context=1) == "\n".join(
        ["@@ 2 unchanged lines @@", " c", "-d", "+D", " e", "@@ 2 unchanged lines @@"]
    )
    assert diff("a\nb", "a\nb") == "@@ 2 unchanged lines @@"
    assert diff("a", "b") == "-a\n+b"


def test_sizes_count_utf16_code_units() -> None:
    assert _size("a😀") == 3


def test_the_budget_is_filled_exactly_and_what_is_left_out_is_counted() -> None:
    body = _Comment(budget=18)
    body.add("abc")  # 3 characters and the newline after them
    body.add("x" * 30)
    body.add("y" * 30)
    # Room is counted with a newline after each line: h, i1, i2, i3 and t take 4 + 13 + 1 = 18, i4 no longer fits.
    body.lines(["h"], ["i1", "i2", "i3", "i4"], ["t"])
    assert body.parts == ["abc", "h\ni1\ni2\ni3\nt"]
    assert (body.used, body.left_out) == (4 + 12 + 1, 3)
    assert body.fits("") and not body.fits("x")
    roomier = _Comment(budget=19)
    roomier.add("abc")
    roomier.lines(["h"], ["i1", "i2", "i3", "i4"], ["t"])  # i4 would need 4 + 16 + 1 = 21
    assert roomier.parts == ["abc", "h\ni1\ni2\ni3\nt"] and roomier.left_out == 1

"""The dataset boundary: schema errors naming the line, and rewrites that keep every other byte."""

from __future__ import annotations

import json

import pytest

from svixsync.dataset import content, parse, parse_line
from svixsync.errors import FatalError

THINK = "Reason « here »\nover two lines"


def line(code: str = "fn a() {}", *, ensure_ascii: bool = False, spaced: bool = False) -> str:
    document = json.loads(content("sys", "ask \u00e9", THINK, code))
    if spaced:
        return json.dumps(document, ensure_ascii=ensure_ascii, indent=None, separators=(" , ", " : "))
    return json.dumps(document, ensure_ascii=ensure_ascii)


@pytest.mark.parametrize("ensure_ascii", [False, True])
@pytest.mark.parametrize("spaced", [False, True])
@pytest.mark.parametrize("ending", ["\n", "\r\n", ""])
def test_with_code_changes_only_the_code_and_keeps_the_escaping_style(
    ensure_ascii: bool, spaced: bool, ending: str
) -> None:
    raw = line('fn a() { "é" }', ensure_ascii=ensure_ascii, spaced=spaced) + ending
    example = parse_line(1, raw)
    updated = example.with_code('fn b() {\n    "ü\\t" // 🚀\n}')
    assert updated.code == 'fn b() {\n    "ü\\t" // 🚀\n}'
    assert updated.raw.endswith(ending) and (updated.raw.endswith("\r\n") == (ending == "\r\n"))
    prefix = raw[: example.code_start]
    assert updated.raw.startswith(prefix)
    assert (updated.user, updated.think, updated.system) == (example.user, example.think, example.system)
    assert updated.raw.isascii() == ensure_ascii


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("\n{}", "1: blank line"),  # a blank line before another; blank lines at the end are kept
        ('{"type": "chatml",', "1:19: invalid JSON"),
        ('{"type":"chatml","messages":[]}', "messages must be system, user, assistant"),
        (
            json.dumps(
                {
                    "type": "chatml",
                    "messages": [{"role": r, "content": "x"} for r in ("system", "user", "assistant", "assistant")],
                }
            ),
            "found system, user, assistant, assistant",
        ),
        ('{"type":"chatml","messages":[{"role":"system","content":1}]}', "messages.0.content"),
        ('{"type":"chatml","messages":[],"extra":1}', "extra"),
        (
            json.dumps(
                {"type": "chatml", "messages": [{"role": r, "content": "x"} for r in ("user", "system", "assistant")]}
            ),
            "found user, system",
        ),
        (
            json.dumps(
                {"type": "chatml", "messages": [{"role": r, "content": "x"} for r in ("system", "user", "assistant")]}
            ),
            "<think>",
        ),
    ],
)
def test_bad_lines_are_named(raw: str, message: str) -> None:
    with pytest.raises(FatalError, match=None) as caught:
        parse("d.jsonl", (raw + "\n").encode())
    assert str(caught.value).startswith("d.jsonl:1")
    assert message in str(caught.value)


def test_empty_non_utf8_and_duplicate_datasets_are_errors() -> None:
    with pytest.raises(FatalError, match="empty"):
        parse("d.jsonl", b"")
    with pytest.raises(FatalError, match=r"d.jsonl:2: not valid UTF-8"):
        parse("d.jsonl", (line() + "\n").encode() + b"\xff\n")
    for second in (line(), line() + "  ", " " + line(), line() + "\r"):  # the same example, spaced otherwise
        with pytest.raises(FatalError, match=r"d\.jsonl:2: duplicate of line 1"):
            parse("d.jsonl", (line() + "\n" + second + "\n").encode())


@pytest.mark.parametrize("data", [b"\n", b"\n\n", b" \r\n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n\n\n"])
def test_a_dataset_of_blank_lines_is_empty(data: bytes) -> None:
    with pytest.raises(FatalError, match=r"^d\.jsonl: the dataset is empty"):
        parse("d.jsonl", data)
    assert parse("d.jsonl", data, allow_empty=True) == []


@pytest.mark.parametrize(
    "raw",
    [
        line(),
        line(ensure_ascii=True),
        line(spaced=True),
        line('fn a() { "\\"content\\": 1" }'),
        line().replace("</think>", "<\\/think>"),  # an escape json.dumps never writes
        json.dumps(  # the request holds the very answer: its literal is in the line twice
            {
                "type": "chatml",
                "messages": [
                    {"role": "system", "content": "sys"},
                    {"role": "user", "content": "<think>\nt\n</think>\n\nfn a() {}"},
                    {"role": "assistant", "content": "<think>\nt\n</think>\n\nfn a() {}"},
                ],
            }
        ),
        '{"type": "chatml", "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "u"},'
        ' {"role": "assistant", "content": "<think>\\nt\\n</think>\\n\\nfn z() {}",'
        ' "content": "<think>\\nt\\n</think>\\n\\nfn a() {}"}]}',  # a repeated key: the last one counts
        json.dumps(
            {
                "messages": [
                    {"content": "sys", "role": "system"},
                    {"role": "user", "content": "u"},
                    {"content": "<think>\nt\n</think>\n\nfn a() {}", "role": "assistant"},
                ],
                "type": "chatml",
            }
        ),
    ],
)
def test_the_code_literal_is_found_whatever_the_line_s_style(raw: str) -> None:
    document = json.loads(raw)
    expected = document["messages"][2]["content"].split("</think>\n\n", 1)[1]
    example = parse_line(1, raw)
    assert example.code == expected
    document["messages"][2]["content"] = document["messages"][2]["content"].replace(expected, "fn b() {}")
    assert json.loads(example.with_code("fn b() {}").raw) == document


def styled(code: str = "fn a() {}", **dumps: object) -> str:
    """A line as some other tool writes it: `json.dumps` with these options."""
    return json.dumps(json.loads(content("sys", "ask", "Reason « here »", code)), **dumps)  # type: ignore[arg-type]


def test_new_code_is_escaped_as_the_line_escapes() -> None:
    new = "fn b() { ü }"
    raw = parse_line(3, styled(ensure_ascii=False) + "\n")
    assert raw.with_code(new).raw == raw.raw.replace("fn a() {}", new)  # UTF-8 stays UTF-8
    plain = parse_line(3, json.dumps(json.loads(content("sys", "ask", "plain", "fn a() {}"))) + "\n")
    assert plain.with_code(new).raw == plain.raw.replace("fn a() {}", new)  # all ASCII, but nothing escaped
    lower = styled(ensure_ascii=True)
    upper = lower.replace("\\u00ab", "\\u00AB").replace("\\u00bb", "\\u00BB")
    for escaped in (lower, upper):
        example = parse_line(3, escaped + "\n")
        assert example.think == "Reason « here »"
        rewritten = example.with_code(new)
        assert rewritten.raw == escaped.replace("fn a() {}", "fn b() { \\u00fc }") + "\n" and rewritten.number == 3


def test_prose_is_replaced_in_place_whatever_the_spacing_and_key_order() -> None:
    compact = styled(ensure_ascii=False, separators=(",", ":"))
    reordered = json.dumps(
        {
            "messages": [{"content": m["content"], "role": m["role"]} for m in json.loads(compact)["messages"]],
            "type": "chatml",
        }
    )
    for raw in (compact + "\n", reordered + "\r\n", "\r " + compact + " \n"):
        example = parse_line(5, raw)
        changed = example.with_prose("asked again", example.think)
        assert changed.raw == raw.replace('"ask"', '"asked again"') and changed.number == 5
        assert (changed.user, changed.think, changed.code) == ("asked again", example.think, example.code)


def test_an_unchanged_part_keeps_its_own_escapes() -> None:
    raw = styled(ensure_ascii=False).replace("Reason « here »", "Reason \\u00ab here \\u00bb, a\\/b") + "\n"
    example = parse_line(1, raw)
    assert example.think == "Reason « here », a/b"
    assert example.with_prose("new request", example.think).raw == raw.replace('"ask"', '"new request"')


def test_where_messages_appear_twice_the_last_counts_as_for_json() -> None:
    line = json.loads(content("sys", "ask", "Reason", "fn a() {}"))
    first = json.dumps({"type": "chatml", "messages": [{"role": "system", "content": "old"}]})[:-1]
    raw = first + ", " + json.dumps({"messages": line["messages"]})[1:] + "\n"
    example = parse_line(1, raw)
    assert (example.system, example.user) == ("sys", "ask")
    assert example.with_prose("asked", "Reason").raw == raw.replace('"ask"', '"asked"')


def test_a_new_line_keeps_its_unicode_as_it_is() -> None:
    assert content("sys", "ü", "é", "fn a() {}") == (
        '{"type": "chatml", "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "ü"}, '
        '{"role": "assistant", "content": "<think>\\né\\n</think>\\n\\nfn a() {}"}]}'
    )


@pytest.mark.parametrize(
    ("literal", "decoded"),
    [
        ('"abcdef"', 4),  # no backslash anywhere
        ('"ab\\ncdef"', 5),  # an escape, then a run with no backslash left
        ('"a\\u00e9\\/b\\\\c"', 4),
        ('"x\\ud83d\\ude00y\\u00e9"', 3),  # a surrogate pair is one character
        ('"\\u00e9\\ud83d"', 2),  # a high surrogate alone is one, as json.loads decodes it
        ('"\\udc00\\u0041b"', 3),  # a low surrogate opens no pair
    ],
)
def test_a_raw_offset_is_where_that_many_decoded_characters_end(literal: str, decoded: int) -> None:
    from svixsync.dataset import _raw_offset

    for count in range(decoded + 1):
        offset = _raw_offset(literal, 1, count)
        assert json.loads(literal[:offset] + '"') == json.loads(literal)[:count]

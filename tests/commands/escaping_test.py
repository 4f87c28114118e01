"""Text from upstream, state/ and the dataset reaches reports escaped: no mention, no bidi trick, no escape
sequence, no markup of its own; and every flagged example keeps its row in the comment."""

from __future__ import annotations

import json
import re

from markdown_it import MarkdownIt

from tests.commands.formats_test import parse
from tests.commands.update_test import BODY
from tests.conftest import TRACKED, Project

RLO = "\u202e"
OSC = "\u001b]0;pwned\u0007\u001b[31m"
# A const generic argument is the one place a string literal reaches a block's name.
HOSTILE_IMPL = f'\nimpl Cache for Shard<{{ "a{OSC}" }}> {{}}\n'


def mentions(body: str) -> list[str]:
    """What GitHub would read as @-mentions: `@name` in text (code spans and fences mention no one)."""
    found = []
    for token in MarkdownIt("commonmark").enable("table").parse(body):
        for child in token.children or []:
            if child.type == "text":
                found += re.findall(r"@[A-Za-z0-9]", child.content)
    return found


def retitle(project: Project, line: int, request: str) -> None:
    data = project.root / "team.jsonl"
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    document = json.loads(lines[line - 1])
    document["messages"][1]["content"] = request
    lines[line - 1] = json.dumps(document, ensure_ascii=False) + "\n"
    data.write_text("".join(lines), encoding="utf-8")


def test_mentions_and_bidi_controls_in_prose_are_neutralised_in_the_comment(project: Project) -> None:
    retitle(project, 1, f"@svix/engineering why {RLO}evil{OSC} here?")
    project.ok("init")  # the prose changed: adopt it
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.edit(TRACKED, "/// Cache first, database second.", f"/// Cache first {RLO}, database second.")
    project.upstream.commit("stale")
    body = project.ok("check", "--format", "markdown", code=1).stdout
    assert RLO not in body and "\u001b" not in body and "\u0007" not in body
    assert not mentions(body)  # `@` is followed by a zero-width space: no one is mentioned
    comment = parse(body)
    request = comment.rows[1][4]
    assert request.startswith("@\u200bsvix/engineering why <U+202E>evil")
    assert "<U+202E>, database second" in comment.fences[0][1]


def test_flag_names_from_state_cannot_add_markup(project: Project) -> None:
    path = project.root / "state" / "team.lock.json"
    document = json.loads(path.read_text())
    hostile = "x\n# heading <!-- svixsync-report --> ![b](https://e.example/b.png) @org/team"
    flag = {"path": TRACKED, "kind": "fn", "name": hostile, "change": "semantic"}
    document["examples"][1]["review"] = {
        "reason": "stale",
        "flagged_at": "0" * 40,
        "prose_sha256": "0" * 64,
        "changes": [flag],
    }
    path.write_text(json.dumps(document))
    body = project.ok("check", "--format", "markdown", code=1).stdout
    comment = parse(body)
    assert comment.headings == ["svixsync: 1 example to re-author"]
    assert comment.html == ["<!-- svixsync-report -->"]
    assert not mentions(body)
    assert comment.rows[1][2] == "x # heading <!-- svixsync-report --> ![b](https://e.example/b.png) @org/team"


def test_escape_sequences_from_upstream_never_reach_the_terminal(project: Project) -> None:
    project.upstream.write(TRACKED, project.upstream.read(TRACKED) + HOSTILE_IMPL)
    project.upstream.commit(f"twins {OSC}\u009b2J")
    outputs = [
        project.ok("history", "--file", TRACKED, "--all").stdout,
        project.ok("blocks", "--all").stdout,
    ]
    for output in outputs:
        assert "\u001b" not in output and "\u0007" not in output and "\u009b" not in output, output
    assert 'impl Cache for Shard<{ "a]0;pwned[31m" }>' in outputs[1]
    assert "twins ]0;pwned[31m2J" in outputs[0]


def test_one_long_request_does_not_cost_other_examples_their_rows(project: Project) -> None:
    for number in range(5):
        request = "x" * 70_000 if number == 2 else f"Question {number} about the cached fetch?"
        project.add("CachedTeam::cached_fetch", user=request, think=f"Reasoning {number}.")
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("stale: six examples quote cached_fetch")
    comment = parse(project.ok("check", "--format", "markdown", code=1).stdout)
    assert comment.headings == ["svixsync: 6 examples to re-author"]
    assert [row[0] for row in comment.rows[1:]] == ["1", "4", "5", "6", "7", "8"]
    assert comment.rows[4][4] == "x" * 120 + "…"


def test_a_lone_surrogate_in_prose_reaches_the_comment_as_a_replacement_character(project: Project) -> None:
    data = project.root / "team.jsonl"
    data.write_bytes(data.read_bytes().replace(b"first?", b"first? \\ud800", 1))  # valid JSON, not valid UTF-8 text
    project.ok("init")
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("propagate cache errors")
    result = project.run("check", "--format", "markdown")
    assert result.exit_code == 1, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith("| 1 |"))
    assert "first? \ufffd" in row

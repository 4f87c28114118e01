"""Hypothesis against the real CLI: random dataset lines and random Rust edits. Never a traceback; exit 2 writes
nothing; exit 0 or 1 is the right answer: the statuses, the code rewritten, every prose byte kept, an `ack` that
succeeds exactly when the words of the flagged prose changed."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from svixsync.dataset import parse
from tests.commands.update_test import BODY, RELAYOUT
from tests.conftest import SYSTEM, TRACKED, GitRepo, Project
from tests.rust_source import TEAM_RS

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# At the fuzzed state, line 1 is flagged stale and awaits re-authoring, line 2's code can be refreshed, line 3 is fresh.
STATUSES = ["stale", "refreshed", "fresh"]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, dict[str, bytes]]]:
    folder = tmp_path_factory.mktemp("fuzz")
    repo = GitRepo(folder / "upstream")
    repo.write(TRACKED, TEAM_RS)
    repo.commit("start")
    project = Project(folder / "dataset", repo)
    project.init()
    project.add("CachedTeam::cached_fetch", user="How is a team read?", think="Cache first; « é » kept.")
    project.add("CachedTeam::forget", user="When is a team forgotten?", think="On delete.")
    project.add("impl TeamKey", user="How is it keyed?", think="By a versioned id.")
    repo.edit(TRACKED, *BODY)
    repo.commit("cache errors fail the read")
    project.ok("update", code=1)
    repo.edit(TRACKED, *RELAYOUT)
    repo.commit("relayout")
    yield project, project.snapshot()


def reset(project: Project, files: dict[str, bytes]) -> None:
    for path in project.root.rglob("*"):
        if path.is_file() and str(path.relative_to(project.root)) not in files:
            path.unlink()
    for name, data in files.items():
        (project.root / name).write_bytes(data)


def outcome(project: Project, before: dict[str, bytes], *args: str) -> int:
    """Run ``args``: exit 0, 1 or 2, never a traceback; on 2 one line on stderr and nothing written."""
    result = project.run(*args)
    assert isinstance(result.exception, SystemExit) or result.exception is None, result.exception
    assert result.exit_code in (0, 1, 2), result.exit_code
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("svixsync: error: "), lines
        assert project.snapshot() == before
    event(f"{args[0]} exit {result.exit_code}")
    return result.exit_code


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
# How a line may change: the first ones break it, mostly (exit 2 expected); the others keep it valid.
BREAKING = ["cut", "splice", "field", "random-json", "raw-bytes"]
KEEPING = ["prose", "respace", "restyle", "crlf"]


@st.composite
def mutated_dataset(draw: st.DrawFn, original: bytes, kinds: list[str]) -> bytes:
    """The good dataset with one line changed in one of ``kinds`` of ways: bytes cut out or spliced in, a field
    replaced, a line of random JSON or bytes; or, keeping it valid, new prose, prose re-spaced, the line
    re-serialised in another style (key order, spacing, escapes), a CRLF ending."""
    lines = original.split(b"\n")[:-1]
    index = draw(st.integers(0, len(lines) - 1))
    line = lines[index]
    how = draw(st.sampled_from(kinds))
    event(how)
    document = json.loads(line)
    messages = document["messages"]
    if how == "prose":
        messages[1]["content"] = draw(st.text(min_size=1))
        line = json.dumps(document, ensure_ascii=draw(st.booleans())).encode()
    elif how == "respace":
        think, code = messages[2]["content"].split("\n</think>\n\n", 1)
        spaces = draw(st.sampled_from(["  ", " \n", "\t"]))
        messages[2]["content"] = think.replace(" ", spaces) + "\n</think>\n\n" + code
        line = json.dumps(document, ensure_ascii=False).encode()
    elif how == "restyle":
        keys = draw(st.permutations(["type", "messages"]))
        spacing = draw(st.sampled_from([(",", ":"), (" , ", " : "), (",\t", ":\t")]))
        line = json.dumps({key: document[key] for key in keys}, ensure_ascii=draw(st.booleans()), separators=spacing)
        line = line.encode()
    elif how == "crlf":
        line += b"\r"
    elif how == "cut":
        start = draw(st.integers(0, len(line) - 1))
        line = line[:start] + line[start + draw(st.integers(1, 40)) :]
    elif how == "splice":
        at = draw(st.integers(0, len(line)))
        line = (
            line[:at] + draw(st.sampled_from([b'"', b"\\", b"}", b",", b"\\u00", b"\r", b"\t", b"<think>"])) + line[at:]
        )
    elif how == "field":
        path = draw(st.sampled_from([("type",), ("messages", 0, "role"), ("messages", 1, "content"), ("messages",)]))
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = draw(JSON_VALUES)
        line = json.dumps(document).encode()
    elif how == "random-json":
        line = json.dumps(draw(JSON_VALUES)).encode()
    else:
        line = draw(st.binary(min_size=1, max_size=30)).replace(b"\n", b"")
    lines[index] = line
    return b"\n".join(lines) + b"\n"


def words_of_line_1(data: bytes) -> list[str]:
    messages = json.loads(data.split(b"\n", 1)[0])["messages"]
    return [*messages[1]["content"].split(), *messages[2]["content"].split("</think>")[0].split()]


def statuses(project: Project) -> list[str]:
    return [example["status"] for example in json.loads(project.run("check", "--format", "json").stdout)["examples"]]


def right_answers(project: Project, files: dict[str, bytes], dataset: bytes) -> bool:
    """Run check, update and `ack 1` on ``dataset``; False where it is refused (exit 2, nothing written), else
    every answer checked: the statuses, each line's bytes but line 2's code kept, the ack's verdict."""
    reset(project, files)
    (project.root / "team.jsonl").write_bytes(dataset)
    before = project.snapshot()
    checked = outcome(project, before, "check")
    if checked == 2:
        assert outcome(project, before, "update") == 2
        return False
    assert checked == 1 and statuses(project) == STATUSES
    assert outcome(project, before, "update") == 1
    after = parse("team.jsonl", project.dataset())
    for old, new in zip(parse("team.jsonl", dataset), after, strict=True):
        kept = (old.raw[: old.code_start], old.raw[old.code_end :])
        assert (new.raw[: new.code_start], new.raw[new.code_end :]) == kept  # whatever the line's style
        assert (new.raw == old.raw) == (new.number != 2)
    assert RELAYOUT[1] in after[1].code
    assert all(example.system == SYSTEM for example in after)
    reauthored = words_of_line_1(dataset) != words_of_line_1(files["team.jsonl"])
    assert outcome(project, project.snapshot(), "ack", "1") == (0 if reauthored else 2)
    assert statuses(project) == ["fresh" if reauthored else "stale", "fresh", "fresh"]
    return True


@pytest.mark.parametrize(("kinds", "all_valid"), [(KEEPING, True), (BREAKING, False)], ids=["valid", "breaking"])
@FUZZ
@given(data=st.data())
def test_changed_lines_get_the_right_answers_or_one_error(
    shared: tuple[Project, dict[str, bytes]], kinds: list[str], all_valid: bool, data: st.DataObject
) -> None:
    project, files = shared
    accepted = right_answers(project, files, data.draw(mutated_dataset(files["team.jsonl"], kinds)))
    assert accepted or not all_valid


RUST_PIECES = ["{", "}", "(", ")", ";", "'", '"', 'r#"', "::", "<T>", "é", "\t", "pub ", "async "]
RUST_LINES = [
    "",
    "// a note",
    "    /// A doc line.",
    "#[cfg(test)]",
    "fn extra() {}",
    "use a::b;",
    "    #[inline]",
    "kv_def!(OtherKey, String);",
    "mod m { fn f() {} }",
    "impl X { fn y(&self) {} }",
    "}",
    "{",
]


@st.composite
def rust_edit(draw: st.DrawFn, text: str) -> str:
    """A line inserted, deleted or duplicated (mostly still Rust), or characters spliced anywhere (mostly not)."""
    lines = text.split("\n")
    at = draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["insert-line", "delete-line", "duplicate-line", "splice"]))
    if how == "insert-line":
        lines.insert(at, draw(st.sampled_from(RUST_LINES)))
    elif how == "delete-line":
        del lines[at]
    elif how == "duplicate-line":
        lines.insert(at, lines[at])
    else:
        column = draw(st.integers(0, len(lines[at])))
        cut = draw(st.integers(0, 5))
        lines[at] = lines[at][:column] + draw(st.sampled_from(RUST_PIECES)) + lines[at][column + cut :]
    return "\n".join(lines)


def test_random_rust_edits_get_the_right_answer_or_one_error(shared: tuple[Project, dict[str, bytes]]) -> None:
    project, files = shared
    outcomes: Counter[int] = Counter()

    @FUZZ
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        reset(project, files)
        text = TEAM_RS
        for _ in range(data.draw(st.integers(0, 4))):
            text = data.draw(rust_edit(text))
        project.upstream.write(TRACKED, text)
        project.upstream.commit("fuzzed", allow_empty=True)
        prose_before = [e.raw[: e.code_start] for e in parse("team.jsonl", files["team.jsonl"])]
        before = project.snapshot()
        updated = outcome(project, before, "update")
        outcomes[updated] += 1
        if updated != 2:
            after = parse("team.jsonl", project.dataset())
            assert [e.raw[: e.code_start] for e in after] == prose_before
            assert all(e.system == SYSTEM for e in after)
            # After an update, nothing is left to refresh, every quoted block is as upstream has it or gone, and
            # check agrees with update on whether a person has work to do.
            report = project.run("check", "--format", "json")
            assert report.exit_code == updated
            examples = json.loads(report.stdout)["examples"]
            assert all(example["status"] != "refreshed" for example in examples)
            assert all(block["change"] in (None, "removed") for example in examples for block in example["blocks"])
        project.upstream.write(TRACKED, TEAM_RS)
        project.upstream.commit("restored", allow_empty=True)

    fuzz()
    assert outcomes[1] > 0 and outcomes[2] > 0, outcomes  # both flagged and refused revisions were tried

"""Hypothesis against the real CLI: random dataset lines and random Rust edits. Never a traceback; exit 2 writes
nothing; any other outcome keeps every prose byte."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from svixsync.dataset import parse
from tests.conftest import SYSTEM, TRACKED, GitRepo, Project
from tests.rust_source import TEAM_RS

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, dict[str, bytes]]]:
    folder = tmp_path_factory.mktemp("fuzz")
    repo = GitRepo(folder / "upstream")
    repo.write(TRACKED, TEAM_RS)
    repo.commit("start")
    project = Project(folder / "dataset", repo)
    project.init()
    project.add("CachedTeam::forget", user="When is a team forgotten?", think="On delete; « é » kept.")
    project.add("impl TeamKey", "CachedTeam::cached_fetch", user="How is it keyed?", think="By a versioned id.")
    yield project, project.snapshot()


def reset(project: Project, files: dict[str, bytes]) -> None:
    for path in project.root.rglob("*"):
        if path.is_file() and str(path.relative_to(project.root)) not in files:
            path.unlink()
    for name, data in files.items():
        (project.root / name).write_bytes(data)


def assert_clean_outcome(project: Project, before: dict[str, bytes], *args: str) -> int:
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


@st.composite
def mutated_dataset(draw: st.DrawFn, original: bytes) -> bytes:
    """The good dataset with one of: bytes cut out, bytes spliced in, a field replaced, a line of random JSON."""
    lines = original.split(b"\n")[:-1]
    index = draw(st.integers(0, len(lines) - 1))
    line = lines[index]
    how = draw(st.sampled_from(["cut", "splice", "field", "random-json", "raw-bytes", "prose"]))
    if how == "prose":
        document = json.loads(line)
        document["messages"][1]["content"] = draw(st.text(min_size=1))
        line = json.dumps(document, ensure_ascii=draw(st.booleans())).encode()
    elif how == "cut":
        start = draw(st.integers(0, len(line) - 1))
        line = line[:start] + line[start + draw(st.integers(1, 40)) :]
    elif how == "splice":
        at = draw(st.integers(0, len(line)))
        line = (
            line[:at] + draw(st.sampled_from([b'"', b"\\", b"}", b",", b"\\u00", b"\r", b"\t", b"<think>"])) + line[at:]
        )
    elif how == "field":
        document = json.loads(line)
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


@FUZZ
@given(data=st.data())
def test_random_dataset_lines_never_crash_and_never_write_on_error(
    shared: tuple[Project, dict[str, bytes]], data: st.DataObject
) -> None:
    project, files = shared
    reset(project, files)
    dataset = project.root / "team.jsonl"
    dataset.write_bytes(data.draw(mutated_dataset(files["team.jsonl"])))
    before = project.snapshot()
    for command in (["check"], ["check", "--format", "json"], ["update"], ["ack", "1"]):
        if assert_clean_outcome(project, before, *command) != 2:
            before = project.snapshot()


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


@FUZZ
@given(data=st.data())
def test_random_rust_edits_never_crash_and_keep_prose(
    shared: tuple[Project, dict[str, bytes]], data: st.DataObject
) -> None:
    project, files = shared
    reset(project, files)
    text = TEAM_RS
    for _ in range(data.draw(st.integers(0, 4))):
        text = data.draw(rust_edit(text))
    project.upstream.write(TRACKED, text)
    project.upstream.commit("fuzzed", allow_empty=True)
    prose_before = [e.raw[: e.code_start] for e in parse("team.jsonl", files["team.jsonl"])]
    before = project.snapshot()
    if assert_clean_outcome(project, before, "update") != 2:
        after = parse("team.jsonl", project.dataset())
        assert [e.raw[: e.code_start] for e in after] == prose_before
        assert all(e.system == SYSTEM for e in after)
    project.upstream.write(TRACKED, TEAM_RS)
    project.upstream.commit("restored", allow_empty=True)

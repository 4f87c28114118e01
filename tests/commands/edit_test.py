"""`svixsync edit`: re-authoring as plain text in a real editor program, every other byte of the line kept."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import Result

from tests.commands.errors_test import assert_refused
from tests.commands.update_test import BODY, FORGET
from tests.conftest import TRACKED, Project

# Prose a person could write, hostile to any line-based editor format: `#` lines, a Markdown heading and fence,
# trailing spaces, blank lines at both ends, CRLF, a line separator, a non-BMP character, a marker-like line.
HOSTILE_USER = "\n\n# not a comment, a/b\r\n## Heading  \n```rust\nfn x() {}\n```\ntrailing  \u2028next 😀\n\n"
HOSTILE_THINK = "=== svixsync 00000000: request (keep this line) ===\n#!\tstill prose\r\n\n  indented end  \n"


def editor(tmp_path: Path, *replacements: tuple[str, str], exit_code: int = 0, also: str = "") -> str:
    """A real editor program: it saves what it was given to `seen.txt`, applies ``replacements`` (each must
    apply once) to the file it opens and writes it back, then runs ``also`` (Python) and exits with
    ``exit_code``."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import pathlib, sys\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "data = path.read_bytes()\n"
        f"pathlib.Path({str(tmp_path / 'seen.txt')!r}).write_bytes(data)\n"
        f"for old, new in {[(old.encode(), new.encode()) for old, new in replacements]!r}:\n"
        "    assert data.count(old) == 1, old\n"
        "    data = data.replace(old, new)\n"
        "path.write_bytes(data)\n"
        f"{also}\n"
        f"sys.exit({exit_code})\n",
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"


def run_editor(project: Project, command: str, *args: str) -> Result:
    env = {"SVIXSYNC_UPSTREAM": "", "VISUAL": command, "EDITOR": command}
    return project.run("edit", *args, env=env)


def raw_lines(project: Project) -> list[bytes]:
    return project.dataset().splitlines(keepends=True)


def lock(project: Project) -> dict[str, object]:
    return json.loads((project.root / "state" / "team.lock.json").read_text())  # type: ignore[no-any-return]


def prose_of(project: Project, line: int) -> tuple[str, str]:
    messages = json.loads(raw_lines(project)[line - 1])["messages"]
    return messages[1]["content"], messages[2]["content"].split("<think>\n", 1)[1].split("\n</think>\n\n", 1)[0]


def kept_file(stderr: str) -> Path:
    """The editor file an error says the person's text is kept in."""
    found = re.search(r"your text is kept in (\S+)$", stderr.strip())
    assert found, stderr
    return Path(found.group(1))


@pytest.fixture
def flagged(project: Project) -> Project:
    """Line 1 flagged stale by an update, line 2 rewritten by hand into a hostile shape: `\\uXXXX` escapes, keys in
    another order, extra spaces, hostile prose and CRLF, adopted by init."""
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("propagate cache errors")
    project.ok("update", code=1)
    lines = raw_lines(project)
    document = json.loads(lines[1])
    document["messages"][1]["content"] = HOSTILE_USER
    answer = document["messages"][2]["content"]
    document["messages"][2]["content"] = answer.replace(
        answer.split("\n</think>")[0][len("<think>\n") :], HOSTILE_THINK
    )
    document = {"messages": document["messages"], "type": "chatml"}
    dumped = json.dumps(document, ensure_ascii=True, indent=None, separators=(" ,", " :  ")).encode()
    lines[1] = dumped.replace(b"a/b", b"a\\/b") + b"\r\n"  # an escape json.dumps never writes
    (project.root / "team.jsonl").write_bytes(b"".join(lines))
    project.ok("init")
    return project


def test_edit_clears_the_flag_and_changes_no_other_byte_of_the_line(flagged: Project, tmp_path: Path) -> None:
    before = raw_lines(flagged)
    result = run_editor(flagged, editor(tmp_path, ("read the cache first?", "read the cache, then the db?")), "1")
    assert result.exit_code == 0, result.output
    assert result.stdout == "line 1: rewrote the request and the reasoning; its flag (stale) is cleared\n"
    after = raw_lines(flagged)
    assert after[0] == before[0].replace(b"read the cache first?", b"read the cache, then the db?")
    assert after[1:] == before[1:]
    assert lock(flagged)["examples"][0]["review"] is None  # type: ignore[index]
    flagged.ok("check")
    seen = (tmp_path / "seen.txt").read_text()
    # The read-only part says why the line was flagged and shows the code change.
    read_only = seen.split(": read-only from here on, ignored on save ===\n", 1)[1]
    assert "CachedTeam::cached_fetch (semantic) (flagged by the update from" in read_only
    assert "-        let _ = cache.set(&key, &team, ttl).await;" in read_only.splitlines()


def test_hostile_prose_round_trips_and_the_line_keeps_its_escapes_key_order_and_crlf(
    flagged: Project, tmp_path: Path
) -> None:
    unchanged = flagged.snapshot()
    touched = run_editor(flagged, editor(tmp_path, ("still prose", "still prose")), "2")  # saved, nothing changed
    assert touched.exit_code == 0 and "left as it was; nothing written" in touched.stdout
    assert flagged.snapshot() == unchanged
    seen = (tmp_path / "seen.txt").read_bytes().decode()
    assert seen.count("=== svixsync 00000000: request (keep this line) ===") == 1  # the prose's, not a marker

    before = raw_lines(flagged)
    result = run_editor(flagged, editor(tmp_path, ("still prose", "still true, café 😀")), "2")
    assert result.exit_code == 0, result.output
    after = raw_lines(flagged)
    assert after[1] == before[1].replace(b"still prose", b"still true, caf\\u00e9 \\ud83d\\ude00")
    assert after[1].endswith(b"\r\n") and after[0] == before[0] and after[2] == before[2]
    assert prose_of(flagged, 2) == (HOSTILE_USER, HOSTILE_THINK.replace("still prose", "still true, café 😀"))


@pytest.mark.parametrize(
    ("replacement", "said"),
    [
        (("first?\n", "first?  \n"), "only whitespace changed"),
        (("The lookup tries", "The  lookup\ttries"), "only whitespace changed"),
    ],
    ids=["trailing-spaces", "re-spaced"],
)
def test_whitespace_only_edits_write_nothing(
    flagged: Project, tmp_path: Path, replacement: tuple[str, str], said: str
) -> None:
    before = flagged.snapshot()
    result = run_editor(flagged, editor(tmp_path, replacement), "1")
    assert result.exit_code == 0 and said in result.stdout, result.output
    assert flagged.snapshot() == before


def test_the_same_by_hand_does_not_satisfy_ack(flagged: Project) -> None:
    data = flagged.root / "team.jsonl"
    data.write_bytes(data.read_bytes().replace(b"read the cache first?", b"read  the cache\\nfirst?", 1))
    assert_refused(flagged, "ack", "1", message="(whitespace does not count)")
    flagged.ok("ack", "1", "--keep-prose")


def test_edit_works_out_the_dependencies_of_the_new_prose(flagged: Project, tmp_path: Path) -> None:
    result = run_editor(flagged, editor(tmp_path, ("first?", "first, and when does `forget` drop it?")), "1")
    assert result.exit_code == 0, result.output
    depends = lock(flagged)["examples"][0]["depends"]  # type: ignore[index]
    assert [(d["name"], d["spans"]) for d in depends] == [("CachedTeam::forget", ["forget"])]


def test_files_instead_of_an_editor(flagged: Project, tmp_path: Path) -> None:
    think = tmp_path / "think.txt"
    think.write_bytes(b"Cache errors now fail the read.\r\n  Two lines.\n")  # the file's last line ending is dropped
    flagged.ok("edit", "1", "--think-file", str(think))
    assert prose_of(flagged, 1)[1] == "Cache errors now fail the read.\r\n  Two lines."
    assert lock(flagged)["examples"][0]["review"] is None  # type: ignore[index]
    again = flagged.ok("edit", "1", "--think-file", str(think))
    assert "unchanged; nothing written" in again.stdout


def test_an_example_not_flagged_is_edited_and_stays_unflagged(project: Project, tmp_path: Path) -> None:
    result = run_editor(project, editor(tmp_path, ("TTL.", "TTL of the caller's choosing.")), "1")
    assert result.stdout == "line 1: rewrote the request and the reasoning\n"
    project.ok("check")


def test_an_emptied_request_or_lost_marker_writes_nothing_and_keeps_the_text(flagged: Project, tmp_path: Path) -> None:
    before = flagged.snapshot()
    for replacement, message in [
        (("Why does the roster read the cache first?", " \n"), "the request is empty"),
        (("reasoning (keep this line)", "reasonin (keep this line)"), "found request, reasonin, read-only"),
    ]:
        result = run_editor(flagged, editor(tmp_path, replacement), "1")
        assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, result.output
        assert message in result.stderr and "nothing written" in result.stderr
        kept = kept_file(result.stderr)
        seen = (tmp_path / "seen.txt").read_text()
        assert kept.read_text() == seen.replace(*replacement)  # the person's work is not lost
        kept.unlink()
        assert flagged.snapshot() == before


def test_a_failing_editor_or_a_line_changed_meanwhile_writes_nothing(flagged: Project, tmp_path: Path) -> None:
    before = flagged.snapshot()
    failing = run_editor(flagged, editor(tmp_path, ("first?", "first!"), exit_code=3), "1")
    assert failing.exit_code == 2 and "Editing failed" in failing.stderr
    kept_file(failing.stderr).unlink()
    assert flagged.snapshot() == before
    dataset = flagged.root / "team.jsonl"
    meddling = f"p = pathlib.Path({str(dataset)!r}); p.write_bytes(p.read_bytes().replace(b'first?', b'1st?', 1))"
    racing = run_editor(flagged, editor(tmp_path, ("first?", "first!"), also=meddling), "1")
    assert racing.exit_code == 2 and "line 1 of team.jsonl changed while it was being edited" in racing.stderr
    assert "first!" in kept_file(racing.stderr).read_text()
    kept_file(racing.stderr).unlink()


def test_bad_requests_are_refused_with_one_line(flagged: Project, tmp_path: Path) -> None:
    flagged.upstream.edit(TRACKED, FORGET + "\n", "")
    flagged.upstream.commit("forget is gone")
    flagged.ok("update", code=1)
    assert_refused(flagged, "edit", "2", message="then `svixsync remove 2`")
    assert_refused(flagged, "edit", "9", message="no line 9 in team.jsonl (3 lines)")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    assert_refused(flagged, "edit", "1", "--user-file", str(empty), message="the request is empty")
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"caf\xe9")
    assert_refused(flagged, "edit", "1", "--user-file", str(latin), message="is not UTF-8")

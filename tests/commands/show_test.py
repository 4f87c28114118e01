"""`svixsync show`: one example as a person reads it, in a pipe and in a real terminal."""

from __future__ import annotations

import json
import os
import pty
import sys

from tests.commands.depends_test import HANDLER, MENTIONS, cited
from tests.commands.errors_test import assert_refused
from tests.commands.update_test import BODY, RENAME
from tests.conftest import TRACKED, Project

__all__ = ["cited"]  # the fixture


def in_terminal(project: Project, *args: str, env: dict[str, str] | None = None, answers: bytes = b"") -> str:
    """Run svixsync in a real pseudo-terminal (stdin and stdout both a tty); what the terminal showed."""
    pid, descriptor = pty.fork()
    if pid == 0:  # pragma: no cover - the child execs
        os.environ.update({"SVIXSYNC_UPSTREAM": str(project.upstream.path), "COLUMNS": "80", **(env or {})})
        os.execv(sys.executable, [sys.executable, "-m", "svixsync", "--root", str(project.root), *args])
    if answers:
        os.write(descriptor, answers)
    out = b""
    while True:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(pid, 0)
    return out.decode("utf-8", errors="replace")


def flag_line_1(project: Project) -> tuple[str, str]:
    """Line 1 flagged stale by an update; the pin before and after it."""
    pin = project.upstream.git("rev-parse", "HEAD")
    project.upstream.edit(TRACKED, *BODY)
    target = project.upstream.commit("propagate cache errors")
    project.ok("update", code=1)
    return pin, target


def section(text: str, heading: str) -> list[str]:
    """The lines under a heading of `show`'s text, up to the next blank line or unindented heading."""
    lines = text.split("\n")
    start = lines.index(heading) + 1
    indented = lines[start].startswith("  ")
    end = start
    while end < len(lines) and lines[end] and (lines[end].startswith("  ") or not indented):
        end += 1
    return lines[start:end]


def test_show_says_why_with_the_pins_and_lists_blocks_dependencies_and_prose(cited: Project) -> None:
    cited.upstream.edit(TRACKED, *RENAME)
    cited.upstream.commit("rename forget")
    cited.ok("update", code=1)
    pin = json.loads((cited.root / "state" / "team.lock.json").read_text())["examples"][3]["review"]["since"]
    result = cited.run("show", "4")
    assert result.exit_code == 1, result.output
    text = result.stdout
    assert text.startswith("team.jsonl line 4: review\n")
    assert "the reasoning mentions `forget`, renamed to `CachedTeam::drop_team`" in " ".join(text.split())
    assert f"(flagged by the update from {pin[:12]} to" in " ".join(text.split())
    assert section(text, "quotes") == ["  use (src/team.rs:1)", "  struct CachedMember (src/team.rs:42)"]
    depends = section(text, "depends on")
    assert depends[0] == "  fn CachedTeam::drop_team (src/team.rs:21), mentioned as `forget`"
    assert f"  fn post_team_message (src/handlers.rs:5), cited as `{HANDLER}`" not in depends
    assert "  fn post_team_message (src/handlers.rs:5), cited" in depends
    assert depends[-1] == "  mentions that name no block: `.await`, `Result`"
    assert section(text, "reasoning") == MENTIONS.split("\n")
    assert section(text, "request") == ["Where does a `CachedMember` come from?"]
    assert all(len(line) <= 80 for line in text.split("\n")[: text.split("\n").index("request")])
    # The diffs name each renamed block as it was before the flag.
    target = cited.upstream.git("rev-parse", "HEAD")
    mentioned = cited.ok("show", "4", "--diff", code=1).stdout.split("\ncode changes\n", 1)[1].splitlines()
    assert mentioned[:2] == [
        f"--- mentioned CachedTeam::forget at {pin[:12]}",
        f"+++ mentioned CachedTeam::drop_team at {target[:12]}",
    ]
    quoted = cited.ok("show", "2", "--diff", code=1).stdout.split("\ncode changes\n", 1)[1].splitlines()
    assert quoted[:2] == [
        f"--- {TRACKED}::CachedTeam::forget at {pin[:12]} (before the flag)",
        f"+++ {TRACKED}::CachedTeam::drop_team at {target[:12]}",
    ]


def test_show_diff_shows_the_code_change_behind_a_flag_long_after_the_update(project: Project) -> None:
    pin, target = flag_line_1(project)
    text = project.ok("show", "1", "--diff", code=1).stdout
    changes = text.split("\ncode changes\n", 1)[1].split("\n")
    assert changes[:2] == [
        f"--- src/team.rs::CachedTeam::cached_fetch at {pin[:12]} (before the flag)",
        f"+++ src/team.rs::CachedTeam::cached_fetch at {target[:12]}",
    ]
    assert "-        let _ = cache.set(&key, &team, ttl).await;" in changes
    assert "+        cache.set(&key, &team, ttl).await?;" in changes
    assert "CachedTeam::cached_fetch (semantic) (flagged by the update from" in text
    offline = project.ok("show", "1", "--diff", code=1, upstream=False).stdout
    assert "  none to show (no upstream checkout at hand)" in offline and "(flagged by the update from" in offline


def test_show_json(project: Project) -> None:
    pin, target = flag_line_1(project)
    document = json.loads(project.ok("show", "1", "--diff", "--format", "json", code=1).stdout)
    assert document["status"] == "stale" and document["line"] == 1
    assert document["flag"]["since"] == pin and document["flag"]["flagged_at"] == target
    assert document["flag"]["changes"][0]["name"] == "CachedTeam::cached_fetch"
    assert document["request"] == "Why does the roster read the cache first?"
    assert [d["old"] for d in document["diffs"]] == [
        f"src/team.rs::CachedTeam::cached_fetch at {pin[:12]} (before the flag)"
    ]
    assert json.loads(project.ok("show", "2", "--format", "json").stdout)["flag"] is None


def test_show_strips_control_characters_from_prose_and_code(project: Project) -> None:
    data = project.root / "team.jsonl"
    data.write_bytes(data.read_bytes().replace(b"first?", b"first?\\u001b[2J\\u202eevil\\r\\ud800", 1))
    project.ok("init")
    text = project.ok("show", "1").stdout
    # Escapes lose their control byte, a bidi override shows as its code point, a lone surrogate (which JSON may
    # escape) as U+FFFD: none can act on a terminal.
    assert "first?[2J<U+202E>evil\ufffd" in text
    assert not any(char in text for char in "\x1b\u202e\r")
    document = json.loads(project.ok("show", "1", "--format", "json").stdout)
    assert document["request"].endswith("first?\x1b[2J\u202eevil\r\ud800")


def test_colour_in_a_terminal_and_never_with_no_color_or_in_a_pipe(project: Project) -> None:
    flag_line_1(project)
    coloured = in_terminal(project, "show", "1", "--diff")
    assert "\x1b[31m-        let _ = cache.set(&key, &team, ttl).await;\x1b[0m" in coloured
    assert "\x1b[" not in in_terminal(project, "show", "1", "--diff", env={"NO_COLOR": "1"})
    assert "\x1b[" not in project.ok("show", "1", "--diff", code=1).stdout


def test_bad_line(project: Project) -> None:
    assert_refused(project, "show", "0", message="no line 0 in team.jsonl (3 lines)")


def test_show_diff_before_the_update_names_a_renamed_dependency_as_it_was(cited: Project) -> None:
    pin = cited.upstream.git("rev-parse", "HEAD")
    cited.upstream.edit(TRACKED, *RENAME)
    target = cited.upstream.commit("rename forget")
    changes = cited.ok("show", "4", "--diff", code=1).stdout.split("\ncode changes\n", 1)[1].splitlines()
    assert changes[:2] == [
        f"--- mentioned CachedTeam::forget at {pin[:12]}",
        f"+++ mentioned CachedTeam::drop_team at {target[:12]}",
    ]


def test_show_without_a_checkout_resolves_mentions_among_the_quoted_blocks(project: Project) -> None:
    # `TEAM_v1_` lies in impl TeamKey and in its fn, which nest: it names the fn, quoted, so it is no loose mention.
    project.add("impl TeamKey", "TeamKey::new", user="How is a key built?", think="From `TEAM_v1_` and `nowhere`.")
    online = section(project.ok("show", "4").stdout, "depends on")
    offline = section(project.ok("show", "4", upstream=False).stdout, "depends on")
    assert online == offline == ["  nothing it does not quote", "  mentions that name no block: `nowhere`"]

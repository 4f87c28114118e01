"""Topic rules run on RE2: no pattern takes time exponential in the text, and what RE2 cannot do is refused."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.commands.errors_test import assert_refused
from tests.conftest import TRACKED, Project


def set_rules(project: Project, include: list[dict[str, str]]) -> None:
    path = project.root / "state" / "config.json"
    document = json.loads(path.read_text())
    document["datasets"][0]["topic"]["include"] = include
    path.write_text(json.dumps(document))


def test_a_catastrophic_pattern_does_not_hang_check(project: Project) -> None:
    project.upstream.write(TRACKED, project.upstream.read(TRACKED) + f'\npub const PAD: &str = "{"a" * 40}";\n')
    project.upstream.commit("a long run of one letter")
    # Python's backtracking engine tries about 2^40 ways to split the run before it gives up on this pattern.
    set_rules(project, [{"kind": "^const$", "text": "(a+)+b"}, {"kind": "^fn$", "name": "^CachedTeam::"}])
    command = [sys.executable, "-m", "svixsync", "--root", str(project.root), "--upstream", str(project.upstream.path)]
    # A generous bound, not a speed goal: without RE2 this check runs for hours.
    result = subprocess.run([*command, "check"], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr


def test_a_pattern_re2_cannot_run_is_one_clear_line(project: Project) -> None:
    set_rules(project, [{"name": "^(?=Cached)"}])
    assert_refused(project, "check", message="not a regular expression RE2 accepts (no lookaround, no backreferences)")
    set_rules(project, [{"name": r"(Cached)\1"}])
    assert_refused(project, "update", message="topic.include.0.name")

"""Hypothesis: whatever upstream does and whatever the prose holds, update never touches a prose byte."""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svixsync.dataset import parse
from tests.commands.update_test import BODY, DOC, IMPORTS, RELAYOUT, RENAME, TEST_ONLY, UNICODE_STRING
from tests.conftest import TRACKED, GitRepo, Project
from tests.rust_source import TEAM_RS

EDITS = [RELAYOUT, DOC, BODY, RENAME, IMPORTS, TEST_ONLY, UNICODE_STRING]
prose_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), min_size=1, max_size=60
).filter(lambda s: s.strip("\n").strip())
counter = itertools.count()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    user=prose_text,
    think=prose_text,
    edits=st.lists(st.sampled_from(EDITS), min_size=1, max_size=4, unique=True),
    crlf=st.booleans(),
)
def test_update_never_changes_prose_and_leaves_nothing_refreshable(
    user: str, think: str, edits: list[tuple[str, str]], crlf: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        repo = GitRepo(Path(folder) / "upstream")
        repo.write(TRACKED, TEAM_RS)
        repo.commit("start")
        project = Project(Path(folder) / "dataset", repo)
        project.init()
        project.add("CachedTeam::forget", "CachedTeam::cached_fetch", user=user, think=think)
        project.add("impl TeamKey", user="How is the key built?", think="It is versioned.")
        if crlf:
            path = project.root / "team.jsonl"
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
        before = parse("team.jsonl", project.dataset())
        for old, new in edits:
            repo.edit(TRACKED, old, new)
            repo.commit(f"edit {next(counter)}")
        assert project.run("update").exit_code in (0, 1)
        after = parse("team.jsonl", project.dataset())
        for old_line, new_line in zip(before, after, strict=True):
            assert new_line.raw[: new_line.code_start] == old_line.raw[: old_line.code_start]
            assert new_line.raw.endswith("\r\n") == crlf
        document = json.loads(project.run("check", "--format", "json").stdout)
        assert all(e["status"] != "refreshed" for e in document["examples"])

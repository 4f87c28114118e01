"""`svixsync add` quotes the file's `use` block (its first run of imports) and the named blocks."""

from __future__ import annotations

import json
from pathlib import Path

from tests.commands.errors_test import assert_refused
from tests.conftest import TRACKED, GitRepo, Project

# A second module that also defines a `CachedMember`: the name alone no longer says which block.
MEMBERS = """/// A member as the members service caches it.
pub struct CachedMember {
    pub id: u64,
}
"""

SPREAD_USES = """use std::fmt;
use std::io;

mod driver;

pub use driver::Driver;

/// Opens the device.
pub fn open() -> io::Result<Driver> {
    Driver::new()
}
"""


def test_the_code_field_holds_the_first_use_run_only(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "upstream")
    repo.write(TRACKED, SPREAD_USES)
    repo.commit("driver")
    project = Project(tmp_path / "dataset", repo)
    project.init()
    project.add("open", user="How is the device opened?", think="Through the driver.")
    line = json.loads(project.dataset().decode().splitlines()[0])
    code = line["messages"][2]["content"].split("</think>\n\n", 1)[1]
    opened = "/// Opens the device.\npub fn open() -> io::Result<Driver> {\n    Driver::new()\n}"
    assert code == "use std::fmt;\nuse std::io;\n\n" + opened
    project.ok("init")  # adopting the line again finds the same blocks
    summary = project.check_json(code=0)["summary"]
    assert isinstance(summary, dict) and summary["fresh"] == 1


def test_a_name_that_is_ambiguous_or_unknown_and_empty_prose_are_refused(project: Project) -> None:
    pin = project.upstream.git("rev-parse", "HEAD")[:12]
    (project.root / "user.txt").write_text("Why?")
    (project.root / "think.txt").write_text("Because.")
    files = ["--user-file", str(project.root / "user.txt"), "--think-file", str(project.root / "think.txt")]
    for name, problem in [("NoSuchFn", "names no block"), ("use", "names no block"), ("forget", "names no block")]:
        assert_refused(project, "add", name, *files, message=f"{name!r} {problem} at the pin {pin}")
    for user, think in [(" \n\t\n", "Because."), ("Why?", "\n\n")]:
        (project.root / "user.txt").write_text(user)
        (project.root / "think.txt").write_text(think)
        assert_refused(project, "add", "CachedTeam::forget", *files, message="the request and the reasoning must both")
    project.upstream.write("src/members.rs", MEMBERS)
    project.upstream.commit("members on their own")
    project.ok("init", "--rev", "HEAD", "--tracked", TRACKED, "--tracked", "src/members.rs")
    pin = project.upstream.git("rev-parse", "HEAD")[:12]
    (project.root / "user.txt").write_text("What is a member?")
    (project.root / "think.txt").write_text("One of two structs of that name.")
    assert_refused(project, "add", "CachedMember", *files, message=f"'CachedMember' is ambiguous at the pin {pin}")

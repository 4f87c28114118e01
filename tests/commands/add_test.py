"""`svixsync add` quotes the file's `use` block (its first run of imports) and the named blocks."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import TRACKED, GitRepo, Project

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

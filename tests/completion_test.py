"""Shell completion, enabled as the README says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BIN = Path(sys.executable).parent  # where the install put the svixsync script


def test_the_readme_bash_line_registers_a_completion_that_lists_commands() -> None:
    line = next(line for line in README.read_text().splitlines() if "bash_source" in line).split("#")[0].strip()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    registered = subprocess.run(["bash", "-c", f"{line} && complete -p svixsync"], env=env, capture_output=True)
    assert registered.stdout.decode().strip().endswith("-F _svixsync_completion svixsync"), registered.stderr
    asked = {**env, "_SVIXSYNC_COMPLETE": "bash_complete", "COMP_WORDS": "svixsync re", "COMP_CWORD": "1"}
    found = subprocess.run(["svixsync"], env=asked, capture_output=True, text=True)
    assert found.stdout.split() == ["plain,remove", "plain,review"]

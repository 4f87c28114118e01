"""The README's reliability table names, on every row, tests that exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `c/crash_test.py::test_name[id]`, `::test_name` (same file as before), `…[id]` (the test before, another case)
TEST = re.compile(r"`(?:((?:c/)?[\w/]+\.py)?::(\w+)(?:\[[\w-]+\])?|…\[[\w-]+\])`")


def reliability_rows() -> list[str]:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Reliability\n", 1)[1].splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("| fault or input |"))
    table = lines[start + 2 :]
    return table[: next(index for index, line in enumerate(table) if not line.startswith("|"))]


def functions_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_reliability_row_names_tests_that_exist() -> None:
    rows = reliability_rows()
    assert len(rows) > 40
    file = None
    for row in rows:
        named = TEST.findall(row.rsplit(" | ", 1)[1])
        assert named, row
        for path, function in named:
            if path:
                file = ROOT / "tests" / path.replace("c/", "commands/", 1)
            assert not function or (file is not None and function in functions_of(file)), (row, function)

"""The benchmark's synthetic upstream is real input: svixsync adopts it and its touch commit flags examples."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import synthetic
from tests.conftest import GitRepo, Project


def test_synthetic_upstream_is_adopted_and_a_touch_flags_its_examples(tmp_path: Path) -> None:
    upstream, root = synthetic.build(tmp_path, files=4, examples_per_file=5, covered_files=2)
    repo = GitRepo.__new__(GitRepo)
    repo.path = upstream
    project = Project(root, repo)
    tracked = [arg for index in range(4) for arg in ("--tracked", f"src/item_{index:04}.rs")]
    project.ok(
        "init", "--dataset", "bench.jsonl", "--system-prompt", synthetic.SYSTEM,
        "--topic-file", str(root / "topic.json"), *tracked,
    )  # fmt: skip
    fresh = project.check_json(code=0)
    assert len(fresh["examples"]) == 10 and fresh["summary"]["uncovered"] > 0  # type: ignore[arg-type, index, operator]
    synthetic.touch(upstream, [1, 3])
    document = project.check_json(code=1)
    statuses = {e["line"]: e["status"] for e in document["examples"]}  # type: ignore[attr-defined, index]
    # File 1's last two examples quote `refresh`, whose meaning changed; file 3 has no examples.
    assert statuses == {line: "stale" if line in (9, 10) else "fresh" for line in range(1, 11)}
    assert json.loads((root / "state" / "bench.lock.json").read_text())["selection"]

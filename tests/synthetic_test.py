"""The benchmark's synthetic upstream is real input: svixsync adopts it, with the prose dependencies the benchmark
gives it, and its touch commit flags examples."""

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
    init = ["init", "--dataset", "bench.jsonl", "--system-prompt", synthetic.SYSTEM,
            "--topic-file", str(root / "topic.json"), *tracked]  # fmt: skip
    project.ok(*init)
    lock_path = root / "state" / "bench.lock.json"
    lock = json.loads(lock_path.read_text())
    for line, entry in enumerate(lock["examples"]):
        entry["citations"] = synthetic.citations(line // 5, line % 5, 4)
    lock_path.write_text(json.dumps(lock))
    project.ok(*init)
    fresh = project.check_json(code=0)
    assert len(fresh["examples"]) == 10 and fresh["summary"]["uncovered"] > 0  # type: ignore[arg-type, index, operator]
    first = fresh["examples"][0]["depends"]  # type: ignore[index]
    assert [d["via"] for d in first].count("citation") == 2  # type: ignore[attr-defined]
    assert len(first) >= 3  # type: ignore[arg-type]

    synthetic.touch(upstream, [1, 3])
    document = project.check_json(code=1)
    statuses = {e["line"]: e["status"] for e in document["examples"]}  # type: ignore[attr-defined, index]
    # File 1's last two examples quote `refresh`, whose meaning changed; file 3 has no examples. An example whose
    # reasoning names, or whose citations name, the `refresh` of file 1 or 3 without quoting it: review.
    touched = {f"Item{index}::refresh" for index in (1, 3)}
    for line in range(1, 11):
        index, number = (line - 1) // 5, (line - 1) % 5
        quoted = {f"Item{index}::{synthetic.FNS[(number + step) % 8]}" for step in range(1 + number % 2)}
        named = {f"Item{other}::refresh" for other in synthetic.neighbours(index, 4, synthetic.MENTIONS)}
        cited = {citation.split("::", 1)[1] for citation in synthetic.citations(index, number, 4)}
        expected = "stale" if quoted & touched else "review" if (named | cited) & touched - quoted else "fresh"
        assert statuses[line] == expected, line
    assert "review" in statuses.values()
    assert json.loads(lock_path.read_text())["selection"]

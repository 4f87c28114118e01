"""Measure svixsync against git's own tracking and a parse floor; print a table of ratios.

    python benchmarks/run.py --upstream PATH-TO-svix-webhooks-CLONE [--runs 5] [--files 1000]

Every figure is the median wall time of whole processes over --runs runs, all in one run on one machine, with peak
RSS from the kernel (wait4). The scale rows build a synthetic upstream in a temporary folder (benchmarks/synthetic.py)
and run with the block cache off, so what they show is what svixsync reads, not what it remembers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import synthetic

ROOT = Path(__file__).resolve().parent.parent
TRACKED = "server/svix-server/src/core/message_app.rs"
SVIXSYNC = [sys.executable, "-m", "svixsync"]
FLOOR = """
import subprocess, sys, tree_sitter, tree_sitter_rust
parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_rust.language()))
upstream, *objects = sys.argv[1:]
out = subprocess.run(["git", "-C", upstream, "cat-file", "--batch"], input=("\\n".join(objects) + "\\n").encode(),
                     capture_output=True, check=True).stdout
while out:
    header, _, out = out.partition(b"\\n")
    size = int(header.split()[2])
    parser.parse(out[:size])
    out = out[size + 1:]
"""


def run(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in MB and exit code of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    assert process.stderr is not None
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {error.strip()}")
    return elapsed, usage.ru_maxrss // 1024, process.returncode


def median(runs: int, once: Callable[[], float]) -> float:
    return statistics.median(once() for _ in range(runs))


def environment(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SVIXSYNC_")}
    env.update(extra)
    return env


def floor(upstream: Path, objects: list[str], runs: int) -> float:
    """The read+parse floor over ``objects`` (`REV:PATH` or blob shas)."""

    def once() -> float:
        elapsed, _, code = run([sys.executable, "-c", FLOOR, str(upstream), *objects])
        if code != 0:
            raise SystemExit("the read+parse floor failed")
        return elapsed

    return median(runs, once)


def check_vs_floor(upstream: Path, runs: int) -> tuple[float, float, float, int]:
    """svixsync check on the shipped dataset, the floor, the import time of check's modules alone, peak RSS."""
    lock = json.loads((ROOT / "state" / "endpoint_caching.lock.json").read_text())
    head = subprocess.run(["git", "-C", str(upstream), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    objects = sorted({f"{lock['pinned']}:{TRACKED}", f"{head.strip()}:{TRACKED}"})
    command = [*SVIXSYNC, "--upstream", str(upstream), "check"]
    with tempfile.TemporaryDirectory() as cache:
        env = environment(SVIXSYNC_CACHE_DIR=cache)
        ours = median(runs, lambda: run(command, env, ROOT)[0])
        rss = run(command, env, ROOT)[1]
    imports = [sys.executable, "-c", "import svixsync.cli, svixsync.commands.check, svixsync.evaluate, git"]
    imported = median(runs, lambda: run(imports)[0])
    return ours, floor(upstream, objects, runs), imported, rss


def first_code_line(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(("//", "#[", "/*", "*")):
            return stripped
    return text.strip().splitlines()[0]


def history_vs_git_log(upstream: Path, runs: int) -> tuple[float, float, float, int]:
    """history --all of message_app.rs with a warm and a cold block cache, and git log -L for each selected block."""
    env = environment()
    listing = subprocess.run(
        [*SVIXSYNC, "--upstream", str(upstream), "blocks", "--file", TRACKED, "--format", "json"],
        capture_output=True, text=True, check=True, env=env, cwd=ROOT,
    ).stdout  # fmt: skip
    selected = [block for block in json.loads(listing) if block["selected"]]
    source = subprocess.run(
        ["git", "-C", str(upstream), "show", f"HEAD:{TRACKED}"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    history = [*SVIXSYNC, "--upstream", str(upstream), "history", "--file", TRACKED, "--all", "--format", "json"]
    with tempfile.TemporaryDirectory() as folder:
        attributes = Path(folder) / "attributes"
        attributes.write_text("*.rs diff=rust\n")
        commands = []
        for block in selected:
            text = "\n".join(source[block["start_line"] - 1 : block["end_line"]])
            # Every character a regex (or -L's colons) could read specially becomes `.`: it still finds the item.
            pattern = "^ *" + re.sub(r"[^A-Za-z0-9_ <>,&'=-]", ".", first_code_line(text))
            # git's rust driver knows fn, struct, enum, impl and trait lines, not macro invocations: those by range.
            where = f"{block['start_line']},{block['end_line']}" if block["kind"] == "macro" else f":{pattern}"
            config = f"core.attributesFile={attributes}"
            commands.append(["git", "-C", str(upstream), "-c", config, "log", f"-L{where}:{TRACKED}"])
        git = median(runs, lambda: sum(run(command)[0] for command in commands))

        def cold() -> float:
            with tempfile.TemporaryDirectory() as cache:
                return run(history, environment(SVIXSYNC_CACHE_DIR=cache), ROOT)[0]

        cache = Path(folder) / "cache"
        warm_env = environment(SVIXSYNC_CACHE_DIR=str(cache))
        run(history, warm_env, ROOT)
        warm = median(runs, lambda: run(history, warm_env, ROOT)[0])
        first = median(runs, cold)
    return warm, first, git, len(selected)


def scale(folder: Path, files: int, covered: int, runs: int) -> tuple[float, int, float, int]:
    """Median update time after a commit touching 5 of the ``covered`` files (5 examples each) of an upstream of
    ``files`` files, its peak RSS, and check's median time and peak RSS."""
    upstream, project = synthetic.build(folder, files, examples_per_file=5, covered_files=covered)
    env = environment(SVIXSYNC_CACHE_DIR="")
    base = [*SVIXSYNC, "--root", str(project), "--upstream", str(upstream)]
    init = [*base, "init", "--dataset", "bench.jsonl", "--system-prompt", synthetic.SYSTEM,
            "--topic-file", str(project / "topic.json")]  # fmt: skip
    for index in range(files):
        init += ["--tracked", f"src/item_{index:04}.rs"]
    run(init, env)
    synthetic.touch(upstream, [index * covered // 5 for index in range(5)])
    pristine = folder / "pristine"
    shutil.copytree(project, pristine)
    timings, peak = [], 0
    for _ in range(runs):
        shutil.rmtree(project)
        shutil.copytree(pristine, project)
        elapsed, rss, code = run([*base, "update"], env)
        assert code == 1, "the touched files change examples' meaning: update flags them"
        timings.append(elapsed)
        peak = max(peak, rss)
    check = [run([*base, "check"], env) for _ in range(runs)]
    return statistics.median(timings), peak, statistics.median(t for t, _, _ in check), max(r for _, r, _ in check)


def blocks_scale(folder: Path, files: int, runs: int) -> tuple[float, float]:
    """`blocks --all` over every file of a synthetic upstream of ``files`` files, block cache off, and the floor."""
    upstream, _ = synthetic.build(folder, files, examples_per_file=0, covered_files=0)
    paths = [f"src/item_{index:04}.rs" for index in range(files)]
    command = [*SVIXSYNC, "--upstream", str(upstream), "blocks", "--all", "--format", "json"]
    for path in paths:
        command += ["--file", path]
    ours = median(runs, lambda: run(command, environment(SVIXSYNC_CACHE_DIR=""), folder)[0])
    return ours, floor(upstream, [f"HEAD:{path}" for path in paths], runs)


def history_scale(folder: Path, commits: int, runs: int) -> tuple[float, float]:
    """`history --all` of one file with ``commits`` commits, block cache off, and the floor over its blobs."""
    upstream = folder / "history"
    synthetic.long_history(upstream, commits)
    command = [*SVIXSYNC, "--upstream", str(upstream), "history", "--file", "src/lib.rs", "--all", "--format", "json"]
    ours = median(runs, lambda: run(command, environment(SVIXSYNC_CACHE_DIR=""), folder)[0])
    revisions = subprocess.run(["git", "-C", str(upstream), "rev-list", "HEAD"], capture_output=True, text=True)
    return ours, floor(upstream, [f"{commit}:src/lib.rs" for commit in revisions.stdout.split()], runs)


def renames(folder: Path, count: int, edited: bool, runs: int) -> float:
    """`history --all` of a file whose second commit renames its ``count`` fns (each body edited too, if
    ``edited``, so renames must be found by similarity rather than by hash)."""
    upstream = folder / f"renames-{count}-{edited}"
    head = "use crate::cache::{Cache, Key};\n\n"
    revisions = [head + synthetic.lookup_fns(count, "lookup"), head + synthetic.lookup_fns(count, "fetch", edited)]
    synthetic.fast_import(upstream, "src/lookups.rs", revisions)
    command = [*SVIXSYNC, "--upstream", str(upstream), "history", "--file", "src/lookups.rs", "--all"]
    return median(runs, lambda: run(command, environment(SVIXSYNC_CACHE_DIR=""), folder)[0])


def startup(runs: int) -> tuple[float, float]:
    ours = median(runs, lambda: run([*SVIXSYNC, "--help"])[0])
    baseline = median(runs, lambda: run([sys.executable, "-c", "pass"])[0])
    return ours, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upstream", type=Path, required=True, help="a clone of svix-webhooks")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=1000, help="files of the large synthetic upstream")
    options = parser.parse_args()
    upstream = options.upstream.resolve()
    runs = options.runs
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; median of {runs} runs")  # fmt: skip
    rows: list[tuple[str, str, str, str]] = []

    def ratio(measure: str, ours: float, reference: float, goal: str = "", digits: int = 1) -> None:
        rows.append((measure, f"{ours:.2f} s vs {reference:.2f} s", f"{ours / reference:.{digits}f}x", goal))

    ours, reference, imported, rss = check_vs_floor(upstream, runs)
    ratio("check vs read+parse floor", ours, reference, "<= 3x")
    rows.append(("  of which importing pydantic, GitPython, click", f"{imported:.2f} s", "", ""))
    rows.append(("  peak RSS of check", f"{rss} MB", "", ""))
    warm, first, git, blocks = history_vs_git_log(upstream, runs)
    ratio(f"history --all vs git log -L x {blocks}", warm, git, "<= 1x", 2)
    ratio("  the same with an empty block cache", first, git, "", 2)
    with tempfile.TemporaryDirectory() as folder:
        large = scale(Path(folder) / "large", options.files, options.files, runs)
        wide = scale(Path(folder) / "wide", options.files, 10, runs)
        small = scale(Path(folder) / "small", 10, 10, runs)
    examples = options.files * 5
    ratio(f"update: {options.files} files, {examples} examples vs 10 files, 50", large[0], small[0], "<= 2x")
    ratio(f"update: {options.files} files, 50 examples vs 10 files, 50", wide[0], small[0], "<= 2x")
    ratio(f"check: {options.files} files, {examples} examples vs 10 files, 50", large[2], small[2])
    rows.append((f"peak RSS at {options.files} files, {examples} examples", f"update {large[1]} MB", "", ""))
    rows.append(("", f"check {large[3]} MB", "", ""))
    with tempfile.TemporaryDirectory() as folder:
        ours, reference = blocks_scale(Path(folder), options.files, runs)
        ratio(f"blocks --all over {options.files} files vs read+parse floor", ours, reference)
        ours, reference = history_scale(Path(folder), 500, runs)
        ratio("history --all of a file with 500 commits vs read+parse floor", ours, reference)
        plain = renames(Path(folder), 2000, False, runs)
        rows.append(("history of a commit renaming 2,000 fns in one file", f"{plain:.2f} s", "", "seconds"))
        edited = renames(Path(folder), 1000, True, runs)
        rows.append(("the same, 1,000 fns renamed and each body edited", f"{edited:.2f} s", "", "seconds"))
    ours, reference = startup(runs)
    ratio("--help vs python -c pass", ours, reference)
    width = [max(len(row[column]) for row in rows) for column in range(4)]
    for row in [("measure", "svixsync vs reference", "ratio", "goal"), *rows]:
        print("  ".join(cell.ljust(width[index]) for index, cell in enumerate(row)))


if __name__ == "__main__":
    main()

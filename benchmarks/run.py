"""Measure svixsync against git's own tracking and a parse floor; print a table of ratios.

    python benchmarks/run.py --upstream PATH-TO-svix-webhooks-CLONE [--runs 5] [--files 1000] [--baseline REV]

Every figure is the median wall time of whole processes over --runs runs, all in one run on one machine, with peak
RSS from the kernel (wait4). The scale rows build a synthetic upstream in a temporary folder (benchmarks/synthetic.py)
and run with the block cache off, so what they show is what svixsync reads, not what it remembers. Every synthetic
example mentions fns of five other files and cites fns of two more, as a dataset with prose dependencies does.
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


def check_time(upstream: Path, runs: int, root: Path) -> tuple[float, int]:
    """Median time and peak RSS of `svixsync check` on the dataset of ``root``, run with the svixsync of ``root``."""
    command = [*SVIXSYNC, "--upstream", str(upstream), "check"]
    with tempfile.TemporaryDirectory() as cache:
        env = environment(SVIXSYNC_CACHE_DIR=cache)
        if root != ROOT:  # `python -m` runs the package in the working folder: the older svixsync
            env["PYTHONPATH"] = str(root)
        ours = median(runs, lambda: run(command, env, root)[0])
        return ours, run(command, env, root)[1]


def check_vs_baseline(upstream: Path, runs: int, revision: str) -> tuple[float, float]:
    """check on the shipped dataset with this svixsync and with the one at ``revision`` (its own dataset and
    state/), alternating so that the machine's noise falls on both."""
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        ours, theirs = [], []
        for _ in range(runs):
            ours.append(check_time(upstream, 1, ROOT)[0])
            theirs.append(check_time(upstream, 1, Path(folder))[0])
    return statistics.median(ours), statistics.median(theirs)


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
    ours, rss = check_time(upstream, runs, ROOT)
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


def adopted(folder: Path, files: int, per_file: int, covered: int) -> tuple[Path, list[str], dict[str, str]]:
    """A synthetic upstream of ``files`` files and a dataset of ``per_file`` examples for each of the first
    ``covered``, adopted by `svixsync init`, then one upstream commit touching 5 covered files: the project folder,
    the command line to run svixsync on it, and its environment (block cache off)."""
    upstream, project = synthetic.build(folder, files, examples_per_file=per_file, covered_files=covered)
    env = environment(SVIXSYNC_CACHE_DIR="")
    base = [*SVIXSYNC, "--root", str(project), "--upstream", str(upstream)]
    init = [*base, "init", "--dataset", "bench.jsonl", "--system-prompt", synthetic.SYSTEM,
            "--topic-file", str(project / "topic.json")]  # fmt: skip
    for index in range(files):
        init += ["--tracked", f"src/item_{index:04}.rs"]
    run(init, env)
    # Citations as `svixsync cite` records them, then `init` adopts them and works out every example's dependencies.
    lock_path = project / "state" / "bench.lock.json"
    lock = json.loads(lock_path.read_text())
    for line, entry in enumerate(lock["examples"]):
        entry["citations"] = synthetic.citations(line // 5, line % 5, files)
    lock_path.write_text(json.dumps(lock))
    run(init, env)
    synthetic.touch(upstream, [index * covered // 5 for index in range(5)])
    return project, base, env


def scale(folder: Path, files: int, covered: int, runs: int) -> tuple[float, int, float, int]:
    """Median update time after a commit touching 5 of the ``covered`` files (5 examples each) of an upstream of
    ``files`` files, its peak RSS, and check's median time and peak RSS."""
    project, base, env = adopted(folder, files, 5, covered)
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


def memory(folder: Path, lines: int) -> tuple[int, int, int]:
    """Peak RSS in MB of check, then of update, on a dataset of ``lines`` lines (100 for each upstream file), and
    the MB of the dataset and its lock together: the goal is at most 3x."""
    files = max(1, lines // 100)
    project, base, env = adopted(folder, files, 100, files)
    size = (project / "bench.jsonl").stat().st_size + (project / "state" / "bench.lock.json").stat().st_size
    check = run([*base, "check"], env)[1]
    update = run([*base, "update"], env)[1]
    return check, update, size // 2**20


def catastrophic_pattern() -> tuple[float, float]:
    """Seconds to search a topic rule that makes a backtracking engine explode, `(a+)+b`, in 24 `a`s: RE2 (as
    svixsync runs topic rules) and Python's re (as it did)."""
    from svixsync.state import compile_rule

    text = "a" * 24
    start = time.perf_counter()
    compile_rule("(a+)+b").search(text)
    linear = time.perf_counter() - start
    start = time.perf_counter()
    re.search("(a+)+b", text)
    return linear, time.perf_counter() - start


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
    parser.add_argument("--baseline", metavar="REV", help="also time check with the svixsync of this commit")
    parser.add_argument("--lines", type=int, default=100_000, help="lines of the dataset whose memory is measured")
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
    if options.baseline:
        now, before = check_vs_baseline(upstream, runs, options.baseline)
        ratio(f"check vs the svixsync of {options.baseline}", now, before, "<= 1.1x", 2)
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
        # Each measure builds its own synthetic upstream: a folder each.
        check_rss, update_rss, size = memory(Path(folder) / "memory", options.lines)
        rows.append((f"peak RSS at {options.lines:,} lines vs dataset + lock ({size} MB)", f"check {check_rss} MB",
                     f"{check_rss / size:.2f}x", "<= 3x"))  # fmt: skip
        rows.append(("", f"update {update_rss} MB", f"{update_rss / size:.2f}x", "<= 3x"))
        ours, reference = blocks_scale(Path(folder) / "blocks", options.files, runs)
        ratio(f"blocks --all over {options.files} files vs read+parse floor", ours, reference)
        ours, reference = history_scale(Path(folder) / "history", 500, runs)
        ratio("history --all of a file with 500 commits vs read+parse floor", ours, reference)
        plain = renames(Path(folder) / "renames", 2000, False, runs)
        rows.append(("history of a commit renaming 2,000 fns in one file", f"{plain:.2f} s", "", "seconds"))
        edited = renames(Path(folder) / "edited", 1000, True, runs)
        rows.append(("the same, 1,000 fns renamed and each body edited", f"{edited:.2f} s", "", "seconds"))
    linear, backtracking = catastrophic_pattern()
    rows.append(("topic rule (a+)+b on 24 a's: RE2 vs Python re", f"{linear:.6f} s vs {backtracking:.2f} s", "", ""))
    ours, reference = startup(runs)
    ratio("--help vs python -c pass", ours, reference)
    width = [max(len(row[column]) for row in rows) for column in range(4)]
    for row in [("measure", "svixsync vs reference", "ratio", "goal"), *rows]:
        print("  ".join(cell.ljust(width[index]) for index, cell in enumerate(row)))


if __name__ == "__main__":
    main()

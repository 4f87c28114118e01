"""`svixsync add`: append an example whose code svixsync writes from the pinned blocks."""

from __future__ import annotations

import click

from svixsync import dataset, state, transaction
from svixsync.errors import FatalError
from svixsync.evaluate import load_examples, resolve_pin
from svixsync.project import Project
from svixsync.snapshot import Snapshots
from svixsync.state import ExampleLock
from svixsync.sync import check_alignment, code_of, ref_of


def run(project: Project, names: list[str], user: str, think: str, name: str | None) -> int:
    user, think = user.strip("\n"), think.strip("\n")
    if not user.strip() or not think.strip():
        raise FatalError("the request and the reasoning must both be written")
    with project.writing():
        entry = project.config().dataset(name)
        path = project.root / entry.file
        examples = load_examples(project, entry) if path.exists() and path.stat().st_size else []
        lock = state.read_lock(project.state, entry)
        check_alignment(examples, lock)
        upstream = project.upstream()
        pin = resolve_pin(upstream, lock)
        available = Snapshots(upstream).files(pin, entry.tracked)
        chosen = []
        for wanted in names:
            matches = [block for block in available if block.name == wanted and block.kind != "use"]
            if len(matches) != 1:
                problem = "is ambiguous" if matches else "names no block"
                raise FatalError(f"{wanted!r} {problem} at the pin {pin[:12]}; see `svixsync blocks --all`")
            chosen.append(matches[0])
        use = [b for b in available if b.name == "use" and b.path == chosen[0].path]
        covered = use + chosen
        line = dataset.content(entry.system_prompt, user, think, code_of(covered))
        number = len(examples) + 1
        example = dataset.parse_line(number, line + "\n")
        ending = "\r\n" if examples and examples[-1].raw.endswith("\r\n") else "\n"
        previous = path.read_bytes() if path.exists() else b""
        if previous and not previous.endswith(b"\n"):
            previous += ending.encode()
        if any(e.raw.rstrip("\r\n") == line for e in examples):
            raise FatalError("an identical example is already in the dataset")
        keys = {block.key for block in covered}
        new_lock = lock.model_copy(
            update={
                "examples": [
                    *lock.examples,
                    ExampleLock(line=number, prose_sha256=example.prose_sha256, blocks=[ref_of(b) for b in covered]),
                ],
                "uncovered": None
                if lock.uncovered is None
                else [site for site in lock.uncovered if site.key not in keys],
            }
        )
        transaction.commit(
            project.root,
            project.state,
            {
                path: previous + (line + ending).encode("utf-8"),
                project.state / entry.lock_file: state.dump(new_lock),
            },
        )
    click.echo(f"added line {number}: {', '.join(names)}")
    return 0

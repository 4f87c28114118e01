"""`svixsync add`: append an example whose code svixsync writes from the pinned blocks."""

from __future__ import annotations

import click

from svixsync import dataset, state, transaction
from svixsync.depends import canonical, check_citations
from svixsync.errors import FatalError
from svixsync.evaluate import cited_files, load_examples, pin_scope, resolve_pin, with_depends
from svixsync.project import Project
from svixsync.snapshot import Snapshots
from svixsync.state import ExampleLock, ref_of
from svixsync.sync import check_alignment, code_of
from svixsync.terminal import safe


def run(project: Project, names: list[str], user: str, think: str, name: str | None, cite: list[str]) -> int:
    user, think = user.strip("\n"), think.strip("\n")
    if not user.strip() or not think.strip():
        raise FatalError("the request and the reasoning must both be written")
    citations = list(dict.fromkeys(canonical(citation) for citation in cite))
    with project.writing():
        entry = project.config().dataset(name)
        path = project.root / entry.file
        examples = load_examples(project, entry, allow_empty=True)
        lock = state.read_lock(project.state, entry)
        check_alignment(examples, lock)
        upstream = project.upstream()
        pin = resolve_pin(upstream, lock)
        scope = pin_scope(Snapshots(upstream), pin, entry, lock, citations)
        available = [block for block in scope.blocks if block.path in entry.tracked]
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
        if any(e.raw.rstrip("\r\n") == line for e in examples):
            raise FatalError("an identical example is already in the dataset")
        refs = [ref_of(block) for block in covered]
        check_citations(citations, refs, scope, number)
        ending = "\r\n" if examples and examples[-1].raw.endswith("\r\n") else "\n"
        lines = [e.raw for e in examples]
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += ending
        original = transaction.read_bytes(path) if transaction.exists(path) else b""
        keys = {block.key for block in covered}
        new_lock = lock.model_copy(
            update={
                "examples": [
                    *lock.examples,
                    ExampleLock(line=number, prose_sha256=example.prose_sha256, blocks=refs, citations=citations),
                ],
                "uncovered": None
                if lock.uncovered is None
                else [site for site in lock.uncovered if site.key not in keys],
            }
        )
        # A citation of a file the dataset did not cite yet widens every example's scope: work them all out again.
        widened = cited_files(entry, new_lock) != cited_files(entry, lock)
        new_lock = with_depends(new_lock, [*examples, example], lambda: scope, everything=widened)
        project.commit(
            {
                path: dataset.rewrite(original, [*lines, line + ending]),
                project.state / entry.lock_file: state.dump(new_lock),
            }
        )
    click.echo(safe(f"added line {number}: {', '.join(names)}"))
    return 0

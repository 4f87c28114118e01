"""`svixsync ack`: clear the re-authoring flag of examples a person has rewritten."""

from __future__ import annotations

import click

from svixsync import state
from svixsync.depends import work_out
from svixsync.errors import FatalError
from svixsync.evaluate import load_examples, pin_scope, resolve_pin
from svixsync.project import Project
from svixsync.snapshot import Snapshots
from svixsync.sync import check_alignment, verify_code


def run(project: Project, lines: list[int], keep_prose: bool, dataset: str | None) -> int:
    with project.writing():
        entry = project.config().dataset(dataset)
        examples = load_examples(project, entry)
        lock = state.read_lock(project.state, entry)
        check_alignment(examples, lock)
        entries = list(lock.examples)
        for line in lines:
            if not 1 <= line <= len(examples):
                raise FatalError(f"no line {line} in {entry.file} ({len(examples)} lines)")
            example, recorded = examples[line - 1], entries[line - 1]
            verify_code(example, recorded)
            review = recorded.review
            if review is None:
                raise FatalError(f"line {line} is not flagged; nothing to acknowledge")
            if review.reason == "removed":
                raise FatalError(
                    f"line {line} quotes blocks that are gone upstream; re-author it with `svixsync add` "
                    "and delete this line, then run `svixsync init`"
                )
            if example.prose_sha256 == review.prose_sha256 and not keep_prose:
                raise FatalError(
                    f"line {line}: the request and reasoning are unchanged since it was flagged; "
                    "re-author them, or pass --keep-prose if they are still true"
                )
            entries[line - 1] = recorded.model_copy(update={"review": None})
        # Prose edited since the lock entry was written depends on what it names now: worked out at the pin where a
        # checkout is at hand, else left for the next run that has one.
        rewritten = {line for line in lines if examples[line - 1].prose_sha256 != entries[line - 1].prose_sha256}
        upstream = project.upstream_if_any() if rewritten else None
        if upstream is not None:
            pin = resolve_pin(upstream, lock)
            scope = pin_scope(Snapshots(upstream), pin, entry, lock)
        for line in rewritten:
            example, recorded = examples[line - 1], entries[line - 1]
            depends = (
                work_out((example.user, example.think), recorded.blocks, recorded.citations, scope, recorded.depends)
                if upstream is not None
                else None
            )
            entries[line - 1] = recorded.model_copy(update={"prose_sha256": example.prose_sha256, "depends": depends})
        new_lock = lock.model_copy(update={"examples": entries})
        project.commit({project.state / entry.lock_file: state.dump(new_lock)})
    click.echo(f"acknowledged line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}")
    return 0

"""`svixsync ack`: clear the re-authoring flag of examples a person has rewritten."""

from __future__ import annotations

import click

from svixsync import state
from svixsync.errors import FatalError
from svixsync.evaluate import load_examples
from svixsync.project import Project
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
            entries[line - 1] = recorded.model_copy(update={"review": None, "prose_sha256": example.prose_sha256})
        new_lock = lock.model_copy(update={"examples": entries})
        project.commit({project.state / entry.lock_file: state.dump(new_lock)})
    click.echo(f"acknowledged line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}")
    return 0

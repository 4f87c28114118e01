"""`svixsync ack`: clear the re-authoring flag of examples a person has rewritten, or vouches for."""

from __future__ import annotations

import click

from svixsync import state
from svixsync.errors import FatalError
from svixsync.evaluate import chosen_lines, load_examples, record_prose
from svixsync.project import Project
from svixsync.sync import check_alignment, reauthored, verify_code

GONE = "quotes blocks that are gone upstream; write a new example with `svixsync add`, then `svixsync remove {line}`"


def run(project: Project, lines: list[int], keep_prose: bool, dataset: str | None) -> int:
    with project.writing():
        entry = project.config().dataset(dataset)
        examples = load_examples(project, entry)
        lock = state.read_lock(project.state, entry)
        check_alignment(examples, lock)
        lines = chosen_lines(lines, entry, examples)
        for line in lines:
            example, recorded = examples[line - 1], lock.examples[line - 1]
            verify_code(example, recorded)
            review = recorded.review
            if review is None:
                raise FatalError(f"line {line} is not flagged; nothing to acknowledge")
            if review.reason == "removed":
                raise FatalError(f"line {line} {GONE.format(line=line)}")
            if not keep_prose and not reauthored(example, review):
                raise FatalError(
                    f"line {line}: the words of the request and reasoning are unchanged since it was flagged "
                    "(whitespace does not count); re-author them (`svixsync edit`), or pass --keep-prose if they "
                    "are still true"
                )
        # Prose edited since the lock entry was written depends on what it names now.
        entries = record_prose(project, entry, lock, examples, lines)
        for line in lines:
            entries[line - 1] = entries[line - 1].model_copy(update={"review": None})
        new_lock = lock.model_copy(update={"examples": entries})
        project.commit({project.state / entry.lock_file: state.dump(new_lock)})
    click.echo(f"acknowledged line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}")
    return 0

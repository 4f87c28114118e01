"""`svixsync edit`: re-author an example's request and reasoning as plain text, never as JSON.

Without files it opens `$VISUAL`/`$EDITOR` on the file editfile.py describes. The writer lock is not held while the
editor is open: the line is read again under the lock when the editor closes, and must be as it was. Whatever goes
wrong after the editor closed, the person's text is kept in the editor file and the error says where.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from svixsync import dataset, editfile, state, terminal, transaction, view
from svixsync.commands.ack import GONE
from svixsync.dataset import Example
from svixsync.errors import FatalError
from svixsync.evaluate import chosen_lines, evaluate, load_examples, record_prose
from svixsync.project import Project
from svixsync.state import DatasetConfig, Lock
from svixsync.sync import ExampleState, Report, check_alignment, reauthored, verify_code


def run(project: Project, line: int, user_file: Path | None, think_file: Path | None, name: str | None) -> int:
    if user_file is None and think_file is None:
        return in_editor(project, line, name)
    with project.writing():
        entry, examples, lock = _load(project, name, line)
        example = examples[line - 1]
        user = _read_prose(user_file) if user_file is not None else example.user
        think = _read_prose(think_file) if think_file is not None else example.think
        return _write(project, entry, examples, lock, line, user, think)


def in_editor(project: Project, line: int, name: str | None) -> int:
    """Open the example on ``line`` in the person's editor and write what they saved; returns the exit code."""
    with project.writing():  # finishes or undoes an interrupted write before anything is read
        entry = project.config().dataset(name)
        report = evaluate(project, entry, None, explain_flags=True).report
        chosen_lines([line], entry, [state.example for state in report.examples])
        shown = report.examples[line - 1]
        _refuse_removed(line, shown.lock.review)
    read_only = terminal.render(
        [*view.status_lines(shown, report.dataset, advice=False), *_diff_lines(shown, report)], False
    )
    preamble = [
        f"svixsync edit: line {line} of {entry.file}. Rewrite the request and the reasoning below and save.",
        "Keep the three `=== svixsync …` lines as they are; above the first and below the read-only one, nothing",
        "is read. Every other byte is kept as written. To write nothing, quit without changing anything.",
        "",
    ]
    composed = editfile.compose(shown.example.user, shown.example.think, preamble, read_only.split("\n"))
    descriptor, name_of_file = tempfile.mkstemp(prefix=f"svixsync-edit-line{line}-", suffix=".txt")
    path = Path(name_of_file)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(composed.data)
    try:
        click.edit(filename=str(path))
        edited = path.read_bytes()
        if edited == composed.data:
            path.unlink()
            click.echo(f"line {line}: left as it was; nothing written")
            return 0
        user, think = editfile.parse(edited, composed.nonce)
        with project.writing():
            entry, examples, lock = _load(project, name, line)
            if examples[line - 1].raw != shown.example.raw:
                raise FatalError(f"line {line} of {entry.file} changed while it was being edited")
            code = _write(project, entry, examples, lock, line, user, think)
    except (FatalError, click.ClickException) as error:
        message = error.format_message() if isinstance(error, click.ClickException) else str(error)
        raise FatalError(f"{message}; nothing written, your text is kept in {path}") from None
    path.unlink()
    return code


def _diff_lines(shown: ExampleState, report: Report) -> list[terminal.Line]:
    diffs = view.example_diffs(shown, report)
    return [("", None), ("code changes", "heading"), *view.diff_lines(diffs)] if diffs else []


def _load(project: Project, name: str | None, line: int) -> tuple[DatasetConfig, list[Example], Lock]:
    entry = project.config().dataset(name)
    examples = load_examples(project, entry)
    lock = state.read_lock(project.state, entry)
    check_alignment(examples, lock)
    chosen_lines([line], entry, examples)
    verify_code(examples[line - 1], lock.examples[line - 1])
    _refuse_removed(line, lock.examples[line - 1].review)
    return entry, examples, lock


def _refuse_removed(line: int, review: state.Review | None) -> None:
    if review is not None and review.reason == "removed":
        raise FatalError(f"line {line} {GONE.format(line=line)}")


def _read_prose(path: Path) -> str:
    """A prose file's text, exactly, less the one line ending that closes a text file."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise FatalError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise FatalError(f"{path} is not UTF-8 (byte {error.start})") from None
    return text.removesuffix("\n").removesuffix("\r") if text.endswith("\n") else text


def _write(
    project: Project, entry: DatasetConfig, examples: list[Example], lock: Lock, line: int, user: str, think: str
) -> int:
    """Write the example on ``line`` with ``user`` and ``think`` as its prose, and the lock to match, all or
    nothing; its flag is cleared where the words changed since it was flagged."""
    example, recorded = examples[line - 1], lock.examples[line - 1]
    for part, text in (("request", user), ("reasoning", think)):
        if not text.strip():
            raise FatalError(f"line {line}: the {part} is empty; an example needs both")
    edited = example.with_prose(user, think)
    unchanged = (user, think) == (example.user, example.think)
    if unchanged or edited.words_sha256 == example.words_sha256:
        project.commit({})  # nothing of its own to write, but a write a crash interrupted is finished
        what = (
            "the request and the reasoning are unchanged"
            if unchanged
            else "only whitespace changed, which is not re-authoring"
        )
        click.echo(f"line {line}: {what}; nothing written")
        return 0
    path = project.root / entry.file
    data = b"".join(
        dataset.rewrite(transaction.read_bytes(path), [edited.raw if e.number == line else e.raw for e in examples])
    )
    new_examples = dataset.parse(entry.file, data)
    entries = record_prose(project, entry, lock, new_examples, [line])
    review = recorded.review
    cleared = review is not None and reauthored(edited, review)
    if cleared:
        entries[line - 1] = entries[line - 1].model_copy(update={"review": None})
    new_lock = lock.model_copy(update={"examples": entries})
    project.commit({path: data, project.state / entry.lock_file: state.dump(new_lock)})
    said = f"line {line}: rewrote the request and the reasoning"
    if review is not None:
        said += f"; its flag ({review.reason}) is cleared" if cleared else f"; still flagged ({review.reason})"
    click.echo(said)
    return 0

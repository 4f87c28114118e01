"""The command line: one group, one module per command under svixsync/commands/."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO, TypeVar

import click

from svixsync.errors import FatalError
from svixsync.project import Project
from svixsync.terminal import safe

FORMATS = click.Choice(["text", "json", "markdown", "github"])
ROOT = click.Path(file_okay=False, path_type=Path)
F = TypeVar("F", bound=Callable[..., Any])


class _Group(click.Group):
    """Every failure is one line on stderr: exit 2, or 130 for an interrupt; never a traceback, never exit 1,
    which means findings."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as error:  # click's own message, on one line, with where to read more
            path = error.ctx.command_path.split(" ")[1:] if error.ctx is not None else []
            _fail(f"{error.format_message()} (see `{' '.join(['svixsync', *path])} --help`)", 2)
        except click.ClickException as error:  # a file click could not open for an option
            _fail(error.format_message(), 2)
        except (click.Abort, KeyboardInterrupt):
            _fail("interrupted", 130)
        except FatalError as error:
            _fail(str(error), 2)
        except OSError as error:
            where = f" {error.filename}" if error.filename else ""
            _fail(f"cannot read or write{where}: {error.strerror or error}", 2)
        except Exception as error:  # a bug: still one line and exit 2, so CI never reads it as findings
            _fail(f"internal error ({type(error).__name__}: {error}); please report it", 2)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # click's main would exit 1 without a word
            _silence_stdout()
            raise FatalError("the output was closed before it was all written") from None


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"svixsync: error: {safe(message)}", err=True)
    sys.exit(code)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so flushing it at exit does not fail once more."""
    with contextlib.suppress(OSError, ValueError):  # not a real file where tests capture it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@click.group(cls=_Group)
@click.option(
    "--root",
    type=ROOT,
    default=Path(),
    show_default=True,
    envvar="SVIXSYNC_ROOT",
    help="Folder holding state/ and the dataset (or set SVIXSYNC_ROOT).",
)
@click.option("--upstream", metavar="PATH", help="The tracked git checkout (or set SVIXSYNC_UPSTREAM).")
@click.version_option(package_name="svixsync")
@click.pass_context
def cli(ctx: click.Context, root: Path, upstream: str | None) -> None:
    """Keep a training dataset true to the upstream Rust code it quotes."""
    ctx.obj = Project(root, upstream)


def _project() -> Project:
    project = click.get_current_context().find_object(Project)
    assert project is not None
    return project


def _root_here(ctx: click.Context, _: click.Parameter, root: Path | None) -> None:
    project = ctx.find_object(Project)
    if root is not None and project is not None:
        ctx.obj = dataclasses.replace(project, root=root)


def command(function: F) -> F:
    """A command of the group that also takes `--root` after its name (`svixsync check --root DIR`, as a
    pre-commit hook's `args:` put it); given there, it wins over the group's and SVIXSYNC_ROOT."""
    option = click.option(
        "--root", type=ROOT, expose_value=False, callback=_root_here, help="Folder holding state/ and the dataset."
    )
    return cli.command()(option(function))  # type: ignore[return-value]


@command
@click.option("--rev", help="Upstream revision to compare with (default: the checkout's HEAD).")
@click.option("--format", "output", type=FORMATS, default="text", show_default=True)
@click.option("--dataset", help="Dataset file, where several are configured.")
@click.option("--diff", is_flag=True, help="Print the unified diff of every code field update would rewrite.")
@click.option("--strict", is_flag=True, help="Exit 1 also when a block the topic rules select is uncovered.")
def check(rev: str | None, output: str, dataset: str | None, diff: bool, strict: bool) -> None:
    """Compare the dataset and state/ with upstream; write nothing."""
    from svixsync.commands import check as command

    sys.exit(command.run(_project(), rev, output, dataset, diff, strict))


@command
@click.option("--rev", help="Upstream revision to move to (default: the checkout's HEAD).")
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@click.option("--force", is_flag=True, help="Rewrite code fields even where they were edited by hand.")
@click.option("--dataset", help="Dataset file, where several are configured.")
@click.option("--diff", is_flag=True, help="Print the unified diff of every code field rewritten.")
def update(rev: str | None, dry_run: bool, force: bool, dataset: str | None, diff: bool) -> None:
    """Bring the dataset and state/ to REV: refresh code, flag prose, move the pin."""
    from svixsync.commands import update as command

    sys.exit(command.run(_project(), rev, dry_run, force, dataset, diff))


@command
@click.argument("lines", nargs=-1, type=int, required=True)
@click.option("--keep-prose", is_flag=True, help="Acknowledge even though the prose is unchanged.")
@click.option("--dataset", help="Dataset file, where several are configured.")
def ack(lines: tuple[int, ...], keep_prose: bool, dataset: str | None) -> None:
    """Clear the re-authoring flag of the examples on LINES (1-based)."""
    from svixsync.commands import ack as command

    sys.exit(command.run(_project(), list(lines), keep_prose, dataset))


@command
@click.option("--file", "path", required=True, help="Tracked file, as named at --to.")
@click.option("--from", "start", help="Start after this revision (default: the file's creation).")
@click.option("--to", "end", default="HEAD", show_default=True)
@click.option("--all", "every", is_flag=True, help="Every block, not only those the topic rules select.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
def history(path: str, start: str | None, end: str, every: bool, output: str) -> None:
    """Every commit that touched a file, oldest first, with its block events."""
    from svixsync.commands import history as command

    sys.exit(command.run(_project(), path, start, end, every, output))


@command
@click.option("--rev", default="HEAD", show_default=True)
@click.option("--file", "paths", multiple=True, help="File to list (default: the tracked files).")
@click.option("--all", "every", is_flag=True, help="Every block, not only those the topic rules select.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
def blocks(rev: str, paths: tuple[str, ...], every: bool, output: str) -> None:
    """The blocks of the tracked files at REV."""
    from svixsync.commands import blocks as command

    sys.exit(command.run(_project(), rev, list(paths), every, output))


@command
@click.option("--dataset", help="Dataset file, where several are configured.")
@click.option("--rev", help="Pin (default: the lock's pin, else the checkout's HEAD).")
@click.option("--system-prompt", help="The system prompt every example carries.")
@click.option("--tracked", multiple=True, help="Upstream file the dataset quotes (repeatable).")
@click.option("--topic-file", help="JSON file of topic rules: {include: [...], exclude: [...]}.")
@click.option(
    "--upstream-url",
    metavar="URL",
    help="Upstream's https address, for links in reports (default: as configured, else the checkout's origin).",
)
def init(
    dataset: str | None,
    rev: str | None,
    system_prompt: str | None,
    tracked: tuple[str, ...],
    topic_file: str | None,
    upstream_url: str | None,
) -> None:
    """Write state/ for a dataset: its configuration and its lock, adopting the lines it already has."""
    from svixsync.commands import init as command

    sys.exit(command.run(_project(), dataset, rev, system_prompt, list(tracked), topic_file, upstream_url))


@command
@click.argument("names", nargs=-1, required=True)
@click.option("--user-file", type=click.File("r", encoding="utf-8"), required=True, help="The request.")
@click.option("--think-file", type=click.File("r", encoding="utf-8"), required=True, help="The reasoning.")
@click.option("--dataset", help="Dataset file, where several are configured.")
@click.option(
    "--cite",
    "citations",
    multiple=True,
    metavar="PATH::NAME",
    help="Upstream code the prose relies on without quoting it (repeatable); a non-Rust file as PATH.",
)
def add(
    names: tuple[str, ...], user_file: TextIO, think_file: TextIO, dataset: str | None, citations: tuple[str, ...]
) -> None:
    """Append an example whose code is the pinned text of the blocks NAMES, in that order."""
    from svixsync.commands import add as command

    sys.exit(command.run(_project(), list(names), user_file.read(), think_file.read(), dataset, list(citations)))


@command
@click.argument("line", type=int)
@click.argument("citations", nargs=-1, required=True, metavar="CITATION...")
@click.option("--drop", is_flag=True, help="Drop these citations instead of recording them.")
@click.option("--dataset", help="Dataset file, where several are configured.")
def cite(line: int, citations: tuple[str, ...], drop: bool, dataset: str | None) -> None:
    """Record the upstream code the prose of the example on LINE relies on: PATH::NAME, or PATH for a non-Rust
    file. A change to it flags the example for review."""
    from svixsync.commands import cite as command

    sys.exit(command.run(_project(), line, list(citations), drop, dataset))


@command
@click.argument("line", type=int)
@click.option("--diff", is_flag=True, help="Add the code changes behind the example's status.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--dataset", help="Dataset file, where several are configured.")
def show(line: int, diff: bool, output: str, dataset: str | None) -> None:
    """One example as a person reads it: status and why, blocks, dependencies, request, reasoning, code."""
    from svixsync.commands import show as command

    sys.exit(command.run(_project(), line, diff, output, dataset))


PROSE_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@command
@click.argument("line", type=int)
@click.option("--user-file", type=PROSE_FILE, help="The new request (instead of an editor).")
@click.option("--think-file", type=PROSE_FILE, help="The new reasoning (instead of an editor).")
@click.option("--dataset", help="Dataset file, where several are configured.")
def edit(line: int, user_file: Path | None, think_file: Path | None, dataset: str | None) -> None:
    """Re-author the request and the reasoning of the example on LINE in $VISUAL or $EDITOR, as plain text; the
    flag is cleared when their words changed."""
    from svixsync.commands import edit as command

    sys.exit(command.run(_project(), line, user_file, think_file, dataset))


@command
@click.option("--dataset", help="Dataset file, where several are configured.")
def review(dataset: str | None) -> None:
    """Walk the flagged examples: see each with its code changes, then edit, ack, skip or quit."""
    from svixsync.commands import review as command

    sys.exit(command.run(_project(), dataset))


@command
@click.argument("lines", nargs=-1, type=int, required=True)
@click.option("--dataset", help="Dataset file, where several are configured.")
def remove(lines: tuple[int, ...], dataset: str | None) -> None:
    """Delete the examples on LINES and their lock entries; later lines move up."""
    from svixsync.commands import remove as command

    sys.exit(command.run(_project(), list(lines), dataset))


@command
@click.option("--dataset", help="Dataset file, where several are configured.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
def pin(dataset: str | None, output: str) -> None:
    """The pinned upstream commit and the upstream URL, for workflows and scripts: `SHA URL DATASET` per line."""
    from svixsync.commands import pin as command

    sys.exit(command.run(_project(), dataset, output))


@command
@click.option("--dataset", help="Dataset file, where several are configured.")
@click.option("--license", "licence", default="mit", show_default=True, help="The dataset's licence (Hub identifier).")
@click.option("--language", "languages", multiple=True, help="Language of the prose (repeatable; default: en).")
def card(dataset: str | None, licence: str, languages: tuple[str, ...]) -> None:
    """A Hugging Face dataset card (README.md of a Hub dataset repository) for the dataset, from state/."""
    from svixsync.commands import card as command

    sys.exit(command.run(_project(), dataset, licence, list(languages) or ["en"]))


def main() -> None:
    cli(prog_name="svixsync")

"""`svixsync cite`: record (or drop) the upstream code an example's prose relies on without quoting it."""

from __future__ import annotations

import click

from svixsync import state
from svixsync.depends import canonical, check_citations
from svixsync.errors import FatalError
from svixsync.evaluate import load_examples, pin_scope, resolve_pin, with_depends
from svixsync.project import Project
from svixsync.snapshot import Snapshots
from svixsync.sync import check_alignment, verify_code
from svixsync.terminal import safe


def run(project: Project, line: int, citations: list[str], drop: bool, dataset: str | None) -> int:
    wanted = list(dict.fromkeys(canonical(citation) for citation in citations))
    with project.writing():
        entry = project.config().dataset(dataset)
        examples = load_examples(project, entry)
        lock = state.read_lock(project.state, entry)
        check_alignment(examples, lock)
        if not 1 <= line <= len(examples):
            raise FatalError(f"no line {line} in {entry.file} ({len(examples)} lines)")
        recorded = lock.examples[line - 1]
        verify_code(examples[line - 1], recorded)
        if drop:
            missing = [citation for citation in wanted if citation not in recorded.citations]
            if missing:
                raise FatalError(f"line {line} does not cite {missing[0]!r}; it cites {_listed(recorded.citations)}")
            kept = [citation for citation in recorded.citations if citation not in wanted]
        else:
            kept = [*recorded.citations, *(citation for citation in wanted if citation not in recorded.citations)]
        if kept == recorded.citations:
            project.commit({})  # nothing of its own to write, but a write a crash interrupted is finished
            click.echo(safe(f"line {line} already cites {_listed(wanted)}; nothing to write"))
            return 0
        entries = list(lock.examples)
        entries[line - 1] = recorded.model_copy(update={"citations": kept})
        changed = lock.model_copy(update={"examples": entries})
        upstream = project.upstream()
        scope = pin_scope(Snapshots(upstream), resolve_pin(upstream, lock), entry, changed)
        if not drop:
            check_citations([c for c in wanted if c not in recorded.citations], recorded.blocks, scope, line)
        # The scope may have grown or shrunk: every example's mentions are worked out again at the pin.
        new_lock = with_depends(changed, examples, lambda: scope, everything=True)
        project.commit({project.state / entry.lock_file: state.dump(new_lock)})
    click.echo(safe(f"line {line} cites {_listed(kept)}"))
    return 0


def _listed(citations: list[str]) -> str:
    return ", ".join(citations) if citations else "nothing"

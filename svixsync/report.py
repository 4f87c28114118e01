"""Reports of a check, for a person (text), a script (json), a PR comment (markdown) and CI (github)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from svixsync.depends import FILE, code_spans
from svixsync.sync import ExampleState, Report, Status
from svixsync.terminal import safe

STATUSES: tuple[Status, ...] = ("fresh", "refreshed", "stale", "removed", "review")  # contract §5's summary order
MARKER = "<!-- svixsync-report -->"


class Event(Protocol):
    """What a block event says: a change of `history` or a covered block's state in `check`."""

    @property
    def path(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def change(self) -> str | None: ...
    @property
    def old_name(self) -> str | None: ...
    @property
    def old_path(self) -> str | None: ...


def event(item: Event) -> dict[str, Any]:
    """One block event as contract §5 spells it."""
    return {
        "path": item.path,
        "kind": item.kind,
        "name": item.name,
        "change": item.change,
        "old_name": item.old_name,
        "old_path": item.old_path,
    }


def as_json(report: Report) -> dict[str, Any]:
    """The object of contract §5."""
    summary: dict[str, int] = {status: report.count(status) for status in STATUSES}
    summary["uncovered"] = len(report.uncovered)
    return {
        "pinned": report.pinned,
        "target": report.target,
        "examples": [
            {
                "line": state.example.number,
                "status": state.status,
                "blocks": [event(b) for b in state.blocks],
                "depends": [{**event(d), "via": d.via} for d in state.depends],
            }
            for state in report.examples
        ],
        "uncovered": [{"path": b.path, "kind": b.kind, "name": b.name} for b in report.uncovered],
        "summary": summary,
    }


def summary_line(report: Report) -> str:
    counts = [f"{report.count(status)} {status}" for status in STATUSES]
    counts.append(f"{len(report.uncovered)} uncovered")
    return ", ".join(counts)


def _why(state: ExampleState) -> str:
    changed = [b for b in state.blocks if b.change is not None]
    parts = []
    for block in changed:
        extra = f", was {block.old_name}" if block.old_name else ""
        extra += f", was in {block.old_path}" if block.old_path else ""
        parts.append(f"{block.name} ({block.change}{extra})")
    parts += [dependency_why(state, d) for d in state.depends if d.flags]
    if not parts and state.pending:
        return "awaits re-authoring (flagged by an earlier update; `svixsync ack` when done)"
    return "; ".join(parts)


def plain_code(value: str) -> str:
    return f"`{value}`"


class DependencyChange(Event, Protocol):
    """A dependency's change: as this run sees it, or as a flag in the lock recorded it."""

    @property
    def via(self) -> str | None: ...


def dependency_why(state: ExampleState, item: DependencyChange, code: Callable[[str], str] = plain_code) -> str:
    """A dependency's change in words a person acts on: "the reasoning mentions `invalidate`, renamed to
    `CachedTeam::invalidate_cached`"; "cites `src/team.rs::load`, changed (semantic)". ``code`` formats a name."""
    name, path = item.old_name or item.name, item.old_path or item.path
    if item.via == "mention":
        spans = _spans(state, item)
        named = set(spans)
        prose = (("request", state.example.user), ("reasoning", state.example.think))
        where = [part for part, text in prose if named & set(code_spans(text))]
        verb = "mention" if len(where) > 1 else "mentions"
        subject = f"the {' and the '.join(where) or 'prose'} {verb} {', '.join(map(code, spans or [name]))}"
    else:
        subject = f"cites {code(path if item.kind == FILE else f'{path}::{name}')}"
    if item.change == "renamed":
        return f"{subject}, renamed to {code(item.name)}"
    if item.change == "removed":
        return f"{subject}, removed upstream"
    if item.old_path:
        return f"{subject}, moved to {code(item.path)} ({item.change})"
    return f"{subject}, changed ({item.change})"


def _spans(state: ExampleState, item: DependencyChange) -> list[str]:
    """The prose's spans that name a dependency, from this run's states or the lock (for a flag)."""
    for dependency in state.depends:
        if (dependency.path, dependency.kind, dependency.name) == (item.path, item.kind, item.name):
            return dependency.ref.spans
    return []


def as_text(report: Report) -> str:
    """The report for a person at a terminal: each line through ``terminal.safe``."""
    target = report.target[:12] if report.target else "no upstream checkout"
    lines = [f"{report.dataset}: pinned {report.pinned[:12]} -> {target}"]
    for state in report.examples:
        if state.status != "fresh":
            lines.append(f"line {state.example.number}: {state.status}: {_why(state)}")
    for block in report.uncovered:
        lines.append(f"warning: uncovered {block.kind} {block.name} ({block.path}:{block.start_line})")
    lines.append(summary_line(report))
    return "\n".join(map(safe, lines))


def as_json_text(reports: list[Report]) -> str:
    documents = [as_json(report) for report in reports]
    return json.dumps(documents[0] if len(documents) == 1 else documents, indent=2, ensure_ascii=False)

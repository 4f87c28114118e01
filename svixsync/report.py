"""Reports of a check, for a person (text), a script (json), a PR comment (markdown) and CI (github)."""

from __future__ import annotations

import json
from typing import Any, Protocol

from svixsync.sync import ExampleState, Report, Status
from svixsync.terminal import safe

STATUSES: tuple[Status, ...] = ("fresh", "refreshed", "stale", "removed")
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
            {"line": state.example.number, "status": state.status, "blocks": [event(b) for b in state.blocks]}
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
    if not changed and state.pending:
        return "awaits re-authoring (flagged by an earlier update; `svixsync ack` when done)"
    parts = []
    for block in changed:
        extra = f", was {block.old_name}" if block.old_name else ""
        extra += f", was in {block.old_path}" if block.old_path else ""
        parts.append(f"{block.name} ({block.change}{extra})")
    return ", ".join(parts)


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

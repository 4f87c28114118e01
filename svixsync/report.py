"""Reports of a check, for a person (text), a script (json), a PR comment (markdown) and CI (github)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from svixsync.depends import FILE, code_spans
from svixsync.names import label
from svixsync.state import Flag, Review
from svixsync.sync import FLAGGED, ExampleState, Report, Status
from svixsync.terminal import safe

STATUSES: tuple[Status, ...] = ("fresh", "refreshed", "stale", "removed", "review")  # contract §5's summary order
MARKER = "<!-- svixsync-report -->"
REVIEW_HINT = "`svixsync review` walks the flagged examples (or `show LINE --diff`, `edit LINE`)"


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
                "flag": flag_json(state.flag),
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


def plain_code(value: str) -> str:
    return f"`{value}`"


def block_why(name: str, change: str | None, old_name: str | None, old_path: str | None) -> str:
    """A quoted block's change in words: "CachedTeam::drop_team (renamed, was CachedTeam::forget)"."""
    extra = f", was {old_name}" if old_name else ""
    extra += f", was in {old_path}" if old_path else ""
    return f"{name} ({change}{extra})"


def changes_now(state: ExampleState) -> list[str]:
    """This run's changes that concern an example, in words: its quoted blocks', and its dependencies' that flag it."""
    parts = [block_why(b.name, b.change, b.old_name, b.old_path) for b in state.blocks if b.change is not None]
    return parts + [dependency_why(state, d) for d in state.depends if d.flags]


def flag_why(state: ExampleState, flag: Flag, code: Callable[[str], str] = plain_code) -> str:
    """One change a flag recorded, in words."""
    if flag.via is not None:
        return dependency_why(state, flag, code)
    return block_why(flag.name, flag.change, flag.old_name, flag.old_path)


def flag_origin(review: Review) -> str:
    """Which update flagged an example: "flagged by the update from 39aaf7b82124 to 334012933d06"."""
    if review.since:
        return f"flagged by the update from {review.since[:12]} to {review.flagged_at[:12]}"
    return f"flagged by the update to {review.flagged_at[:12]}"


def reasons(state: ExampleState) -> list[str]:
    """Why an example is not fresh: this run's changes, then the changes its pending flag recorded and which update
    recorded them (a flag's reason lasts until a person acts, long after the update that wrote it)."""
    parts = changes_now(state)
    if state.flag is not None:
        recorded = "; ".join(flag_why(state, flag) for flag in state.flag.changes)
        parts.append(f"{recorded} ({flag_origin(state.flag)})" if recorded else flag_origin(state.flag))
    return parts


def flag_json(review: Review | None) -> dict[str, Any] | None:
    """A pending flag as `check --format json` and `show --format json` spell it (a key beside contract §5's)."""
    if review is None:
        return None
    return {
        "reason": review.reason,
        "since": review.since,
        "flagged_at": review.flagged_at,
        "changes": [{**event(flag), "via": flag.via} for flag in review.changes],
    }


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
    return f"{subject}, {change_words(item, code)}"


def change_words(item: Event, code: Callable[[str], str] = plain_code) -> str:
    """How a dependency changed: "renamed to `X`", "removed upstream", "changed (semantic)"."""
    if item.change == "renamed":
        return f"renamed to {code(item.name)}"
    if item.change == "removed":
        return "removed upstream"
    if item.old_path:
        return f"moved to {code(item.path)} ({item.change})"
    return f"changed ({item.change})"


def _spans(state: ExampleState, item: DependencyChange) -> list[str]:
    """The prose's spans that name a dependency, from this run's states or the lock (for a flag)."""
    for dependency in state.depends:
        if (dependency.path, dependency.kind, dependency.name) == (item.path, item.kind, item.name):
            return dependency.ref.spans
    return []


def as_text(report: Report, *, strict: bool = False) -> str:
    """The report for a person at a terminal: each line through ``terminal.safe``. An uncovered block is a warning,
    an error under ``--strict``, where it fails the check."""
    level = "error" if strict else "warning"
    target = report.target[:12] if report.target else "no upstream checkout"
    lines = [f"{report.dataset}: pinned {report.pinned[:12]} -> {target}"]
    for state in report.examples:
        if state.status != "fresh":
            lines.append(f"line {state.example.number}: {state.status}: {'; '.join(reasons(state))}")
    for block in report.uncovered:
        lines.append(f"{level}: uncovered {label(block.kind, block.name)} ({block.path}:{block.start_line})")
    lines.append(summary_line(report))
    return "\n".join(map(safe, lines))


def next_step(report: Report) -> str | None:
    """What a person does next about the flagged examples of a check, if any."""
    flagged = [state for state in report.examples if state.status in FLAGGED]
    if not flagged:
        return None
    if any(state.flag is None for state in flagged):
        return "next: `svixsync update` flags them, then `svixsync review` to re-author them"
    return f"next: {REVIEW_HINT}"


def as_json_text(reports: list[Report]) -> str:
    documents = [as_json(report) for report in reports]
    return json.dumps(documents[0] if len(documents) == 1 else documents, indent=2, ensure_ascii=False)

"""One example as a person reads it (`show`, `review`, the read-only part of `edit`), and unified diffs of code.

Pure: states in, lines out. Each line carries a role (terminal.Line) that colours it on a terminal and nothing
elsewhere; terminal.py cleans every line before it is printed.
"""

from __future__ import annotations

import difflib
import textwrap
from dataclasses import dataclass
from typing import Any

from svixsync.names import label
from svixsync.report import change_words, event, flag_json, reasons
from svixsync.sync import FLAGGED, ExampleState, Report, split_code
from svixsync.terminal import Line, Role, role_of_diff_line

WIDTH = 80
STATUS_ROLES: dict[str, Role] = {"stale": "alert", "removed": "alert", "review": "warn", "refreshed": "note"}


@dataclass(frozen=True)
class Diff:
    """The unified diff of one piece of code between two versions."""

    old_label: str
    new_label: str
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def unified(old: str, new: str, old_label: str, new_label: str) -> Diff:
    """A unified diff (three lines of context, line numbers counted within the text) of ``old`` to ``new``."""
    lines = difflib.unified_diff(old.split("\n"), new.split("\n"), old_label, new_label, lineterm="")
    return Diff(old_label, new_label, list(lines))


def diff_lines(diffs: list[Diff]) -> list[Line]:
    return [(line, role_of_diff_line(line)) for diff in diffs for line in diff.lines]


def code_field_diffs(report: Report) -> list[Diff]:
    """The diff of every code field `update` would rewrite (what `check --diff` prints, like `black --diff`)."""
    target = (report.target or "")[:12]
    return [
        unified(
            state.example.code,
            state.code,
            f"{report.dataset}:{state.example.number} code (pinned {report.pinned[:12]})",
            f"{report.dataset}:{state.example.number} code (upstream {target})",
        )
        for state in report.examples
        if state.code is not None
    ]


def example_diffs(state: ExampleState, report: Report) -> list[Diff]:
    """The code changes behind an example's status: its quoted blocks' changes upstream since the pin, or, for an
    example flagged earlier, between the flag's `since` and the pin; then each dependency's change that flags it."""
    pinned, target = report.pinned[:12], (report.target or "")[:12]
    texts = split_code(state.example.code, [block.ref for block in state.blocks]) or []
    diffs = []
    if any(block.change is not None for block in state.blocks):
        for block, old in zip(state.blocks, texts, strict=False):
            new = block.new.text if block.new is not None else ""
            if block.change is not None and new != old:
                now = f"{block.path}::{block.name} at {target}" + ("" if block.new else " (gone)")
                diffs.append(unified(old, new, f"{block.ref.path}::{block.ref.name} at {pinned}", now))
    elif state.flag is not None and state.before_blocks is not None:
        since = (state.flag.since or "")[:12]
        renamed = {flag.key: flag for flag in state.flag.changes if flag.via is None}
        for block, old, now in zip(state.blocks, state.before_blocks, texts, strict=False):
            if old != now:
                flag = renamed.get(block.ref.key)
                where = f"{block.ref.path}::{block.ref.name}"
                before = f"{flag.old_path or flag.path}::{flag.old_name or flag.name}" if flag else where
                diffs.append(unified(old, now, f"{before} at {since} (before the flag)", f"{where} at {pinned}"))
    flagged_now = any(dependency.flags for dependency in state.depends)
    since = state.flag.since[:12] if state.flag is not None and state.flag.since and not flagged_now else pinned
    for change in state.dependency_diffs():
        if change.old is not None:
            how = {"mention": "mentioned", "citation": "cited"}.get(change.via, change.via)
            after = f"{how} {change.name} at {target}" + ("" if change.new is not None else " (gone)")
            before = f"{how} {change.old_name or change.name} at {since}"
            diffs.append(unified(change.old, change.new or "", before, after))
    return diffs


def _wrapped(text: str, role: Role | None = None, indent: str = "  ") -> list[Line]:
    lines = textwrap.wrap(
        text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False,
        break_long_words=False,
    )  # fmt: skip
    return [(line, role) for line in lines]


def next_step(state: ExampleState) -> str | None:
    """What a person does about an example, in one sentence."""
    line = state.example.number
    if state.status == "removed":
        return (
            f"a block it quotes is gone upstream: write a new example with `svixsync add NAME... --user-file F "
            f"--think-file F`, then `svixsync remove {line}`"
        )
    if state.status in FLAGGED and state.flag is None:
        return "`svixsync update` rewrites its code and flags it; then `svixsync edit` or `ack` it"
    if state.status in FLAGGED:
        return (
            f"`svixsync edit {line}` re-authors the request and the reasoning (and clears the flag); "
            f"`svixsync ack {line} --keep-prose` if they are still true"
        )
    if state.status == "refreshed":
        return "`svixsync update` rewrites its code; the prose stays true"
    return None


def status_lines(state: ExampleState, dataset: str, advice: bool = True) -> list[Line]:
    """The heading of an example: where it is, its status, why, and (with ``advice``) what to do next."""
    out: list[Line] = [(f"{dataset} line {state.example.number}: {state.status}", STATUS_ROLES.get(state.status))]
    for reason in reasons(state):
        out += _wrapped(reason)
    step = next_step(state) if advice else None
    if step:
        out += _wrapped(f"next: {step}", "note")
    return out


def _quoted(state: ExampleState) -> list[Line]:
    out: list[Line] = [("quotes", "heading")]
    for block in state.blocks:
        where = f"{block.path}:{block.new.start_line if block.new else block.ref.start_line or '?'}"
        change = ""
        if block.change is not None:
            change = ", " + ("gone upstream" if block.change == "removed" else f"changed ({block.change})")
            change += f", was {block.old_name}" if block.old_name else ""
        out += _wrapped(f"{label(block.kind, block.name)} ({where}){change}", "alert" if change else None)
    return out


def _depended(state: ExampleState, unresolved: list[str]) -> list[Line]:
    out: list[Line] = [("depends on", "heading")]
    for dependency in state.depends:
        how = "cited" if dependency.via == "citation" else "mentioned"
        if dependency.ref.spans:
            how += " as " + ", ".join(f"`{span}`" for span in dependency.ref.spans)
        where = "" if dependency.kind == "file" else f" ({dependency.path}:{dependency.new.start_line})"
        line = f"{label(dependency.kind, dependency.name)}{where}, {how}"
        if dependency.flags:
            line += "; " + change_words(dependency)
        elif dependency.new.gone:
            line += "; gone upstream"
        out += _wrapped(line, "warn" if dependency.flags else None)
    if state.lock.depends is None:
        out.append(("  not worked out yet: the next run with an upstream checkout does it", "note"))
    elif not state.depends:
        out.append(("  nothing it does not quote", "note"))
    if unresolved:
        out += _wrapped("mentions that name no block: " + ", ".join(f"`{span}`" for span in unresolved), "note")
    return out


def example_lines(state: ExampleState, report: Report, unresolved: list[str], diffs: list[Diff] | None) -> list[Line]:
    """Everything `show` prints: status and why, quoted blocks, dependencies, request, reasoning, code, and with
    ``diffs`` (not None) the code changes behind the status."""
    out = status_lines(state, report.dataset)
    out += [("", None), *_quoted(state), *_depended(state, unresolved)]
    out += [("", None), ("request", "heading"), *((line, None) for line in state.example.user.split("\n"))]
    out += [("", None), ("reasoning", "heading"), *((line, None) for line in state.example.think.split("\n"))]
    out += [("", None), ("code", "heading"), *((line, None) for line in state.example.code.split("\n"))]
    if diffs is not None:
        out += [("", None), ("code changes", "heading")]
        out += diff_lines(diffs) if diffs else [("  none to show" + _why_no_diff(report), "note")]
    return out


def _why_no_diff(report: Report) -> str:
    return " (no upstream checkout at hand)" if report.target is None else ""


def example_json(
    state: ExampleState, report: Report, unresolved: list[str], diffs: list[Diff] | None
) -> dict[str, Any]:
    """What `show --format json` prints (documented in the README)."""
    document: dict[str, Any] = {
        "dataset": report.dataset,
        "line": state.example.number,
        "status": state.status,
        "why": reasons(state),
        "flag": flag_json(state.flag),
        "blocks": [event(block) for block in state.blocks],
        "depends": [{**event(d), "via": d.via, "spans": d.ref.spans, "gone": d.new.gone} for d in state.depends],
        "unresolved": unresolved,
        "request": state.example.user,
        "reasoning": state.example.think,
        "code": state.example.code,
    }
    if diffs is not None:
        document["diffs"] = [{"old": d.old_label, "new": d.new_label, "diff": d.text} for d in diffs]
    return document

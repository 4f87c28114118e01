"""`check --format markdown`: a sticky PR comment body that stays well-formed whatever the code holds."""

from __future__ import annotations

import html
import re

from svixsync.report import MARKER, UPSTREAM_COMMIT, summary_line
from svixsync.sync import ExampleState, Report

LIMIT = 65_536
BACKTICKS = re.compile(r"`+")


def fence(body: str, info: str = "") -> str:
    """A code fence longer than any backtick run inside ``body``."""
    longest = max((len(run) for run in BACKTICKS.findall(body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{body}\n{ticks}"


def cell(text: str) -> str:
    """Text safe inside a table cell: no pipes, no newlines, no HTML."""
    return html.escape(" ".join(text.split())).replace("|", "&#124;")


def _commit(sha: str | None) -> str:
    return f"[`{sha[:12]}`]({UPSTREAM_COMMIT}{sha})" if sha else "no upstream checkout"


def _diff(state: ExampleState) -> str:
    import diff_match_patch

    old = state.example.code
    new = state.code if state.code is not None else old
    engine = diff_match_patch.diff_match_patch()
    chars_old, chars_new, lines = engine.diff_linesToChars(old + "\n", new + "\n")
    diffs = engine.diff_main(chars_old, chars_new, False)
    engine.diff_charsToLines(diffs, lines)
    out: list[str] = []
    for operation, text in diffs:
        sign = {-1: "-", 0: " ", 1: "+"}[operation]
        out.extend(sign + line for line in text.splitlines())
    return "\n".join(out)


def _section(report: Report) -> tuple[str, list[str]]:
    head = [
        f"**{cell(report.dataset)}**: {summary_line(report)} — pinned {_commit(report.pinned)} → "
        f"{_commit(report.target)}",
        "",
    ]
    stale = [state for state in report.examples if state.status != "fresh"]
    if stale:
        head += ["| line | status | blocks | change | request |", "|---|---|---|---|---|"]
        for state in stale:
            changed = [b for b in state.blocks if b.change is not None] or state.blocks[1:]
            head.append(
                f"| {state.example.number} | {state.status} | "
                f"{cell(', '.join(b.name for b in changed))} | "
                f"{cell(', '.join(b.change or 'flagged earlier' for b in changed))} | "
                f"{cell(' '.join(state.example.user.split()[:12]))}… |"
            )
        head.append("")
    if report.uncovered:
        head.append("Blocks no example covers:")
        head += [f"- {cell(b.kind)} {cell(b.name)} ({cell(b.path)}:{b.start_line})" for b in report.uncovered]
        head.append("")
    details = [
        "\n".join(
            [
                f"<details><summary>line {state.example.number}: code change</summary>",
                "",
                fence(_diff(state), "diff"),
                "",
                "</details>",
            ]
        )
        for state in report.examples
        if state.status == "stale" and state.code is not None
    ]
    return "\n".join(head), details


def comment(reports: list[Report]) -> str:
    """The whole comment, under GitHub's size limit: whole sections dropped, never cut inside a fence."""
    parts = [MARKER, "### svixsync: dataset check", ""]
    budget = LIMIT - 200
    dropped = 0
    for report in reports:
        head, details = _section(report)
        parts.append(head)
        for detail in details:
            if sum(len(p) + 1 for p in parts) + len(detail) > budget:
                dropped += 1
                continue
            parts.append(detail)
    if dropped:
        parts.append(
            f"_{dropped} code diff(s) left out to stay under GitHub's comment limit; run "
            "`svixsync check` locally to see them._"
        )
    return "\n".join(parts)

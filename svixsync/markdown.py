"""`check --format markdown`: the sticky PR comment, well-formed whatever upstream code holds.

Everything that comes from upstream, state/ or the dataset goes through ``text``, ``code`` or ``fence``, which
escape it for where it lands: backslash escapes in text, backtick runs longer than any inside for code spans and
fences, `@` kept from mentioning anyone, control characters dropped and bidi controls written out visibly. Table
cells are capped by characters, so every flagged example keeps its row; the comment stays under GitHub's limit by
leaving out whole sections, never by cutting one.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from svixsync import links
from svixsync.report import MARKER, dependency_why, summary_line
from svixsync.sync import ExampleState, Report
from svixsync.terminal import safe

LIMIT = 65_536  # GitHub's limit on a comment body, in characters (counted here as UTF-16 code units, to be safe)
BACKTICKS = re.compile(r"`+")
# What can start markup or HTML inside a line on GitHub ($ is its math); the rest of punctuation is left readable.
MARKUP = frozenset("\\`*_[]()<>|~!&$")
WORDS_OF_REQUEST = 12
CHARACTERS_OF_REQUEST = 120
BLOCKS_IN_A_CELL = 5
# A zero-width space after `@`: `@team` stays readable and mentions no one.
UNMENTION = "@\u200b"
ADVICE = (
    "**stale**: the code's meaning changed; re-author the request and the reasoning with `svixsync edit LINE`, or "
    "walk every flagged example with `svixsync review`. "
    "**removed**: a quoted block is gone; write a new example with `svixsync add`, then `svixsync remove LINE`. "
    "**review**: code the prose mentions or cites changed; check the request and the reasoning, then "
    "`svixsync edit LINE`, or `svixsync ack LINE --keep-prose` if they are still true. "
    "**refreshed**: nothing to write; `svixsync update` rewrites the code and the prose stays true."
)
VIA_WORDS = {"mention": "mentioned", "citation": "cited"}
CHANGE_WORDS = {
    "cosmetic": "layout only",
    "doc": "comments only",
    "semantic": "meaning changed",
    "moved": "moved",
    "removed": "gone upstream",
}


def _size(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def fence(body: str, info: str = "") -> str:
    """A code fence longer than any backtick run inside ``body``, so nothing inside can close it."""
    body = safe(body, keep="\n\t")
    longest = max((len(run) for run in BACKTICKS.findall(body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{body}\n{ticks}"


def text(value: str) -> str:
    """Plain text on one line, backslash-escaped wherever a character could start markup or HTML."""
    escaped = "".join("\\" + char if char in MARKUP else char for char in " ".join(safe(value).split()))
    return escaped.replace("@", UNMENTION)


def code(value: str, in_table: bool = True) -> str:
    """An inline code span holding ``value`` exactly (whitespace collapsed), whatever backticks it contains."""
    value = " ".join(safe(value).split())
    longest = max((len(run) for run in BACKTICKS.findall(value)), default=0)
    ticks = "`" * (longest + 1)
    padded = f" {value} " if value.startswith("`") or value.endswith("`") else value
    if in_table:
        padded = padded.replace("|", "\\|")  # GFM splits cells before it reads code spans
    return f"{ticks}{padded}{ticks}"


def _capped(parts: list[str], separator: str) -> str:
    """At most BLOCKS_IN_A_CELL of ``parts``, then how many more there are: a cell never grows without bound."""
    shown = separator.join(parts[:BLOCKS_IN_A_CELL])
    more = len(parts) - BLOCKS_IN_A_CELL
    return f"{shown}{separator}and {more} more" if more > 0 else shown


def _request(user: str) -> str:
    """The request's first words, capped by characters too: one long word must not fill the table."""
    words = user.split()
    shown = " ".join(words[:WORDS_OF_REQUEST])
    cut = len(words) > WORDS_OF_REQUEST or len(shown) > CHARACTERS_OF_REQUEST
    return text(shown[:CHARACTERS_OF_REQUEST]) + ("…" if cut else "")


def _link(url: str, sha: str | None) -> str:
    return f"[{code(sha[:12])}]({links.commit(url, sha)})" if sha else "no upstream checkout"


def _located(name: str, places: list[links.Location], url: str) -> str:
    """A block's name, then links to its lines at the pin and at the target: `name` ([L10-L24](…) → [L10-L26](…))."""
    shown = " → ".join(f"[{text(place.label)}]({place.url(url)})" for place in places)
    return f"{code(name)} ({shown})" if shown else code(name)


def _block(report: Report, item: links.Located, url: str) -> str:
    return _located(item.name, links.places(report.pinned, report.target, item), url)


def _flagged(report: Report, state: ExampleState, key: tuple[str, str, str], url: str) -> str:
    """A block a flag in the lock names, linked where this run still knows where it is."""
    items: list[links.Located] = [*state.blocks, *state.depends]
    for item in items:
        if (item.path, item.kind, item.name) == key:
            return _block(report, item, url)
    return code(key[2])


def _why(change: str, old_name: str | None, old_path: str | None) -> str:
    if change == "renamed":
        return f"renamed from {code(old_name or '')}"
    words = CHANGE_WORDS.get(change, text(change))
    return f"{words}, was in {code(old_path)}" if old_path else f"{words} ({text(change)})"


def _row(report: Report, state: ExampleState, url: str) -> str:
    changed = [block for block in state.blocks if block.change is not None]
    depends = [dependency for dependency in state.depends if dependency.flags]
    review = state.lock.review
    if changed or depends:
        shown: list[links.Located] = [*changed, *depends]
        names = _capped([_block(report, item, url) for item in shown], ", ")
        why = _capped(
            [_why(block.change or "", block.old_name, block.old_path) for block in changed]
            + [dependency_why(state, dependency, code) for dependency in depends],
            "; ",
        )
    elif review is not None:
        flags = review.changes
        names = _capped(
            [_flagged(report, state, flag.key, url) for flag in flags]
            or [_block(report, block, url) for block in state.blocks[1:]],
            ", ",
        )
        whys = [
            dependency_why(state, flag, code) if flag.via else _why(flag.change, flag.old_name, flag.old_path)
            for flag in flags
        ]
        what = _capped(whys, "; ") or "flagged"
        if review.since:
            why = f"{what} between {_link(url, review.since)} and {_link(url, review.flagged_at)}"
        else:
            why = f"{what} by the update to {_link(url, review.flagged_at)}"
    else:
        names, why = "", ""
    request = _request(state.example.user)
    return f"| {state.example.number} | **{state.status}** | {names} | {why} | {request} |"


def diff(old: str, new: str, context: int = 3) -> str:
    """A line diff (diff-match-patch, line mode): changed lines with ``context`` lines around them, and a
    `@@ N unchanged lines @@` marker for each run left out."""
    import diff_match_patch

    engine = diff_match_patch.diff_match_patch()
    chars_old, chars_new, lines = engine.diff_linesToChars(old + "\n", new + "\n")
    diffs = engine.diff_main(chars_old, chars_new, False)
    engine.diff_charsToLines(diffs, lines)
    marked = [
        ({-1: "-", 0: " ", 1: "+"}[operation] + line, operation != 0)
        for operation, chunk in diffs
        for line in chunk.splitlines()
    ]
    changed = [index for index, (_, is_change) in enumerate(marked) if is_change]
    keep = {near for index in changed for near in range(index - context, index + context + 1)}
    out: list[str] = []
    skipped = 0
    for index, (line, _) in enumerate(marked):
        if index in keep:
            if skipped:
                out.append(f"@@ {skipped} unchanged line{'s' if skipped != 1 else ''} @@")
                skipped = 0
            out.append(line)
        else:
            skipped += 1
    if skipped:
        out.append(f"@@ {skipped} unchanged line{'s' if skipped != 1 else ''} @@")
    return "\n".join(out)


def _details(state: ExampleState) -> list[str]:
    """The collapsed code changes behind a flag: the example's code field where it is stale, and the code of each
    dependency whose change flags it."""
    line = state.example.number
    parts = []
    if state.status == "stale" and state.code is not None:
        parts.append(_collapsed(f"line {line}: code change (upstream now)", state.example.code, state.code))
    elif state.status == "stale" and state.before is not None:
        parts.append(_collapsed(f"line {line}: code change (the flagging update)", state.before, state.example.code))
    for change in state.dependency_diffs():
        if change.old is not None:
            how = {"mention": "mentioned", "citation": "cited"}.get(change.via, change.via)
            parts.append(
                _collapsed(f"line {line}: {how} {change.name} ({change.change})", change.old, change.new or "")
            )
    return parts


def _collapsed(title: str, old: str, new: str) -> str:
    summary = html.escape(title)
    return "\n".join([f"<details><summary>{summary}</summary>", "", fence(diff(old, new), "diff"), "", "</details>"])


@dataclass
class _Comment:
    """The comment's parts, added while they fit."""

    budget: int
    parts: list[str] = field(default_factory=list)
    left_out: int = 0
    used: int = 0

    def fits(self, part: str) -> bool:
        return self._room(_size(part))

    def _room(self, size: int) -> bool:
        return self.used + size + 1 <= self.budget

    def add(self, part: str) -> None:
        if self.fits(part):
            self.parts.append(part)
            self.used += _size(part) + 1
        else:
            self.left_out += 1

    def lines(self, head: list[str], items: list[str], tail: list[str]) -> None:
        """``head``, then as many of ``items`` as fit with ``tail``, as one part; the rest counted as left out."""
        kept = list(head)
        size = sum(_size(line) + 1 for line in head + tail)
        for index, item in enumerate(items):
            if not self._room(size + _size(item) + 1):
                self.left_out += len(items) - index
                break
            kept.append(item)
            size += _size(item) + 1
        self.add("\n".join(kept + tail))


def comment(reports: list[Report], upstream_url: str, *, strict: bool = False) -> str:
    """The whole comment body: what to re-author and why first, code diffs last, under GitHub's limit. Under
    ``strict`` (`check --strict`) the title counts uncovered blocks too, since they fail the check."""
    note_room = 300
    body = _Comment(LIMIT - note_room)
    flagged = sum(report.count("stale") + report.count("removed") for report in reports)
    to_review = sum(report.count("review") for report in reports)
    parts = [f"{flagged} example{'s' if flagged != 1 else ''} to re-author"] if flagged else []
    if to_review:
        parts.append(f"{to_review}{'' if parts else ' example' + ('s' if to_review != 1 else '')} to review")
    uncovered = sum(len(report.uncovered) for report in reports)
    if strict and uncovered:
        parts.append(f"{uncovered} block{'s' if uncovered != 1 else ''} to cover")
    title = ", ".join(parts) or "nothing to re-author"
    body.add(f"{MARKER}\n### svixsync: {title}\n")
    details: list[str] = []
    for report in reports:
        against = "" if report.target == report.pinned else f", checked against {_link(upstream_url, report.target)}"
        body.add(
            f"**{text(report.dataset)}**: {summary_line(report)}. "
            f"Pinned at {_link(upstream_url, report.pinned)}{against}.\n"
        )
        not_fresh = [state for state in report.examples if state.status != "fresh"]
        if not_fresh:
            header = ["| line | status | blocks | why | request |", "|---:|---|---|---|---|"]
            body.lines(header, [_row(report, state, upstream_url) for state in not_fresh], ["", ADVICE, ""])
        if report.uncovered:
            body.lines(
                ["Blocks the topic rules select that no example covers:"],
                [
                    f"- {text(block.kind)} {code(block.name, in_table=False)} "
                    f"([{code(block.path, in_table=False)} {text(place.label)}]({place.url(upstream_url)}))"
                    for block in report.uncovered
                    for place in [links.site(report, block)]
                ],
                [""],
            )
        details += [part for state in report.examples for part in _details(state)]
    for part in details:
        body.add(part + "\n")
    if body.left_out:
        body.parts.append(
            f"_{body.left_out} section{'s' if body.left_out != 1 else ''} left out to stay under GitHub's "
            "comment limit; run `svixsync check` to see everything._"
        )
    return "\n".join(body.parts)

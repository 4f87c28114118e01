"""What reaches a person's terminal: text from the dataset and upstream made inert, and colour only where wanted.

Everything svixsync prints for a person goes through ``clean`` (as markdown escaping goes through markdown.py), so
a byte of upstream code or prose cannot move the cursor, retitle the window or reorder what follows it. Colour is
applied to whole lines by their role, after cleaning, and only when stdout is a terminal and `NO_COLOR` is unset
or empty (https://no-color.org).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from typing import Any, Literal

import click

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides and isolates that can make a
# line read otherwise than it is ("Trojan Source").
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SURROGATE = re.compile("[\ud800-\udfff]")
Role = Literal["heading", "added", "removed", "hunk", "file", "alert", "warn", "note"]
STYLES: dict[str, dict[str, Any]] = {
    "heading": {"bold": True},
    "added": {"fg": "green"},
    "removed": {"fg": "red"},
    "hunk": {"fg": "cyan"},
    "file": {"bold": True},
    "alert": {"fg": "red", "bold": True},  # what a person must re-author
    "warn": {"fg": "yellow", "bold": True},  # what a person must check
    "note": {"dim": True},
}
Line = tuple[str, Role | None]


def clean(text: str) -> str:
    """``text`` with every control character but tab and newline removed (a CRLF's carriage return included), and
    each lone surrogate (which no terminal encoding holds) shown as U+FFFD."""
    return SURROGATE.sub("\ufffd", CONTROL.sub("", text))


def colour_wanted() -> bool:
    """Colour when stdout is a terminal and `NO_COLOR` is unset or empty."""
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def render(lines: Iterable[Line], colour: bool) -> str:
    """The lines as one text: each cleaned, then styled by its role where ``colour``."""
    out = []
    for text, role in lines:
        safe = clean(text)
        out.append(click.style(safe, **STYLES[role]) if colour and role is not None and safe else safe)
    return "\n".join(out)


def echo(lines: Iterable[Line]) -> None:
    """Print lines for a person on stdout: cleaned, in colour where it is a terminal."""
    click.echo(render(lines, colour_wanted()))


def role_of_diff_line(line: str) -> Role | None:
    """The role of one line of a unified diff."""
    if line.startswith(("+++", "---")):
        return "file"
    if line.startswith("@@"):
        return "hunk"
    return {"+": "added", "-": "removed"}.get(line[:1])  # type: ignore[return-value]

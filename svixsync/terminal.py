"""What reaches a person's terminal: text from the dataset and upstream made inert, and colour only where wanted.

Everything svixsync prints for a person goes through ``safe`` (one-line values) or ``clean`` (multi-line text), as
every string of a markdown comment goes through ``markdown.text``, ``markdown.code`` or ``markdown.fence`` (which
use them too). A byte of upstream code or prose then cannot move the cursor, retitle the window or reorder what
follows it. Colour is applied to whole lines by their role, after cleaning, and only when stdout is a terminal and
`NO_COLOR` is unset or empty (https://no-color.org).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from typing import Any, Literal

import click

# Unicode's explicit bidirectional formatting characters: they reorder what a reader sees (Trojan Source).
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# C0 and C1 control characters and DEL: escape sequences (colours, OSC titles and links) start with them.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# Lone surrogates (prose may hold them as `\ud800` escapes): no terminal encoding can write one.
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


def visible(value: str) -> str:
    """``value`` with each bidi control written out as `<U+202E>`, so it shows instead of acting, and each lone
    surrogate as U+FFFD."""
    return SURROGATE.sub("\ufffd", BIDI.sub(lambda found: f"<U+{ord(found.group()):04X}>", value))


def safe(value: str, keep: str = "") -> str:
    """``value`` fit to show on one line: control characters dropped (tabs and line breaks become spaces), but those
    in ``keep``; bidi controls shown visibly."""

    def replace(found: re.Match[str]) -> str:
        char = found.group()
        return char if char in keep else " " if char in "\t\n\r" else ""

    return visible(CONTROL.sub(replace, value))


def clean(text: str) -> str:
    """Multi-line ``text`` fit to show: every control character but tab and newline removed (a CRLF's carriage
    return included), bidi controls shown visibly."""
    return visible(CONTROL.sub(lambda found: found.group() if found.group() in "\t\n" else "", text))


def colour_wanted() -> bool:
    """Colour when stdout is a terminal and `NO_COLOR` is unset or empty."""
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def render(lines: Iterable[Line], colour: bool) -> str:
    """The lines as one text: each cleaned, then styled by its role where ``colour``."""
    out = []
    for text, role in lines:
        shown = clean(text)
        out.append(click.style(shown, **STYLES[role]) if colour and role is not None and shown else shown)
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

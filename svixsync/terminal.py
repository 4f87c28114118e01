"""Text for a terminal: whatever upstream or a file holds, it can neither move the cursor nor reorder a line.

Every line of text output goes through ``safe``, as every string of a markdown comment goes through
``markdown.text``, ``markdown.code`` or ``markdown.fence`` (which use it too).
"""

from __future__ import annotations

import re

# Unicode's explicit bidirectional formatting characters: they reorder what a reader sees (Trojan Source).
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# C0 and C1 control characters and DEL: escape sequences (colours, OSC titles and links) start with them.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def visible(value: str) -> str:
    """``value`` with each bidi control written out as `<U+202E>`, so it shows instead of acting."""
    return BIDI.sub(lambda found: f"<U+{ord(found.group()):04X}>", value)


def safe(value: str, keep: str = "") -> str:
    """``value`` fit to show: control characters dropped (tabs and line breaks become spaces), but those in
    ``keep``; bidi controls shown visibly."""

    def replace(found: re.Match[str]) -> str:
        char = found.group()
        return char if char in keep else " " if char in "\t\n\r" else ""

    return visible(CONTROL.sub(replace, value))

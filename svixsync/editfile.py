"""The file `svixsync edit` opens in a person's editor, and how it is read back.

The request and the reasoning stand as plain text between marker lines; the flag's reason and the code diff follow,
read-only:

    <a few lines of help: ignored>
    === svixsync 5d1c09e7: request (keep this line) ===
    <the request, byte for byte>
    === svixsync 5d1c09e7: reasoning (keep this line) ===
    <the reasoning, byte for byte>
    === svixsync 5d1c09e7: read-only from here on, ignored on save ===
    <why the example is flagged, and the code diff>

A marker is a whole line starting with `=== svixsync NONCE: `, where NONCE is 8 random hex digits drawn for this
file and occurring nowhere else in it. Every other line is prose, whatever it holds (`#` lines, Markdown headings and
fences, another file's markers): no prose can be mistaken for a marker. A section is every character between the
newline that ends its marker line and the newline that starts the next marker line, so prose round-trips exactly:
trailing spaces, blank lines at either end, CRLF inside the prose, `\u2028`, any Unicode. The file is UTF-8 with
surrogates passed through, so even a lone surrogate escaped in the JSON comes back as it went.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from svixsync.errors import FatalError

SECTIONS = ("request", "reasoning", "read-only")
TITLES = {
    "request": "request (keep this line)",
    "reasoning": "reasoning (keep this line)",
    "read-only": "read-only from here on, ignored on save",
}
ENCODING, ERRORS = "utf-8", "surrogatepass"


@dataclass(frozen=True)
class EditorFile:
    nonce: str
    data: bytes


def _prefix(nonce: str) -> str:
    return f"=== svixsync {nonce}: "


def compose(request: str, reasoning: str, preamble: list[str], read_only: list[str]) -> EditorFile:
    """The editor file for ``request`` and ``reasoning``, with help above and read-only lines below."""
    others = "\n".join([request, reasoning, *preamble, *read_only])
    nonce = secrets.token_hex(4)
    while nonce in others:
        nonce = secrets.token_hex(4)

    def marker(section: str) -> str:
        return f"{_prefix(nonce)}{TITLES[section]} ==="

    parts = [*preamble, marker("request"), request, marker("reasoning"), reasoning, marker("read-only"), *read_only]
    return EditorFile(nonce, ("\n".join(parts) + "\n").encode(ENCODING, ERRORS))


def parse(data: bytes, nonce: str) -> tuple[str, str]:
    """The request and the reasoning of an editor file written by ``compose`` with ``nonce``, and maybe edited."""
    try:
        text = data.decode(ENCODING, ERRORS)
    except UnicodeDecodeError as error:
        raise FatalError(f"the edited file is not UTF-8 (byte {error.start})") from None
    markers = list(re.finditer(rf"^{re.escape(_prefix(nonce))}(\S*)[^\n]*", text, re.MULTILINE))
    found = [match.group(1) or "?" for match in markers]
    if found != list(SECTIONS):
        raise FatalError(
            f"the edited file must keep its three `=== svixsync {nonce}: …` lines, once each and in order "
            f"(request, reasoning, read-only); found {', '.join(found) or 'none'}"
        )
    if any(match.group().endswith("\r") for match in markers):
        raise FatalError("the editor changed the file's line endings to CRLF; save it with LF line endings")
    request, reasoning, read_only = markers
    return text[request.end() + 1 : reasoning.start() - 1], text[reasoning.end() + 1 : read_only.start() - 1]

"""The dataset: ChatML JSONL lines, validated at the boundary, rewritten without touching a prose byte."""

from __future__ import annotations

import functools
import hashlib
import json
import json.decoder
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import AnyStr, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from svixsync.errors import FatalError, first_problem

THINK_OPEN = "<think>\n"
THINK = re.compile(r"<think>\n(?P<think>.*?)\n</think>\n\n", re.DOTALL)
# A JSON string literal, quotes included (the line was already accepted by json.loads).
STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
SURROGATE = re.compile("[\ud800-\udfff]")
SPACE = re.compile(r"[ \t\r\n]*")
BOM = "\ufeff"
BLANK = " \t\r\n"


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    role: Literal["system", "user", "assistant"]
    content: str


class ChatExample(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    type: Literal["chatml"]
    messages: list[Message]


@dataclass(frozen=True)
class Example:
    """One line of the dataset: its raw text (line ending included) and the parts svixsync cares about."""

    number: int
    raw: str
    system: str
    user: str
    think: str
    code_start: int  # index in ``raw`` where the code's JSON-escaped text begins
    code_end: int  # index of the closing quote of the assistant content

    @property
    def code(self) -> str:
        """The code part of the assistant content, decoded from the line on each use: it is most of the line, so
        keeping it beside ``raw`` would double what a large dataset costs in memory."""
        return str(json.loads(f'"{self.raw[self.code_start : self.code_end]}"'))

    @functools.cached_property
    def prose_sha256(self) -> str:
        """Hash of everything a person wrote: system prompt, request and reasoning."""
        prose = json.dumps([self.system, self.user, self.think], ensure_ascii=False)
        return hashlib.sha256(prose.encode("utf-8", errors="surrogatepass")).hexdigest()

    @functools.cached_property
    def words_sha256(self) -> str:
        """Hash of the prose's words: what a change of prose must change to count (see ``words``)."""
        prose = json.dumps([words(self.system), words(self.user), words(self.think)], ensure_ascii=False)
        return hashlib.sha256(prose.encode("utf-8", errors="surrogatepass")).hexdigest()

    def with_code(self, code: str) -> Example:
        """This line with only the code part of the assistant content replaced, every other byte kept."""
        raw = self.raw[: self.code_start] + self._escaped(code) + self.raw[self.code_end :]
        return parse_line(self.number, raw)

    def with_prose(self, user: str, think: str) -> Example:
        """This line with only the request and the reasoning replaced, every other byte kept: key order, the code
        field, spacing, the line ending, and each string left as it is where its text did not change."""
        body = self.raw.rstrip("\r\n")
        spans = _walked_content_spans(body)
        user_start, user_end = spans[1]
        think_start = _raw_offset(body, spans[2][0], len(THINK_OPEN))
        think_end = _raw_offset(body, think_start, len(self.think))
        pieces = [
            (user_start, user_end, user if user != self.user else None),
            (think_start, think_end, think if think != self.think else None),
        ]
        raw, kept = "", 0
        for start, end, text in pieces:
            raw += self.raw[kept:start] + (self.raw[start:end] if text is None else self._escaped(text))
            kept = end
        return parse_line(self.number, raw + self.raw[kept:])

    def _escaped(self, text: str) -> str:
        """``text`` as the inside of a JSON string, escaped in this line's style: non-ASCII as `\\uXXXX` where the
        line is all ASCII and already escapes it so."""
        literal = self.raw[: self.code_end]
        ascii_only = bool(re.search(r"\\u(?:00[89a-fA-F]|0[1-9a-fA-F]|[1-9a-fA-F])", literal)) and literal.isascii()
        return escape_surrogates(json.dumps(text, ensure_ascii=ascii_only)[1:-1])


def escape_surrogates(json_text: str) -> str:
    """JSON text with each lone surrogate (JSON may escape one; UTF-8 cannot hold it) written as its escape."""
    return SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", json_text)


def words(text: str) -> list[str]:
    """The words of a piece of prose: its runs of non-whitespace (Unicode whitespace, as ``str.split`` finds it).
    Prose whose words are unchanged was only re-spaced, re-wrapped or re-indented: that is not re-authoring it."""
    return text.split()


def content(system: str, user: str, think: str, code: str) -> str:
    """One dataset line (without its ending) as svixsync writes a new example."""
    messages = [
        {"role": "system", "content": system},
        {"role": "user", "content": user},
        {"role": "assistant", "content": f"<think>\n{think}\n</think>\n\n{code}"},
    ]
    return json.dumps({"type": "chatml", "messages": messages}, ensure_ascii=False)


def _blank_tail(text: AnyStr, blank: AnyStr, newline: AnyStr, start: int) -> int:
    """Where the blank lines after the last line of ``text`` begin (``len(text)`` where there are none; ``start``,
    where the lines begin, if every line is blank). Scanned from the end, so a large dataset is never copied."""
    last = len(text)
    while last > start and text[last - 1 : last] in blank:
        last -= 1
    if last in (start, len(text)):
        return last
    return text.find(newline, last) + 1 or len(text)


def envelope(text: str) -> tuple[int, int]:
    """Where a dataset's lines are in ``text``: (start, end). Before ``start`` stands a UTF-8 byte order mark, if
    any; after ``end``, only blank lines. Editors add both; neither is an example, and svixsync writes them back as
    it found them."""
    start = len(BOM) if text.startswith(BOM) else 0
    return start, _blank_tail(text, BLANK, "\n", start)


def rewrite(original: bytes, lines: list[str]) -> tuple[bytes, ...]:
    """The dataset file holding ``lines``, with the byte order mark and the trailing blank lines of ``original``,
    in pieces: a line at a time, a large dataset is never held twice over while it is joined."""
    head = BOM.encode() if original.startswith(BOM.encode()) else b""
    return (
        head,
        *(line.encode("utf-8") for line in lines),
        original[_blank_tail(original, BLANK.encode(), b"\n", len(head)) :],
    )


def parse(name: str, data: bytes, *, allow_empty: bool = False) -> list[Example]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FatalError(f"{name}:{line}: not valid UTF-8 (byte {error.start})") from None
    del data  # the caller's bytes are the caller's; this function keeps one copy of the text at a time
    start, end = envelope(text)
    if start >= end and not allow_empty:
        raise FatalError(
            f"{name}: the dataset is empty; add an example with `svixsync add` (see `svixsync add --help`)"
        )
    examples: list[Example] = []
    # Duplicates are found by a digest of each line, not by a second copy of every line; the whitespace around a
    # line (a CRLF, a trailing space an editor left) does not make it another example.
    seen: dict[bytes, int] = {}
    for number, raw in enumerate(_lines(text, start, end), start=1):
        try:
            example = parse_line(number, raw)
        except FatalError as error:
            raise FatalError(f"{name}:{error}") from None
        digest = hashlib.blake2b(raw.strip(BLANK).encode("utf-8"), digest_size=16).digest()
        if digest in seen:
            raise FatalError(f"{name}:{number}: duplicate of line {seen[digest]}")
        seen[digest] = number
        examples.append(example)
    return examples


def _lines(text: str, start: int, end: int) -> Iterator[str]:
    """Each line of ``text[start:end]``, its ending included, without splitting the whole text at once."""
    while start < end:
        stop = text.find("\n", start, end) + 1 or end
        yield text[start:stop]
        start = stop


def parse_line(number: int, raw: str) -> Example:
    """Validate one raw line (its ending included) against the ChatML schema."""
    body = raw.rstrip("\r\n")
    if not body.strip():
        raise FatalError(f"{number}: blank line")
    try:
        chat = ChatExample.model_validate_json(body)  # one pass in pydantic-core: the common, valid line
    except ValidationError:
        chat = _validated_slowly(number, body)
    roles = [message.role for message in chat.messages]
    if roles != ["system", "user", "assistant"]:
        raise FatalError(f"{number}: messages must be system, user, assistant; found {', '.join(roles)}")
    answer = chat.messages[2].content
    match = THINK.match(answer)
    if match is None:
        raise FatalError(f"{number}: assistant content must start with <think>\\n…\\n</think> and a blank line")
    start, end = _walked_content_spans(body)[2]
    code_start = _raw_offset(body, start, match.end())
    return Example(
        number=number,
        raw=raw,
        system=chat.messages[0].content,
        user=chat.messages[1].content,
        think=match.group("think"),
        code_start=code_start,
        code_end=end,
    )


def _validated_slowly(number: int, body: str) -> ChatExample:
    """Python's json module, then the model: the error names the line and column the way a person expects."""
    try:
        document = json.loads(body)
    except json.JSONDecodeError as error:
        raise FatalError(f"{number}:{error.colno}: invalid JSON: {error.msg}") from None
    try:
        return ChatExample.model_validate(document)
    except ValidationError as error:
        raise FatalError(f"{number}: {first_problem(error, 'line')}") from None


def _walked_content_spans(body: str) -> dict[int, tuple[int, int]]:
    """Raw spans (inside the quotes) of each message's content literal, by the message's index, found by walking
    the line token by token."""
    decoder = json.JSONDecoder()
    spans: dict[int, tuple[int, int]] = {}

    def walk(index: int, path: tuple[object, ...]) -> int:
        index = _skip_space(body, index)
        char = body[index]
        if char == "{":
            index = _skip_space(body, index + 1)
            while body[index] != "}":
                key, index = _scanstring(body, index + 1)
                index = _skip_space(body, index) + 1  # the colon
                index = _skip_space(body, walk(index, (*path, key)))
                if body[index] == ",":
                    index = _skip_space(body, index + 1)
            return index + 1
        if char == "[":
            index = _skip_space(body, index + 1)
            position = 0
            while body[index] != "]":
                index = _skip_space(body, walk(index, (*path, position)))
                position += 1
                if body[index] == ",":
                    index = _skip_space(body, index + 1)
            return index + 1
        if char == '"':
            literal = STRING.match(body, index)
            if literal is None:
                raise ValueError("unterminated string")  # json.loads accepted the line, so this cannot happen
            end = literal.end()
            if len(path) == 3 and path[0] == "messages" and path[2] == "content" and isinstance(path[1], int):
                spans[path[1]] = (index + 1, end - 1)  # JSON objects may repeat a key: like json.loads, last wins
            return end
        _, end = decoder.raw_decode(body, index)
        return int(end)

    walk(0, ())
    return spans


def _scanstring(body: str, index: int) -> tuple[str, int]:
    """Decode the JSON string whose content starts at ``index``; return it and the index after its quote."""
    decoded, end = json.decoder.scanstring(body, index)  # type: ignore[attr-defined]
    return str(decoded), int(end)


def _skip_space(body: str, index: int) -> int:
    return SPACE.match(body, index).end()  # type: ignore[union-attr]  # matches the empty string at worst


def _raw_offset(body: str, start: int, decoded: int) -> int:
    """The raw index in the string literal starting at ``start`` where decoded character ``decoded`` begins."""
    index, count = start, 0
    while count < decoded:
        if body[index] != "\\":
            # A run of unescaped characters: each is one decoded character.
            escape = body.find("\\", index)
            step = min((len(body) if escape == -1 else escape) - index, decoded - count)
            index += step
            count += step
            continue
        if body[index + 1] != "u":
            index += 2
        elif 0xD800 <= int(body[index + 2 : index + 6], 16) < 0xDC00 and body[index + 6 : index + 8] == "\\u":
            index += 12  # a surrogate pair decodes to one character
        else:
            index += 6
        count += 1
    return index

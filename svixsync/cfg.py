"""`cfg` predicates as written in attributes: whether one requires `test` (contract §1: test code is no block)."""

from __future__ import annotations

import re

TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|r#*"[^"]*"#*|[A-Za-z_][A-Za-z0-9_]*|\S')
CFG = re.compile(r"cfg\s*\((.*)\)", re.DOTALL)


def predicate(attribute: str) -> str | None:
    """The predicate of a `cfg(…)` attribute's inside (``cfg(all(test, unix))`` → ``all(test, unix)``), else None."""
    found = CFG.fullmatch(attribute.strip())
    return found.group(1) if found else None


def requires_test(predicate_text: str) -> bool:
    """True where the predicate can only hold when compiling tests: `test`, `all(…, test, …)`, `any(…)` of such.

    `not(…)` and anything unparsable never require `test`, so a block is only left out when it surely is test code.
    """
    tokens = TOKEN.findall(predicate_text)
    parsed, end = _parse(tokens, 0)
    return parsed is not None and end == len(tokens) and _requires(parsed)


Predicate = tuple[str, list["Predicate"]]


def _parse(tokens: list[str], index: int) -> tuple[Predicate | None, int]:
    if index >= len(tokens) or not (tokens[index][0].isalpha() or tokens[index][0] == "_"):
        return None, index
    name = tokens[index]
    index += 1
    if index < len(tokens) and tokens[index] == "=":
        return (f"{name}=", []), index + 2  # `feature = "x"`: a key-value option, never `test`
    if index >= len(tokens) or tokens[index] != "(":
        return (name, []), index
    index += 1
    arguments: list[Predicate] = []
    while index < len(tokens) and tokens[index] != ")":
        argument, index = _parse(tokens, index)
        if argument is None:
            return None, index
        arguments.append(argument)
        if index < len(tokens) and tokens[index] == ",":
            index += 1
    return (f"{name}(", arguments), index + 1


def _requires(node: Predicate) -> bool:
    name, arguments = node
    if name == "test":
        return True
    if name == "all(":
        return any(_requires(argument) for argument in arguments)
    if name == "any(":
        return bool(arguments) and all(_requires(argument) for argument in arguments)
    return False

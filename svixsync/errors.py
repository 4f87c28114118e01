"""The one error type a user can cause: printed as one line, exit code 2."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

SHOWN = 80  # characters of a bad value an error message quotes, at most


class FatalError(Exception):
    """Bad input or usage: the CLI prints the message on one line and exits 2, having written nothing."""


def shorten(value: str, limit: int = SHOWN) -> str:
    """``value`` cut to ``limit`` characters, saying how much was left out: errors never echo a huge value."""
    if len(value) <= limit:
        return value
    return f"{value[:limit]}… ({len(value):,} characters)"


def first_problem(error: ValidationError, whole: str) -> str:
    """`field.path: message` for the first problem pydantic found; ``whole`` names the place when no field does."""
    first = error.errors()[0]
    where = ".".join(shorten(str(part), 40) for part in first["loc"]) or whole
    return f"{where}: {shorten(first['msg'], 2 * SHOWN)}"

"""The one error type a user can cause: printed as one line, exit code 2."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class FatalError(Exception):
    """Bad input or usage: the CLI prints the message on one line and exits 2, having written nothing."""


def first_problem(error: ValidationError, whole: str) -> str:
    """`field.path: message` for the first problem pydantic found; ``whole`` names the place when no field does."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or whole
    return f"{where}: {first['msg']}"

"""Fingerprints of a block's text at three strengths, and the change class they imply (contract §2)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

ContentChange = Literal["cosmetic", "doc", "semantic"]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Fingerprint:
    """Exact text, non-comment token sequence and comments' words, each hashed."""

    text: str
    tokens: str
    words: str

    @classmethod
    def of(cls, text: str, tokens: tuple[str, ...], words: tuple[str, ...]) -> Fingerprint:
        # NUL cannot occur inside a Rust token or word, so joining on it keeps token boundaries.
        return cls(sha256(text), sha256("\0".join(tokens)), sha256("\0".join(words)))

    def change_to(self, new: Fingerprint) -> ContentChange | None:
        """How ``new`` differs from this fingerprint, or None where the text is byte-identical."""
        if self.text == new.text:
            return None
        if self.tokens != new.tokens:
            return "semantic"
        if self.words != new.words:
            return "doc"
        return "cosmetic"

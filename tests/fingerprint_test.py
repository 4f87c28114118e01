"""Fingerprints are what the lock records: their bytes must not drift, or every recorded block would look changed."""

from __future__ import annotations

import hashlib

from svixsync.fingerprint import Fingerprint, sha256


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_fingerprint_hashes_the_text_and_the_nul_joined_tokens_and_words() -> None:
    found = Fingerprint.of("fn é() {} // a b", ("fn", "é", "(", ")", "{", "}"), ("a", "b"))
    assert found == Fingerprint(digest("fn é() {} // a b"), digest("fn\0é\0(\0)\0{\0}"), digest("a\0b"))
    assert sha256("é") == digest("é")


def test_the_change_class_follows_the_strongest_fingerprint_that_differs() -> None:
    base = Fingerprint("t", "k", "w")
    assert base.change_to(Fingerprint("t", "k", "w")) is None
    assert base.change_to(Fingerprint("t2", "k", "w")) == "cosmetic"
    assert base.change_to(Fingerprint("t2", "k", "w2")) == "doc"
    assert base.change_to(Fingerprint("t2", "k2", "w2")) == "semantic"
    assert base.change_to(Fingerprint("t2", "k2", "w")) == "semantic"

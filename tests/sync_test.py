"""The pure middle, piece by piece: code fields cut into blocks, hand edits found, alignment, re-authoring."""

from __future__ import annotations

import pytest

from svixsync.blocks import extract
from svixsync.dataset import content, parse_line
from svixsync.errors import FatalError
from svixsync.state import ExampleLock, Lock, Review, ref_of
from svixsync.sync import check_alignment, code_of, reauthored, split_code, verify_code
from tests.rust_source import TEAM_RS

BLOCKS = {block.name: block for block in extract("src/team.rs", TEAM_RS.encode())}
QUOTED = [BLOCKS["use"], BLOCKS["CachedTeam::forget"], BLOCKS["CachedMember"]]
REFS = [ref_of(block) for block in QUOTED]
SHA = "0" * 64


def example(code: str, user: str = "Why?", number: int = 7) -> object:
    return parse_line(number, content("sys", user, "Because.", code) + "\n")


def entry(refs: list[object] = REFS) -> ExampleLock:  # type: ignore[assignment]
    return ExampleLock(line=7, prose_sha256=SHA, blocks=refs)  # type: ignore[arg-type]


def test_a_code_field_is_cut_into_its_blocks_by_their_line_counts() -> None:
    code = code_of(QUOTED)
    assert code == "\n\n".join(block.text for block in QUOTED)
    assert split_code(code, REFS) == [block.text for block in QUOTED]
    assert split_code(QUOTED[0].text, REFS[:1]) == [QUOTED[0].text]
    assert split_code(code + "\n", REFS) is None  # a line too many
    use = QUOTED[0].text
    assert split_code(code.replace(use + "\n\n", use + "\n"), REFS) is None  # no blank line between two blocks
    assert split_code(code.rsplit("\n", 1)[0], REFS) is None  # a line too few
    assert split_code(code.replace(use + "\n\n", use + "\nx\n"), REFS) is None  # no blank line; the count fits
    assert split_code("", []) is None and split_code("x", []) is None
    assert split_code(QUOTED[0].text, REFS) is None  # the field ends where the blank line before a block should be


def test_a_hand_edit_is_named_by_line_and_block() -> None:
    code = code_of(QUOTED)
    assert verify_code(example(code), entry()) == [block.text for block in QUOTED]  # type: ignore[arg-type]
    with pytest.raises(FatalError) as caught:
        verify_code(example(code.replace("cache.delete", "cache.remove")), entry())  # type: ignore[arg-type]
    assert str(caught.value) == (
        "line 7: the code of CachedTeam::forget differs from what svixsync wrote (edited by hand?); restore it, or "
        "run `svixsync update --force` to rewrite it from upstream"
    )
    with pytest.raises(FatalError) as caught:
        verify_code(example(code + "\n// more"), entry())  # type: ignore[arg-type]
    assert str(caught.value) == (
        "line 7: the code field does not match state/ (edited by hand?); restore it, or run `svixsync update "
        "--force` to rewrite it from upstream"
    )


def test_the_dataset_and_the_lock_must_have_as_many_examples() -> None:
    lines = [example(code_of(QUOTED), user=f"Why {n}?", number=n) for n in (1, 2)]
    lock = Lock(dataset="team.jsonl", pinned="a" * 40, examples=[entry()])
    check_alignment(lines[:1], lock)  # type: ignore[arg-type]
    with pytest.raises(FatalError) as caught:
        check_alignment(lines, lock)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "team.jsonl has 2 lines but the lock records 1 example; run `svixsync init` to adopt the dataset again"
    )
    with pytest.raises(FatalError) as caught:
        check_alignment(lines[:1], lock.model_copy(update={"examples": [entry(), entry()]}))  # type: ignore[arg-type]
    assert str(caught.value) == (
        "team.jsonl has 1 line but the lock records 2 examples; run `svixsync init` to adopt the dataset again"
    )


def test_reauthoring_counts_words_or_for_an_old_flag_any_byte() -> None:
    flagged = example(code_of(QUOTED), user="Why is it cached?")
    respaced = example(code_of(QUOTED), user="Why  is it\ncached?")
    reworded = example(code_of(QUOTED), user="Why is it kept?")
    words = Review(
        reason="stale",
        flagged_at="a" * 40,
        prose_sha256=flagged.prose_sha256,  # type: ignore[attr-defined]
        words_sha256=flagged.words_sha256,  # type: ignore[attr-defined]
    )
    assert [reauthored(e, words) for e in (flagged, respaced, reworded)] == [False, False, True]  # type: ignore[arg-type]
    old = words.model_copy(update={"words_sha256": None})
    assert [reauthored(e, old) for e in (flagged, respaced, reworded)] == [False, True, True]  # type: ignore[arg-type]

"""state/ as values: which dataset a command means, what a block is recorded as, how the lock is written and read."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from svixsync.blocks import extract
from svixsync.errors import FatalError
from svixsync.state import (
    Config,
    DatasetConfig,
    ExampleLock,
    Lock,
    dump,
    read_lock,
    ref_of,
    selection_digest,
    site_of,
)
from tests.rust_source import TEAM_RS, TOPIC

BLOCKS = {block.name: block for block in extract("src/team.rs", TEAM_RS.encode())}
PIN = "a" * 40


def dataset(file: str, tracked: tuple[str, ...] = ("src/team.rs",)) -> DatasetConfig:
    return DatasetConfig(file=file, system_prompt="sys", tracked=list(tracked), topic=TOPIC)  # type: ignore[arg-type]


def test_a_command_means_the_dataset_named_or_the_only_one() -> None:
    one = Config(upstream="https://github.com/svix/svix-webhooks", datasets=[dataset("team.jsonl")])
    two = one.model_copy(update={"datasets": [dataset("team.jsonl"), dataset("members.jsonl")]})
    assert one.dataset(None).file == "team.jsonl" and one.chosen(None) == one.datasets
    assert two.dataset("members.jsonl").file == "members.jsonl"
    assert [entry.file for entry in two.chosen(None)] == ["team.jsonl", "members.jsonl"]
    assert [entry.file for entry in two.chosen("members.jsonl")] == ["members.jsonl"]
    assert [entry.file for entry in one.chosen("team.jsonl")] == ["team.jsonl"]
    with pytest.raises(FatalError) as caught:
        two.dataset(None)
    assert str(caught.value) == "several datasets are configured (team.jsonl, members.jsonl); choose one with --dataset"
    with pytest.raises(FatalError) as caught:
        two.chosen("nope.jsonl")
    assert str(caught.value) == "no dataset 'nope.jsonl' in state/config.json"
    assert dataset("team.jsonl").lock_file == "team.lock.json"


def test_a_block_is_recorded_with_its_place_size_and_fingerprints() -> None:
    block = BLOCKS["CachedTeam::forget"]
    ref = ref_of(block)
    assert (ref.path, ref.kind, ref.name, ref.start_line, ref.lines) == ("src/team.rs", "fn", block.name, 21, 4)
    assert ref.fingerprint == block.fingerprint and ref.key == block.key
    site = site_of(block)
    assert (site.path, site.kind, site.name, site.start_line) == ("src/team.rs", "fn", block.name, 21)


def test_the_selection_digest_follows_the_rules_and_the_tracked_files() -> None:
    team = dataset("team.jsonl")
    assert selection_digest(team) == selection_digest(dataset("other.jsonl"))  # the file's name is not a rule
    assert selection_digest(team) == selection_digest(team, ["src/team.rs"])
    assert selection_digest(team) != selection_digest(team, ["src/moved.rs"])
    assert selection_digest(team) != selection_digest(dataset("team.jsonl", ("src/team.rs", "src/roster.rs")))
    other_rules = team.model_copy(update={"topic": team.topic.model_copy(update={"exclude": []})})
    assert selection_digest(team) != selection_digest(other_rules)
    # Locks keep it across versions: it is the SHA-256 of the rules and the tracked files as canonical JSON.
    canonical = json.dumps({"topic": team.topic.model_dump(mode="json"), "tracked": ["src/team.rs"]}, sort_keys=True)
    assert '"exclude": [{' in canonical.split('"include"')[0]  # the keys sorted, not in the model's field order
    assert selection_digest(team) == hashlib.sha256(canonical.encode()).hexdigest()


def test_a_lock_is_written_in_pieces_that_read_back_as_the_same_lock(tmp_path: Path) -> None:
    examples = [
        ExampleLock(line=n, prose_sha256=f"{n}" * 64, blocks=[ref_of(BLOCKS["CachedMember"])]) for n in (1, 2, 3)
    ]
    lock = Lock(dataset="team.jsonl", pinned=PIN, examples=examples, uncovered=[site_of(BLOCKS["CachedTeam"])])
    data = b"".join(dump(lock))
    assert data == (json.dumps(lock.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n").encode()
    (tmp_path / "team.lock.json").write_bytes(data)
    assert read_lock(tmp_path, dataset("team.jsonl")) == lock
    empty = lock.model_copy(update={"examples": []})
    assert b"".join(dump(empty)) == (json.dumps(empty.model_dump(mode="json"), indent=2) + "\n").encode()


def test_a_problem_in_a_lock_is_placed_in_the_whole_document(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    entry = ExampleLock(line=1, prose_sha256="1" * 64, blocks=[ref_of(BLOCKS["CachedMember"])]).model_dump(mode="json")
    document = {"dataset": "team.jsonl", "pinned": PIN, "examples": [entry, {**entry, "line": 2}, {**entry, "line": 0}]}
    (state / "team.lock.json").write_text(json.dumps(document))
    with pytest.raises(FatalError) as caught:
        read_lock(state, dataset("team.jsonl"))
    assert str(caught.value).startswith("broken state/team.lock.json: examples.2.line: Input should be greater than")
    document["examples"] = [entry, {**entry, "blocks": [{**entry["blocks"][0], "lines": 0}]}]
    (state / "team.lock.json").write_text(json.dumps(document))
    with pytest.raises(FatalError) as caught:
        read_lock(state, dataset("team.jsonl"))
    assert str(caught.value).startswith("broken state/team.lock.json: examples.1.blocks.0.lines: Input should be")

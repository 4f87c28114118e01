"""state/: the configuration people edit and the lock svixsync writes, both plain, diff-friendly JSON."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from svixsync.blocks import Block
from svixsync.errors import FatalError, first_problem
from svixsync.fingerprint import Fingerprint
from svixsync.upstream import check_tracked_path

CONFIG_FILE = "config.json"
Via = Literal["mention", "citation"]  # how prose depends on a block it does not quote (contract §3a)
M = TypeVar("M", bound=BaseModel)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TopicRule(_Strict):
    """Regular expressions a block must all match (searched, not anchored, unless the pattern anchors)."""

    kind: str | None = None
    name: str | None = None
    text: str | None = None

    @field_validator("kind", "name", "text")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"not a regular expression: {error}") from None
        return value


class Topic(_Strict):
    include: list[TopicRule]
    exclude: list[TopicRule] = Field(default_factory=list)


class DatasetConfig(_Strict):
    file: str
    system_prompt: str
    tracked: list[str]
    topic: Topic

    @field_validator("tracked")
    @classmethod
    def _inside_repository(cls, paths: list[str]) -> list[str]:
        if not paths:
            raise ValueError("at least one tracked file is needed")
        try:
            return [check_tracked_path(path) for path in paths]
        except FatalError as error:
            raise ValueError(str(error)) from None

    @field_validator("file")
    @classmethod
    def _plain_name(cls, file: str) -> str:
        if "/" in file or "\\" in file or file.startswith("."):
            raise ValueError("the dataset file must be a plain file name in the root folder")
        return file

    @property
    def lock_file(self) -> str:
        return f"{Path(self.file).stem}.lock.json"


class Config(_Strict):
    upstream: str
    datasets: list[DatasetConfig]

    @field_validator("upstream")
    @classmethod
    def _https(cls, url: str) -> str:
        if not url.startswith("https://"):
            raise ValueError("the upstream URL must be https://")
        return url

    def chosen(self, file: str | None) -> list[DatasetConfig]:
        """The dataset named ``file``; without a name, every configured dataset."""
        return [self.dataset(file)] if file or len(self.datasets) == 1 else list(self.datasets)

    def dataset(self, file: str | None) -> DatasetConfig:
        """The dataset named ``file``, or the only one configured."""
        if file is None:
            if len(self.datasets) == 1:
                return self.datasets[0]
            names = ", ".join(entry.file for entry in self.datasets)
            raise FatalError(f"several datasets are configured ({names}); choose one with --dataset")
        for entry in self.datasets:
            if entry.file == file:
                return entry
        raise FatalError(f"no dataset {file!r} in state/{CONFIG_FILE}")


class _Identified(_Strict):
    """A block's identity in upstream (contract §1): its file, its kind and its name."""

    path: str
    kind: str
    name: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.kind, self.name)


class BlockRef(_Identified):
    """One block an example covers, fingerprinted as it was at the pin."""

    start_line: int | None = None  # None in locks written before svixsync recorded it
    lines: int
    sha256: str
    tokens: str
    words: str

    @property
    def fingerprint(self) -> Fingerprint:
        return Fingerprint(self.sha256, self.tokens, self.words)


class Dependency(BlockRef):
    """A block (or a whole non-Rust file, kind `file`) the prose depends on without quoting it (contract §3a),
    fingerprinted at the pin.

    ``spans`` are the inline-code spans of the prose that name it (none for a citation alone); ``gone`` marks one
    removed upstream, listed until the prose no longer mentions it or its citation is dropped.
    """

    via: Via
    spans: list[str] = Field(default_factory=list)
    gone: bool = False


class Site(_Identified):
    """Where a block is: enough to report it, and to find it again at the same blob."""

    start_line: int


class Flag(_Identified):
    """One block change that flagged an example, as the flagging update saw it: a quoted block's (``via`` None) or
    a dependency's."""

    change: str
    old_name: str | None = None
    old_path: str | None = None
    via: Via | None = None


class Review(_Strict):
    """Why an example awaits a person, and its prose when it was flagged.

    ``since`` is the pin before the first flagging update and ``changes`` every change that flagged it since, so a PR
    comment can say why, and show the code as it was, long after the update moved the pin.
    """

    reason: Literal["stale", "removed", "review"]
    flagged_at: str
    prose_sha256: str
    since: str | None = None
    changes: list[Flag] = Field(default_factory=list)
    # The hash of the prose's words when it was flagged (dataset.words): an edit that only re-spaces them is not a
    # re-authoring. None in a flag written before svixsync recorded it: then any byte of change counts.
    words_sha256: str | None = None


class ExampleLock(_Strict):
    line: int
    prose_sha256: str
    blocks: list[BlockRef]
    review: Review | None = None
    citations: list[str] = Field(default_factory=list)  # `PATH::NAME`, or `PATH` for a non-Rust file
    # What the prose depends on, worked out from the prose of ``prose_sha256`` and the citations at the pin; None in
    # a lock written before svixsync tracked prose, or after an `ack` with no checkout at hand: the next run with
    # one works it out.
    depends: list[Dependency] | None = None


class Lock(_Strict):
    dataset: str
    pinned: str
    examples: list[ExampleLock]
    # The selected blocks no example covered at the pin, and the digest of the topic rules and tracked files they
    # were selected under: a later run reuses them for every file upstream left untouched, instead of parsing it.
    uncovered: list[Site] | None = None
    selection: str | None = None


def ref_of(block: Block) -> BlockRef:
    """A block as the lock records it."""
    return BlockRef(
        path=block.path,
        kind=block.kind,
        name=block.name,
        start_line=block.start_line,
        lines=block.text.count("\n") + 1,
        sha256=block.fingerprint.text,
        tokens=block.fingerprint.tokens,
        words=block.fingerprint.words,
    )


def site_of(block: Block) -> Site:
    return Site(path=block.path, kind=block.kind, name=block.name, start_line=block.start_line)


def selection_digest(dataset: DatasetConfig, tracked: list[str] | None = None) -> str:
    """What the uncovered list of a lock depends on besides the blobs: the topic rules and the tracked files."""
    document = {"topic": dataset.topic.model_dump(mode="json"), "tracked": tracked or dataset.tracked}
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def read_config(state: Path) -> Config:
    return _read(state / CONFIG_FILE, Config)


def read_config_if_any(state: Path) -> Config | None:
    return read_config(state) if (state / CONFIG_FILE).exists() else None


def read_lock(state: Path, dataset: DatasetConfig) -> Lock:
    lock = _read(state / dataset.lock_file, Lock)
    if lock.dataset != dataset.file:
        raise FatalError(f"state/{dataset.lock_file} is the lock of {lock.dataset}, not {dataset.file}")
    return lock


def _read(path: Path, model: type[M]) -> M:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FatalError(f"{path.parent.name}/{path.name} not found; run `svixsync init` first") from None
    try:
        return model.model_validate_json(data)
    except ValidationError as error:
        raise FatalError(f"broken {path.parent.name}/{path.name}: {first_problem(error, 'document')}") from None


def dump(model: BaseModel) -> bytes:
    """Deterministic bytes: same model, same bytes, one key per line so diffs stay readable."""
    # pydantic's own serializer: the bytes json.dumps(indent=2, ensure_ascii=False) gives, at a fraction of the cost.
    return (model.model_dump_json(indent=2) + "\n").encode("utf-8")

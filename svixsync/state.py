"""state/: the configuration people edit and the lock svixsync writes, both plain, diff-friendly JSON."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Annotated, Any, Literal, Self, TypeVar, cast

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from svixsync import transaction
from svixsync.blocks import Block
from svixsync.errors import FatalError, first_problem, shorten
from svixsync.fingerprint import Fingerprint
from svixsync.transaction import PLAIN_NAME, SUFFIX
from svixsync.upstream import check_tracked_path

CONFIG_FILE = "config.json"
Via = Literal["mention", "citation"]  # how prose depends on a block it does not quote (contract §3a)
M = TypeVar("M", bound=BaseModel)
COMMIT_SHA = re.compile(r"[0-9a-f]{40}")
SHA256 = re.compile(r"[0-9a-f]{64}")
# A URL whose characters cannot leave a markdown link or start markup: scheme, host, path.
URL = re.compile(r"https://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~-]+)*/?")


def _matching(pattern: re.Pattern[str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"must be {what}, not {shorten(value)!r}")
        return sys.intern(value)  # the same block's hashes recur in every example quoting it: keep one copy

    return AfterValidator(check)


# Recorded values of state/, each checked where it is read: a symbolic pin (`HEAD`, `main`) would compare upstream
# with itself, and every string here reaches reports.
CommitSha = Annotated[str, _matching(COMMIT_SHA, "a full commit sha (40 lowercase hex digits)")]
Sha256 = Annotated[str, _matching(SHA256, "a sha256 (64 lowercase hex digits)")]
ChangeClass = Literal["cosmetic", "doc", "semantic", "renamed", "moved", "added", "removed"]
# The kinds of contract §1, and `file`: a cited non-Rust file, a dependency as a whole (contract §3a).
BLOCK_KINDS = (
    "use", "struct", "enum", "union", "trait", "type", "const", "static", "fn", "impl", "macro", "mod", "file",
)  # fmt: skip


def _block_kind(kind: str) -> str:
    if kind not in BLOCK_KINDS:
        raise ValueError(f"must be a block kind of contract §1 ({', '.join(BLOCK_KINDS)}), not {shorten(kind)!r}")
    return sys.intern(kind)


BlockKind = Annotated[str, AfterValidator(_block_kind)]
Line = Annotated[int, Field(ge=1)]


@functools.cache
def compile_rule(pattern: str) -> Any:
    """A topic rule's pattern, compiled by RE2: its matching time grows linearly with the text, so no rule can
    hang a run (Python's backtracking engine takes exponential time on patterns like `(a+)+b`)."""
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print its own line on stderr
    try:
        return re2.compile(pattern, options)
    except re2.error as error:
        reason = error.args[0].decode(errors="replace") if error.args and isinstance(error.args[0], bytes) else error
        raise ValueError(f"not a regular expression RE2 accepts (no lookaround, no backreferences): {reason}") from None


# Names come from upstream's text (a cfg qualifier quotes its strings): reports escape them, state/ only keeps them.
BlockName = Annotated[str, Field(min_length=1), AfterValidator(sys.intern)]


def _tracked(path: str) -> str:
    try:
        return sys.intern(check_tracked_path(path))
    except FatalError as error:
        raise ValueError(str(error)) from None


TrackedPath = Annotated[str, AfterValidator(_tracked)]


def _unique(values: list[str], what: str) -> None:
    seen = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {shorten(value)!r} is listed twice")
        seen.add(value)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="after")
    def _share_fields_set(self) -> Self:
        # pydantic gives every instance its own set of the names of the fields it was given, about 700 bytes; a lock
        # holds hundreds of thousands of instances with the same few sets. Equal sets are shared (model_copy copies
        # the set before it changes it, and frozen models change nothing in place).
        fields = self.__pydantic_fields_set__
        shared = _FIELDS_SETS.setdefault((type(self), frozenset(fields)), fields)
        object.__setattr__(self, "__pydantic_fields_set__", shared)
        return self


_FIELDS_SETS: dict[tuple[type[BaseModel], frozenset[str]], set[str]] = {}


class TopicRule(_Strict):
    """Regular expressions a block must all match (searched, not anchored, unless the pattern anchors)."""

    kind: str | None = None
    name: str | None = None
    text: str | None = None

    @field_validator("kind", "name", "text")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            compile_rule(value)
        return value


class Topic(_Strict):
    include: list[TopicRule]
    exclude: list[TopicRule] = Field(default_factory=list)


class DatasetConfig(_Strict):
    file: str
    system_prompt: str
    tracked: list[TrackedPath]
    topic: Topic

    @field_validator("tracked")
    @classmethod
    def _some_once_each(cls, paths: list[str]) -> list[str]:
        if not paths:
            raise ValueError("at least one tracked file is needed")
        _unique(paths, "tracked file")
        return paths

    @field_validator("file")
    @classmethod
    def _plain_name(cls, file: str) -> str:
        if not PLAIN_NAME.fullmatch(file) or file.endswith((".lock.json", SUFFIX)):
            raise ValueError(f"the dataset file must be a plain file name in the root folder, not {shorten(file)!r}")
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
        if not URL.fullmatch(url):
            raise ValueError(f"the upstream URL must be a plain https:// URL, not {shorten(url)!r}")
        return url

    @model_validator(mode="after")
    def _datasets_once_each(self) -> Config:
        _unique([entry.file for entry in self.datasets], "dataset")
        _unique([entry.lock_file for entry in self.datasets], "lock file")
        return self

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

    path: TrackedPath
    kind: BlockKind
    name: BlockName

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.kind, self.name)


class BlockRef(_Identified):
    """One block an example covers, fingerprinted as it was at the pin."""

    start_line: Line | None = None  # None in locks written before svixsync recorded it
    lines: Line
    sha256: Sha256
    tokens: Sha256
    words: Sha256

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
    """Where a block is: enough to report it, link to its lines, and find it again at the same blob."""

    start_line: Line
    end_line: Line | None = None  # None in locks written before svixsync recorded it


class Flag(_Identified):
    """One block change that flagged an example, as the flagging update saw it: a quoted block's (``via`` None) or
    a dependency's."""

    change: ChangeClass
    old_name: BlockName | None = None
    old_path: TrackedPath | None = None
    via: Via | None = None


class Review(_Strict):
    """Why an example awaits a person, and its prose when it was flagged.

    ``since`` is the pin before the first flagging update and ``changes`` every change that flagged it since, so a PR
    comment can say why, and show the code as it was, long after the update moved the pin.
    """

    reason: Literal["stale", "removed", "review"]
    flagged_at: CommitSha
    prose_sha256: Sha256
    since: CommitSha | None = None
    changes: list[Flag] = Field(default_factory=list)
    # The hash of the prose's words when it was flagged (dataset.words): an edit that only re-spaces them is not a
    # re-authoring. None in a flag written before svixsync recorded it: then any byte of change counts.
    words_sha256: str | None = None


class ExampleLock(_Strict):
    line: Line
    prose_sha256: Sha256
    blocks: list[BlockRef]
    review: Review | None = None
    citations: list[str] = Field(default_factory=list)  # `PATH::NAME`, or `PATH` for a non-Rust file
    # What the prose depends on, worked out from the prose of ``prose_sha256`` and the citations at the pin; None in
    # a lock written before svixsync tracked prose, or after an `ack` with no checkout at hand: the next run with
    # one works it out.
    depends: list[Dependency] | None = None


class Lock(_Strict):
    dataset: str
    pinned: CommitSha
    examples: list[ExampleLock]
    # The selected blocks no example covered at the pin, and the digest of the topic rules and tracked files they
    # were selected under: a later run reuses them for every file upstream left untouched, instead of parsing it.
    uncovered: list[Site] | None = None
    selection: Sha256 | None = None


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
    return Site(path=block.path, kind=block.kind, name=block.name, start_line=block.start_line, end_line=block.end_line)


def selection_digest(dataset: DatasetConfig, tracked: list[str] | None = None) -> str:
    """What the uncovered list of a lock depends on besides the blobs: the topic rules and the tracked files."""
    document = {"topic": dataset.topic.model_dump(mode="json"), "tracked": tracked or dataset.tracked}
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def read_config(state: Path) -> Config:
    return _read(state / CONFIG_FILE, Config)


def read_config_if_any(state: Path) -> Config | None:
    return read_config(state) if transaction.exists(state / CONFIG_FILE) else None


def read_lock(state: Path, dataset: DatasetConfig) -> Lock:
    lock = _read(state / dataset.lock_file, Lock)
    if lock.dataset != dataset.file:
        raise FatalError(f"state/{dataset.lock_file} is the lock of {shorten(lock.dataset)}, not {dataset.file}")
    return lock


def _read(path: Path, model: type[M]) -> M:
    try:
        data = transaction.read_bytes(path)
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise FatalError(
                f"no {path.parent.name}/ folder in {path.parent.parent}: run svixsync in the folder that holds "
                "state/ and the dataset (or pass --root or set SVIXSYNC_ROOT), or start one with "
                "`svixsync init --dataset FILE --system-prompt TEXT --tracked PATH`"
            ) from None
        raise FatalError(f"{path.parent.name}/{path.name} not found; run `svixsync init` first") from None
    try:
        return cast(M, _lock_from(data)) if model is Lock else model.model_validate_json(data)
    except ValidationError as error:
        raise FatalError(f"broken {path.parent.name}/{path.name}: {first_problem(error, 'document')}") from None
    except json.JSONDecodeError as error:
        raise FatalError(
            f"broken {path.parent.name}/{path.name}: invalid JSON at line {error.lineno}, column {error.colno}: "
            f"{error.msg}"
        ) from None


def _lock_from(data: bytes) -> Lock:
    """A lock, each example validated as soon as the JSON parser has read it.

    pydantic would hold the whole parsed document beside the models it builds: for a lock of a hundred thousand
    examples that is several times the file. Here each example's dicts are dropped as soon as it is a model."""
    text = data.decode("utf-8")
    del data
    examples = 0

    def hook(document: dict[str, Any]) -> Any:
        nonlocal examples
        if "blocks" not in document or "prose_sha256" not in document:
            return document
        try:
            return ExampleLock.model_validate(document)
        except ValidationError as error:
            raise _at(error, ("examples", examples)) from None
        finally:
            examples += 1

    return Lock.model_validate(json.loads(text, object_hook=hook))


def _at(error: ValidationError, where: tuple[str | int, ...]) -> ValidationError:
    """``error`` with ``where`` before the location of each problem, as if the whole document had been validated."""
    problems = [{**problem, "loc": (*where, *problem["loc"])} for problem in error.errors()]
    return ValidationError.from_exception_data(error.title, problems)  # type: ignore[arg-type]


def dump(model: BaseModel) -> tuple[bytes, ...]:
    """Deterministic bytes: same model, same bytes, one key per line so diffs stay readable."""
    # pydantic's own serializer, straight to bytes: what json.dumps(indent=2, ensure_ascii=False) gives, at a fraction
    # of the time. A lock goes in pieces, one an example: its whole document at once would take twice its size.
    serializer = model.__pydantic_serializer__
    if not isinstance(model, Lock) or not model.examples:
        return (serializer.to_json(model, indent=2), b"\n")
    hollow = serializer.to_json(model.model_copy(update={"examples": []}), indent=2)
    head, tail = hollow.split(b'"examples": []', 1)
    pieces = [head, b'"examples": [']
    for index, entry in enumerate(model.examples):
        piece = entry.__pydantic_serializer__.to_json(entry, indent=2).replace(b"\n", b"\n    ")
        pieces.append((b",\n    " if index else b"\n    ") + piece)
    return (*pieces, b"\n  ]", tail, b"\n")


def dump_config(config: Config) -> bytes:
    """The configuration's bytes, validated as they will be read back: commands amend it with ``model_copy``, which
    skips validation, and svixsync must never write a state/ that it would then reject (an empty `tracked`)."""
    data = b"".join(dump(config))
    try:
        Config.model_validate_json(data)
    except ValidationError as error:
        raise FatalError(
            f"refusing to write a state/{CONFIG_FILE} that svixsync would reject ({first_problem(error, 'document')})"
        ) from None
    return data

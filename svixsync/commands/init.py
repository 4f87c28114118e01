"""`svixsync init`: write state/'s lock for a configured dataset, adopting the lines it already has."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from svixsync import state, transaction
from svixsync.blocks import Block
from svixsync.dataset import Example
from svixsync.errors import FatalError, first_problem
from svixsync.evaluate import load_examples, pin_scope, with_depends
from svixsync.project import Project
from svixsync.snapshot import Snapshots
from svixsync.state import Config, DatasetConfig, ExampleLock, Lock, Review, ref_of, site_of
from svixsync.sync import reauthored
from svixsync.terminal import safe
from svixsync.topic import selects
from svixsync.upstream import UPSTREAM_URL


def run(
    project: Project,
    name: str | None,
    rev: str | None,
    system_prompt: str | None,
    tracked: list[str],
    topic_file: str | None,
    upstream_url: str | None = None,
) -> int:
    with project.writing():
        upstream = project.upstream()
        configured = state.read_config_if_any(project.state)
        config, entry = _configure(configured, name, system_prompt, tracked, topic_file)
        if upstream_url is not None:
            config = _with_url(config, upstream_url)
        elif configured is None and (origin := upstream.origin_url()) and state.URL.fullmatch(origin):
            config = config.model_copy(update={"upstream": origin})
        elif configured is None:
            click.echo(
                f"svixsync: the checkout has no https origin: recording {config.upstream} as the upstream URL "
                "(reports link to it, the action clones it); pass --upstream-url to record another",
                err=True,
            )
        previous = _previous_lock(project, entry)
        pin = upstream.resolve(rev or (previous.pinned if previous else "HEAD"))
        snapshots = Snapshots(upstream)
        blocks = snapshots.files(pin, entry.tracked)
        for path in entry.tracked:
            if upstream.blob_sha(pin, path) is None:
                raise FatalError(f"tracked file {path} does not exist at {pin[:12]}")
        dataset_path = project.root / entry.file
        examples = load_examples(project, entry, allow_empty=True)
        by_first_line: dict[str, list[Block]] = {}
        for block in blocks:
            by_first_line.setdefault(block.text.split("\n", 1)[0], []).append(block)
        adopted = [adopt(example, blocks, by_first_line) for example in examples]
        covered = {block.key for found in adopted for block in found}
        earlier = _earlier(previous, examples)
        reviews, said = _flags(previous, examples, earlier)
        adopting = Lock(
            dataset=entry.file,
            pinned=pin,
            examples=[
                ExampleLock(
                    line=example.number,
                    prose_sha256=example.prose_sha256,
                    blocks=[ref_of(block) for block in found],
                    review=review,
                    citations=before.citations if before else [],
                    depends=before.depends if before else None,
                )
                for example, found, before, review in zip(examples, adopted, earlier, reviews, strict=True)
            ],
            uncovered=[site_of(block) for block in blocks if selects(entry.topic, block) and block.key not in covered],
            selection=state.selection_digest(entry),
        )
        lock = with_depends(adopting, examples, lambda: pin_scope(snapshots, pin, entry, adopting), everything=True)
        files: dict[Path, transaction.Content] = {
            project.state / entry.lock_file: state.dump(lock),
            project.state / state.CONFIG_FILE: state.dump_config(config),
        }
        if not transaction.exists(dataset_path):
            files[dataset_path] = b""
        project.commit(files)
    for line in said:
        click.echo(safe(line))
    click.echo(f"{entry.file}: {len(lock.examples)} examples pinned at {pin[:12]}")
    return 0


def _flags(
    previous: Lock | None, examples: list[Example], earlier: list[ExampleLock | None]
) -> tuple[list[Review | None], list[str]]:
    """The flag each example keeps, and what init says about the flags it does not keep, line by line.

    A flag stays with its prose. Prose edited in place since the lock was written (a hand edit) drops it when its
    words changed since it was flagged, as `ack` would have; a flagged example no line holds any more takes its flag
    with it."""
    reviews: list[Review | None] = []
    said = []
    for example, before in zip(examples, earlier, strict=True):
        review = before.review if before else None
        edited = before is not None and before.prose_sha256 != example.prose_sha256
        if review is not None and edited and reauthored(example, review):
            said.append(
                f"line {example.number}: its prose was re-authored since it was flagged {review.reason}; "
                "the flag is cleared (`svixsync edit` and `ack` do this one line at a time)"
            )
            review = None
        reviews.append(review)
    kept = {id(before) for before in earlier if before is not None}
    for index, entry in enumerate(previous.examples if previous else [], start=1):
        if entry.review is not None and id(entry) not in kept:
            said.append(
                f"the example flagged {entry.review.reason} on line {index} is no longer in the dataset; "
                "its flag went with it"
            )
    return reviews, said


def _configure(
    configured: Config | None, name: str | None, system_prompt: str | None, tracked: list[str], topic_file: str | None
) -> tuple[Config, DatasetConfig]:
    """The configuration with the dataset's entry created or amended from the options given."""
    config = configured or Config(upstream=UPSTREAM_URL, datasets=[])
    existing = next((e for e in config.datasets if e.file == name), None) if name else None
    if existing is None and name is None:
        existing = config.dataset(None) if config.datasets else None
    if existing is None and (name is None or system_prompt is None or not tracked):
        raise FatalError("a new dataset needs --dataset, --system-prompt and --tracked")
    fields: dict[str, Any] = {}
    if system_prompt is not None:
        fields["system_prompt"] = system_prompt
    if tracked:
        fields["tracked"] = tracked
    if topic_file is not None:
        try:
            fields["topic"] = json.loads(Path(topic_file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise FatalError(f"cannot read topic rules from {topic_file}: {error}") from None
    base = existing.model_dump() if existing else {"file": name, "topic": {"include": [{}]}}
    try:
        entry = DatasetConfig.model_validate({**base, **fields})
    except ValidationError as error:
        raise FatalError(f"bad dataset configuration: {first_problem(error, 'dataset')}") from None
    datasets = [entry if e.file == entry.file else e for e in config.datasets]
    if existing is None:
        datasets.append(entry)
    return config.model_copy(update={"datasets": datasets}), entry


def _with_url(config: Config, url: str) -> Config:
    """The configuration with ``url`` as upstream's address, the one links in reports point at."""
    try:
        return Config.model_validate({**config.model_dump(), "upstream": url})
    except ValidationError as error:
        raise FatalError(f"bad upstream URL: {first_problem(error, 'upstream')}") from None


def _earlier(previous: Lock | None, examples: list[Example]) -> list[ExampleLock | None]:
    """The previous lock's entry for each example: the one with the same prose, else the one on the same line whose
    prose no line has any more (a line edited in place). Entries are looked up by prose: a scan per line made
    `init` quadratic."""
    if previous is None:
        return [None] * len(examples)
    current = {example.prose_sha256 for example in examples}
    by_prose: dict[str, ExampleLock] = {}
    for before in previous.examples:
        by_prose.setdefault(before.prose_sha256, before)  # the first entry with that prose, as a scan finds it

    def entry(example: Example) -> ExampleLock | None:
        same = by_prose.get(example.prose_sha256)
        if same is not None:
            return same
        if example.number <= len(previous.examples):
            on_line = previous.examples[example.number - 1]
            if on_line.prose_sha256 not in current:
                return on_line
        return None

    return [entry(example) for example in examples]


def _previous_lock(project: Project, entry: state.DatasetConfig) -> Lock | None:
    if not transaction.exists(project.state / entry.lock_file):
        return None
    return state.read_lock(project.state, entry)


def adopt(example: Example, blocks: list[Block], by_first_line: dict[str, list[Block]]) -> list[Block]:
    """The blocks an existing code field is made of: a `use` block, then whole blocks separated by blank lines.

    ``by_first_line`` indexes ``blocks`` by the first line of their text, so each step looks at a handful of
    candidates rather than at every block of the tracked files."""
    code = example.code
    uses = [
        block
        for block in by_first_line.get(code.split("\n", 1)[0], [])
        if block.name == "use" and code.startswith(block.text)
    ]
    found: list[Block] = uses[:1]
    position = len(found[0].text) if found else 0
    while position < len(code):
        if found:
            if not code.startswith("\n\n", position):
                break
            position += 2
        end = code.find("\n", position)
        first_line = code[position:] if end == -1 else code[position:end]
        matches = [
            block
            for block in by_first_line.get(first_line, [])
            if block.kind != "use"
            and code.startswith(block.text, position)
            and (position + len(block.text) == len(code) or code.startswith("\n\n", position + len(block.text)))
        ]
        if not matches:
            break
        best = max(matches, key=lambda block: len(block.text))
        found.append(best)
        position += len(best.text)
    if position != len(code) or len(found) == len(uses[:1]):
        line = code[:position].count("\n") + 1
        raise FatalError(
            f"line {example.number}: its code matches no block of the tracked "
            f"files at the pin (from code line {line} on); re-author it with `svixsync add`"
        )
    return found

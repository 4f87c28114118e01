"""`svixsync card`: a Hugging Face dataset card (a Hub dataset repository's README.md), made from state/.

The YAML front matter says what the Hub and `datasets.load_dataset` read (licence, language, task, size, the
data file, the features); the body says what the dataset holds, which upstream code it quotes and cites (linked to
the lines at the pin), how it is kept true, and whose code it is. Strings from state/ or the dataset enter YAML as
JSON strings (YAML reads them as they are) and markdown through ``markdown.text`` and ``markdown.code``.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from svixsync import links, sync, transaction
from svixsync.depends import citation_of
from svixsync.evaluate import load_examples
from svixsync.markdown import code, fence, text
from svixsync.project import Project
from svixsync.state import BlockRef, Config, DatasetConfig, Lock, read_lock

# The Hub's size categories: (upper bound, name); past the last, "n>1T".
SIZES = [
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
    (10_000_000_000, "1B<n<10B"),
    (100_000_000_000, "10B<n<100B"),
    (1_000_000_000_000, "100B<n<1T"),
]
LINES_SHOWN = 8  # example lines listed per quoted block; the rest are counted
NOTICE = "NOTICE"


def size_category(count: int) -> str:
    return next((name for bound, name in SIZES if count < bound), "n>1T")


def run(project: Project, dataset: str | None, licence: str, languages: list[str]) -> int:
    with project.reading():
        project.refuse_unfinished()
        config = project.config()
        entry = config.dataset(dataset)
        examples = load_examples(project, entry)
        lock = read_lock(project.state, entry)
        # The code fields must be what state/ records (as `check` verifies with no checkout at hand), or the card
        # would describe code the file does not hold.
        report = sync.offline(examples, lock)
        notice_path = project.root / NOTICE
        notice = transaction.read_bytes(notice_path).decode("utf-8", "replace") if notice_path.is_file() else None
    click.echo(front_matter(entry, len(examples), licence, languages) + body(config, entry, lock, report, notice))
    return 0


def front_matter(entry: DatasetConfig, count: int, licence: str, languages: list[str]) -> str:
    """The card's YAML header: what the Hub shows and `load_dataset` reads."""
    string = json.dumps
    lines = [
        "---",
        f"license: {string(licence)}",
        "language:",
        *(f"- {string(language)}" for language in languages),
        f"pretty_name: {string(Path(entry.file).stem)}",
        "task_categories:",
        "- text-generation",
        "size_categories:",
        f"- {string(size_category(count))}",
        "tags:",
        "- code",
        "- chatml",
        "configs:",
        "- config_name: default",
        "  data_files:",
        "  - split: train",
        f"    path: {string(entry.file)}",
        "dataset_info:",
        "  config_name: default",
        "  features:",
        "  - name: type",
        "    dtype: string",
        "  - name: messages",
        "    list:",
        "    - name: role",
        "      dtype: string",
        "    - name: content",
        "      dtype: string",
        "---",
        "",
    ]
    return "\n".join(lines)


def body(config: Config, entry: DatasetConfig, lock: Lock, report: sync.Report, notice: str | None) -> str:
    """The card's markdown: what the dataset is, what it quotes and cites, how it is kept true, whose code it is."""
    url = config.upstream
    name = links.repository(url).rsplit("/", 1)[-1]
    upstream = f"[{text(name)}]({links.repository(url)})"
    pinned = f"[{code(lock.pinned[:12], in_table=False)}]({links.commit(url, lock.pinned)})"
    count = len(report.examples)
    tracked = ", ".join(
        f"[{code(path, in_table=False)}]({links.Location(lock.pinned, path, None).url(url)})" for path in entry.tracked
    )
    parts = [
        f"# {text(Path(entry.file).stem)}",
        "",
        f"{count} ChatML example{'s' if count != 1 else ''} in {code(entry.file, in_table=False)}, each a request "
        f"and an answer (reasoning, then code) about {tracked} in {upstream}. The code is quoted verbatim from "
        f"upstream at commit {pinned} and kept true to it by svixsync.",
        "",
        "## Structure",
        "",
        'One JSON object per line, `{"type": "chatml", "messages": [system, user, assistant]}`. Every example has '
        "the same system prompt:",
        "",
        f"> {text(entry.system_prompt)}",
        "",
        "The assistant's content is `<think>`, a line break, the reasoning, a line break, `</think>`, a blank line, "
        "then the code: the tracked file's `use` block, a blank line, and the quoted blocks verbatim, joined by "
        "blank lines.",
        "",
        "## What it quotes",
        "",
        *_quoted(lock, url),
        *_cited(lock, url),
        *_uncovered(report, url),
        "## How it is maintained",
        "",
        "People write the requests and the reasoning; only svixsync writes the code fields. When upstream moves, "
        "`svixsync update` rewrites the code where only layout, comments or location changed, and flags an example "
        "whose code changed meaning, or whose prose mentions or cites code that did, until a person re-authors or "
        "acknowledges it; `svixsync check` runs in CI on every change.",
        "",
        *_flagged(report),
        "## Loading",
        "",
        fence(
            "from datasets import load_dataset\n\n"
            '# From the Hub: load_dataset("OWNER/NAME", split="train"). From a clone of the dataset\'s repository:\n'
            f'dataset = load_dataset("json", data_files={json.dumps(entry.file)}, split="train")\n'
            'print(dataset[0]["messages"][1]["content"])',
            "python",
        ),
        "",
        "## Licence and attribution",
        "",
        f"The code fields are excerpts of {upstream} ({links.repository(url)}) at commit {pinned}, and keep "
        "upstream's licence and copyright notice"
        + (f"; {code(NOTICE, in_table=False)}, shipped with the dataset, reads:" if notice else "."),
    ]
    if notice:
        parts += ["", fence(notice.rstrip("\n"))]
    return "\n".join(parts) + "\n"


def _quoted(lock: Lock, url: str) -> list[str]:
    """A table of the blocks the examples quote (the `use` block aside), each linked to its lines at the pin."""
    quoting: dict[tuple[str, str, str], tuple[BlockRef, list[int]]] = {}
    for example in lock.examples:
        for ref in example.blocks:
            if ref.kind != "use":
                quoting.setdefault(ref.key, (ref, []))[1].append(example.line)
    if not quoting:
        return ["No example quotes a block yet.", ""]
    rows = ["| block | kind | file | lines at the pin | examples (line numbers) |", "|---|---|---|---|---|"]
    for ref, lines in quoting.values():
        place = links.recorded(lock.pinned, ref)
        where = f"[{text(place.label)}]({place.url(url)})" if place else ""
        shown = ", ".join(map(str, lines[:LINES_SHOWN])) + (
            f" and {len(lines) - LINES_SHOWN} more" if len(lines) > LINES_SHOWN else ""
        )
        rows.append(f"| {code(ref.name)} | {text(ref.kind)} | {code(ref.path)} | {where} | {shown} |")
    return [f"{len(quoting)} block{'s' if len(quoting) != 1 else ''} of upstream quoted:", "", *rows, ""]


def _cited(lock: Lock, url: str) -> list[str]:
    """The code the prose relies on without quoting it, as recorded with `svixsync cite`."""
    citing: dict[str, tuple[str | None, list[int]]] = {}
    for example in lock.examples:
        located = {citation_of(dependency): dependency for dependency in example.depends or []}
        for citation in example.citations:
            dependency = located.get(citation)
            place = links.recorded(lock.pinned, dependency) if dependency else None
            citing.setdefault(citation, (place.url(url) if place else None, []))[1].append(example.line)
    if not citing:
        return []
    items = [
        f"- {f'[{code(citation, in_table=False)}]({address})' if address else code(citation, in_table=False)}: "
        f"cited by line{'s' if len(lines) != 1 else ''} {', '.join(map(str, lines))}"
        for citation, (address, lines) in citing.items()
    ]
    return ["Code the prose relies on without quoting it (citations):", "", *items, ""]


def _uncovered(report: sync.Report, url: str) -> list[str]:
    if not report.uncovered:
        return ["Every block the dataset's topic rules select is quoted by an example.", ""]
    items = [
        f"- {text(site.kind)} {code(site.name, in_table=False)} ([{text(place.label)}]({place.url(url)}))"
        for site in report.uncovered
        for place in [links.site(report, site)]
    ]
    return ["Blocks the topic rules select that no example quotes yet:", "", *items, ""]


def _flagged(report: sync.Report) -> list[str]:
    waiting = [state.example.number for state in report.examples if state.lock.review is not None]
    if not waiting:
        return []
    lines = ", ".join(map(str, waiting))
    return [f"{len(waiting)} example{'s' if len(waiting) != 1 else ''} await a person (lines {lines}).", ""]

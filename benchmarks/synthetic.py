"""A synthetic upstream and dataset for the scale benchmark: Rust shaped like a cached-lookup module, written here.

Each file holds about twenty blocks (a use block, a struct with serde attributes, an impl of async fns, an item-level
macro, a key impl, consts, an enum and a `#[cfg(test)]` module). The dataset's prose is filler marked as synthetic:
it only has to be valid, never read. The history rows build their repositories with git fast-import: one such file
over hundreds of commits, and a file whose fns are all renamed in one commit.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from svixsync.blocks import extract

SYSTEM = "Synthetic benchmark dataset."
FNS = ("cached_get", "cached_set", "cached_delete", "load_from_db", "refresh", "invalidate", "warm", "expire")


def rust_file(index: int, revision: int = 0) -> str:
    """The source of file ``index``; ``revision`` 1 changes one fn's meaning and reformats another."""
    name = f"Item{index}"
    fns = []
    for number, fn in enumerate(FNS):
        body = f"        let key = {name}Key::new(id);\n        cache.get(&key).await.map(|v| v.len() + {number})"
        if revision and fn == "refresh":
            body = f"        let key = {name}Key::new(id);\n        cache.get(&key).await.map(|v| v.len() * 2)"
        if revision and fn == "warm":
            body = (
                f"        let key = {name}Key::new(id);\n"
                f"        cache\n            .get(&key)\n            .await\n            .map(|v| v.len() + {number})"
            )
        fns.append(
            f"    /// {fn} for {name}.\n"
            f"    pub async fn {fn}(cache: &Cache, id: &str) -> Result<usize> {{\n{body}\n    }}\n"
        )
    return (
        "use std::time::Duration;\n\nuse serde::{Deserialize, Serialize};\nuse crate::core::cache::{Cache, kv_def};\n\n"
        f"pub const TTL_{index}: Duration = Duration::from_secs({index % 60 + 1});\n"
        f"pub const LIMIT_{index}: usize = {index};\n"
        f'pub const NAME_{index}: &str = "item-{index}";\n\n'
        f"/// Cached {name}.\n#[derive(Deserialize, Serialize, Debug, Clone)]\npub struct {name} {{\n"
        f'    pub id: String,\n    #[serde(rename = "v", default)]\n    pub value: Vec<u8>,\n}}\n\n'
        f"pub enum {name}State {{\n    Fresh,\n    Stale,\n}}\n\n"
        f"impl {name} {{\n" + "\n".join(fns) + "}\n\n"
        f"kv_def!({name}Key, {name});\n"
        f'impl {name}Key {{\n    pub fn new(id: &str) -> {name}Key {{\n        {name}Key(format!("{index}_{{id}}"))\n'
        "    }\n}\n\n"
        "#[cfg(test)]\nmod tests {\n    #[test]\n    fn works() {\n        assert_eq!(1, 1);\n    }\n}\n"
    )


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


MENTIONS = 5
CITATIONS = 2


def neighbours(index: int, files: int, count: int) -> list[int]:
    """``count`` other files of ``files``, spread from ``index`` on: where an example's prose reaches."""
    return [(index + 1 + step * max(1, files // (count + 1))) % files for step in range(count)]


def citations(index: int, number: int, files: int) -> list[str]:
    """The citations of example ``number`` of file ``index``: fns of two other files."""
    return [
        f"src/item_{other:04}.rs::Item{other}::{FNS[(number + step) % len(FNS)]}"
        for step, other in enumerate(neighbours(index, files, CITATIONS))
    ]


def build(folder: Path, files: int, examples_per_file: int, covered_files: int) -> tuple[Path, Path]:
    """An upstream of ``files`` Rust files (one commit) and a project whose dataset quotes the first
    ``covered_files`` of them, ``examples_per_file`` examples each; not yet adopted (`svixsync init` does that).
    Every example's reasoning mentions fns of five other files (see ``citations`` for what it cites)."""
    upstream, project = folder / "upstream", folder / "project"
    (upstream / "src").mkdir(parents=True)
    project.mkdir()
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "config", "user.email", "bench@example.com")
    git(upstream, "config", "user.name", "Bench")
    lines = []
    for index in range(files):
        path = f"src/item_{index:04}.rs"
        source = rust_file(index)
        (upstream / path).write_text(source)
        blocks = {block.name: block for block in extract(path, source.encode())}
        use = blocks["use"].text
        for number in range(examples_per_file if index < covered_files else 0):
            chosen = [blocks[f"Item{index}::{FNS[(number + step) % len(FNS)]}"].text for step in range(1 + number % 2)]
            code = "\n\n".join([use, *chosen])
            user = f"Synthetic request {index}-{number}."
            named = ", ".join(f"`Item{other}::refresh`" for other in neighbours(index, files, MENTIONS))
            think = f"Synthetic reasoning {index}-{number}, naming {named}."
            document = {
                "type": "chatml",
                "messages": [
                    {"role": "system", "content": SYSTEM},
                    {"role": "user", "content": user},
                    {"role": "assistant", "content": f"<think>\n{think}\n</think>\n\n{code}"},
                ],
            }
            lines.append(json.dumps(document, ensure_ascii=False))
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "synthetic start")
    (project / "bench.jsonl").write_text("\n".join(lines) + "\n")
    topic = {"include": [{"kind": "^fn$", "name": "::(cached_|load_|refresh|invalidate)"}]}
    (project / "topic.json").write_text(json.dumps(topic))
    return upstream, project


def touch(upstream: Path, files: list[int]) -> None:
    """One commit changing ``files``: a fn's meaning in each, and the layout of another."""
    for index in files:
        (upstream / f"src/item_{index:04}.rs").write_text(rust_file(index, revision=1))
    git(upstream, "commit", "-q", "-am", f"touch {len(files)} files")


def lookup_fns(count: int, prefix: str, edited: bool = False) -> str:
    """``count`` top-level lookup fns named ``prefix_N``; ``edited`` changes each body a little, so a rename
    cannot be found by hash alone."""
    return "".join(
        f"/// Looks up entry {index}.\n"
        f"pub fn {prefix}_{index}(cache: &Cache, id: u64) -> u64 {{\n"
        f'    let key = Key::new("k{index}", id);\n'
        f"    cache.get(&key).unwrap_or({index}){' + 1' if edited else ''}\n}}\n\n"
        for index in range(count)
    )


def fast_import(repo: Path, path: str, revisions: list[str]) -> None:
    """A new repository at ``repo`` whose history is one commit per text in ``revisions`` of the file ``path``
    (git fast-import: hundreds of commits in a second)."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    stream = []
    for index, text in enumerate(revisions):
        data = text.encode()
        message = f"revision {index}".encode()
        stream += [
            b"commit refs/heads/main",
            f"committer Bench <bench@example.com> {1_700_000_000 + index} +0000".encode(),
            f"data {len(message)}".encode(),
            message,
            f"M 100644 inline {path}".encode(),
            f"data {len(data)}".encode(),
            data,
        ]
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"\n".join(stream) + b"\n", check=True)
    git(repo, "checkout", "-q", "main")


def long_history(repo: Path, commits: int) -> None:
    """One file and ``commits`` commits, each changing the meaning of one fn, in turn."""
    revisions = [rust_file(0)]
    constants = {fn: number for number, fn in enumerate(FNS)}
    for index in range(1, commits):
        fn = FNS[index % len(FNS)]
        old = f"v.len() + {constants[fn]})"
        constants[fn] = 100 + index  # unique, so the replacement hits this fn only
        revisions.append(revisions[-1].replace(old, f"v.len() + {constants[fn]})"))
    fast_import(repo, "src/lib.rs", revisions)

"""Blocks of a blob, kept on disk by blob sha so that an untouched file is never parsed twice.

The cache lives outside state/ (``SVIXSYNC_CACHE_DIR``, else ``$XDG_CACHE_HOME/svixsync``, else
``~/.cache/svixsync``; an empty ``SVIXSYNC_CACHE_DIR`` turns it off). Entries are keyed by the blob sha and by a
digest of the code that extracts blocks, so a new svixsync or tree-sitter-rust never reads an old entry. A missing,
unreadable or corrupt entry is parsed again; a cache that cannot be written is skipped. Nothing here is authority:
state/ and the dataset never depend on it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from svixsync.blocks import Block
from svixsync.fingerprint import Fingerprint

ENV = "SVIXSYNC_CACHE_DIR"
_FIELDS = ("kind", "name", "start_line", "end_line", "text")


@cache
def folder() -> Path | None:
    """This process's cache folder for the current extraction code, or None when caching is off."""
    configured = os.environ.get(ENV)
    if configured == "":
        return None
    if configured:
        base = Path(configured)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "svixsync"
    here = Path(__file__).parent
    digest = hashlib.sha256(metadata.version("tree-sitter-rust").encode())
    for module in ("blocks.py", "cfg.py", "names.py", "fingerprint.py", "cache.py"):
        digest.update((here / module).read_bytes())
    return base / "blocks" / digest.hexdigest()[:16]


def _entry(blob: str) -> Path | None:
    base = folder()
    return base / blob[:2] / f"{blob}.json" if base is not None else None


def load(blob: str, path: str) -> list[Block] | None:
    """The blocks of ``blob`` as ``path``, or None where the cache has no sound entry."""
    entry = _entry(blob)
    if entry is None:
        return None
    try:
        records: list[dict[str, Any]] = json.loads(entry.read_bytes())
        return [
            Block(
                path,
                record["kind"],
                record["name"],
                record["start_line"],
                record["end_line"],
                record["text"],
                Fingerprint(*record["fingerprint"]),
            )
            for record in records
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(blob: str, blocks: list[Block]) -> None:
    """Keep ``blocks`` for ``blob``; written beside and renamed, so a reader never sees half an entry."""
    entry = _entry(blob)
    if entry is None:
        return
    records = [
        {**{name: getattr(block, name) for name in _FIELDS}, "fingerprint": list(vars(block.fingerprint).values())}
        for block in blocks
    ]
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=entry.parent, delete=False, suffix=".tmp") as handle:
            handle.write(json.dumps(records, ensure_ascii=False).encode("utf-8"))
        Path(handle.name).replace(entry)
    except OSError:
        pass  # a read-only or full disk only costs the next run a parse

"""The folder svixsync works in: the dataset, state/, and the upstream checkout it is pointed at."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from svixsync import transaction
from svixsync.errors import FatalError

# pydantic models and GitPython take a tenth of a second to import: only the commands that use them pay for it.
if TYPE_CHECKING:
    from svixsync.state import Config
    from svixsync.upstream import Upstream


@dataclass(frozen=True)
class Project:
    root: Path
    upstream_option: str | None

    @property
    def state(self) -> Path:
        return self.root / "state"

    def config(self) -> Config:
        from svixsync.state import read_config

        return read_config(self.state)

    def upstream(self) -> Upstream:
        """The checkout given by --upstream or SVIXSYNC_UPSTREAM; an error where there is none."""
        found = self.upstream_if_any()
        if found is None:
            raise FatalError("no upstream checkout: pass --upstream PATH or set SVIXSYNC_UPSTREAM")
        return found

    def upstream_if_any(self) -> Upstream | None:
        from svixsync.upstream import Upstream, upstream_from

        path = upstream_from(self.upstream_option)
        return Upstream(path) if path is not None else None

    def refuse_if_interrupted(self) -> None:
        """A command that writes nothing refuses while a write is unfinished, rather than read a half-old,
        half-new pair."""
        if transaction.interrupted(self.root, self.state):
            raise FatalError(
                "svixsync was stopped in the middle of a write; run a writing command (update, ack, edit, add, "
                "remove or init) to finish or undo it first"
            )

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the writer lock, with an update a crash interrupted finished or undone first.

        Read the configuration, the lock and the dataset inside this block, never before: until recovery has run
        they may be half old, half new.
        """
        with transaction.exclusive(self.state):
            message = transaction.recover(self.root, self.state)
            if message:
                print(f"svixsync: {message}", file=sys.stderr)
            yield

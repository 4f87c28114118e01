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

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the writer lock. Inside, files read through ``transaction.read_bytes`` are as an interrupted
        write will leave them; ``commit`` finishes that write first, so a command that fails writes nothing."""
        with transaction.locked(self.root, self.state, exclusive=True):
            try:
                yield
            except FatalError as error:
                if transaction.interrupted(self.state):
                    raise FatalError(
                        f"{error} (a write svixsync was stopped in is still pending: the next writing command that "
                        "succeeds completes it)"
                    ) from None
                raise

    def refuse_unfinished(self) -> None:
        """A command that writes nothing cannot finish an interrupted write: it refuses to read half of one (call
        it inside ``reading``)."""
        if transaction.interrupted(self.state):
            raise FatalError(
                "svixsync was stopped in the middle of a write; run a writing command (update, ack, edit, add, "
                "remove or init) to finish or undo it first"
            )

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Hold the lock shared: no writer is between two renames while a reader reads the dataset and its lock."""
        with transaction.locked(self.root, self.state, exclusive=False):
            yield

    def commit(self, files: dict[Path, transaction.Content]) -> None:
        """Write ``files`` all or nothing (inside ``writing``), saying on stderr if a crashed write was finished."""
        message = transaction.commit(self.root, self.state, files)
        if message:
            print(f"svixsync: {message}", file=sys.stderr)

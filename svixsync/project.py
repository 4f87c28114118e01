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
        """Hold the writer lock, with an update a crash interrupted finished or undone first.

        Read the configuration, the lock and the dataset inside this block, never before: until recovery has run
        they may be half old, half new.
        """
        with transaction.exclusive(self.state):
            message = transaction.recover(self.root, self.state)
            if message:
                print(f"svixsync: {message}", file=sys.stderr)
            yield

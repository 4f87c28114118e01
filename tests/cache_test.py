"""The on-disk block cache: used when sound, ignored when not, never the authority."""

from __future__ import annotations

from pathlib import Path

import pytest

from svixsync import cache
from tests.commands.update_test import BODY
from tests.conftest import TRACKED, Project


def entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json"))


def test_cache_is_filled_and_a_corrupt_entry_is_parsed_again(project: Project, block_cache: Path) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("change")
    first = project.check_json(code=1)
    written = entries(block_cache)
    assert len(written) == 2  # the pin's blob and the target's
    for entry in written:
        entry.write_text('[{"kind": "fn", "name": "forged"')
    assert project.check_json(code=1) == first
    assert all(entry.read_text().startswith('[{"kind": ') and "forged" not in entry.read_text() for entry in written)


def test_cache_off_or_unwritable_changes_nothing(
    project: Project, block_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("change")
    before = entries(block_cache)  # the pin's blob, from the fixture's init
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for setting in ("", str(blocker / "cache")):  # off, then a folder that cannot be made (even by root)
        monkeypatch.setenv("SVIXSYNC_CACHE_DIR", setting)
        cache.folder.cache_clear()
        assert [e["status"] for e in project.check_json(code=1)["examples"]] == ["stale", "fresh", "fresh"]  # type: ignore[index]
    assert entries(block_cache) == before and len(before) == 1 and blocker.read_text() == "not a folder"


def test_the_cache_lives_under_xdg_cache_home_else_under_home(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.upstream.edit(TRACKED, *BODY)
    project.upstream.commit("change")
    monkeypatch.delenv("SVIXSYNC_CACHE_DIR")
    for xdg, home, expected in [
        (str(tmp_path / "xdg"), str(tmp_path / "unused"), tmp_path / "xdg" / "svixsync" / "blocks"),
        ("", str(tmp_path / "home"), tmp_path / "home" / ".cache" / "svixsync" / "blocks"),
    ]:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
        monkeypatch.setenv("HOME", home)
        cache.folder.cache_clear()
        project.check_json(code=1)
        assert len(entries(expected)) == 2, expected  # the pin's blob and the target's
    assert not (tmp_path / "unused").exists()

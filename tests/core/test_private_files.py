"""Files holding a plan or a URL are 0600 in a 0700 folder from their first byte."""

from __future__ import annotations

import os
from pathlib import Path

from gui_app.core.private_files import make_private, write_private


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_written_private_even_over_a_readable_file_and_folder(tmp_path: Path) -> None:
    folder = tmp_path / "autosave"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    target = folder / "pending.py"
    target.write_text("old")
    target.chmod(0o644)
    stale = folder / ".pending.py.partial"  # left by a crash, readable
    stale.write_text("x")
    stale.chmod(0o644)
    write_private(target, "new")
    assert target.read_text() == "new"
    assert (_mode(target), _mode(folder)) == (0o600, 0o700)
    assert not stale.exists()


def test_a_chosen_folder_is_left_as_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "versions"
    folder.mkdir()
    folder.chmod(0o755)
    write_private(folder / "r1.py", "x", folder_too=False)
    assert (_mode(folder / "r1.py"), _mode(folder)) == (0o600, 0o755)


def test_a_settings_file_is_created_private_and_an_old_one_tightened(tmp_path: Path) -> None:
    fresh = tmp_path / "config" / "app.conf"
    make_private(fresh, create=True)
    assert fresh.read_text() == "" and (_mode(fresh), _mode(fresh.parent)) == (0o600, 0o700)
    old = tmp_path / "old.conf"
    old.write_text("[General]\n")
    os.chmod(old, 0o644)
    make_private(old, folder_too=False)
    assert _mode(old) == 0o600


def test_a_shared_folder_with_the_sticky_bit_is_never_tightened(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    write_private(shared / "plan.py", "x")
    make_private(shared / "settings.ini", create=True)
    assert _mode(shared) == 0o777 and shared.stat().st_mode & 0o1000
    assert _mode(shared / "plan.py") == _mode(shared / "settings.ini") == 0o600

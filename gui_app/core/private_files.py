"""Files that hold a plan or a database URL, readable by their owner alone.

Created 0600 inside a 0700 folder from the first byte (``os.open`` with the mode, not a chmod
after writing), and replaced atomically, so neither another user nor a crash ever sees a
readable or a half-written file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(folder: Path) -> Path:
    """The app's own ``folder`` (and missing parents) created 0700, or tightened to 0700.

    Only for a folder that belongs to the app alone: never one the user chose or shares, and
    never a shared one with the sticky bit (``/tmp``), whatever the caller says."""
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    mode = folder.stat().st_mode
    if folder.stat().st_uid == os.getuid() and mode & 0o077 and not mode & stat.S_ISVTX:
        folder.chmod(FOLDER_MODE)
    return folder


def write_private(path: Path, text: str, folder_too: bool = True) -> None:
    """Write ``text`` to ``path`` as a 0600 file, through a sibling that replaces it at the end.
    With ``folder_too`` the folder is made private as well (the app's own folders; not a folder
    the user chose, such as a project's versions folder)."""
    if folder_too:
        private_folder(path.parent)
    else:
        path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)  # a new folder is made private anyway
    partial = path.with_name(f".{path.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)  # an older partial file keeps its mode through O_CREAT
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            descriptor = -1
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    finally:
        if descriptor != -1:
            os.close(descriptor)
    os.replace(partial, path)


def make_private(path: Path, folder_too: bool = True, create: bool = False) -> None:
    """Tighten a file another library writes (Qt's settings file, a revision Alembic writes) and,
    with ``folder_too``, its folder. With ``create`` a missing file is created empty and private
    first: Qt rewrites its settings file keeping the mode the file already has."""
    if create and not path.exists():
        write_private(path, "", folder_too)
    if not path.exists():
        return
    if folder_too:
        private_folder(path.parent)
    if path.stat().st_mode & 0o077:
        path.chmod(FILE_MODE)

"""Composition root: headless commands, or the QApplication with its main window.

Qt is imported only on the GUI path, and SQLAlchemy only after the window's first
paint, so the window shows quickly and headless commands start without Qt.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gui_app import __version__, cli


def build_gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alembic-studio",
        description="Visual schema editor for databases kept under Alembic. "
        f"Headless commands: {', '.join(cli.COMMANDS)} (see 'alembic-studio COMMAND --help').",
    )
    parser.add_argument("--version", action="version", version=f"alembic-studio {__version__}")
    parser.add_argument("url", nargs="?", metavar="URL",
                        help="database to open (SQLAlchemy URL, or a SQLite file); default: the built-in demo "
                        "database")
    parser.add_argument("--alembic-ini", metavar="PATH",
                        help="Alembic project to save revisions into (default: alembic.ini in this folder, if any)")
    return parser


def _looks_like_a_database(text: str) -> bool:
    """A URL (``dialect[+driver]://…``) or the path of a file that is there."""
    import os
    import re

    return bool(re.match(r"^[A-Za-z][\w+.-]*://", text)) or os.path.isfile(text)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in cli.COMMANDS:
        return cli.run(args)
    if len(args) == 2 and args[0] == "_probe-script":  # the child that reads a script for the GUI
        from gui_app.core.script_probe import run_child

        return run_child(args[1])
    parser = build_gui_parser()
    options = parser.parse_args(args)
    if options.url is not None and not _looks_like_a_database(options.url):
        # A mistyped command must not start the window (without a display, Qt would abort).
        parser.error(f"{options.url!r} is neither a command ({', '.join(cli.COMMANDS)}) nor a database URL "
                     "(dialect://…) or SQLite file")
    from gui_app.ui.application import run_gui

    return run_gui(options.url, options.alembic_ini)

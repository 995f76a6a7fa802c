"""Headless commands on the same core as the GUI.

Exit codes: 0 success, 1 a one-line error on stderr (never a traceback), 2 bad usage.
Nothing here imports Qt.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from gui_app import __version__

if TYPE_CHECKING:
    from sqlalchemy import Engine

COMMANDS = ("inspect",)


class CommandError(Exception):
    """A failure the user can act on; printed as one line, exit code 1."""


class UsageError(Exception):
    """Arguments that cannot work (an unparseable URL, say); exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alembic-studio",
        description="Visual schema editor for databases kept under Alembic. "
        "Without a command, opens the desktop application.",
    )
    parser.add_argument("--version", action="version", version=f"alembic-studio {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    inspect = commands.add_parser(
        "inspect",
        help="print the reflected schema of a database",
        description="Reflect a live database and print its schema: tables, columns, keys, "
        "indexes, constraints, comments, views, enums, domains and sequences.",
    )
    inspect.add_argument("url", metavar="URL", help="SQLAlchemy database URL, e.g. sqlite:///app.db")
    inspect.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    inspect.set_defaults(handler=_inspect)
    return parser


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))  # exits 2 on bad usage
    handler: Callable[[argparse.Namespace], None] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        handler(args)
    except UsageError as error:
        print(f"alembic-studio {args.command}: {error}", file=sys.stderr)
        return 2
    except CommandError as error:
        print(f"alembic-studio {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _engine_for(url_text: str) -> Engine:
    from sqlalchemy import exc

    from gui_app.core.connect import DatabaseFileMissing, open_engine
    from gui_app.core.urls import parse_url

    try:
        url = parse_url(url_text)
        return open_engine(url)
    except DatabaseFileMissing as error:
        raise CommandError(str(error)) from None
    except exc.ArgumentError as error:
        raise UsageError(f"not a database URL: {error}") from None
    except exc.NoSuchModuleError:
        raise UsageError(f"unknown database dialect or driver in {url_text!r}") from None
    except ModuleNotFoundError as error:
        raise CommandError(f"the driver for this URL is not installed ({error.name})") from None


def _inspect(args: argparse.Namespace) -> None:
    from sqlalchemy import exc

    from gui_app.core.errors import describe_error
    from gui_app.core.reflect import reflect
    from gui_app.core.serialize import to_data, to_text
    from gui_app.core.urls import display_url

    engine = _engine_for(args.url)
    try:
        schema = reflect(engine)
    except (exc.SQLAlchemyError, OSError) as error:
        raise CommandError(f"cannot read {display_url(engine.url)}: {describe_error(error)}") from None
    finally:
        engine.dispose()
    if args.json:
        # dumps, not dump: dump streams through the pure-Python encoder, several times slower.
        sys.stdout.write(json.dumps(to_data(schema), ensure_ascii=False, separators=(",", ":")) + "\n")
    else:
        sys.stdout.write(to_text(schema))

"""Headless commands on the same core as the GUI.

Exit codes: 0 success, 1 a one-line error on stderr (never a traceback), 2 bad usage, 3 ``check``
found an operation at its ``--fail-on`` level.
Nothing here imports Qt.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from gui_app import __version__
from gui_app.core import timeouts
from gui_app.core.dialects import family

if TYPE_CHECKING:
    from sqlalchemy import Engine

COMMANDS = ("inspect", "sql", "apply", "check", "diff", "diagram", "recover")
REACHED = 3
"""``check --fail-on``: an operation reached the level."""
TARGET_METADATA_HELP = ("the MetaData the project's env.py gives its migrations as target_metadata, for scripts "
                        "that read it (context.get_context().opts['target_metadata'])")


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
        "indexes, constraints, comments, triggers, views, enums, domains, sequences, functions and procedures.",
    )
    inspect.add_argument("url", metavar="URL", help="SQLAlchemy database URL, e.g. sqlite:///app.db")
    inspect.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    _connect_timeout(inspect)
    inspect.set_defaults(handler=_inspect)

    sql = commands.add_parser(
        "sql", help="print the offline SQL of an Alembic migration script",
        description="Read a migration script's upgrade() (or downgrade()) without a database and print its SQL.")
    sql.add_argument("script", metavar="SCRIPT", help="path to an Alembic migration script (.py)")
    sql.add_argument("--dialect", required=True, choices=("sqlite", "postgresql", "mysql"))
    sql.add_argument("--downgrade", action="store_true", help="the SQL of downgrade() instead of upgrade()")
    sql.add_argument("--target-metadata", metavar="MODULE:METADATA", help=TARGET_METADATA_HELP)
    sql.set_defaults(handler=_sql)

    apply = commands.add_parser(
        "apply", help="run a migration script's upgrade() or downgrade() on a database",
        description="Run a migration script through the same engine as the desktop app: one transaction on "
        "PostgreSQL and SQLite, step by step on MySQL/MariaDB. Prints the SQL and asks before running. If the "
        "database carries alembic_version, it must be at the script's down_revision (for --downgrade, at its "
        "revision), and it is stamped afterwards.")
    apply.add_argument("script", metavar="SCRIPT", help="path to an Alembic migration script (.py)")
    apply.add_argument("url", metavar="URL", help="SQLAlchemy database URL")
    apply.add_argument("--dry-run", action="store_true", help="run everything, then throw the result away")
    apply.add_argument("--yes", action="store_true", help="do not ask before applying")
    apply.add_argument("--downgrade", action="store_true", help="run downgrade() instead of upgrade()")
    apply.add_argument("--target-metadata", metavar="MODULE:METADATA", help=TARGET_METADATA_HELP)
    apply.add_argument("--accept-data-loss", action="store_true",
                       help="apply even though the plan destroys data, or may (drops, deletes, narrower types, "
                       "SQL or code whose effect cannot be known); without it such a plan is refused")
    _connect_timeout(apply)
    apply.add_argument("--lock-timeout", metavar="SECONDS", type=_seconds, default=timeouts.Timeouts.lock,
                       help="give up when a statement waits longer than this for a lock another session holds, "
                       "naming that session (default: %(default)g)")
    apply.add_argument("--lock-retries", metavar="N", type=_retries, default=timeouts.Timeouts.lock_retries,
                       help="try the plan again this many times, after 1, 2, 4... s, when it gave up waiting for a "
                       "lock and changed nothing (default: %(default)d)")
    apply.set_defaults(handler=_apply)

    check = commands.add_parser(
        "check", help="what each operation of a migration script locks, rewrites and reads on a database",
        description="Read a migration script and predict, per operation, against the database's tables, sizes and "
        "server version: the lock taken on each table, the cost (catalog, scan or rewrite), the estimated rows, bytes "
        "and time, and the online alternative. Nothing is run. PostgreSQL, MariaDB and MySQL 8.")
    check.add_argument("script", metavar="SCRIPT", help="path to an Alembic migration script (.py)")
    check.add_argument("url", metavar="URL", help="SQLAlchemy database URL")
    check.add_argument("--downgrade", action="store_true", help="check downgrade() instead of upgrade()")
    check.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    check.add_argument("--fail-on", choices=("scan", "rewrite", "exclusive"),
                       help=f"exit {REACHED} when an operation reads a table in full or rewrites it (scan), rewrites "
                       "it (rewrite), or locks out its reads (exclusive: ACCESS EXCLUSIVE, MariaDB's LOCK=EXCLUSIVE)")
    check.add_argument("--min-rows", metavar="N", type=int, default=0,
                       help="only tables of at least N rows (the server's estimate) reach --fail-on; a table never "
                       "analysed counts (default: %(default)s)")
    check.add_argument("--target-metadata", metavar="MODULE:METADATA", help=TARGET_METADATA_HELP)
    _connect_timeout(check)
    check.set_defaults(handler=_check)

    diff = commands.add_parser(
        "diff", help="the operations that make one database's schema equal another's (or equal models)",
        description="Compare FROM_URL with TO_URL (or with SQLAlchemy models) and print the migration that "
        "makes FROM's schema equal the target; its downgrade restores FROM. With -o, write it as a revision file.")
    diff.add_argument("from_url", metavar="FROM_URL", help="the database to change")
    diff.add_argument("to_url", metavar="TO_URL", nargs="?", help="the database to match")
    diff.add_argument("--models", metavar="MODULE:METADATA", help="match SQLAlchemy models instead of a database")
    diff.add_argument("-o", "--output", metavar="FILE", help="write an Alembic revision file")
    diff.add_argument("-m", "--message", default="match schema", help="message of the revision file")
    _connect_timeout(diff)
    diff.set_defaults(handler=_diff)

    diagram = commands.add_parser(
        "diagram", help="draw the schema as an ER diagram (SVG or PNG)",
        description="Lay out the database's tables and foreign keys as an ER diagram and write it as SVG (one "
        "group per table, its id the table's name, schema-qualified outside the default schema) or PNG.")
    diagram.add_argument("url", metavar="URL", help="SQLAlchemy database URL")
    diagram.add_argument("-o", "--output", metavar="FILE", required=True, help="the file to write: .svg or .png")
    diagram.add_argument("--schema", metavar="NAME", help="only the tables of this schema (default: every schema)")
    diagram.add_argument("--focus", metavar="TABLE", help="only this table and its neighbours (SCHEMA.TABLE or TABLE)")
    diagram.add_argument("--depth", metavar="N", type=int, default=1,
                         help="with --focus: how many foreign-key hops away a neighbour may be (default: %(default)s)")
    diagram.add_argument("--without-partitions", action="store_true",
                         help="draw a partitioned table for its partitions (its header counts them)")
    _connect_timeout(diagram)
    diagram.set_defaults(handler=_diagram)

    recover = commands.add_parser(
        "recover", help="finish or revert an apply to MySQL/MariaDB that was interrupted",
        description="MySQL and MariaDB commit each DDL statement, so an apply that was killed part way leaves "
        "the first steps in the database; its journal says which. Without an option, say what is there; "
        "--finish runs the rest and stamps as the apply would have, --revert undoes what ran.")
    recover.add_argument("url", metavar="URL", help="SQLAlchemy database URL")
    choice = recover.add_mutually_exclusive_group()
    choice.add_argument("--finish", action="store_true", help="run the steps that did not run, then stamp")
    choice.add_argument("--revert", action="store_true", help="undo the steps that ran")
    _connect_timeout(recover)
    recover.set_defaults(handler=_recover)
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 86_400:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 86400 seconds: {text!r}")
    return value


def _retries(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be from 0 to 100: {text!r}")
    return value


def _connect_timeout(command: argparse.ArgumentParser) -> None:
    command.add_argument("--connect-timeout", metavar="SECONDS", type=_seconds, default=timeouts.Timeouts.connect,
                         help="give up connecting to a server that does not answer within this time "
                         "(default: %(default)g)")


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))  # exits 2 on bad usage
    handler: Callable[[argparse.Namespace], int | None] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    timeouts.configure(timeouts.Timeouts(connect=getattr(args, "connect_timeout", timeouts.Timeouts.connect),
                                         lock=getattr(args, "lock_timeout", timeouts.Timeouts.lock),
                                         lock_retries=getattr(args, "lock_retries", timeouts.Timeouts.lock_retries)))
    try:
        code = handler(args)
    except UsageError as error:
        print(f"alembic-studio {args.command}: {error}", file=sys.stderr)
        return 2
    except CommandError as error:
        print(f"alembic-studio {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a defect of ours: still one line, never a traceback
        print(f"alembic-studio {args.command}: unexpected error: {type(error).__name__}: {describe(error)}",
              file=sys.stderr)
        return 1
    return code or 0


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
    from gui_app.core.serialize import to_data, to_text

    schema, _shown = _read_schema(args.url)
    if args.json:
        # dumps, not dump: dump streams through the pure-Python encoder, several times slower.
        sys.stdout.write(json.dumps(to_data(schema), ensure_ascii=False, separators=(",", ":")) + "\n")
    else:
        sys.stdout.write(to_text(schema))


def _read_schema(url_text: str) -> tuple[Any, str]:
    """The database's schema, and its URL as shown (without a password); a one-line error if it
    cannot be read."""
    from sqlalchemy import exc

    from gui_app.core.errors import describe_error
    from gui_app.core.reflect import reflect
    from gui_app.core.urls import display_url

    engine = _engine_for(url_text)
    try:
        return reflect(engine), display_url(engine.url)
    except (exc.SQLAlchemyError, OSError) as error:
        raise CommandError(f"cannot read {display_url(engine.url)}: {describe_error(error)}") from None
    finally:
        engine.dispose()


def _diagram(args: argparse.Namespace) -> None:
    from pathlib import Path

    from gui_app.core.diagram_layout import header_notes, layout, sized, tables_to_draw, views_to_draw
    from gui_app.core.diagram_svg import to_svg

    output = Path(args.output)
    if output.suffix.lower() not in (".svg", ".png"):
        raise UsageError(f"the output must end in .svg or .png, not {output.name!r}")
    if args.depth < 0:
        raise UsageError("--depth must be 0 or more")
    schema, shown = _read_schema(args.url)
    if args.schema is not None and not any(n.name == args.schema for n in schema.namespaces):
        raise CommandError(f"no schema {args.schema!r} in {shown}")
    focus = None
    if args.focus:
        where, _, name = args.focus.rpartition(".")
        found = schema.find_table(name, where or args.schema)
        if found is None:
            raise CommandError(f"no table {args.focus!r} in {shown}")
        focus = (found.schema, found.name)
    tables = tables_to_draw(schema, args.schema, focus, args.depth, partitions=not args.without_partitions)
    views, kinds = views_to_draw(schema, args.schema) if focus is None else ([], {})
    notes = {**header_notes(schema, tables), **kinds}
    tables += views
    text = to_svg(layout(tables, sized(notes)), tables, schema.default_schema, kinds, notes)
    try:
        if output.suffix.lower() == ".svg":
            output.write_text(text, encoding="utf-8")
        else:
            from gui_app.ui.diagram_export import svg_to_png

            svg_to_png(text, output)
    except OSError as error:
        raise CommandError(f"cannot write {output}: {error.strerror or error}") from None


def _load(args: argparse.Namespace) -> Any:
    from gui_app.core.diff import DiffError, load_models
    from gui_app.core.script_reader import ScriptError, load_script

    try:
        metadata = load_models(args.target_metadata) if args.target_metadata else None
        return load_script(args.script, metadata)
    except (ScriptError, DiffError) as error:
        raise CommandError(str(error)) from None


def _sql(args: argparse.Namespace) -> None:
    from gui_app.core.projection import ProjectionError
    from gui_app.core.render import OfflineError, render_sql
    from gui_app.core.schema import Namespace, Schema

    script = _load(args)
    operations = script.downgrade if args.downgrade else script.upgrade
    # Projected from nothing, the tables a script creates are known to its later steps, which
    # SQLite's offline table rebuild needs; a script that alters tables it did not create
    # renders as Alembic renders it.
    empty = Schema(args.dialect, "", None, (Namespace("main"),))
    try:
        try:
            text = render_sql(operations, args.dialect, empty, strict=True)
        except ProjectionError:
            text = render_sql(operations, args.dialect, None, strict=True)
    except OfflineError as error:
        raise CommandError(str(error)) from None
    except Exception as error:  # an operation this dialect cannot express offline
        if args.dialect == "sqlite" and "requires a live database connection" in str(error):
            table = re.search(r'reflect the table "([^"]+)"', str(error))
            raise CommandError(
                f"SQLite alters {'table ' + table.group(1) if table else 'a table'} by rebuilding it, which needs "
                "its definition: without a database it is not known. Run apply --dry-run against the SQLite "
                "database instead, or give batch_alter_table the table as copy_from") from None
        raise CommandError(f"cannot render {args.script} for {args.dialect}: {describe(error)}") from None
    sys.stdout.write(text)


def describe(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _apply(args: argparse.Namespace) -> None:
    from sqlalchemy import exc

    from gui_app.core import apply as engine_apply
    from gui_app.core.errors import describe_error
    from gui_app.core.reflect import reflect
    from gui_app.core.render import dialect_for, render_sql
    from gui_app.core.script_reader import resolved
    from gui_app.core.urls import display_url

    script = _load(args)
    operations = script.downgrade if args.downgrade else script.upgrade
    if isinstance(script.down_revision, tuple):
        raise CommandError("merge revisions (several down_revisions) are not supported")
    engine = _engine_for(args.url)
    shown = display_url(engine.url)
    try:
        with engine.connect() as conn:
            tracked, current = engine_apply.current_revision(conn)
            base = reflect(conn)
    except (exc.SQLAlchemyError, OSError, ValueError) as error:
        raise CommandError(f"cannot read {shown}: {describe_error(error)}") from None
    finally:
        engine.dispose()
    if not args.dry_run:
        try:
            engine_apply.refuse_unfinished(engine.url)
        except engine_apply.UnfinishedApply as error:
            raise CommandError(str(error)) from None
    expected, stamp = (script.revision, script.down_revision) if args.downgrade else (
        script.down_revision, script.revision)
    if tracked and current != expected:
        raise CommandError(f"{shown} is at revision {current or '(none)'}, but this script "
                           f"{'downgrades from' if args.downgrade else 'applies to'} {expected or '(none)'}")
    dialect = family(base.dialect)
    operations = resolved(operations, base, dialect_for(dialect))
    _check_fit(operations, base, dialect, shown)
    sys.stdout.write(render_sql(operations, dialect, base, as_sent=True))
    sys.stdout.flush()
    flagged = _report_destruction(engine, operations, base, dialect)
    if flagged and not args.accept_data_loss and not args.dry_run:
        raise CommandError(f"refusing to apply: {flagged} (listed above); nothing was changed. "
                           "Pass --accept-data-loss to apply it anyway")
    if not args.yes and not args.dry_run:
        if not sys.stdin.isatty():
            raise CommandError("refusing to apply without confirmation; run it in a terminal or pass --yes")
        answer = input(f"Apply these {len(operations)} operation(s) to {shown}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            raise CommandError("not applied")
    record: str | None = None
    if tracked and isinstance(stamp, str | None):
        record = stamp or engine_apply.BASE
    elif not tracked and not args.downgrade and script.down_revision is None and isinstance(stamp, str):
        record = engine_apply.Stamp(stamp)  # a first migration: Alembic creates alembic_version
    try:
        report = engine_apply.apply_plan(engine.url, operations, base, dry_run=args.dry_run, stamp=record)
    except (engine_apply.ApplyFailed, engine_apply.Drifted, engine_apply.CommitUnknown,
            engine_apply.UnfinishedApply) as error:
        raise CommandError(str(error)) from None
    except (exc.SQLAlchemyError, OSError) as error:
        raise CommandError(describe_error(error)) from None
    for note in report.notes:
        print(note, file=sys.stderr)
    if report.mismatches:
        raise CommandError("applied, but the database differs from the expected schema: "
                           + "; ".join(report.mismatches))
    done = "dry run passed" if report.dry_run else "applied"
    stamped = f", stamped {report.stamped or '(base)'}" if report.stamped is not None else ""
    print(f"{done}: {report.applied} operation(s){stamped}", file=sys.stderr)


def _report_destruction(engine: Engine, operations: Sequence[Any], base: Any, dialect: str) -> str:
    """Print what the plan destroys, counted as the GUI's confirmation counts it; why it needs
    consent ("" where it needs none)."""
    from sqlalchemy import exc

    from gui_app.core.errors import describe_error
    from gui_app.core.impact import count_impacts
    from gui_app.core.op_facts import COMMITS_PART_WAY, needs_consent, only_commits_part_way
    from gui_app.core.op_facts import describe as describe_op
    from gui_app.core.plan import risks

    labelled = [(number, op, risks(op, base, dialect)) for number, op in enumerate(operations, start=1)]
    flagged = [(number, op, labels) for number, op, labels in labelled if needs_consent(labels)]
    if not flagged:
        return ""
    # An online operation (or a script's own COMMIT) destroys nothing; what it risks is a plan left half applied.
    said = "this commits part-way: a later failure leaves what ran before its commit applied" \
        if only_commits_part_way(labels for _n, _op, labels in flagged) else "this destroys data, or may"
    try:
        impacts: dict[int, list[str]] = {}
        with engine.connect() as conn:
            for impact in count_impacts(conn, base, operations):
                impacts.setdefault(impact.index, []).append(impact.text)
        counted = ""
    except (exc.SQLAlchemyError, OSError) as error:
        impacts, counted = {}, f" (not counted: {describe_error(error)})"
    print(f"{said[0].upper()}{said[1:]}{counted}:", file=sys.stderr)
    for number, op, labels in flagged:
        found = "; ".join(impacts.get(number - 1, [])) or ", ".join(labels)
        if COMMITS_PART_WAY in labels and COMMITS_PART_WAY not in found:
            found += f"; {COMMITS_PART_WAY}: a later failure leaves what ran before its commit applied"
        print(f"  operation {number} ({describe_op(op)}): {found}", file=sys.stderr)
    return said


def _recover(args: argparse.Namespace) -> None:
    from sqlalchemy import exc

    from gui_app.core import recovery
    from gui_app.core.apply import ApplyFailed, describe_apply_error
    from gui_app.core.errors import describe_error
    from gui_app.core.journal import Journal
    from gui_app.core.reflect import reflect
    from gui_app.core.urls import display_url, url_without_password

    engine = _engine_for(args.url)
    url, shown = engine.url, display_url(engine.url)
    journal = Journal.find(url_without_password(url))
    if journal is None:
        print(f"no interrupted apply is recorded for {shown}", file=sys.stderr)
        return
    try:
        if not (args.finish or args.revert):
            found = recovery.examine(journal, reflect(url))
            print(f"{shown}: {found.describe()}.", file=sys.stderr)
            for line in found.listing():
                print(f"  {line}", file=sys.stderr)
            print("Run again with --finish or --revert.", file=sys.stderr)
            return
        found, report = recovery.recover(url, finish=args.finish)
    except recovery.RecoveryError as error:
        raise CommandError(str(error)) from None
    except ApplyFailed as error:
        raise CommandError(describe_apply_error(error)) from None
    except (exc.SQLAlchemyError, OSError) as error:
        raise CommandError(describe_error(error)) from None
    finally:
        engine.dispose()
    done = "finished" if args.finish else "reverted"
    stamped = f", stamped {report.stamped}" if report.stamped else ""
    print(f"{done}: {found.describe()}; {report.applied} operation(s) ran{stamped}", file=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    from sqlalchemy import exc

    from gui_app.core import lock_models, lock_report
    from gui_app.core.apply import opaque
    from gui_app.core.errors import describe_error
    from gui_app.core.op_facts import describe as describe_op
    from gui_app.core.projection import ProjectionError, project
    from gui_app.core.reflect import reflect
    from gui_app.core.render import dialect_for
    from gui_app.core.table_sizes import read_sizes
    from gui_app.core.urls import display_url

    script = _load(args)
    operations = script.downgrade if args.downgrade else script.upgrade
    engine = _engine_for(args.url)
    shown = display_url(engine.url)
    try:
        with engine.connect() as conn:
            # Custom SQL or code can reach any table: then the whole database is read.
            everything = any(opaque(op) for op in operations)
            base = reflect(conn, only=None if everything else lock_report.tables_to_read(operations))
            sizes = read_sizes(conn, base.default_schema)
    except (exc.SQLAlchemyError, OSError) as error:
        raise CommandError(f"cannot read {shown}: {describe_error(error)}") from None
    finally:
        engine.dispose()
    if base.dialect not in lock_models.MODELLED:
        raise CommandError(f"{shown} is {base.dialect}: locks are predicted for PostgreSQL and MariaDB so far")
    states, state = [], base
    for number, op in enumerate(operations, start=1):
        states.append(state)
        if opaque(op):  # what it leaves is known only to the database: later steps are read as they are
            continue
        try:
            state = project(state, op, dialect_for(base.dialect))
        except ProjectionError as error:
            raise CommandError(f"operation {number} ({describe_op(op)}) does not fit {shown}: {error}") from None
    assessed = lock_report.assess(operations, base, sizes, states)
    if args.json:
        sys.stdout.write(json.dumps({"operations": [item.as_data() for item in assessed]}, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(lock_report.as_text(assessed, sizes))
    if args.fail_on:
        reached = lock_report.reaching(assessed, args.fail_on, args.min_rows, sizes)
        for reason in reached:
            print(f"alembic-studio check: {reason} (--fail-on {args.fail_on})", file=sys.stderr)
        if reached:
            return REACHED
    return 0


def _check_fit(operations: Sequence[Any], base: Any, dialect: str, shown: str) -> None:
    """Refuse, before anything runs, an operation on something the database does not have. After a
    step whose effect only the database knows (a script's own code), nothing more can be checked."""
    from gui_app.core.apply import opaque
    from gui_app.core.op_facts import describe as describe_op
    from gui_app.core.projection import ProjectionError, project
    from gui_app.core.render import dialect_for

    state = base
    for number, op in enumerate(operations, start=1):
        if opaque(op):
            return
        try:
            state = project(state, op, dialect_for(dialect))
        except ProjectionError as error:
            raise CommandError(f"operation {number} ({describe_op(op)}) does not fit {shown}: {error}; "
                               "nothing was changed") from None


def _diff(args: argparse.Namespace) -> None:
    import tempfile
    from pathlib import Path

    from sqlalchemy import exc

    from gui_app.core import diff
    from gui_app.core.apply import current_revision
    from gui_app.core.errors import describe_error
    from gui_app.core.reflect import reflect
    from gui_app.core.script_writer import write_standalone
    from gui_app.core.urls import display_url

    if (args.to_url is None) == (args.models is None):
        raise UsageError("give either TO_URL or --models, not both or neither")
    source = _engine_for(args.from_url)
    target = _engine_for(args.to_url) if args.to_url else None
    try:
        notes: list[str] = []
        if target is not None:
            with target.connect() as conn:
                metadata = diff.reflected_metadata(conn, diff._schemas(conn), notes)
        else:
            metadata = diff.load_models(args.models)
        with source.connect() as conn:
            base = reflect(conn)
            tracked, current = current_revision(conn)
            operations = diff.diff_operations(conn, metadata, notes, base)
    except diff.DiffError as error:
        raise CommandError(str(error)) from None
    except (exc.SQLAlchemyError, OSError) as error:
        raise CommandError(f"cannot compare {display_url(source.url)}: {describe_error(error)}") from None
    finally:
        source.dispose()
        if target is not None:
            target.dispose()
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    down_revision = current if tracked else None
    if args.output:
        try:
            revision = write_standalone(Path(args.output), operations, base.dialect, args.message,
                                        down_revision=down_revision, base=base, check=True)
        except ValueError as error:
            raise CommandError(str(error)) from None
        print(f"wrote revision {revision} ({len(operations)} operation(s)) to {args.output}", file=sys.stderr)
        return
    # The same complete, checked revision, on standard output (a file the user redirects it to).
    with tempfile.TemporaryDirectory(prefix="alembic-studio-") as folder:
        path = Path(folder) / "revision.py"
        try:
            write_standalone(path, operations, base.dialect, args.message, down_revision=down_revision, base=base,
                             check=True)
        except ValueError as error:
            raise CommandError(str(error)) from None
        sys.stdout.write(path.read_text(encoding="utf-8"))

"""MySQL/MariaDB: the ``ALGORITHM`` and ``LOCK`` the server accepts for each statement of a plan.

The dry run (on its scratch copy of the tables) sends each ``ALTER TABLE``, ``CREATE INDEX`` and
``DROP INDEX`` with ``ALGORITHM=INSTANT, LOCK=NONE`` first, then each costlier pair in turn,
until the server accepts one; a pair the server cannot honour is refused before anything
changes (errors 1845 and 1846), so trying the next is safe. The real apply then sends each
statement with the pair its dry run accepted: should the live table need more (a copy where the
dry run found an in-place change), the server refuses at once instead of copying a large table
under a lock nobody expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from gui_app.core.locks import ALGORITHMS, MYSQL_LOCKS

REFUSED = (1845, 1846)
"""``ER_ALTER_OPERATION_NOT_SUPPORTED`` and ``…_REASON``: the algorithm or lock asked for cannot be honoured."""

_ALTER = re.compile(r"^\s*ALTER\s+TABLE\s", re.IGNORECASE)
_CREATE_INDEX = re.compile(r"^\s*CREATE\s+(UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX\s", re.IGNORECASE)
_DROP_INDEX = re.compile(r"^\s*DROP\s+INDEX\s+(\S+)\s+ON\s+(\S+)\s*;?\s*$", re.IGNORECASE)


def modes(mariadb: bool) -> list[str]:
    """``ALGORITHM/LOCK`` pairs, cheapest first (MySQL has no ``NOCOPY``; ``INSTANT`` takes no lock)."""
    return [f"{algorithm}/{lock}" for algorithm in ALGORITHMS for lock in MYSQL_LOCKS
            if (mariadb or algorithm != "NOCOPY") and (algorithm != "INSTANT" or lock == "NONE")]


def with_mode(statement: str, mode: str) -> str | None:
    """``statement`` sent with ``mode``'s clause, or None where the statement takes none."""
    algorithm, lock = mode.split("/")
    text = statement.rstrip().rstrip(";")
    dropped = _DROP_INDEX.match(text)
    if dropped:
        return f"ALTER TABLE {dropped.group(2)} DROP INDEX {dropped.group(1)}, ALGORITHM={algorithm}, LOCK={lock}"
    if _ALTER.match(text):
        return f"{text}, ALGORITHM={algorithm}, LOCK={lock}"
    if _CREATE_INDEX.match(text):
        return f"{text} ALGORITHM={algorithm} LOCK={lock}"
    return None


def _refused(error: BaseException) -> bool:
    args: tuple[Any, ...] = getattr(error, "args", ())
    return bool(args) and args[0] in REFUSED


@dataclass
class Accepted:
    """What the server accepted, per step (the index of its first operation): one mode for each
    statement of the step that takes a clause, in the order they ran."""

    by_step: dict[int, list[str]] = field(default_factory=dict)

    def strongest(self, first: int) -> str | None:
        from gui_app.core.locks import stronger

        found = None
        for mode in self.by_step.get(first, []):
            found = stronger(found, mode)
        return found


def trying_cheapest(engine: sa.Engine, step: Callable[[], int], mariadb: bool) -> tuple[Accepted, Callable[[], None]]:
    """Make every statement ``engine`` sends go with the cheapest mode the server accepts;
    ``step()`` says which step is running. Returns what was accepted and the function that
    stops the trials."""
    accepted = Accepted()
    pairs = modes(mariadb)

    def tried(cursor: Any, statement: str, parameters: Any) -> bool | None:
        if with_mode(statement, pairs[0]) is None:
            return None  # not ours to try: the dialect runs it as usual
        for mode in pairs:
            try:
                if parameters:
                    cursor.execute(with_mode(statement, mode), parameters)
                else:
                    cursor.execute(with_mode(statement, mode))
            except Exception as error:
                if _refused(error) and mode != pairs[-1]:
                    continue
                raise
            accepted.by_step.setdefault(step(), []).append(mode)
            break
        return True  # run here: the dialect does not run it again

    def with_parameters(cursor: Any, statement: str, parameters: Any, _context: Any) -> bool | None:
        return tried(cursor, statement, parameters)

    def without_parameters(cursor: Any, statement: str, _context: Any) -> bool | None:
        return tried(cursor, statement, None)

    sa.event.listen(engine, "do_execute", with_parameters)
    sa.event.listen(engine, "do_execute_no_params", without_parameters)

    def stop() -> None:
        sa.event.remove(engine, "do_execute", with_parameters)
        sa.event.remove(engine, "do_execute_no_params", without_parameters)

    return accepted, stop


def sending(conn: sa.Connection, accepted: Accepted, step: Callable[[], int]) -> Callable[[], None]:
    """Send each statement of ``conn`` that takes a clause with the mode its dry run accepted (by
    step, and order within it); returns the function that stops it."""
    sent: dict[int, int] = {}

    def rewrite(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                _many: bool) -> tuple[str, Any]:
        first = step()
        found = accepted.by_step.get(first)
        if not found or with_mode(statement, found[0]) is None:
            return statement, parameters
        position = sent.get(first, 0)
        sent[first] = position + 1
        if position >= len(found):
            return statement, parameters
        return with_mode(statement, found[position]) or statement, parameters

    sa.event.listen(conn, "before_cursor_execute", rewrite, retval=True)
    return lambda: sa.event.remove(conn, "before_cursor_execute", rewrite)


def refused_text(error: BaseException, mode: str) -> str | None:
    """Said when the server refused the mode the dry run accepted."""
    orig = getattr(error, "orig", error)
    if not _refused(orig):
        return None
    return (f"the server refused ALGORITHM/LOCK {mode}, which the dry run accepted on an empty copy of the tables: "
            "on the live table it would take more (a copy, a stronger lock), so it stopped before changing anything")


def lines(accepted: Accepted, predicted: Sequence[str | None], labels: Sequence[str]) -> list[tuple[str, bool]]:
    """One line per step that took a clause: what the server accepted beside the prediction;
    the flag is True where they differ."""
    found = []
    for first in sorted(accepted.by_step):
        mode = accepted.strongest(first)
        expected = predicted[first] if first < len(predicted) else None
        verdict = "as predicted" if expected == mode else f"predicted {expected or 'nothing'}"
        found.append((f"Operation {first + 1} ({labels[first]}): the server accepted {mode} — {verdict}",
                      expected is not None and expected != mode))
    return found

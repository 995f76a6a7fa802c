"""What a statement really locked, rewrote and read on PostgreSQL, measured inside its transaction.

After each step the probe reads, for its own session only:

- ``pg_locks``: the table locks granted to it (held until the transaction ends, so a step is
  charged with the modes it added);
- ``pg_class.relfilenode``: a table whose file changed was written anew (a rewrite);
- ``pg_stat_xact_user_tables``: sequential and index scans counted in this transaction, so a
  table read in full (a validation, an index build) shows as read.

Only tables other sessions could see when the probe started are reported: a table made in the
same transaction blocks nobody. Nothing here commits; the caller rolls back (a dry run) or
commits (an apply that records what it did).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from gui_app.core.locks import MODES, TableName, stronger, table_key

_MODE_NAMES = {"AccessShareLock": "ACCESS SHARE", "RowShareLock": "ROW SHARE", "RowExclusiveLock": "ROW EXCLUSIVE",
               "ShareUpdateExclusiveLock": "SHARE UPDATE EXCLUSIVE", "ShareLock": "SHARE",
               "ShareRowExclusiveLock": "SHARE ROW EXCLUSIVE", "ExclusiveLock": "EXCLUSIVE",
               "AccessExclusiveLock": "ACCESS EXCLUSIVE"}
assert set(_MODE_NAMES.values()) == set(MODES)

_TABLES = sa.text(
    "SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg\\_%'")
_LOCKS = sa.text("SELECT relation, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' "
                 "AND granted AND relation = ANY(:oids)")
_FILES = sa.text("SELECT oid, relfilenode FROM pg_class WHERE oid = ANY(:oids)")
_READS = sa.text("SELECT relid, COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0) FROM pg_stat_xact_user_tables "
                 "WHERE relid = ANY(:oids)")


@dataclass(frozen=True)
class Measured:
    """One step as the server ran it: the strongest lock it added on each table, the tables it
    wrote anew, the tables it read in full without rewriting them, and its wall time."""

    locks: tuple[tuple[TableName, str], ...]
    rewrites: tuple[TableName, ...]
    scans: tuple[TableName, ...]
    seconds: float


@dataclass(frozen=True)
class StepMeasured:
    """A step of a run (one operation, or several sent as one statement) and what it did."""

    first: int
    """Index of its first operation in the plan."""
    count: int
    measured: Measured


class PostgresProbe:
    """Measures the steps run on ``conn`` (a PostgreSQL connection inside a transaction)."""

    def __init__(self, conn: sa.Connection, default_schema: str | None) -> None:
        self._conn = conn
        self._names: dict[int, TableName] = {
            oid: (None if schema == default_schema else schema, name)
            for oid, schema, name in conn.execute(_TABLES)}
        self._oids = list(self._names)
        self._last: tuple[set[tuple[int, str]], dict[int, int], dict[int, int]] | None = None
        """What was read after the last step: the state before the next (nothing else runs between)."""

    def measure(self, step: Callable[[], object]) -> Measured:
        """Run ``step`` and report what it did."""
        locks, files, reads = self._last or self._state()
        start = time.perf_counter()
        step()
        seconds = time.perf_counter() - start
        self._last = locks_after, files_after, reads_after = self._state()
        added: dict[TableName, str] = {}
        for oid, mode in locks_after - locks:
            table = self._names[oid]
            added[table] = stronger(added.get(table), mode) or mode
        rewrites = [self._names[oid] for oid, node in files_after.items() if files.get(oid) != node]
        scans = [self._names[oid] for oid, count in reads_after.items()
                 if count > reads.get(oid, 0) and self._names[oid] not in rewrites and oid in files_after]
        return Measured(tuple(sorted(added.items(), key=lambda item: table_key(item[0]))),
                        tuple(sorted(rewrites, key=table_key)), tuple(sorted(scans, key=table_key)), seconds)

    def _state(self) -> tuple[set[tuple[int, str]], dict[int, int], dict[int, int]]:
        conn, oids = self._conn, {"oids": self._oids}
        locks = {(int(oid), _MODE_NAMES[mode]) for oid, mode in conn.execute(_LOCKS, oids) if mode in _MODE_NAMES}
        files = {int(oid): int(node) for oid, node in conn.execute(_FILES, oids)}
        reads = {int(oid): int(count) for oid, count in conn.execute(_READS, oids)}
        return locks, files, reads


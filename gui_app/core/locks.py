"""What each operation locks and how much of a table it reads or writes, before it runs.

The vocabulary every model shares (a prediction, the cost classes, which lock mode is stronger
and what it blocks, the one-line summary) and PostgreSQL's model, by operation kind and server
version; MariaDB's is in :mod:`gui_app.core.locks_mariadb`, the choice between them in
:mod:`gui_app.core.lock_models`. The PostgreSQL facts come from its manual, version 15 unless a
rule names another:

- *ALTER TABLE*, Description and Notes (https://www.postgresql.org/docs/15/sql-altertable.html):
  every form takes ``ACCESS EXCLUSIVE`` unless noted; ``ADD FOREIGN KEY`` takes ``SHARE ROW
  EXCLUSIVE`` on the table and on the referenced table; ``SET NOT NULL`` scans the table unless a
  valid ``CHECK`` proves the column is not null (12+); ``ADD COLUMN`` with a non-volatile default
  changes only the catalog (11+; before 11 any non-null default rewrote the table); a type change
  rewrites the table and its indexes unless the old type is binary coercible to the new one
  (``varchar(n)`` to ``varchar(m >= n)`` or ``text``, ``numeric(p, s)`` to ``numeric(q >= p, s)``).
- *CREATE INDEX* (https://www.postgresql.org/docs/15/sql-createindex.html): ``SHARE`` (blocks
  writes, not reads), or ``SHARE UPDATE EXCLUSIVE`` when built ``CONCURRENTLY``.
- *Explicit Locking*, Table-Level Lock Modes
  (https://www.postgresql.org/docs/15/explicit-locking.html): which statement takes which mode
  (``COMMENT ON`` and ``VALIDATE CONSTRAINT``: ``SHARE UPDATE EXCLUSIVE``) and what each blocks.

What a rule says is checked against a real server, operation kind by operation kind, by
:mod:`gui_app.core.lock_probe` (tests and the dry run).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core import schema as s
from gui_app.core.batch_block import BatchBlockOp
from gui_app.core.online import ConcurrentIndexOp, NotNullViaCheckOp, OnlineOp, UniqueViaIndexOp, ValidateLaterOp
from gui_app.core.op_facts import table_of
from gui_app.core.table_sizes import TableSize, human_bytes, human_rows

TableName = tuple[str | None, str]

MODES = ("ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE",
         "EXCLUSIVE", "ACCESS EXCLUSIVE")
"""PostgreSQL's table lock modes, weakest first (the manual's order)."""

BLOCKS_READS = frozenset({"ACCESS EXCLUSIVE"})
BLOCKS_WRITES = frozenset({"SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"})

CATALOG = "catalog"
"""Only the system catalog changes: as fast as taking the lock."""
SCAN = "scan"
"""Every row is read (a constraint validated, an index built); no row is written again."""
REWRITE = "rewrite"
"""The table and its indexes are written anew."""
COSTS = (CATALOG, SCAN, REWRITE)

ALGORITHMS = ("INSTANT", "NOCOPY", "INPLACE", "COPY")
"""MariaDB's ``ALTER TABLE ... ALGORITHM``, cheapest first; MySQL has no NOCOPY."""
MYSQL_LOCKS = ("NONE", "SHARED", "EXCLUSIVE")
"""MySQL/MariaDB's ``ALTER TABLE ... LOCK``: what other sessions may do while it runs."""

_VOLATILE_DEFAULT = ("nextval(", "random(", "clock_timestamp(", "gen_random_uuid(", "uuid_generate_", "timeofday(")
"""Default expressions PostgreSQL evaluates per row (volatile functions); ``now()`` and
``CURRENT_TIMESTAMP`` are stable: evaluated once, stored in the catalog."""


@dataclass(frozen=True)
class Prediction:
    """What one operation does to the tables that existed before the plan.

    ``locks``: the strongest mode taken on each, held until the transaction ends. ``cost``: the
    worst of catalog, scan, rewrite over the operation's own table; ``rewrites`` and ``scans``:
    every table written anew or read in full. ``cost`` is None when nobody can tell (custom SQL,
    a script's own code)."""

    locks: tuple[tuple[TableName, str], ...]
    cost: str | None
    rewrites: tuple[TableName, ...] = ()
    scans: tuple[TableName, ...] = ()
    why: str = ""
    alternative: str | None = None
    brief: tuple[tuple[TableName, str], ...] = ()
    """Locks an online operation holds only for a catalog change committed at once."""
    online: bool = False
    """It runs outside the plan's transaction, each statement committing on its own
    (:mod:`gui_app.core.online`): the locks before it are let go there, and its own with each statement."""

    def mode_on(self, table: TableName) -> str | None:
        return dict(self.locks).get(table)


REWRITE_BYTES_PER_SECOND = 60e6
SCAN_BYTES_PER_SECOND = 250e6
"""Rough rates for the estimate shown before anything runs (a table and its indexes written
anew with their WAL; a table read): the dry run measures the real time."""


def estimate_seconds(cost: str | None, size: int) -> float | None:
    """How long reading or rewriting ``size`` bytes may take; None for catalog-only or unknown."""
    if cost == REWRITE:
        return size / REWRITE_BYTES_PER_SECOND
    if cost == SCAN:
        return size / SCAN_BYTES_PER_SECOND
    return None


def stronger(a: str | None, b: str | None) -> str | None:
    """The mode that lets other sessions do less (MySQL/MariaDB's ``ALGORITHM/LOCK``: by its lock,
    then by its algorithm)."""
    if a is None or b is None:
        return a or b
    return a if _rank(a) >= _rank(b) else b


def _rank(mode: str) -> tuple[int, int]:
    if "/" in mode:
        algorithm, lock = mode.split("/")
        return MYSQL_LOCKS.index(lock), ALGORITHMS.index(algorithm)
    return MODES.index(mode), 0


def blocks(mode: str) -> str:
    """What other sessions cannot do while ``mode`` is held."""
    if "/" in mode:  # MySQL/MariaDB ALGORITHM/LOCK
        lock = mode.split("/")[1]
        return {"EXCLUSIVE": "reads and writes", "SHARED": "writes"}.get(lock, "nothing a migration waits on")
    if mode in BLOCKS_READS:
        return "reads and writes"
    if mode in BLOCKS_WRITES:
        return "writes"
    if mode == "SHARE UPDATE EXCLUSIVE":
        return "other schema changes and VACUUM"
    return "nothing a migration waits on"


def summary(prediction: Prediction, sizes: Mapping[TableName, TableSize]) -> str:
    """One line for the pending list: what is written or read, and what others must wait for.

    ``rewrites album (≈3.5M rows, 412 MB, ≈7 s) · blocks reads and writes on album``"""
    def sized(table: TableName, cost: str) -> str:
        size = sizes.get(table)
        if size is None:
            return table_label(table)
        rows = [] if size.rows is None else ["empty"] if size.rows == 0 else [f"≈{human_rows(size.rows)}"]
        parts = [*rows, human_bytes(size.bytes)]
        seconds = estimate_seconds(cost, size.bytes)
        if seconds is not None and seconds >= 1:
            parts.append(f"≈{seconds:.0f} s")
        return f"{table_label(table)} ({', '.join(parts)})"

    if prediction.cost is None and not prediction.locks:
        return "unknown: custom SQL"
    parts = []
    if prediction.rewrites:
        parts.append("rewrites " + ", ".join(sized(t, REWRITE) for t in prediction.rewrites))
    if prediction.scans:
        parts.append("reads " + ", ".join(sized(t, SCAN) for t in prediction.scans))
    if not parts and prediction.cost == CATALOG:
        parts.append("catalog only")
    by_blocked: dict[str, list[str]] = {}
    for table, mode in prediction.locks:
        by_blocked.setdefault(blocks(mode), []).append(table_label(table))
    for blocked in ("reads and writes", "writes"):
        if blocked in by_blocked:
            parts.append(f"blocks {blocked} on {' and '.join(by_blocked[blocked])}")
    if prediction.online:
        parts.append("online: writes go on" + (", brief locks committed at once" if prediction.brief else ""))
    return " · ".join(parts)


def worst_blocked(prediction: Prediction) -> str:
    """The most other sessions must wait for: ``reads and writes``, ``writes`` or ``nothing``."""
    blocked = {blocks(mode) for _table, mode in prediction.locks}
    return next((b for b in ("reads and writes", "writes") if b in blocked), "nothing")


def table_label(table: TableName) -> str:
    return table[1] if table[0] is None else f"{table[0]}.{table[1]}"


def table_key(table: TableName) -> tuple[str, str]:
    """Orders table names, the default schema (None) first."""
    return table[0] or "", table[1]


def predict_postgresql(op: ops.MigrateOperation, before: s.Schema, version: tuple[int, ...],
                       existed: Iterable[TableName] | None = None) -> Prediction:
    """The prediction for ``op`` run on ``before`` by a server of ``version`` (e.g. ``(15, 4)``).

    ``existed``: the tables other sessions can see (those of the database before the plan); a
    table the plan creates is invisible until commit, so its locks block nobody and are left out.
    """
    visible = set(existed) if existed is not None else {(t.schema, t.name) for t in before.tables}
    found = _predict(op, before, version)
    locks = tuple((table, mode) for table, mode in found.locks if table in visible)
    return Prediction(locks, found.cost, tuple(t for t in found.rewrites if t in visible),
                      tuple(t for t in found.scans if t in visible), found.why, found.alternative,
                      tuple((table, mode) for table, mode in found.brief if table in visible), found.online)


def _predict(op: ops.MigrateOperation, before: s.Schema, version: tuple[int, ...]) -> Prediction:
    target = table_of(op)
    if isinstance(op, ops.BulkInsertOp) and isinstance(op.table, sa.Table | sa.TableClause):
        target = (op.table.schema, op.table.name)
    table = before.find_table(target[1], target[0]) if target else None
    here = (table.schema, table.name) if table else target

    if isinstance(op, OnlineOp) and here:
        return _online(op, here)
    if isinstance(op, ops.CreateTableOp):
        new_table = _locks((here,) if here else (), "ACCESS EXCLUSIVE")
        return Prediction(new_table + _locks(referred_by_columns(op.columns, op.schema), "SHARE ROW EXCLUSIVE"),
                          CATALOG, why="a new table; a foreign key locks the table it refers to")
    if isinstance(op, ops.DropTableOp) and here:
        parents = [_referred(fk, table.schema if table else None) for fk in (table.foreign_keys if table else ())]
        return Prediction(_locks((here, *parents), "ACCESS EXCLUSIVE"), CATALOG,
                          why="the table's files are removed at commit; its foreign keys' triggers are removed "
                              "from the tables they refer to")
    if isinstance(op, ops.RenameTableOp) and here:
        return Prediction(_locks((here,), "ACCESS EXCLUSIVE"), CATALOG, why="a rename changes the catalog only")
    if isinstance(op, ops.AddColumnOp) and here:
        return _add_column(op, here, version)
    if isinstance(op, ops.DropColumnOp) and here:
        parents = [_referred(fk, here[0]) for fk in (table.foreign_keys if table else ())
                   if op.column_name in fk.columns]
        return Prediction(_locks((here, *parents), "ACCESS EXCLUSIVE"), CATALOG,
                          why="the column is marked dropped; its space is reclaimed by later writes")
    if isinstance(op, ops.AlterColumnOp) and here:
        return _alter_column(op, here, table, before, version)
    if isinstance(op, ops.CreateIndexOp) and here:
        concurrently = bool(op.kw.get("postgresql_concurrently"))
        mode = "SHARE UPDATE EXCLUSIVE" if concurrently else "SHARE"
        return Prediction(_locks((here,), mode), SCAN, scans=(here,),
                          why="building an index reads every row" + ("" if concurrently else "; writes wait"),
                          alternative=None if concurrently else "CREATE INDEX CONCURRENTLY (reads and writes go on)")
    if isinstance(op, ops.DropIndexOp) and here:
        concurrently = bool(op.kw.get("postgresql_concurrently"))
        return Prediction(_locks((here,), "SHARE UPDATE EXCLUSIVE" if concurrently else "ACCESS EXCLUSIVE"), CATALOG,
                          why="the index's files are removed at commit")
    if isinstance(op, ops.CreateForeignKeyOp) and here:
        parent: TableName = (op.kw.get("referent_schema"), op.referent_table)
        if op.kw.get("postgresql_not_valid"):
            return Prediction(_locks((here, parent), "SHARE ROW EXCLUSIVE"), CATALOG,
                              why="NOT VALID: existing rows are checked later by VALIDATE CONSTRAINT")
        return Prediction(_locks((here, parent), "SHARE ROW EXCLUSIVE"), SCAN, scans=(here, parent),
                          why="every row is checked against the referenced table; writes to both wait",
                          alternative="ADD … NOT VALID, then VALIDATE CONSTRAINT in a later transaction "
                                      "(SHARE UPDATE EXCLUSIVE: writes go on)")
    if isinstance(op, ops.CreateCheckConstraintOp) and here:
        if op.kw.get("postgresql_not_valid"):
            return Prediction(_locks((here,), "ACCESS EXCLUSIVE"), CATALOG,
                              why="NOT VALID: existing rows are checked later by VALIDATE CONSTRAINT")
        return Prediction(_locks((here,), "ACCESS EXCLUSIVE"), SCAN, scans=(here,),
                          why="every row is checked while reads and writes wait",
                          alternative="ADD … NOT VALID, then VALIDATE CONSTRAINT in a later transaction")
    if isinstance(op, ops.CreateUniqueConstraintOp | ops.CreatePrimaryKeyOp) and here:
        return Prediction(_locks((here,), "ACCESS EXCLUSIVE"), SCAN, scans=(here,),
                          why="its unique index is built while reads and writes wait",
                          alternative="CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX")
    if isinstance(op, ops.DropConstraintOp) and here:
        fk = next((fk for fk in (table.foreign_keys if table else ()) if fk.name == op.constraint_name), None)
        tables = (here, _referred(fk, here[0])) if fk else (here,)
        return Prediction(_locks(tables, "ACCESS EXCLUSIVE"), CATALOG,
                          why="a foreign key's triggers are removed from both tables" if fk else
                          "the constraint (and its index, if any) is removed")
    if isinstance(op, ops.CreateTableCommentOp | ops.DropTableCommentOp) and here:
        return Prediction(_locks((here,), "SHARE UPDATE EXCLUSIVE"), CATALOG, why="a comment is catalog only")
    if isinstance(op, BatchBlockOp) and here:
        return Prediction(_locks((here,), "ACCESS EXCLUSIVE"), REWRITE, rewrites=(here,),
                          why="the table is copied into a new one")
    if isinstance(op, ops.BulkInsertOp) and here:
        return Prediction(_locks((here,), "ROW EXCLUSIVE"), None, why="rows are inserted; other writes go on")
    return Prediction((), None, why="custom SQL or code: what it locks cannot be told before it runs")


def _online(op: OnlineOp, here: TableName) -> Prediction:
    """The long phase of an online form under ``SHARE UPDATE EXCLUSIVE`` (reads and writes go on),
    its catalog changes under brief locks, each committed at once (``ALTER TABLE`` Notes:
    ``VALIDATE CONSTRAINT`` takes ``SHARE UPDATE EXCLUSIVE``, and ``ROW SHARE`` on a referenced table)."""
    long_phase = _locks((here,), "SHARE UPDATE EXCLUSIVE")
    if isinstance(op, ConcurrentIndexOp):
        return Prediction(long_phase, SCAN, scans=(here,), online=True,
                          why="built CONCURRENTLY outside the transaction: reads and writes go on; it first waits "
                              "for transactions that wrote the table to end")
    if isinstance(op, ValidateLaterOp) and isinstance(op.plain, ops.CreateForeignKeyOp):
        parent: TableName = (op.plain.kw.get("referent_schema"), op.plain.referent_table)
        return Prediction(long_phase + _locks((parent,), "ROW SHARE"), SCAN, scans=(here, parent), online=True,
                          brief=_locks((here, parent), "SHARE ROW EXCLUSIVE"),
                          why="added NOT VALID (a brief lock, committed at once), then VALIDATE reads every row "
                              "while writes go on")
    what = {ValidateLaterOp: "added NOT VALID (a brief lock, committed at once), then VALIDATE reads every row",
            NotNullViaCheckOp: "a CHECK added NOT VALID and validated while writes go on; SET NOT NULL then "
                               "takes a brief lock without a scan",
            UniqueViaIndexOp: "its index built CONCURRENTLY while writes go on, then attached by a brief "
                              "ADD CONSTRAINT … USING INDEX"}.get(type(op), "")
    return Prediction(long_phase, SCAN, scans=(here,), online=True, brief=_locks((here,), "ACCESS EXCLUSIVE"),
                      why=what)


def _add_column(op: ops.AddColumnOp, here: TableName, version: tuple[int, ...]) -> Prediction:
    column = op.column
    default = column.server_default
    default_sql = "" if default is None else str(getattr(default, "arg", default)).lower()
    referred = referred_by_columns([column], here[0])
    locks = _locks((here,), "ACCESS EXCLUSIVE") + _locks(referred, "SHARE ROW EXCLUSIVE")
    if column.computed is not None and column.computed.persisted is not False:
        return Prediction(locks, REWRITE, rewrites=(here,), why="a stored generated column is computed for every row")
    if column.identity is not None or any(word in default_sql for word in _VOLATILE_DEFAULT):
        return Prediction(locks, REWRITE, rewrites=(here,),
                          why="a volatile default is evaluated for every row, which is written again",
                          alternative="add the column without a default, set it, then fill the rows in batches")
    if default is not None and default_sql != "null" and version < (11,):
        return Prediction(locks, REWRITE, rewrites=(here,), why="before PostgreSQL 11 a default rewrites the table")
    if not column.nullable and default is None:
        return Prediction(locks, SCAN, scans=(here,), why="NOT NULL without a default: the table is checked empty")
    if column.foreign_keys:
        return Prediction(locks, SCAN, scans=(here, *referred), why="its foreign key is validated")
    return Prediction(locks, CATALOG, why="a column without a volatile default is catalog only (PostgreSQL 11+)")


def _alter_column(op: ops.AlterColumnOp, here: TableName, table: s.Table | None, before: s.Schema,
                  version: tuple[int, ...]) -> Prediction:
    column = next((c for c in (table.columns if table else ()) if c.name == op.column_name), None)
    reasons: list[str] = []
    cost = CATALOG
    only_comment = op.modify_comment is not False and all(
        value is None or value is False for value in (op.modify_type, op.modify_nullable, op.modify_name)) \
        and op.modify_server_default is False
    if op.modify_type is not None:
        old = op.existing_type if op.existing_type is not None else (column.sa_type if column else None)
        if _binary_coercible(old, op.modify_type):
            reasons.append("the new type holds the old values as they are (no rewrite)")
        else:
            cost = REWRITE
            reasons.append("the type change rewrites the table and its indexes")
    if op.modify_nullable is False and cost != REWRITE:
        cost = SCAN
        reasons.append("SET NOT NULL reads every row")
    if op.modify_name is not None:
        reasons.append("a rename is catalog only")
    if op.modify_server_default is not False:
        reasons.append("a default applies to rows written later: catalog only")
    mode = "SHARE UPDATE EXCLUSIVE" if only_comment else "ACCESS EXCLUSIVE"
    alternative = None
    if cost == SCAN and version >= (12,):
        alternative = "ADD CHECK (… IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL (no scan) and drop the CHECK"
    return Prediction(_locks((here,), mode), cost, rewrites=(here,) if cost == REWRITE else (),
                      scans=(here,) if cost == SCAN else (), why="; ".join(reasons) or "catalog only",
                      alternative=alternative)


def _binary_coercible(old: object, new: object) -> bool:
    """Whether PostgreSQL keeps the stored values as they are: the same type, ``varchar``
    lengthened or made ``text``, ``numeric`` given more precision at the same scale."""
    if old is None:
        return False
    if isinstance(old, sa.String) and isinstance(new, sa.String) and not isinstance(old, sa.CHAR) \
            and not isinstance(new, sa.CHAR) and not isinstance(old, sa.Enum) and not isinstance(new, sa.Enum):
        if getattr(old, "collation", None) != getattr(new, "collation", None):
            return False
        return new.length is None or (old.length is not None and new.length >= old.length)
    if isinstance(old, sa.Numeric) and isinstance(new, sa.Numeric) and not isinstance(old, sa.Float) \
            and not isinstance(new, sa.Float):
        if new.precision is None and new.scale is None:
            return True
        return old.precision is not None and new.precision is not None and new.precision >= old.precision \
            and (old.scale or 0) == (new.scale or 0)
    return type(old) is type(new) and repr(old) == repr(new)


def _locks(tables: Iterable[TableName], mode: str) -> tuple[tuple[TableName, str], ...]:
    found: dict[TableName, str] = {}
    for table in tables:
        found[table] = mode
    return tuple(found.items())


def _referred(fk: s.ForeignKey | None, default_schema: str | None) -> TableName:
    assert fk is not None
    return (fk.referred_schema if fk.referred_schema is not None else default_schema, fk.referred_table)


def referred_by_columns(columns: Iterable[object], schema: str | None) -> tuple[TableName, ...]:
    found: list[TableName] = []
    for item in columns:
        keys = getattr(item, "foreign_keys", ()) or ()
        if isinstance(item, sa.ForeignKeyConstraint):
            keys = item.elements
        for key in keys:
            spec = key.target_fullname.split(".")
            found.append((spec[0], spec[1]) if len(spec) == 3 else (schema, spec[0]))
    return tuple(dict.fromkeys(found))

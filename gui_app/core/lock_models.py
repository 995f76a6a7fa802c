"""Which lock-and-cost model answers for a database: PostgreSQL's lock modes, MariaDB's and
MySQL 8's ``ALGORITHM/LOCK``. SQLite has none: every write takes the whole database."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from alembic.operations import ops

from gui_app.core import schema as s
from gui_app.core.domain_ops import AddDomainCheckOp, DomainOp, SetDomainNullableOp, uses
from gui_app.core.enum_ops import EnumOp
from gui_app.core.locks import CATALOG, SCAN, Prediction, TableName, predict_postgresql
from gui_app.core.locks_enums import predict_enum
from gui_app.core.locks_mariadb import predict_mariadb
from gui_app.core.locks_mysql import predict_mysql
from gui_app.core.locks_sequences import predict_sequence
from gui_app.core.locks_views import predict_view
from gui_app.core.routine_ops import CreateRoutineOp, ReplaceRoutineOp, RoutineOp
from gui_app.core.sequence_ops import SequenceOp
from gui_app.core.trigger_ops import CreateTriggerOp, SwitchTriggerOp, TriggerOp
from gui_app.core.view_deps import AroundViewsOp
from gui_app.core.view_ops import ViewOp

MODELLED = frozenset({"postgresql", "mariadb", "mysql"})
"""Dialects (as the snapshot names them) whose operations have a model."""


def predict(op: ops.MigrateOperation, before: s.Schema, existed: Iterable[TableName] | None = None) \
        -> Prediction | None:
    """The prediction on ``before``'s dialect and server version; None where there is no model yet."""
    if before.dialect not in MODELLED:
        return None
    if isinstance(op, ViewOp):
        return predict_view(op, before, existed)
    if isinstance(op, EnumOp):
        return predict_enum(op, existed) if before.dialect == "postgresql" else None
    if isinstance(op, SequenceOp):
        return predict_sequence(op, before, existed)
    if isinstance(op, RoutineOp):
        return _routine(op, before)
    if isinstance(op, TriggerOp):
        return _trigger(op, before, existed)
    if isinstance(op, DomainOp):
        return _domain(op, before, existed)
    if isinstance(op, AroundViewsOp):
        return _around_views(op, before, existed)
    version = tuple(int(part) for part in before.server_version.split(".") if part.isdigit())
    if before.dialect == "mariadb":
        return predict_mariadb(op, before, version, existed)
    if before.dialect == "mysql":
        return predict_mysql(op, before, version, existed)
    return predict_postgresql(op, before, version, existed)


def _routine(op: RoutineOp, before: s.Schema) -> Prediction:
    """A routine holds no rows and no table lock: PostgreSQL replaces it in the catalog, calls
    under way finishing with the old body; MySQL/MariaDB hold its metadata lock, so statements
    that call it wait while it is dropped and made again, and in between it is missing."""
    if before.dialect == "postgresql" or isinstance(op, CreateRoutineOp):
        return Prediction((), CATALOG, why=f"the {op.kind} changes in the catalog; no table is locked")
    gap = "; between its drop and its creation, calls to it fail" if isinstance(op, ReplaceRoutineOp) else ""
    return Prediction((), CATALOG, why=f"calls to the {op.kind} wait while the statement runs{gap}")


def _trigger(op: TriggerOp, before: s.Schema, existed: Iterable[TableName] | None) -> Prediction:
    """PostgreSQL: creating a trigger, or disabling or enabling one, takes SHARE ROW EXCLUSIVE on
    its table (writes wait, reads go on); dropping one (a new definition drops it first) takes
    ACCESS EXCLUSIVE (reads wait too), until the plan commits. MySQL/MariaDB hold the table's
    metadata lock while the statement runs."""
    table = (op.schema, op.table)
    seen = existed is None or table in set(existed)
    if before.dialect != "postgresql":
        return Prediction(((table, "EXCLUSIVE"),) if seen else (), CATALOG,
                          why="the table's statements wait while the trigger changes")
    mode = "SHARE ROW EXCLUSIVE" if isinstance(op, CreateTriggerOp | SwitchTriggerOp) else "ACCESS EXCLUSIVE"
    held = "writes to the table wait" if mode == "SHARE ROW EXCLUSIVE" else "reads and writes of the table wait"
    return Prediction(((table, mode),) if seen else (), CATALOG, why=f"{held} until the plan commits")


def _domain(op: DomainOp, before: s.Schema, existed: Iterable[TableName] | None) -> Prediction | None:
    """NOT NULL or a new check on a domain is checked against every column of it: PostgreSQL reads
    each such table under SHARE (writes wait until the plan commits). The rest is catalog only."""
    if before.dialect != "postgresql":
        return None
    if not (isinstance(op, AddDomainCheckOp) or (isinstance(op, SetDomainNullableOp) and not op.nullable)):
        return Prediction((), CATALOG, why="the domain changes in the catalog; no table is locked")
    namespace = before.namespace(op.schema)
    seen = set(existed) if existed is not None else None
    tables = tuple(dict.fromkeys((t_schema, table) for t_schema, table, _column in uses(before, namespace, op.name)
                                 if seen is None or (t_schema, table) in seen))
    if not tables:
        return Prediction((), CATALOG, why="no column is of the domain: nothing to check")
    return Prediction(tuple((t, "SHARE") for t in tables), SCAN, scans=tables,
                      why="every column of the domain is checked: writes to those tables wait until the plan "
                          "commits")


def _around_views(op: AroundViewsOp, before: s.Schema, existed: Iterable[TableName] | None) -> Prediction | None:
    """The change's own prediction, with the views dropped and created around it locked too."""
    found = predict(op.plain, before, existed)
    if found is None:
        return None
    seen = set(existed) if existed is not None else None
    views = tuple(((v.schema, v.name), "ACCESS EXCLUSIVE") for v in op.views
                  if seen is None or (v.schema, v.name) in seen)
    return dataclasses.replace(found, locks=(*found.locks, *views),
                               why=f"{found.why}; the views that read the column are dropped and created again, "
                                   "their readers waiting until the plan commits")

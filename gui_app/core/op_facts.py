"""Facts about one operation that every layer asks for: its label, the table it changes, and
the names of the risks it can carry (computed in :func:`gui_app.core.plan.risks`).

The ground floor under the plan, rendering, applying and the UI: it imports no other module of
the app's core but the schema snapshot and the app's own operation classes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from alembic.operations import ops

from gui_app.core.batch_block import BatchBlockOp
from gui_app.core.domain_ops import DomainOp
from gui_app.core.enum_ops import EnumOp, RenameEnumOp, RenameEnumValueOp
from gui_app.core.online import OnlineOp
from gui_app.core.routine_ops import RoutineOp
from gui_app.core.schema import Schema
from gui_app.core.script_code import COMMITS_PART_WAY, RUNS_CODE, ScriptCodeOp
from gui_app.core.sequence_ops import RenameSequenceOp, SequenceOp
from gui_app.core.trigger_ops import TriggerOp
from gui_app.core.view_deps import AroundViewsOp
from gui_app.core.view_ops import RenameViewOp, ViewOp

DESTRUCTIVE = "destructive"
NARROWS = "narrows a type"
REBUILDS = "rebuilds the table"
NEEDS_DATA = "needs the data to hold"
UNKNOWN_EFFECT = "unknown effect"
VIEWS_IN_THE_WAY = "views read it"
"""PostgreSQL refuses the change while views read the column: made with them re-created around it."""
HANDS_OUT_AGAIN = "hands out values again"
"""A sequence set to start again below a value it handed out: new keys may collide with old ones."""
CONSENT = (DESTRUCTIVE, NARROWS, UNKNOWN_EFFECT, RUNS_CODE, COMMITS_PART_WAY, HANDS_OUT_AGAIN)
"""Labels that need the user's explicit consent before the plan runs (the dialog's check box,
the command line's ``--accept-data-loss``): data is destroyed, or may be and nobody can tell, or
a failure no longer rolls everything back, or a sequence hands out keys it handed out before."""
__all__ = ["COMMITS_PART_WAY", "CONSENT", "DESTRUCTIVE", "HANDS_OUT_AGAIN", "NARROWS", "NEEDS_DATA", "REBUILDS",
           "RUNS_CODE", "UNKNOWN_EFFECT", "VIEWS_IN_THE_WAY", "describe", "existed", "needs_consent",
           "only_commits_part_way", "table_of"]


def needs_consent(labels: Sequence[str]) -> bool:
    return any(label in CONSENT for label in labels)


def only_commits_part_way(labelled: Iterable[Sequence[str]]) -> bool:
    """Whether all that the operations' labels ask consent for is committing part-way (an online
    operation, a script's own COMMIT): nothing is destroyed, a plan may be left half applied."""
    return all(label == COMMITS_PART_WAY for labels in labelled for label in labels if label in CONSENT)


def table_of(op: ops.MigrateOperation) -> tuple[str | None, str] | None:
    """(schema, table) an operation changes, or None (custom SQL)."""
    if isinstance(op, ops.CreateForeignKeyOp):
        return op.kw.get("source_schema"), op.source_table
    name = getattr(op, "table_name", None)
    if isinstance(name, str):
        return getattr(op, "schema", None), name
    return None


def existed(base: Schema, table: tuple[str | None, str]) -> bool:
    """Whether the database held ``table`` before the plan (unquoted names matched as the database folds them)."""
    return any(base.find_table(name, table[0]) is not None for name in {table[1], table[1].lower()})


def describe(op: ops.MigrateOperation) -> str:
    """A short human label: ``add_column books.subtitle``."""
    kind = type(op).__name__
    for cls in type(op).__mro__:
        if cls.__module__.startswith("alembic.operations"):
            kind = cls.__name__
            break
    verb = {"CreateTableOp": "create_table", "DropTableOp": "drop_table", "RenameTableOp": "rename_table",
            "AddColumnOp": "add_column", "DropColumnOp": "drop_column", "AlterColumnOp": "alter_column",
            "CreateIndexOp": "create_index", "DropIndexOp": "drop_index",
            "CreatePrimaryKeyOp": "create_primary_key", "CreateForeignKeyOp": "create_foreign_key",
            "CreateUniqueConstraintOp": "create_unique_constraint",
            "CreateCheckConstraintOp": "create_check_constraint", "DropConstraintOp": "drop_constraint",
            "CreateTableCommentOp": "create_table_comment", "DropTableCommentOp": "drop_table_comment",
            "ExecuteSQLOp": "execute", "BulkInsertOp": "bulk_insert"}.get(kind, kind)
    if isinstance(op, ScriptCodeOp):
        return f"run {op.label}"
    if isinstance(op, OnlineOp):
        return f"{describe(op.plain)} (online)"
    if isinstance(op, AroundViewsOp):
        return f"{describe(op.plain)} (views re-created: {', '.join(v.name for v in op.views)})"
    if isinstance(op, BatchBlockOp):
        return f"batch_alter_table {op.table_name} ({', '.join(op.options)})"
    if isinstance(op, EnumOp):
        named = f"{op.schema}.{op.name}" if op.schema else op.name
        value = getattr(op, "value", None)
        return f"{op.what} {named}" + (f" {value!r}" if value else "") + (
            f" → {op.new_name}" if isinstance(op, RenameEnumOp) else
            f" → {op.new_value!r}" if isinstance(op, RenameEnumValueOp) else "")
    if isinstance(op, DomainOp):
        named = f"{op.schema}.{op.name}" if op.schema else op.name
        check = getattr(op, "constraint", None)
        return f"{op.mark} {named}" + (f" {check}" if check else "")
    if isinstance(op, TriggerOp):
        named = f"{op.schema}.{op.table}" if op.schema else op.table
        return f"{op.mark} {op.name} on {named}"
    if isinstance(op, RoutineOp):
        named = f"{op.schema}.{op.name}" if op.schema else op.name
        return f"{op.mark} {named}({op.arguments})"
    if isinstance(op, SequenceOp):
        named = f"{op.schema}.{op.name}" if op.schema else op.name
        return f"{op.what} {named}" + (f" → {op.new_name}" if isinstance(op, RenameSequenceOp) else "")
    if isinstance(op, ViewOp):
        named = f"{op.schema}.{op.name}" if op.schema else op.name
        kind = op.what.replace("view", op.kind)
        return f"{kind} {named}" + (f" → {op.new_name}" if isinstance(op, RenameViewOp) else "")
    target = table_of(op)
    subject = target[1] if target else ""
    detail = (getattr(op, "column_name", None) or getattr(getattr(op, "column", None), "name", None)
              or getattr(op, "index_name", None) or getattr(op, "constraint_name", None))
    if isinstance(op, ops.RenameTableOp):
        detail = f"→ {op.new_table_name}"
        return f"{verb} {subject} {detail}"
    return f"{verb} {subject}{'.' + detail if isinstance(detail, str) and detail else ''}".strip()

"""What a change to a PostgreSQL enum type locks and costs. Creating, renaming, dropping a type,
adding or renaming a value change the catalog only and lock no table. Removing a value casts every
column of the type to a new type: each of those tables is rewritten under ACCESS EXCLUSIVE, and
the views that read them are dropped and created again."""

from __future__ import annotations

from collections.abc import Iterable

from gui_app.core.enum_ops import EnumOp, RemoveEnumValueOp
from gui_app.core.locks import CATALOG, REWRITE, Prediction, TableName


def predict_enum(op: EnumOp, existed: Iterable[TableName] | None = None) -> Prediction:
    if not isinstance(op, RemoveEnumValueOp):
        return Prediction((), CATALOG, why="the type changes in the catalog; no table is locked")
    seen = set(existed) if existed is not None else None
    tables = tuple(dict.fromkeys((u.schema, u.table) for u in op.uses))
    views = tuple((v.schema, v.name) for v in op.views)
    visible = tuple(t for t in (*tables, *views) if seen is None or t in seen)
    rewritten = tuple(t for t in tables if seen is None or t in seen)
    return Prediction(tuple((t, "ACCESS EXCLUSIVE") for t in visible), REWRITE if rewritten else CATALOG,
                      rewrites=rewritten,
                      why="every column of the type is cast to a new type without the value: each table is "
                          "written anew; reads and writes wait until the plan commits")

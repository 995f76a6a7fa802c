"""What a change to a view locks and costs, on PostgreSQL and on MySQL/MariaDB.

A view holds no rows: creating, replacing, renaming or dropping one changes the catalog only, but
takes the view's strongest lock (PostgreSQL's ACCESS EXCLUSIVE, MySQL's exclusive metadata lock),
so queries that read the view wait for the transaction (MySQL: for the statement). A materialized
view holds rows: creating it, or giving it a new body, runs its query, and a refresh writes it anew.
"""

from __future__ import annotations

from collections.abc import Iterable

from gui_app.core import schema as s
from gui_app.core.locks import CATALOG, REWRITE, SCAN, Prediction, TableName
from gui_app.core.view_ops import CreateViewOp, DropViewOp, RefreshViewOp, RenameViewOp, ReplaceViewOp, ViewOp


def predict_view(op: ViewOp, before: s.Schema, existed: Iterable[TableName] | None = None) -> Prediction:
    """``existed``: what other sessions can see (the database before the plan); a view the plan
    made is seen by nobody else until it commits, so its lock blocks nobody and is left out."""
    postgresql = before.dialect == "postgresql"
    strongest = "ACCESS EXCLUSIVE" if postgresql else "EXCLUSIVE"
    held = "until the plan commits" if postgresql else "while the statement runs"
    view = next(((v.schema, v.name) for v in before.namespace(op.schema).views if v.name == op.name), None)
    locks = ((view, strongest),) if view is not None and (existed is None or view in set(existed)) else ()
    if isinstance(op, RefreshViewOp):
        return Prediction(locks, REWRITE, rewrites=(view,) if view else (),
                          why=f"its query runs again and its rows are written anew; reads of it wait {held}",
                          alternative="REFRESH MATERIALIZED VIEW CONCURRENTLY (reads go on; needs a unique index "
                                      "on the view)")
    if isinstance(op, CreateViewOp):
        if op.materialized:
            return Prediction((), SCAN, why="its query runs once to fill it")
        return Prediction((), CATALOG, why="a new view is catalog only")
    if isinstance(op, ReplaceViewOp) and op.materialized:
        return Prediction(locks, SCAN, why=f"dropped and filled again by its new query; reads of it wait {held}")
    what = {DropViewOp: "dropped", RenameViewOp: "renamed", ReplaceViewOp: "given a new body"}.get(type(op), "changed")
    return Prediction(locks, CATALOG, why=f"the view is {what} in the catalog; queries that read it wait {held}")

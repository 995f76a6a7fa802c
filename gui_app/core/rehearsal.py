"""A definition checked by the server before it joins the pending list: the plan so far and the
new operations run in one transaction that is rolled back (PostgreSQL's DDL is transactional), so
a view's query, a function's body, a trigger's or a domain's SQL is parsed and checked where it
will run. Every wait is bounded by the app's lock and statement timeouts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alembic.operations import ops
from sqlalchemy.engine import URL

from gui_app.core.schema import Schema


@dataclass(frozen=True)
class Rehearsal:
    """``refused``: the server's words where the new operations fail; ``unchecked``: why they could
    not be checked (an earlier pending operation fails first, the server could not be reached)."""

    refused: str = ""
    unchecked: str = ""


def rehearse(url: URL, base: Schema, pending: Sequence[ops.MigrateOperation],
             new: Sequence[ops.MigrateOperation]) -> Rehearsal:
    from sqlalchemy.exc import SQLAlchemyError

    from gui_app.core.apply import apply_plan
    from gui_app.core.apply_runner import ApplyFailed
    from gui_app.core.errors import describe_error

    try:
        apply_plan(url, [*pending, *new], base, dry_run=True, verify=False)
    except ApplyFailed as failure:
        if failure.lock_timeout:
            return Rehearsal(unchecked=f"another session holds a lock it needs ({failure.message})")
        if failure.index < len(pending):
            return Rehearsal(unchecked=f"operation {failure.index + 1} of the pending list fails before it: "
                                       f"{failure.message}")
        return Rehearsal(refused=failure.message)
    except (SQLAlchemyError, OSError) as error:
        return Rehearsal(unchecked=describe_error(error))
    return Rehearsal()

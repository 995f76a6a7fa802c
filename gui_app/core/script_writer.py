"""The pending list as an Alembic migration script that the real ``alembic`` command runs.

A standalone file follows Alembic's generic ``script.py.mako`` template; inside a
linked project the project's own template is used through ``ScriptDirectory``.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core.dialects import family
from gui_app.core.private_files import write_private
from gui_app.core.render import downgrade_ops, render_python
from gui_app.core.schema import Schema
from gui_app.core.script_code import ScriptCodeOp, helper_source

STANDALONE_TEMPLATE = '''"""{message}

Revision ID: {revision}
Revises: {down_revision_text}
Create Date: {create_date}

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
{imports}

# revision identifiers, used by Alembic.
revision: str = {revision!r}
down_revision: Union[str, Sequence[str], None] = {down_revision!r}
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    {upgrades}


def downgrade() -> None:
    """Downgrade schema."""
    {downgrades}
'''

_DIALECT_PREFIX = re.compile(r"\b(postgresql|mysql|sqlite|mssql|oracle)\.[A-Z]")


def new_revision_id() -> str:
    """Twelve hex digits, as Alembic makes them."""
    return uuid.uuid4().hex[-12:]


def bodies(plan: Sequence[ops.MigrateOperation], dialect: str, base: Schema | None = None,
           with_downgrade: bool = True, combine: bool = False) -> tuple[str, str, str]:
    """(upgrade body, downgrade body, import lines) for a script; batch mode on SQLite. Without
    ``with_downgrade`` the downgrade is ``pass`` (a script that only carries operations). With
    ``combine``, one table's alterations are one ``ALTER TABLE`` each way (see ``render_python``)."""
    target = family(dialect)
    upgrade = render_python(plan, target, base=base, combine=combine) if plan else "pass"
    downgrade = render_python(plan, target, downgrade=True, base=base, combine=combine) \
        if plan and with_downgrade else "pass"
    text = upgrade + downgrade
    imports = sorted({f"from sqlalchemy.dialects import {m.group(1)}" for m in _DIALECT_PREFIX.finditer(text)})
    if "Decimal(" in text:
        imports.append("from decimal import Decimal")
    if "datetime." in text:
        imports.append("import datetime")
    imports.extend(sorted(f"import {module}" for module in _type_modules(plan)))
    steps = [*plan, *(downgrade_ops(plan) if plan and with_downgrade else [])]
    helpers = {op.helper_name: helper_source(op) for op in steps if isinstance(op, ScriptCodeOp)}
    return upgrade, downgrade, "\n".join(imports) + "".join(helpers[name] for name in sorted(helpers))


def _type_modules(plan: Sequence[ops.MigrateOperation]) -> set[str]:
    """Modules of the column types that are not SQLAlchemy's (a project's own ``TypeDecorator``):
    Alembic writes them as ``package.module.Type()``, so the revision must import the module."""
    types: list[Any] = []
    for op in plan:
        inner = op.ops if isinstance(op, ops.ModifyTableOps) else [op]
        for step in inner:
            if isinstance(step, ops.CreateTableOp):
                types.extend(c.type for c in step.columns if isinstance(c, sa.Column))
            elif isinstance(step, ops.AddColumnOp):
                types.append(step.column.type)
            elif isinstance(step, ops.AlterColumnOp):
                types.extend((step.modify_type, step.existing_type))
    modules = {type(t).__module__ for t in types if t is not None}
    return {m for m in modules if m.split(".")[0] not in ("sqlalchemy", "builtins", "__main__")}


def check_script(path: Path, dialect: str) -> None:
    """Raise ``ValueError`` unless the revision at ``path`` compiles, imports, and renders its
    upgrade and downgrade offline for ``dialect``."""
    from gui_app.core.render import render_sql
    from gui_app.core.script_reader import load_script

    text = path.read_text(encoding="utf-8")
    try:
        compile(text, str(path), "exec")
        script = load_script(path)
        target = family(dialect)
        if target != "sqlite":  # SQLite's offline rebuilds need the live tables (copy_from) to render
            render_sql(script.upgrade, target, None, strict=True)
            render_sql(script.downgrade, target, None, strict=True)
    except Exception as error:  # SyntaxError, ScriptError, a missing import, a type with no offline form
        raise ValueError(f"{type(error).__name__}: {' '.join(str(error).split())}") from None


def standalone_script(plan: Sequence[ops.MigrateOperation], dialect: str, message: str,
                      revision: str | None = None, down_revision: str | None = None,
                      now: datetime.datetime | None = None, base: Schema | None = None,
                      with_downgrade: bool = True) -> str:
    upgrade, downgrade, imports = bodies(plan, dialect, base, with_downgrade)
    return STANDALONE_TEMPLATE.format(
        message=docstring_text(message.strip() or "pending changes"),
        revision=revision or new_revision_id(),
        down_revision=down_revision,
        down_revision_text=down_revision or "",
        create_date=(now or datetime.datetime.now()).strftime("%Y-%m-%d %H:%M:%S.%f"),
        imports=imports,
        upgrades=upgrade,
        downgrades=downgrade,
    )


def docstring_text(message: str) -> str:
    """``message`` safe inside the revision's docstring: three double quotes in it would end the
    docstring and make the rest of the message code that runs whenever the script is read."""
    return message.replace("\\", "\\\\").replace('"', '\\"')


def file_name(revision: str, message: str) -> str:
    slug = re.sub(r"[^0-9a-zA-Z]+", "_", message.strip().lower()).strip("_")[:40] or "pending_changes"
    return f"{revision}_{slug}.py"


def write_standalone(path: Path, plan: Sequence[ops.MigrateOperation], dialect: str, message: str,
                     down_revision: str | None = None, base: Schema | None = None, check: bool = False) -> str:
    """Write a standalone revision file; returns its revision id. With ``check``, only a file that
    compiles, imports and renders offline is written (:func:`check_script`)."""
    revision = new_revision_id()
    text = standalone_script(plan, dialect, message, revision, down_revision, base=base)
    partial = path.with_name(f".{path.stem}.partial.py")
    write_private(partial, text, folder_too=False)  # it holds the plan
    try:
        if check:
            check_script(partial, dialect)
    except ValueError as error:
        partial.unlink()
        raise ValueError(f"the revision for {path.name} would not run ({error}); nothing was written") from None
    partial.replace(path)  # a crash never leaves half a script behind
    return revision

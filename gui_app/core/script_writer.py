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

from alembic.operations import ops

from gui_app.core.render import render_python
from gui_app.core.schema import Schema

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


def bodies(plan: Sequence[ops.MigrateOperation], dialect: str, base: Schema | None = None) -> tuple[str, str, str]:
    """(upgrade body, downgrade body, import lines) for a script; batch mode on SQLite."""
    target = "mysql" if dialect == "mariadb" else dialect
    upgrade = render_python(plan, target, base=base) if plan else "pass"
    downgrade = render_python(plan, target, downgrade=True, base=base) if plan else "pass"
    text = upgrade + downgrade
    imports = sorted({f"from sqlalchemy.dialects import {m.group(1)}" for m in _DIALECT_PREFIX.finditer(text)})
    if "Decimal(" in text:
        imports.append("from decimal import Decimal")
    if "datetime." in text:
        imports.append("import datetime")
    return upgrade, downgrade, "\n".join(imports)


def standalone_script(plan: Sequence[ops.MigrateOperation], dialect: str, message: str,
                      revision: str | None = None, down_revision: str | None = None,
                      now: datetime.datetime | None = None, base: Schema | None = None) -> str:
    upgrade, downgrade, imports = bodies(plan, dialect, base)
    return STANDALONE_TEMPLATE.format(
        message=message.strip() or "pending changes",
        revision=revision or new_revision_id(),
        down_revision=down_revision,
        down_revision_text=down_revision or "",
        create_date=(now or datetime.datetime.now()).strftime("%Y-%m-%d %H:%M:%S.%f"),
        imports=imports,
        upgrades=upgrade,
        downgrades=downgrade,
    )


def file_name(revision: str, message: str) -> str:
    slug = re.sub(r"[^0-9a-zA-Z]+", "_", message.strip().lower()).strip("_")[:40] or "pending_changes"
    return f"{revision}_{slug}.py"


def write_standalone(path: Path, plan: Sequence[ops.MigrateOperation], dialect: str, message: str,
                     down_revision: str | None = None, base: Schema | None = None) -> str:
    """Write a standalone revision file; returns its revision id."""
    revision = new_revision_id()
    text = standalone_script(plan, dialect, message, revision, down_revision, base=base)
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)  # a crash never leaves half a script behind
    return revision

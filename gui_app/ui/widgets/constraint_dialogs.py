"""Add a foreign key, a unique constraint, a check constraint or a primary key to a table."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtWidgets import QWidget

from gui_app.core import schema as s
from gui_app.ui.widgets.constraint_forms import CheckForm, ForeignKeyForm, KeyForm
from gui_app.ui.widgets.edit_dialog import EditDialog, Submit

if TYPE_CHECKING:
    from alembic.operations import ops


class ForeignKeyDialog(EditDialog):
    def __init__(self, table: s.Table, schema: s.Schema, dialect: str, submit: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Add foreign key to {table.name}", submit, parent)
        self.setObjectName("foreignKeyDialog")
        self.table = table
        self.form = ForeignKeyForm(table.name, [c.name for c in table.columns], schema.tables, dialect, self)
        self.name, self.columns, self.referred = self.form.name, self.form.columns, self.form.referred
        self.referred_columns, self.on_delete, self.on_update = (self.form.referred_columns, self.form.on_delete,
                                                                 self.form.on_update)
        self.body.addWidget(self.form)

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core import edits

        return [edits.create_foreign_key(self.table, self.form.value())]


class ConstraintDialog(EditDialog):
    """``kind``: unique, check or primary."""

    TITLES: ClassVar[dict[str, str]] = {"unique": "Add unique constraint to", "check": "Add check constraint to",
                                         "primary": "Add primary key to"}

    def __init__(self, table: s.Table, kind: str, dialect: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(f"{self.TITLES[kind]} {table.name}", submit, parent)
        self.setObjectName(f"{kind}ConstraintDialog")
        self.table, self.kind = table, kind
        columns = [c.name for c in table.columns]
        self.form: CheckForm | KeyForm = CheckForm(table.name, columns, dialect, self) if kind == "check" \
            else KeyForm(table.name, columns, dialect, kind == "primary", self)
        self.name = self.form.name
        self.condition = self.form.condition if isinstance(self.form, CheckForm) else None
        self.columns = self.form.columns if isinstance(self.form, KeyForm) else None
        self.body.addWidget(self.form)

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core import edits

        if isinstance(self.form, CheckForm):
            check = self.form.value()
            return [edits.create_check_constraint(self.table, check.name, check.sqltext)]
        key = self.form.value()
        if self.kind == "primary":
            return [edits.create_primary_key(self.table, key.name, list(key.columns))]
        return [edits.create_unique_constraint(self.table, key.name, list(key.columns))]

"""Add a foreign key, a unique constraint, a check constraint or a primary key."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from gui_app.core import schema as s
from gui_app.ui.widgets.edit_dialog import ColumnPicker, EditDialog, InputError, Submit, SuggestedName

if TYPE_CHECKING:
    from alembic.operations import ops

RULES = ("", "CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION")


class ForeignKeyDialog(EditDialog):
    def __init__(self, table: s.Table, schema: s.Schema, dialect: str, submit: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Add foreign key to {table.name}", submit, parent)
        self.setObjectName("foreignKeyDialog")
        self.table, self.schema, self.dialect = table, schema, dialect
        self.name = SuggestedName(self)
        self.columns = ColumnPicker([c.name for c in table.columns], parent=self)
        self.referred = QComboBox(self)
        self._targets = sorted(schema.tables, key=lambda t: (t.schema or "", t.name))
        for target in self._targets:
            self.referred.addItem(f"{target.schema}.{target.name}" if target.schema else target.name)
        self.referred_columns = ColumnPicker([], parent=self)
        self.on_delete = QComboBox(self)
        self.on_delete.addItems(RULES)
        self.on_update = QComboBox(self)
        self.on_update.addItems(RULES)
        self.form = QFormLayout()
        self.form.addRow("Name", self.name)
        self.form.addRow("Columns", self.columns)
        self.form.addRow("Refers to table", self.referred)
        self.form.addRow("Referred columns", self.referred_columns)
        self.form.addRow("On delete", self.on_delete)
        self.form.addRow("On update", self.on_update)
        self.body.addLayout(self.form)
        self.referred.currentIndexChanged.connect(self._target_changed)
        self.columns.list.itemChanged.connect(lambda _item: self._suggest())
        self._target_changed(self.referred.currentIndex())

    def target(self) -> s.Table:
        return self._targets[self.referred.currentIndex()]

    def _target_changed(self, _row: int) -> None:
        target = self.target()
        key = list(target.primary_key.columns) if target.primary_key else []
        picker = ColumnPicker([c.name for c in target.columns], key, self)
        old = self.referred_columns
        self.form.replaceWidget(old, picker)
        old.hide()  # out of sight now; deleted once control returns to the event loop
        old.deleteLater()
        self.referred_columns = picker
        self._suggest()

    def _suggest(self) -> None:
        from gui_app.core.naming import foreign_key_name

        columns = self.columns.checked()
        suggested = foreign_key_name(self.table.name, columns, self.target().name, self.dialect) if columns else ""
        self.name.suggest(suggested)

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core import edits

        local, remote = self.columns.checked(), self.referred_columns.checked()
        if not local:
            raise InputError("Tick the columns that refer to the other table.")
        if len(local) != len(remote):
            raise InputError(f"Tick as many referred columns ({len(remote)}) as columns ({len(local)}).")
        target = self.target()
        fk = s.ForeignKey(self.name.text() or None, tuple(local), target.schema, target.name, tuple(remote),
                          self.on_delete.currentText() or None, self.on_update.currentText() or None)
        return [edits.create_foreign_key(self.table, fk)]


class ConstraintDialog(EditDialog):
    """``kind``: unique, check or primary."""

    TITLES: ClassVar[dict[str, str]] = {"unique": "Add unique constraint to", "check": "Add check constraint to",
                                         "primary": "Add primary key to"}

    def __init__(self, table: s.Table, kind: str, dialect: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(f"{self.TITLES[kind]} {table.name}", submit, parent)
        self.setObjectName(f"{kind}ConstraintDialog")
        self.table, self.kind, self.dialect = table, kind, dialect
        self.name = SuggestedName(self)
        form = QFormLayout()
        form.addRow("Name", self.name)
        self.columns: ColumnPicker | None = None
        self.condition: QLineEdit | None = None
        if kind == "check":
            self.condition = QLineEdit(self)
            self.condition.setPlaceholderText("e.g. price >= 0")
            form.addRow("Condition", self.condition)
            from gui_app.core.naming import check_name

            self.name.suggest(check_name(table.name, "condition", dialect))
        else:
            self.columns = ColumnPicker([c.name for c in table.columns], parent=self)
            form.addRow("Columns", self.columns)
            self.columns.list.itemChanged.connect(lambda _item: self._suggest())
            self._suggest()
        self.body.addLayout(form)

    def _suggest(self) -> None:
        from gui_app.core.naming import primary_key_name, unique_name

        assert self.columns is not None
        if self.kind == "primary":
            self.name.suggest(primary_key_name(self.table.name, self.dialect))
        else:
            columns = self.columns.checked()
            self.name.suggest(unique_name(self.table.name, columns, self.dialect) if columns else "")

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core import edits
        from gui_app.core.validate import default_problem

        name = self.name.text() or None
        if self.condition is not None:
            text = self.condition.text().strip()
            if not text:
                raise InputError("Write the condition the rows must meet.")
            if default_problem(text):
                raise InputError("The condition must be one expression.")
            return [edits.create_check_constraint(self.table, name, text)]
        assert self.columns is not None
        columns = self.columns.checked()
        if not columns:
            raise InputError("Tick at least one column.")
        if self.kind == "primary":
            return [edits.create_primary_key(self.table, name, columns)]
        return [edits.create_unique_constraint(self.table, name, columns)]

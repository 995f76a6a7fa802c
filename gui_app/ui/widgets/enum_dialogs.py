"""PostgreSQL enum types edited as the app's own operations: a new type, a value added (at a chosen
place), renamed or removed, the type renamed. Removing a value says what it rewrites."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from gui_app.core import schema as s
from gui_app.ui.widgets.edit_dialog import EditDialog, InputError, RenameDialog, Submit

if TYPE_CHECKING:
    from alembic.operations import ops

AT_THE_END = "at the end"


class NewEnumDialog(EditDialog):
    def __init__(self, namespace: str | None, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__("New enum type", submit, parent)
        self.setObjectName("newEnumDialog")
        self.namespace = namespace
        self.name = QLineEdit(self)
        self.values = QPlainTextEdit(self)
        self.values.setPlaceholderText("One value per line, in their order")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Values", self.values)
        self.body.addLayout(form)

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core.enum_ops import CreateEnumOp

        name = self.name.text().strip()
        values = [line.strip() for line in self.values.toPlainText().splitlines() if line.strip()]
        if not name:
            raise InputError("Give the type a name.")
        if not values:
            raise InputError("Write its values, one per line.")
        if len(set(values)) != len(values):
            raise InputError("A value is written twice.")
        return [CreateEnumOp(name, values, self.namespace)]


class EnumValueDialog(EditDialog):
    """``mode``: ``add`` (a new value and where it goes), ``rename`` or ``remove`` (one of its values)."""

    def __init__(self, schema: s.Schema, enum: s.EnumType, namespace: str | None, mode: str, submit: Submit,
                 parent: QWidget | None = None) -> None:
        titles = {"add": "Add a value to", "rename": "Rename a value of", "remove": "Remove a value from"}
        super().__init__(f"{titles[mode]} {enum.name}", submit, parent)
        self.setObjectName("enumValueDialog")
        self.schema, self.enum, self.namespace, self.mode = schema, enum, namespace, mode
        form = QFormLayout()
        self.value = QComboBox(self)
        self.value.addItems(enum.labels)
        self.new_value = QLineEdit(self)
        self.position = QComboBox(self)
        self.position.addItems([AT_THE_END, *(f"before {v}" for v in enum.labels),
                                *(f"after {v}" for v in enum.labels)])
        self.commit_first = QCheckBox("Commit it first, so that the rest of this plan can use it", self)
        self.commit_first.setToolTip("PostgreSQL uses a new value only once the transaction that added it "
                                     "commits: the work before it commits too, and stays if a later step fails.")
        if mode == "add":
            form.addRow("New value", self.new_value)
            form.addRow("Place", self.position)
            form.addRow("", self.commit_first)
        elif mode == "rename":
            form.addRow("Value", self.value)
            form.addRow("New value", self.new_value)
        else:
            form.addRow("Value", self.value)
        shown = {"add": (self.new_value, self.position, self.commit_first),
                 "rename": (self.value, self.new_value), "remove": (self.value,)}[mode]
        for field in (self.value, self.new_value, self.position, self.commit_first):
            field.setVisible(field in shown)  # a child left out of the form would sit in its corner
        self.body.addLayout(form)
        self.effect = QLabel(self)
        self.effect.setObjectName("enumEffect")
        self.effect.setWordWrap(True)
        self.body.addWidget(self.effect)
        self.effect.setText(self._effect())
        self.value.currentTextChanged.connect(lambda _text: self.effect.setText(self._effect()))

    def _effect(self) -> str:
        from gui_app.core.enum_ops import remove_value, uses_of

        if self.mode == "add":
            return "Catalog only: no row is rewritten. Removing the value again (the downgrade) rewrites the " \
                   "tables whose columns are of this type."
        if self.mode == "rename":
            return "Catalog only: rows holding the value hold the new one."
        uses = uses_of(self.schema, self.enum.name)
        if not uses:
            return "No column is of this type: only the type changes."
        removal = remove_value(self.schema, self.enum.name, self.value.currentText() or self.enum.labels[0],
                               self.namespace)
        columns = ", ".join(f"{u.table}.{u.column}" for u in uses)
        views = ", ".join(v.name for v in removal.views)
        return (f"A new type without the value replaces this one: {columns} cast to it, each table written anew "
                "under a lock that stops reads and writes. A row holding the value makes it fail: nothing is "
                "changed then." + (f" The views that read them are created again: {views}." if views else ""))

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core.enum_ops import RenameEnumValueOp, add_value, remove_value

        new = self.new_value.text().strip()
        if self.mode == "add":
            if not new:
                raise InputError("Write the new value.")
            place = self.position.currentText()
            before = place[len("before "):] if place.startswith("before ") else None
            after = place[len("after "):] if place.startswith("after ") else None
            return [add_value(self.schema, self.enum.name, new, self.namespace, before, after,
                              self.commit_first.isChecked())]
        value = self.value.currentText()
        if self.mode == "rename":
            if not new:
                raise InputError("Write the new value.")
            if new == value:
                raise InputError("The new value is the same as the old one.")
            return [RenameEnumValueOp(self.enum.name, value, new, self.namespace)]
        if len(self.enum.labels) == 1:
            raise InputError("An enum type keeps at least one value: drop the type instead.")
        return [remove_value(self.schema, self.enum.name, value, self.namespace)]


class RenameEnumDialog(RenameDialog):
    def __init__(self, enum: s.EnumType, namespace: str | None, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(f"Rename enum type {enum.name}", enum.name, submit, parent)
        self.setObjectName("renameEnumDialog")
        self.enum, self.namespace = enum, namespace

    def renamed(self, name: str) -> list[ops.MigrateOperation]:
        from gui_app.core.enum_ops import RenameEnumOp

        return [RenameEnumOp(self.enum.name, name, self.namespace)]

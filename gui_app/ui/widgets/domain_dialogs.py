"""PostgreSQL domains edited as the app's own operations: a new domain (its type, default, NOT NULL
and checks), or the default, NOT NULL and checks of one. The default and the checks are SQL; a
check names the value ``VALUE``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from gui_app.core import schema as s
from gui_app.ui.widgets.edit_dialog import EditDialog, InputError, Submit, TypeEdit

if TYPE_CHECKING:
    from alembic.operations import ops


class DomainDialog(EditDialog):
    """A new domain in ``namespace`` (``domain`` None), or what can change of one."""

    checked_on_server = True  # PostgreSQL parses and checks its SQL where it will run

    def __init__(self, schema: s.Schema, domain: s.Domain | None, namespace: str | None, submit: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Domain {domain.name}" if domain else "New domain", submit, parent)
        self.setObjectName("domainDialog")
        self.schema, self.domain, self.namespace = schema, domain, namespace
        self.name = QLineEdit(domain.name if domain else "", self)
        self.name.setReadOnly(domain is not None)
        self.type_name = TypeEdit("postgresql", domain.type_name if domain else "", self)
        self.type_name.setReadOnly(domain is not None)
        self.default = QLineEdit(domain.default or "" if domain else "", self)
        self.default.setPlaceholderText("none (SQL: 0, 'text', now())")
        self.not_null = QCheckBox("Not null", self)
        self.not_null.setChecked(bool(domain and not domain.nullable))
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Based on", self.type_name)
        form.addRow("Default", self.default)
        form.addRow("", self.not_null)
        self.body.addLayout(form)
        self.checks = QTableWidget(0, 2, self)
        self.checks.setObjectName("domainChecks")
        self.checks.setHorizontalHeaderLabels(["Check", "Condition (VALUE is the value)"])
        self.checks.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.checks.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for check in domain.checks if domain else ():
            self.add_check(check.name or "", check.sqltext)
        buttons = QHBoxLayout()
        add = QPushButton("Add check", self)
        add.clicked.connect(lambda: self.add_check(f"{self.name.text().strip() or 'domain'}_check", ""))
        remove = QPushButton("Remove check", self)
        remove.clicked.connect(self.remove_check)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        self.body.addWidget(QLabel("Checks", self))
        self.body.addWidget(self.checks, 1)
        self.body.addLayout(buttons)
        if domain is not None:
            note = QLabel("NOT NULL and a new check are checked against every column of the domain: each such "
                          "table is read, and writes to it wait until the plan commits.", self)
            note.setWordWrap(True)
            self.body.addWidget(note)
        self.resize(560, 420)

    def add_check(self, name: str, condition: str) -> None:
        row = self.checks.rowCount()
        self.checks.insertRow(row)
        self.checks.setItem(row, 0, QTableWidgetItem(name))
        self.checks.setItem(row, 1, QTableWidgetItem(condition))

    def remove_check(self) -> None:
        rows = sorted({index.row() for index in self.checks.selectedIndexes()}, reverse=True)
        for row in rows or ([self.checks.rowCount() - 1] if self.checks.rowCount() else []):
            self.checks.removeRow(row)

    def _cell(self, row: int, column: int) -> str:
        item = self.checks.item(row, column)
        return item.text().strip() if item is not None else ""

    def _checks(self) -> list[tuple[str | None, str]]:
        found: list[tuple[str | None, str]] = []
        for row in range(self.checks.rowCount()):
            name, condition = (self._cell(row, column) for column in (0, 1))
            if not name and not condition:
                continue
            if not name or not condition:
                raise InputError("Each check has a name and a condition.")
            found.append((name, condition))
        if len({name for name, _condition in found}) != len(found):
            raise InputError("Two checks have one name.")
        return found

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core.domain_ops import CreateDomainOp, edited

        checks = self._checks()
        default = self.default.text().strip() or None
        if self.domain is None:
            name, type_name = self.name.text().strip(), self.type_name.text().strip()
            if not name:
                raise InputError("Give the domain a name.")
            if not type_name:
                raise InputError("Write the type it is based on.")
            return [CreateDomainOp(name, type_name, not self.not_null.isChecked(), default, checks, self.namespace)]
        changes = edited(self.domain, self.namespace, default, not self.not_null.isChecked(), checks)
        if not changes:
            raise InputError("Nothing is changed.")
        return list(changes)

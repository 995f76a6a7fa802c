"""Saving the pending list: as a revision of the linked project, or exporting its SQL."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gui_app.core.dialects import family
from gui_app.ui import colours

DIALECTS = (("SQLite", "sqlite"), ("PostgreSQL", "postgresql"), ("MySQL / MariaDB", "mysql"))


class SaveRevisionDialog(QDialog):
    """Message, the revision it follows, and optionally apply-and-stamp in one step."""

    def __init__(self, heads: list[str], current: tuple[str, ...], parent: QWidget | None = None,
                 dialect: str = "sqlite") -> None:
        super().__init__(parent)
        self.setObjectName("saveRevisionDialog")
        self.setWindowTitle("Save as revision")
        self.message = QLineEdit(self)
        self.message.setPlaceholderText("what this migration does, e.g. add subtitle to books")
        self.parent_revision = QComboBox(self)
        for head in heads:
            self.parent_revision.addItem(head + (" (database is here)" if head in current else ""), head)
        if not heads:
            self.parent_revision.addItem("(first revision)", None)
        elif current and current[0] in heads:
            self.parent_revision.setCurrentIndex(heads.index(current[0]))
        self.warning = QLabel(self)
        self.warning.setObjectName("revisionWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {colours.caution_text()}")
        notes = []
        if len(heads) > 1:
            notes.append(f"The project has {len(heads)} heads; choose the one this revision follows.")
        if heads and tuple(current) != tuple(heads[:1]) and not set(current) & set(heads):
            notes.append(f"The database is at {', '.join(current) or 'no revision'}, not at a head: "
                         "upgrade it first, or it cannot be stamped with this revision.")
        self.warning.setText(" ".join(notes))
        self.warning.setVisible(bool(notes))
        self.apply_now = QCheckBox("Apply to the database now and stamp this revision", self)
        self.combine = QCheckBox("Write each table's alterations as one ALTER TABLE", self)
        self.combine.setToolTip(
            "As the app applies them: a large table is rewritten once, under the plain alembic command too.\n"
            "The revision then holds that SQL (op.execute) instead of one op. call per change; its downgrade\n"
            "holds the reverse statement. Opened again in the app, such a statement is a custom SQL step.")
        self.combine.setVisible(family(dialect) in ("postgresql", "mysql"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Message", self.message)
        form.addRow("Follows", self.parent_revision)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.apply_now)
        layout.addWidget(self.combine)
        layout.addWidget(self.buttons)
        self.resize(520, 0)

    def down_revision(self) -> Any:
        return self.parent_revision.currentData()


class ExportSqlDialog(QDialog):
    def __init__(self, connected: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportSqlDialog")
        self.setWindowTitle("Export SQL")
        self.dialect = QComboBox(self)
        for label, key in DIALECTS:
            self.dialect.addItem(label, key)
        self.dialect.setCurrentIndex(max(0, self.dialect.findData(family(connected))))
        self.direction = QComboBox(self)
        self.direction.addItem("upgrade", False)
        self.direction.addItem("downgrade", True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Dialect", self.dialect)
        form.addRow("Direction", self.direction)
        form.addRow(self.buttons)

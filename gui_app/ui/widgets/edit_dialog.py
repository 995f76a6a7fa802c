"""What every edit dialog shares: a message line, OK/Cancel, and submitting operations.

A dialog builds Alembic operations from its fields and hands them to
``submit``; a refusal (bad input, or the plan's validation) is shown in the
dialog, which stays open with everything the user typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from gui_app.ui import colours

if TYPE_CHECKING:
    from alembic.operations import ops

    from gui_app.core.rehearsal import Rehearsal
    from gui_app.core.validate import Problem
    from gui_app.ui.workers import Job

Submit = Callable[[list["ops.MigrateOperation"]], list["Problem"]]
"""Takes operations; raises PlanError, or returns warnings."""


class InputError(ValueError):
    """A field holds something that cannot become an operation; the message says which."""


class EditDialog(QDialog):
    ok_text = "Add to pending changes"

    def __init__(self, title: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._submit = submit
        self.warnings: list[Problem] = []
        self.body = QVBoxLayout()
        self.message = QLabel(self)
        self.message.setObjectName("dialogMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {colours.error_text()}")
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button.setText(self.ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._as_opened: list[Any] | None = None
        self.confirm_discard: Callable[[], bool] = self._confirm_discard

    def showEvent(self, event: QShowEvent) -> None:
        if self._as_opened is None:  # the fields as the dialog filled them, before any typing
            self._as_opened = self._field_values()
            # Typing starts in the first field (not on a button or a grid the window chose): a line,
            # else a text such as a definition (where the name cannot change, the body can).
            fields: list[QLineEdit | QPlainTextEdit] = [*self.findChildren(QLineEdit),
                                                        *self.findChildren(QPlainTextEdit)]
            first = next((f for f in fields if f.isEnabled() and not f.isReadOnly()), None)
            if first is not None and not isinstance(self.focusWidget(), QLineEdit | QPlainTextEdit):
                first.setFocus(Qt.FocusReason.OtherFocusReason)
            for field in self.findChildren(QLineEdit):  # a refusal no longer holds once the text changes
                field.textEdited.connect(lambda _text: self.show_message(""))
        super().showEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape closes the dialog, but never silently throws away what was typed."""
        if event.key() == Qt.Key.Key_Escape and self._as_opened is not None \
                and self._field_values() != self._as_opened and not self.confirm_discard():
            event.accept()
            return
        super().keyPressEvent(event)

    def _field_values(self) -> list[Any]:
        values: list[Any] = []
        for widget in self.findChildren(QWidget):
            if isinstance(widget, QLineEdit):
                values.append(widget.text())
            elif isinstance(widget, QPlainTextEdit):
                values.append(widget.toPlainText())
            elif isinstance(widget, QComboBox):
                values.append(widget.currentText())
            elif isinstance(widget, QAbstractButton) and widget.isCheckable():
                values.append(widget.isChecked())
            elif isinstance(widget, QTableWidget):
                cells = ((widget.item(r, c) for c in range(widget.columnCount())) for r in range(widget.rowCount()))
                values.append([[item.text() if item is not None else "" for item in row] for row in cells])
            elif isinstance(widget, QListWidget):
                values.append([(widget.item(r).text(), widget.item(r).checkState()) for r in range(widget.count())])
        return values

    def _confirm_discard(self) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Discard what you typed?",
                          "The dialog holds changes that are not in the pending list yet.",
                          QMessageBox.StandardButton.NoButton, self)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is discard

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def operations(self) -> list[ops.MigrateOperation]:
        """The operations the fields describe; raise :class:`InputError` for bad input."""
        raise NotImplementedError

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def commit(self) -> None:
        """Hand the operations to ``submit``; raise InputError or PlanError to stay open."""
        self.warnings = self._submit(self.operations())

    def accept(self) -> None:
        from gui_app.core.plan import PlanError

        try:
            if self.rehearse is None:
                self.commit()
            else:
                found = self.operations()
                if found != self._rehearsed:
                    job = self.rehearse(found)  # a PlanError here: the pending list refuses them
                    if job is not None:
                        self._await(job, found)
                        return
                self.warnings = self._submit(found)
        except (InputError, PlanError) as refused:
            self.show_message(str(refused))
            return
        super().accept()

    # --- checked on the server --------------------------------------------------------------

    rehearse: Callable[[list[ops.MigrateOperation]], Job[Rehearsal] | None] | None = None
    """Set where the server checks what this dialog makes before it is added (PostgreSQL: the plan
    so far and it, in a transaction rolled back); None where nothing is checked."""
    _rehearsed: list[ops.MigrateOperation] | None = None
    _checking: list[ops.MigrateOperation] | None = None
    busy = False
    """While the server checks what the fields describe (the OK button waits)."""

    def _await(self, job: Job[Rehearsal], found: list[ops.MigrateOperation]) -> None:
        self.busy = True
        self.ok_button.setEnabled(False)
        self.message.setStyleSheet("")
        self.show_message("Checking it on the server (the plan so far and it, rolled back)…")
        self._checking = found
        # Methods of the dialog, not lambdas: Qt then calls them on the GUI thread, not the job's.
        job.signals.succeeded.connect(self._rehearsal_done)
        job.signals.failed.connect(self._rehearsal_failed)

    def _rehearsal_done(self, result: Rehearsal) -> None:
        self._rehearsed_as(result, self._checking or [])

    def _rehearsal_failed(self, reason: str) -> None:
        from gui_app.core.rehearsal import Rehearsal

        self._rehearsed_as(Rehearsal(unchecked=reason), self._checking or [])

    def _rehearsed_as(self, result: Rehearsal, found: list[ops.MigrateOperation]) -> None:
        self.busy = False
        if not self.isVisible():  # cancelled while the server checked: nothing is added
            return
        self.ok_button.setEnabled(True)
        self.message.setStyleSheet(f"color: {colours.error_text()}")
        if result.refused:
            self.show_message(f"The server refuses it: {result.refused}")
            return
        self._rehearsed = found
        if result.unchecked:
            self.show_message(f"Not checked on the server: {result.unchecked}. Press “{self.ok_button.text()}” "
                              "again to add it as it is.")
            return
        self.show_message("")
        self.accept()


class RenameDialog(EditDialog):
    """A new name for one object: refused when empty or unchanged; ``renamed`` makes the operations."""

    def __init__(self, title: str, old_name: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(title, submit, parent)
        self.old_name = old_name
        self.name = QLineEdit(old_name, self)
        self.name.selectAll()
        form = QFormLayout()
        form.addRow("New name", self.name)
        self.body.addLayout(form)

    def operations(self) -> list[ops.MigrateOperation]:
        name = self.name.text().strip()
        if not name:
            raise InputError("Write the new name.")
        if name == self.old_name:
            raise InputError("The new name is the same as the old one.")
        return self.renamed(name)

    def renamed(self, name: str) -> list[ops.MigrateOperation]:
        raise NotImplementedError


class TypeEdit(QLineEdit):
    """Type text with completion from the dialect's type names."""

    def __init__(self, dialect: str, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        from gui_app.core.types import type_names

        self.dialect = dialect
        completer = QCompleter(type_names(dialect), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        self.setPlaceholderText("VARCHAR(120), NUMERIC(10, 2), TIMESTAMP WITH TIME ZONE…")

    def sa_type(self) -> Any:
        from gui_app.core.types import TypeParseError, parse_type

        try:
            return parse_type(self.text(), self.dialect)
        except TypeParseError as error:
            raise InputError(str(error)) from None


class ColumnPicker(QWidget):
    """Columns to tick, in an order the user can change (index and key column order matters)."""

    def __init__(self, columns: Sequence[str], checked: Sequence[str] = (), parent: QWidget | None = None,
                 descending: bool = False) -> None:
        """With ``descending``, a button marks the selected column DESC (index order)."""
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("columnPicker")
        self._arranging = False
        self.set_columns(columns, checked)
        up, down = QPushButton("Up", self), QPushButton("Down", self)
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(1))
        side = QVBoxLayout()
        side.addWidget(up)
        side.addWidget(down)
        self.descending: QPushButton | None = None
        if descending:
            self.descending = QPushButton("Descending", self)
            self.descending.setCheckable(True)
            self.descending.setToolTip("Sort the selected column in descending order in the index")
            self.descending.toggled.connect(self._set_descending)
            self.list.currentItemChanged.connect(lambda item, _previous: self._show_order(item))
            side.addWidget(self.descending)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(side)
        self.list.setMaximumHeight(150)
        self.list.itemChanged.connect(self._ticked)

    def set_columns(self, columns: Sequence[str], checked: Sequence[str] = ()) -> None:
        """Offer ``columns`` (another table's, say), ticking ``checked`` in that order."""
        self._arranging = True
        try:
            self.list.clear()
            for name in list(checked) + [c for c in columns if c not in checked]:
                item = QListWidgetItem(name, self.list)
                item.setData(Qt.ItemDataRole.UserRole, name)
                item.setData(self._TICKED, name in checked)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked)
        finally:
            self._arranging = False
        # Wide enough for the longest name beside its tick box (up to a point), at any scale.
        metrics = self.list.fontMetrics()
        widest = max((metrics.horizontalAdvance(f"{name}  ↓ DESC") for name in columns), default=0)
        self.list.setMinimumWidth(min(widest + 5 * metrics.height(), 30 * metrics.averageCharWidth()))

    def _ticked(self, item: QListWidgetItem) -> None:
        """A newly ticked column goes right after the ones ticked before it: ticking order is column order."""
        ticked = item.checkState() == Qt.CheckState.Checked
        was_ticked = bool(item.data(self._TICKED))
        if self._arranging or ticked == was_ticked:  # some other change (its label, its order)
            return
        self._arranging = True
        item.setData(self._TICKED, ticked)
        self._arranging = False
        if not ticked:
            return
        self._arranging = True
        try:
            row = self.list.row(item)
            before = sum(1 for r in range(self.list.count())
                         if r != row and self.list.item(r).checkState() == Qt.CheckState.Checked)
            if row != before:
                self.list.insertItem(before, self.list.takeItem(row))
        finally:
            self._arranging = False

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    _DESC = Qt.ItemDataRole.UserRole + 1
    _TICKED = Qt.ItemDataRole.UserRole + 2

    def _set_descending(self, on: bool) -> None:
        item = self.list.currentItem()
        if item is not None:
            item.setData(self._DESC, on)
            name = item.data(Qt.ItemDataRole.UserRole)
            item.setText(f"{name}  ↓ DESC" if on else name)

    def _show_order(self, item: QListWidgetItem | None) -> None:
        if self.descending is not None:
            self.descending.setChecked(bool(item is not None and item.data(self._DESC)))

    def set_checked(self, names: Sequence[str]) -> None:
        """Tick exactly ``names``, in that order."""
        for row in range(self.list.count()):
            self.list.item(row).setCheckState(Qt.CheckState.Unchecked)
        for name in names:
            for item in self._items_named(name):
                item.setCheckState(Qt.CheckState.Checked)

    def set_descending(self, name: str, on: bool = True) -> None:
        for item in self._items_named(name):
            self.list.setCurrentItem(item)
            if self.descending is not None:
                self.descending.setChecked(on)

    def _items_named(self, name: str) -> list[QListWidgetItem]:
        return [self.list.item(r) for r in range(self.list.count())
                if self.list.item(r).data(Qt.ItemDataRole.UserRole) == name]

    def _checked_items(self) -> list[QListWidgetItem]:
        return [self.list.item(r) for r in range(self.list.count())
                if self.list.item(r).checkState() == Qt.CheckState.Checked]

    def checked(self) -> list[str]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self._checked_items()]

    def orders(self) -> list[str]:
        """Per ticked column: ``"DESC"`` or ``""``."""
        return ["DESC" if item.data(self._DESC) else "" for item in self._checked_items()]


def add_remove_buttons(parent: QWidget, add: Callable[[], Any], remove: Callable[[], Any],
                       add_text: str = "Add", remove_text: str = "Remove") -> QHBoxLayout:
    """The Add / Remove row under an editable grid."""
    add_button, remove_button = QPushButton(add_text, parent), QPushButton(remove_text, parent)
    add_button.clicked.connect(lambda: add())
    remove_button.clicked.connect(lambda: remove())
    row = QHBoxLayout()
    row.addWidget(add_button)
    row.addWidget(remove_button)
    row.addStretch(1)
    return row


class SuggestedName(QLineEdit):
    """A name that follows the convention until the user types one of their own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._edited = False
        self.textEdited.connect(lambda _text: setattr(self, "_edited", True))

    def suggest(self, name: str) -> None:
        if not self._edited:
            self.setText(name)

    @property
    def chosen(self) -> bool:
        """Whether the user typed this name (it no longer follows the convention)."""
        return self._edited

    def restore(self, name: str, chosen: bool) -> None:
        """Show a name kept from before, still following the convention unless the user chose it."""
        self._edited = chosen
        self.setText(name)

"""The foreign keys, unique constraints, checks or indexes of a table being designed.

A list with Add…, Edit… and Remove; Add and Edit open the same form the single dialogs use, in a
small dialog that checks the part before it closes. A name the user did not type follows the
convention when the table is renamed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from gui_app.ui.modal import run_modal
from gui_app.ui.widgets.constraint_forms import PartForm
from gui_app.ui.widgets.edit_dialog import EditDialog, InputError

Part = TypeVar("Part")


@dataclass
class Entry(Generic[Part]):
    part: Part
    chosen_name: bool
    """The user typed the name; otherwise it follows the convention."""


class PartDialog(EditDialog):
    """One part in its form; OK keeps it only when ``check`` finds nothing wrong."""

    ok_text = "OK"

    def __init__(self, title: str, form: PartForm, check: Callable[[Any], list[str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(title, lambda _ops: [], parent)
        self.setObjectName("partDialog")
        self.form, self._check = form, check
        form.setParent(self)
        self.body.addWidget(form)
        self.result_part: Any = None

    def commit(self) -> None:
        part = self.form.value()
        problems = self._check(part)
        if problems:
            raise InputError(" ".join(problems))
        self.result_part = part


class PartList(QWidget, Generic[Part]):
    """``make_form()`` builds a fresh form for the table as it is now; ``describe`` gives a part's
    line in the list; ``check`` gives why a part cannot be kept (beyond what its form refuses)."""

    def __init__(self, what: str, make_form: Callable[[], PartForm], describe: Callable[[Part], str],
                 check: Callable[[Part], list[str]] = lambda _part: [], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.what, self._make_form, self._describe, self._check = what, make_form, describe, check
        self.entries: list[Entry[Part]] = []
        self.list = QListWidget(self)
        self.list.setObjectName("partList")
        self.list.itemDoubleClicked.connect(lambda _item: self.edit())
        self.add_button = QPushButton(f"Add {what}…", self)
        self.edit_button = QPushButton("Edit…", self)
        self.remove_button = QPushButton("Remove", self)
        self.add_button.clicked.connect(lambda: self.add())
        self.edit_button.clicked.connect(lambda: self.edit())
        self.remove_button.clicked.connect(self.remove)
        self.list.currentRowChanged.connect(lambda _row: self._enable())
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._enable()

    def parts(self) -> list[Part]:
        return [entry.part for entry in self.entries]

    def add(self) -> None:
        dialog = PartDialog(f"Add {self.what}", self._make_form(), self._check, self)
        if run_modal(dialog):
            form = dialog.form
            self.entries.append(Entry(dialog.result_part, form.name.chosen))
            self._show(len(self.entries) - 1)

    def edit(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.entries):
            return
        form = self._make_form()
        entry = self.entries[row]
        form.load(entry.part, entry.chosen_name)
        dialog = PartDialog(f"Edit {self.what}", form, self._check, self)
        if run_modal(dialog):
            self.entries[row] = Entry(dialog.result_part, dialog.form.name.chosen)
            self._show(row)

    def remove(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.entries):
            del self.entries[row]
            self.list.takeItem(row)
        self._enable()

    def change_all(self, change: Callable[[Part, bool], Part]) -> None:
        """Replace every part by ``change(part, chosen_name)`` (the table was renamed, say)."""
        for row, entry in enumerate(self.entries):
            entry.part = change(entry.part, entry.chosen_name)
            self._show(row)

    def _show(self, row: int) -> None:
        text = self._describe(self.entries[row].part)
        if row < self.list.count():
            self.list.item(row).setText(text)
        else:
            QListWidgetItem(text, self.list).setData(Qt.ItemDataRole.UserRole, row)
        self.list.setCurrentRow(row)
        self._enable()

    def _enable(self) -> None:
        selected = 0 <= self.list.currentRow() < len(self.entries)
        self.edit_button.setEnabled(selected)
        self.remove_button.setEnabled(selected)

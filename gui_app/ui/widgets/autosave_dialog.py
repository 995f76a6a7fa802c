"""At start: the pending lists a previous run left unsaved, one per database, to reconnect and restore."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from gui_app.core.autosaves import Autosave


class AutosaveDialog(QDialog):
    """Lists the autosaves (database, time, operations); *Reconnect and restore* opens the chosen
    database and puts its list back, *Discard all* deletes them, *Not now* keeps them for later."""

    def __init__(self, found: list[Autosave], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("autosaveDialog")
        self.setWindowTitle("Restore pending changes?")
        self.found = found
        self.answer = "later"
        text = QLabel("The last session ended with pending changes that were not saved or applied. Choose the "
                      "database to reconnect to; its pending changes are restored when it has been read.", self)
        text.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.addItems([autosave.summary for autosave in found])
        for row, autosave in enumerate(found):
            item = self.list.item(row)
            if item is not None:
                item.setToolTip(autosave.database)
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self._answer("restore"))
        self.buttons = QDialogButtonBox(self)
        self.restore_button = QPushButton("Reconnect and restore", self)
        self.restore_button.setDefault(True)
        self.discard_button = QPushButton("Discard all", self)
        self.later_button = QPushButton("Not now", self)
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.discard_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(lambda: self._answer("restore"))
        self.discard_button.clicked.connect(lambda: self._answer("discard"))
        self.later_button.clicked.connect(lambda: self._answer("later"))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 300)

    def _answer(self, answer: str) -> None:
        self.answer = answer
        if answer == "later":
            self.reject()
        else:
            self.accept()

    def chosen(self) -> Autosave | None:
        row = self.list.currentRow()
        return self.found[row] if 0 <= row < len(self.found) else None

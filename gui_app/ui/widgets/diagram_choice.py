"""Which of a database's diagrams is shown, and the user's own diagrams: made, renamed, deleted,
tables added by searching for them (or removed), positions kept and forgotten.

The book of diagrams is read when a database is opened and written (privately) on every change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
)

from gui_app.core import diagram_store as store
from gui_app.core.diagram_layout import TableName
from gui_app.core.diagram_store import EVERY_TABLE, DiagramBook, SavedDiagram
from gui_app.ui import icons


def offer_names(edit: QLineEdit, names: QStringListModel) -> QCompleter:
    """``edit`` completes table names from ``names``, matching any part of a name, in any case."""
    completer = QCompleter(names, edit)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    edit.setCompleter(completer)
    return completer


class DiagramChoice(QWidget):
    """The chooser, its menu, and the *Add a table* search box of a user's own diagram."""

    changed = Signal()
    """Another diagram is shown, or the shown one changed (tables, positions)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder: Path | None = None
        self.book = DiagramBook("")
        self.names: dict[str, TableName] = {}
        """Every table of the schema by the name the search box offers."""
        self.ask_text: Callable[[str, str, str], str | None] = self._ask_text
        """Asks for a name: (title, label, proposed); replaced in tests."""
        self.selected: Callable[[], TableName | None] = lambda: None
        """The table selected on the diagram, which a new diagram starts with."""
        self.notify: Callable[[str], None] = lambda _text: None
        """Says something went wrong (the panel's status line)."""
        self.chooser = QComboBox(self)
        self.chooser.setObjectName("diagramChooser")
        self.chooser.setToolTip("Which diagram of this database is shown")
        self.chooser.currentTextChanged.connect(self._chosen)
        self.menu_button = QToolButton(self)
        self.menu_button.setObjectName("diagramMenu")
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        icons.set_action_icon(self.menu_button.setIcon, "diagram")
        self.menu_button.setToolTip("Make, rename or delete a diagram; forget where its boxes were put")
        menu = QMenu(self.menu_button)
        self.menu_actions = {
            "new": menu.addAction("New diagram…", self.new_diagram),
            "rename": menu.addAction("Rename diagram…", self.rename_diagram),
            "delete": menu.addAction("Delete diagram", self.delete_diagram),
            "reset": menu.addAction("Lay out again (forget positions)", self.reset_layout),
        }
        self.menu_button.setMenu(menu)
        self.add_edit = QLineEdit(self)
        self.add_edit.setObjectName("diagramAdd")
        self.add_edit.setPlaceholderText("Add a table…")
        self.add_edit.setToolTip("Type a table's name to add it to this diagram")
        self.table_names = QStringListModel(self)
        self.add_edit.returnPressed.connect(self._add_typed)
        offer_names(self.add_edit, self.table_names).activated.connect(lambda _text: self._add_typed())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.chooser)
        row.addWidget(self.menu_button)
        row.addWidget(self.add_edit)
        self._fill()

    @property
    def shown(self) -> SavedDiagram:
        return self.book.shown

    def open(self, folder: Path | None, database: str) -> None:
        """The diagrams of ``database`` (kept in ``folder``; None: kept nowhere). Nothing is laid
        out for it: that waits for the database's schema."""
        self.folder = folder
        self.book = store.load(folder, database) if folder is not None else DiagramBook(database)
        self._fill()

    def offer(self, names: dict[str, TableName]) -> None:
        """The tables the search box offers, by the name shown."""
        self.names = names
        self.table_names.setStringList(sorted(names))

    def keep(self, diagram: SavedDiagram) -> None:
        """Write ``diagram`` (the shown one, changed) without laying it out again."""
        self.book = self.book.put(diagram)
        self._save()

    def replace_shown(self, diagram: SavedDiagram) -> None:
        """``diagram`` changed by the user: kept, and shown again."""
        self.keep(diagram)
        if self.chooser.currentText() == diagram.name:
            self._enable()  # a box moved, a table added: the list of diagrams is as it was
        else:
            self._fill()
        self.changed.emit()

    def add_tables(self, keys: Iterable[TableName]) -> None:
        self.replace_shown(self.shown.with_tables(added=keys))

    def remove_table(self, key: TableName) -> None:
        self.replace_shown(self.shown.with_tables(removed=[key]))

    def new_diagram(self) -> None:
        name = self.ask_text("New diagram", "Name of the new diagram:", "")
        if not name:
            return
        if any(d.name == name for d in self.book.diagrams):
            self.notify(f"There is already a diagram named {name!r}.")
            return
        first = self.selected()
        self.replace_shown(SavedDiagram(name, (first,) if first is not None else ()))

    def rename_diagram(self) -> None:
        old = self.shown.name
        name = self.ask_text("Rename diagram", "New name:", old)
        if not name or name == old:
            return
        try:
            self.book = self.book.rename(old, name)
        except ValueError as error:
            self.notify(str(error))
            return
        self._save()
        self._fill()

    def delete_diagram(self) -> None:
        self.book = self.book.remove(self.shown.name)
        self._save()
        self._fill()
        self.changed.emit()

    def reset_layout(self) -> None:
        self.replace_shown(self.shown.reset())

    def _add_typed(self) -> None:
        key = self.names.get(self.add_edit.text().strip())
        if key is not None and self.shown.tables is not None:
            self.add_edit.clear()
            self.add_tables([key])

    def _chosen(self, name: str) -> None:
        if name and name != self.book.current:
            self.book = self.book.put(self.book.get(name))
            self._save()
            self._enable()
            self.changed.emit()

    def _fill(self) -> None:
        self.chooser.blockSignals(True)
        try:
            self.chooser.clear()
            self.chooser.addItems([d.name for d in self.book.diagrams])
            self.chooser.setCurrentText(self.book.current)
        finally:
            self.chooser.blockSignals(False)
        self._enable()

    def _enable(self) -> None:
        own = self.shown.name != EVERY_TABLE
        self.menu_actions["rename"].setEnabled(own)
        self.menu_actions["delete"].setEnabled(own)
        self.menu_actions["reset"].setEnabled(bool(self.shown.positions))
        self.add_edit.setVisible(own)

    def _save(self) -> None:
        if self.folder is not None and self.book.database:
            try:
                store.save(self.folder, self.book)
            except OSError as error:  # the diagrams stay as they are for this run
                self.notify(f"Could not keep the diagrams: {error}")

    def _ask_text(self, title: str, label: str, proposed: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, label, QLineEdit.EchoMode.Normal, proposed)
        return text.strip() if ok and text.strip() else None

"""The linked Alembic project's revisions, newest first: which are heads, where the database is."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget


class RevisionPanel(QWidget):
    HEADERS = ("Revision", "Message", "Date", "State")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("revisionPanel")
        self.title = QLabel("No Alembic project linked (File → Link Alembic project…).", self)
        self.title.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("revisionList")
        self.tree.setHeaderLabels(list(self.HEADERS))
        self.tree.setRootIsDecorated(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)

    def show_project(self, project: Any, current: tuple[str, ...]) -> None:
        self.tree.clear()
        if project is None:
            self.title.setText("No Alembic project is linked (File → Link Alembic project…)")
            return
        self.title.setText(f"{project.ini_path} — versions in {project.versions_folder}")
        for info in project.revisions():
            state = ", ".join(s for s, on in (("head", info.is_head), ("current", info.revision in current)) if on)
            item = QTreeWidgetItem([info.revision, info.message, info.date, state])
            if info.revision in current:
                font = item.font(0)
                font.setBold(True)
                for column in range(len(self.HEADERS)):
                    item.setFont(column, font)
            self.tree.addTopLevelItem(item)
        for column in range(len(self.HEADERS)):
            self.tree.resizeColumnToContents(column)

    def rows(self) -> list[list[str]]:
        return [[self.tree.topLevelItem(r).text(c) for c in range(len(self.HEADERS))]  # type: ignore[union-attr]
                for r in range(self.tree.topLevelItemCount())]

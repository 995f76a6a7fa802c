"""The linked Alembic project's revisions, newest first: which are heads, where the database is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from gui_app.core.project import AlembicProject


def database_revision_text(current: tuple[str, ...] | None) -> str:
    """Where the connected database is, as ``alembic_version`` records it."""
    if current is None:
        return "No database is open."
    if not current:
        return "The database records no Alembic revision."
    return f"The database is at {', '.join(current)}."


class RevisionPanel(QWidget):
    """The linked project's revisions (heads and the database's own marked), and in any case the
    revision the connected database records."""

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

    def show_project(self, project: AlembicProject | None, current: tuple[str, ...] | None) -> None:
        """``current``: the revision(s) the database records; None when no database is open."""
        self.tree.clear()
        where = database_revision_text(current)
        if project is None:
            self.title.setText(f"{where} No Alembic project is linked (File → Link Alembic project…).")
            return
        revisions = project.revisions()
        known = {info.revision for info in revisions}
        unknown = [r for r in current or () if r not in known]
        if unknown:
            where += f" This project has no revision {', '.join(unknown)}."
        self.title.setText(f"{where}\n{project.ini_path} — versions in {project.versions_folder}")
        for info in revisions:
            here = info.revision in (current or ())
            state = ", ".join(s for s, on in (("head", info.is_head), ("current", here)) if on)
            item = QTreeWidgetItem([info.revision, info.message, info.date, state])
            if here:
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

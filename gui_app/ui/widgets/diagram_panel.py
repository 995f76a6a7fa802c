"""The Diagram tab beside the tree: the view, its zoom buttons, and the layout run in the background.

The projected schema is laid out again when it changes, but only while the tab is shown (a large
schema is not laid out for nobody); a layout that finishes after a newer one was asked for is dropped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QFileDialog,
    QGraphicsSceneContextMenuEvent,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui_app.core import schema as s
from gui_app.core.diagram_layout import Layout, TableName, layout, tables_to_draw
from gui_app.core.progress import CancelToken, ProgressFn
from gui_app.ui import icons
from gui_app.ui.models.tree_index import Status
from gui_app.ui.widgets.diagram_view import DiagramView, LinkColumns
from gui_app.ui.workers import Job, JobRunner


def _label(table: s.Table, default_schema: str | None) -> str:
    return table.name if table.schema in (None, default_schema) else f"{table.schema}.{table.name}"


@dataclass(frozen=True)
class Marks:
    """What the pending list does to one drawn table: its status, each column's, and the column
    as the database has it where the list changes it (shown on hover)."""

    status: Status
    columns: dict[str, Status] = field(default_factory=dict)
    before: dict[str, s.Column] = field(default_factory=dict)


def with_changes(projected: s.Schema, base: s.Schema | None,
                 tables: list[s.Table]) -> tuple[list[s.Table], dict[TableName, Marks]]:
    """The tables to draw with what the pending list changes in them marked: new and changed
    tables and columns, dropped columns kept (at the end of their table) and dropped tables kept,
    each to be drawn struck through."""
    if base is None:
        return tables, {}
    before = {(t.schema, t.name): t for t in base.tables}
    drawn, marks = [], {}
    for table in tables:
        key = (table.schema, table.name)
        old = before.get(key)
        if old is None:
            drawn.append(table)
            marks[key] = Marks(Status.NEW, {c.name: Status.NEW for c in table.columns})
            continue
        if old == table:
            drawn.append(table)
            continue
        old_columns = {c.name: c for c in old.columns}
        columns, changed = {}, {}
        for column in table.columns:
            was = old_columns.get(column.name)
            if was is None:
                columns[column.name] = Status.NEW
            elif was != column:
                columns[column.name], changed[column.name] = Status.CHANGED, was
        gone = [c for c in old.columns if c.name not in {n.name for n in table.columns}]
        columns.update({c.name: Status.DROPPED for c in gone})
        drawn.append(dataclasses.replace(table, columns=(*table.columns, *gone)) if gone else table)
        marks[key] = Marks(Status.CHANGED, columns, changed)
    kept = {(t.schema, t.name) for t in projected.tables}
    shown_namespaces = {t.schema for t in tables}
    if len(tables) == len(projected.tables):  # the whole schema: its dropped tables too
        for key, old in before.items():
            if key not in kept and old.schema in shown_namespaces | {None}:
                drawn.append(old)
                marks[key] = Marks(Status.DROPPED, {c.name: Status.DROPPED for c in old.columns})
    return drawn, marks


class DiagramPanel(QWidget):
    def __init__(self, jobs: JobRunner, menu_for: Callable[[s.Table, QGraphicsSceneContextMenuEvent], None],
                 edit_column: Callable[[s.Table, str], None], link_columns: LinkColumns,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diagramPanel")
        self.jobs = jobs
        self.view = DiagramView(menu_for, edit_column, link_columns, self)
        self.status = QLabel(self)
        self.status.setObjectName("diagramStatus")
        buttons = QHBoxLayout()
        for text, icon, slot, tip in (("Fit", "fit", self.view.fit, "Show the whole diagram"),
                                      ("", "zoom_in", lambda: self.view.zoom(1.25), "Zoom in (or the mouse wheel)"),
                                      ("", "zoom_out", lambda: self.view.zoom(0.8), "Zoom out (or the mouse wheel)")):
            button = QPushButton(text, self)
            icons.set_action_icon(button.setIcon, icon)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        self.focus_edit = QLineEdit(self)
        self.focus_edit.setObjectName("diagramFocus")
        self.focus_edit.setPlaceholderText("Focus on a table…")
        self.focus_edit.setClearButtonEnabled(True)
        self.focus_edit.setToolTip("Show only this table and its neighbours up to the depth beside (empty: every "
                                   "table)")
        self.focus_names = QStringListModel(self)
        completer = QCompleter(self.focus_names, self.focus_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.focus_edit.setCompleter(completer)
        self.focus_edit.editingFinished.connect(self._refocus)
        completer.activated.connect(lambda _text: self._refocus())
        self.depth_box = QSpinBox(self)
        self.depth_box.setObjectName("diagramDepth")
        self.depth_box.setRange(0, 9)
        self.depth_box.setValue(1)
        self.depth_box.setPrefix("depth ")
        self.depth_box.setToolTip("How many foreign keys away a neighbour of the focused table may be")
        self.depth_box.valueChanged.connect(lambda _value: self._refocus())
        buttons.addWidget(self.focus_edit, 1)
        buttons.addWidget(self.depth_box)
        self.export_button = QToolButton(self)
        self.export_button.setObjectName("diagramExport")
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        icons.set_action_icon(self.export_button.setIcon, "export")
        self.export_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        menu = QMenu(self.export_button)
        self.export_actions = {
            "svg": menu.addAction("Whole diagram as SVG…", lambda: self._export("svg")),
            "png": menu.addAction("Whole diagram as PNG…", lambda: self._export("png")),
            "visible": menu.addAction("Visible part as PNG…", lambda: self._export("visible")),
        }
        self.export_button.setMenu(menu)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.status, 1)
        self.ask_save_path: Callable[[str, str], str | None] = self._ask_save_path
        """Where to write an export (replaced in tests)."""
        self._placed: tuple[Layout, list[s.Table], str | None] | None = None
        self._focused_on: tuple[str, int] = ("", 1)
        layout_box = QVBoxLayout(self)
        layout_box.setContentsMargins(0, 0, 0, 0)
        layout_box.addLayout(buttons)
        layout_box.addWidget(self.view, 1)
        self._wanted: tuple[s.Schema, s.Schema | None] | None = None
        self._shown: s.Schema | None = None
        self._asked = 0
        self.laying_out = False

    def show_schema(self, projected: s.Schema, base: s.Schema | None) -> None:
        """Lay ``projected`` out (now if the tab is shown, else when it is)."""
        self._wanted = (projected, base)
        if self.isVisible():
            self._lay_out()

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        if self._wanted is not None and self._wanted[0] is not self._shown:
            self._lay_out()

    def _lay_out(self) -> None:
        assert self._wanted is not None
        projected, base = self._wanted
        self._asked += 1
        asked = self._asked
        self.laying_out = True
        self.status.setText(f"Laying out {len(projected.tables)} tables…")

        focus, depth = self._focus(projected), self.depth_box.value()
        self._focused_on = (self.focus_edit.text().strip(), depth)
        self.focus_names.setStringList(sorted(_label(t, projected.default_schema) for t in projected.tables))

        def run(_progress: ProgressFn, _cancel: CancelToken) -> tuple[Layout, list[s.Table], dict[TableName, Marks]]:
            tables, marks = with_changes(projected, base, tables_to_draw(projected, focus=focus, depth=depth))
            return layout(tables), tables, marks

        job: Job[tuple[Layout, list[s.Table], dict[TableName, Marks]]] = Job(run)
        job.signals.succeeded.connect(lambda found: self._laid_out(asked, projected, *found))
        job.signals.failed.connect(lambda reason: self._failed(asked, reason))
        self.jobs.start(job)

    def _laid_out(self, asked: int, projected: s.Schema, placed: Layout, tables: list[s.Table],
                  marks: dict[TableName, Marks]) -> None:
        if asked != self._asked:
            return  # a newer schema was asked for meanwhile
        first = self._shown is None
        self.view.show_layout(placed, tables, marks)
        self._shown = projected
        self._placed = (placed, tables, projected.default_schema)
        self.laying_out = False
        focused, typed = self._focus(projected), self.focus_edit.text().strip()
        counts = f"{len(tables)} tables, {len(placed.links)} foreign keys"
        self.status.setText(f"{counts} around {focused[1]}" if focused is not None else
                            f"No table {typed!r}: every table is shown ({counts})" if typed else counts)
        if first or focused is not None:
            self.view.fit()

    def _failed(self, asked: int, reason: str) -> None:
        if asked == self._asked:
            self.laying_out = False
            self.status.setText(f"Could not lay out the diagram: {reason}")

    def _focus(self, projected: s.Schema) -> TableName | None:
        """The focused table, if the box names one of ``projected`` (a name that is not, or no
        longer, there shows every table, and says so)."""
        text = self.focus_edit.text().strip()
        if not text:
            return None
        for table in projected.tables:
            if text in (table.name, _label(table, projected.default_schema)):
                return (table.schema, table.name)
        return None

    def _refocus(self) -> None:
        asked = (self.focus_edit.text().strip(), self.depth_box.value())
        if self._wanted is not None and self.isVisible() and asked != self._focused_on:
            self._lay_out()

    def _ask_save_path(self, title: str, filters: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, title, "", filters)
        return path or None

    def _export(self, what: str) -> None:
        """Write the whole diagram (SVG, or PNG drawn from it) or the part in view (PNG)."""
        from pathlib import Path

        if self._placed is None:
            return
        suffix = "svg" if what == "svg" else "png"
        chosen = self.ask_save_path(f"Export the diagram as {suffix.upper()}", f"{suffix.upper()} (*.{suffix})")
        if chosen is None:
            return
        path = Path(chosen) if chosen.lower().endswith(f".{suffix}") else Path(f"{chosen}.{suffix}")
        try:
            if what == "visible":
                if not self.view.viewport().grab().save(str(path)):
                    raise OSError(f"Qt could not write {path}")
            else:
                from gui_app.core.diagram_svg import to_svg

                placed, tables, default_schema = self._placed
                text = to_svg(placed, tables, default_schema)
                if what == "svg":
                    path.write_text(text, encoding="utf-8")
                else:
                    from gui_app.ui.diagram_export import svg_to_png

                    svg_to_png(text, path)
        except (OSError, ValueError) as error:
            self.status.setText(f"Could not export: {error}")
            return
        self.status.setText(f"Exported to {path.name}")

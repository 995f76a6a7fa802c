"""The Diagram tab beside the tree: the view, its zoom buttons, which diagram is shown, and the
layout run in the background.

The projected schema is laid out again when it changes, but only while the tab is shown (a large
schema is not laid out for nobody); a layout that finishes after a newer one was asked for is dropped.
Once a box of a diagram has been moved, every box keeps its place: a table new to the diagram (a
pending new table, one added to it) is put beside its neighbours and the others stay where they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGraphicsSceneContextMenuEvent,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui_app.core import schema as s
from gui_app.core.diagram_layout import (
    Layout,
    TableName,
    header_notes,
    key_of,
    sized,
    tables_to_draw,
    views_to_draw,
)
from gui_app.core.diagram_placed import Point, layout_placed, link_id
from gui_app.core.diagram_store import SavedDiagram
from gui_app.core.progress import CancelToken, ProgressFn
from gui_app.ui import icons
from gui_app.ui.actions import make_action
from gui_app.ui.models.tree_index import Status
from gui_app.ui.widgets.diagram_choice import DiagramChoice, offer_names
from gui_app.ui.widgets.diagram_view import DiagramView, LinkColumns
from gui_app.ui.widgets.text_strip import TextStrip
from gui_app.ui.workers import Job, JobRunner

Drawn = tuple[Layout, list[s.Table], dict[TableName, "Marks"], dict[TableName, str], dict[TableName, str]]
"""A laid-out diagram: where everything goes, the tables (and views) drawn, their pending marks,
which of them are views (and of which kind), and what each header says beside its name."""


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


def _places(placed: Layout) -> tuple[dict[TableName, tuple[float, float]], dict[str, tuple[Point, ...]]]:
    """Where each box of a laid-out diagram is, and how each key runs: what a diagram keeps."""
    return {k: (b.x, b.y) for k, b in placed.boxes.items()}, {link_id(link): link.points for link in placed.links}


class DiagramPanel(QWidget):
    def __init__(self, jobs: JobRunner, menu_for: Callable[[s.Table, QGraphicsSceneContextMenuEvent], None],
                 edit_column: Callable[[s.Table, str], None], link_columns: LinkColumns,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diagramPanel")
        self.jobs = jobs
        self.view = DiagramView(menu_for, edit_column, link_columns, self)
        self.view.diagram.box_moved = self._box_moved
        self.view.diagram.space_menu = self._space_menu
        self.new_table: Callable[[], None] | None = None
        """Runs the new table dialog (set by the window); *New table here…* puts the table where clicked."""
        self.last_menu: QMenu | None = None
        self.status = TextStrip(self)  # says something new at every edit: a label would re-lay out the window
        self.status.setObjectName("diagramStatus")
        self.status.setContentsMargins(4, 2, 4, 2)
        self.choice = DiagramChoice(self)
        self.choice.selected = self.view.selected_table
        self.choice.notify = self.status.setText
        self.choice.changed.connect(self._diagram_changed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choice)
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
        self.focus_names = self.choice.table_names  # the same names the add box offers
        self.focus_edit.editingFinished.connect(self._refocus)
        offer_names(self.focus_edit, self.focus_names).activated.connect(lambda _text: self._refocus())
        self.depth_box = QSpinBox(self)
        self.depth_box.setObjectName("diagramDepth")
        self.depth_box.setRange(0, 9)
        self.depth_box.setValue(1)
        self.depth_box.setPrefix("depth ")
        self.depth_box.setToolTip("How many foreign keys away a neighbour of the focused table may be")
        self.depth_box.valueChanged.connect(lambda _value: self._refocus())
        buttons.addWidget(self.focus_edit, 1)
        buttons.addWidget(self.depth_box)
        self.partitions_box = QCheckBox("Partitions", self)
        self.partitions_box.setObjectName("diagramPartitions")
        self.partitions_box.setToolTip("Draw each partition as a box of its own (else its table stands for it, its "
                                       "header counting them)")
        self.partitions_box.toggled.connect(lambda _on: self._refocus())
        buttons.addWidget(self.partitions_box)
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
        layout_box = QVBoxLayout(self)
        layout_box.setContentsMargins(0, 0, 0, 0)
        layout_box.addLayout(buttons)
        layout_box.addWidget(self.view, 1)
        layout_box.addWidget(self.status)
        self.ask_save_path: Callable[[str, str], str | None] = self._ask_save_path
        """Where to write an export (replaced in tests)."""
        self._placed: tuple[Layout, list[s.Table], str | None, dict[TableName, str], dict[TableName, str]] | None \
            = None
        self._focused_on: tuple[str, int, str, bool] = ("", 1, "", False)
        self._wanted: tuple[s.Schema, s.Schema | None] | None = None
        self._shown: tuple[s.Schema, SavedDiagram] | None = None
        self._asked = 0
        self.laying_out = False
        self._show_focus()

    def open_database(self, folder: Path | None, database: str) -> None:
        """The diagrams kept of ``database`` (a URL without its password) in ``folder``; laid out
        when its schema comes (:meth:`show_schema`)."""
        self.choice.open(folder, database)
        self._show_focus()

    def show_schema(self, projected: s.Schema, base: s.Schema | None) -> None:
        """Lay ``projected`` out (now if the tab is shown, else when it is)."""
        self._wanted = (projected, base)
        self.choice.offer({_label(t, projected.default_schema): key_of(t) for t in projected.tables})
        if self.isVisible():
            self._lay_out()

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        if self._wanted is not None and (self._shown is None or self._wanted[0] is not self._shown[0]
                                         or self.choice.shown is not self._shown[1]):
            self._lay_out()

    def _diagram_changed(self) -> None:
        self._show_focus()
        if self._wanted is not None and self.isVisible():
            self._lay_out()

    def _show_focus(self) -> None:
        """Focus narrows *All tables*; a user's own diagram shows the tables added to it instead."""
        every = self.choice.shown.tables is None
        self.focus_edit.setVisible(every)
        self.depth_box.setVisible(every)
        self.partitions_box.setVisible(every)

    def _lay_out(self) -> None:
        assert self._wanted is not None
        projected, base = self._wanted
        self._asked += 1
        asked = self._asked
        self.laying_out = True
        diagram = self.choice.shown
        self.status.setText(f"Laying out {len(projected.tables)} tables…")
        every = diagram.tables is None
        focus, depth = (self._focus(projected), self.depth_box.value()) if every else (None, 1)
        partitions = self.partitions_box.isChecked()
        self._focused_on = (self.focus_edit.text().strip(), depth, diagram.name, partitions)

        def run(_progress: ProgressFn, _cancel: CancelToken) -> Drawn:
            if diagram.tables is None:
                chosen = tables_to_draw(projected, focus=focus, depth=depth, partitions=partitions)
                views, kinds = views_to_draw(projected) if focus is None else ([], {})
            else:
                wanted = set(diagram.tables)
                chosen = [t for t in projected.tables if key_of(t) in wanted]
                views, kinds = views_to_draw(projected)
                views = [v for v in views if key_of(v) in wanted]
                kinds = {key: kind for key, kind in kinds.items() if key in wanted}
            tables, marks = with_changes(projected, base, chosen)
            notes = {**header_notes(projected, tables), **kinds}
            tables = [*tables, *views]
            placed = layout_placed(tables, diagram.positions, diagram.routes, sized(notes))
            return placed, tables, marks, kinds, notes

        job: Job[Drawn] = Job(run)
        job.signals.succeeded.connect(lambda found: self._laid_out(asked, projected, diagram, *found))
        job.signals.failed.connect(lambda reason: self._failed(asked, reason))
        self.jobs.start(job)

    def _laid_out(self, asked: int, projected: s.Schema, diagram: SavedDiagram, placed: Layout,
                  tables: list[s.Table], marks: dict[TableName, Marks], kinds: dict[TableName, str],
                  notes: dict[TableName, str]) -> None:
        if asked != self._asked:
            return  # a newer schema or diagram was asked for meanwhile
        first = self._shown is None
        self.view.show_layout(placed, tables, marks, kinds, projected.default_schema, notes)
        self._shown = (projected, diagram)
        self._placed = (placed, tables, projected.default_schema, kinds, notes)
        self.laying_out = False
        if diagram.positions:
            self._keep_places(diagram, placed)
        focused, typed = self._focus(projected), self.focus_edit.text().strip()
        views = f", {len(kinds)} view{'' if len(kinds) == 1 else 's'}" if kinds else ""
        counts = f"{len(tables) - len(kinds)} tables{views}, {len(placed.links)} foreign keys"
        if diagram.tables is not None:
            self.status.setText(f"{diagram.name}: {counts}" if tables else
                                f"{diagram.name} is empty: add tables with the box above, or from a box's menu")
        else:
            self.status.setText(f"{counts} around {focused[1]}" if focused is not None else
                                f"No table {typed!r}: every table is shown ({counts})" if typed else counts)
        if first or focused is not None:
            self.view.fit()

    def _keep_places(self, diagram: SavedDiagram, placed: Layout) -> None:
        """Where a table new to a placed diagram was put, and any key routed again, is kept: the
        next layout starts from them and moves nothing."""
        positions, routes = _places(placed)
        if any(diagram.positions.get(k) != p for k, p in positions.items()) or \
                any(diagram.routes.get(k) != r for k, r in routes.items()):
            kept = diagram.placed(positions, routes)
            self.choice.keep(kept)
            if self._shown is not None:
                self._shown = (self._shown[0], kept)

    def _moved(self, key: TableName, x: float, y: float) -> SavedDiagram:
        """The shown diagram with ``key`` at ``x, y``; from the first move on, every box of it keeps
        its place (the layout on screen is taken as it is)."""
        diagram = self.choice.shown
        if not diagram.positions and self._placed is not None:
            diagram = diagram.placed(*_places(self._placed[0]))
        return diagram.moved(key, (round(x, 1), round(y, 1)))

    def _box_moved(self, key: TableName, x: float, y: float) -> None:
        self.choice.replace_shown(self._moved(key, x, y))

    def place_new(self, key: TableName, x: float, y: float) -> None:
        """Put the table ``key`` (just made) at ``x, y`` and add it to a user's own diagram."""
        self.choice.replace_shown(self._moved(key, x, y).with_tables(added=[key]))

    def extend_menu(self, menu: QMenu, table: s.Table) -> None:
        """A box's menu: what the diagram itself can do with the table, after the tree's edits."""
        key = key_of(table)
        diagram = self.choice.shown
        menu.addSeparator()
        if diagram.tables is not None and self._wanted is not None:
            projected = self._wanted[0]
            near = {key_of(t) for t in tables_to_draw(projected, focus=key, depth=1)} \
                if projected.find_table(table.name, table.schema) is not None else set()
            menu.addAction("Add its neighbours to this diagram", lambda: self.choice.add_tables(sorted(
                near - set(diagram.tables or ()), key=lambda k: (k[0] or "", k[1]))))
            menu.addAction("Remove from this diagram", lambda: self.choice.remove_table(key))
        else:
            menu.addAction("Focus on this table", lambda: self._focus_on(table))

    def _focus_on(self, table: s.Table) -> None:
        default = self._wanted[0].default_schema if self._wanted is not None else None
        self.focus_edit.setText(_label(table, default))
        self._refocus()

    def _space_menu(self, point: QPointF, event: QGraphicsSceneContextMenuEvent) -> None:
        menu = QMenu(self.view)
        here = make_action(menu, "New table here…", lambda: self._new_table_at(point), icon="new_table")
        here.setEnabled(self.new_table is not None and self._wanted is not None)
        menu.addAction(here)
        menu.addAction(make_action(menu, "Fit the diagram in view", self.view.fit, icon="fit"))
        self.last_menu = menu
        menu.popup(event.screenPos())

    def _new_table_at(self, point: QPointF) -> None:
        if self.new_table is None or self._wanted is None:
            return
        before = {key_of(t) for t in self._wanted[0].tables}
        self.new_table()  # the dialog is modal: the table, if made, is pending when it returns
        made = sorted((key_of(t) for t in self._wanted[0].tables if key_of(t) not in before),
                      key=lambda k: (k[0] or "", k[1]))
        if made:
            self.place_new(made[0], max(0.0, point.x()), max(0.0, point.y()))

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
        asked = (self.focus_edit.text().strip(), self.depth_box.value(), self.choice.shown.name,
                 self.partitions_box.isChecked())
        if self._wanted is not None and self.isVisible() and asked != self._focused_on:
            self._lay_out()

    def _ask_save_path(self, title: str, filters: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, title, "", filters)
        return path or None

    def _export(self, what: str) -> None:
        """Write the whole diagram (SVG, or PNG drawn from it) or the part in view (PNG)."""

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

                placed, tables, default_schema, kinds, notes = self._placed
                text = to_svg(placed, tables, default_schema, kinds, notes)
                if what == "svg":
                    path.write_text(text, encoding="utf-8")
                else:
                    from gui_app.ui.diagram_export import svg_to_png

                    svg_to_png(text, path)
        except (OSError, ValueError) as error:
            self.status.setText(f"Could not export: {error}")
            return
        self.status.setText(f"Exported to {path.name}")

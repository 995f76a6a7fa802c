"""Every visual edit: the tree's context menu and the dialogs behind it, feeding the pending list."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QMenu, QMessageBox, QWidget

from gui_app.ui.actions import make_action
from gui_app.ui.modal import run_modal
from gui_app.ui.models.tree_index import Kind, Status

if TYPE_CHECKING:
    from types import ModuleType

    from alembic.operations import ops

    from gui_app.core import schema as s
    from gui_app.core.rehearsal import Rehearsal
    from gui_app.core.validate import Problem
    from gui_app.ui.context import AppContext
    from gui_app.ui.workers import Job


class SchemaEditor:
    """The editing commands behind the tree's menus: each opens its dialog and pushes the operation
    it builds onto the pending list; it never runs anything on the database."""

    def __init__(self, context: AppContext, window: QWidget, report_error: Callable[[str, str], None],
                 notify: Callable[[str], None]) -> None:
        self.context = context
        self.window = window
        self.report_error = report_error
        self.notify = notify
        self.last_dialog: QDialog | None = None

    # --- plumbing -------------------------------------------------------------------------

    @property
    def dialect(self) -> str:
        pending = self.context.pending
        return pending.dialect if pending is not None else "sqlite"

    @property
    def projected(self) -> s.Schema:
        assert self.context.pending is not None
        return self.context.pending.plan.projected

    def submit(self, operations: list[ops.MigrateOperation], text: str | None = None) -> list[Problem]:
        """Add to the pending list (raises PlanError); warnings go to the status bar."""
        assert self.context.pending is not None
        warnings = self.context.pending.add(operations, text)
        if warnings:
            self.notify("Warning: " + " ".join(w.message for w in warnings))
        return warnings

    def current_table(self, table: s.Table) -> s.Table:
        """The table as the pending list leaves it (the tree may show an older object)."""
        from gui_app.core.projection import find_table

        return find_table(self.projected, table.name, table.schema)

    def _run(self, dialog: QDialog) -> None:
        self.last_dialog = dialog
        if getattr(dialog, "checked_on_server", False) and self.dialect == "postgresql":
            dialog.rehearse = self._rehearsal  # type: ignore[attr-defined]
        run_modal(dialog)

    def _rehearsal(self, new: list[ops.MigrateOperation]) -> Job[Rehearsal] | None:
        """The server's check of ``new`` after the pending list (in a transaction rolled back), in
        the background; raises PlanError where the pending list itself refuses them."""
        from gui_app.core.plan import Plan
        from gui_app.core.rehearsal import rehearse
        from gui_app.ui.workers import Job

        pending, database = self.context.pending, self.context.database
        if pending is None or database is None:
            return None
        earlier = list(pending.plan.operations)
        trial = Plan(pending.plan.base, pending.dialect)
        trial.extend_checked(earlier, pending.plan.schemas[1:])
        for op in new:
            trial.append(op)
        url, base = database.url, pending.plan.base
        return self.context.jobs.start(Job(lambda _progress, _cancel: rehearse(url, base, earlier, new)))

    def _add_now(self, operations: list[ops.MigrateOperation], text: str | None = None) -> None:
        from gui_app.core.plan import PlanError

        try:
            self.submit(operations, text)
        except PlanError as error:
            self.report_error("This change cannot be made", str(error))

    # --- the context menu -----------------------------------------------------------------

    def menu_for(self, kind: Kind, obj: Any, table: s.Table | None, status: Status, namespace: str | None,
                 parent: QWidget) -> QMenu:
        menu = QMenu(parent)
        if self.context.pending is None or status is Status.DROPPED:
            menu.addAction("Dropped by the pending changes").setEnabled(False)
            return menu

        def add(text: str, slot: Callable[[], None], icon: str) -> None:
            menu.addAction(make_action(menu, text, slot, icon=icon))

        if kind in (Kind.NAMESPACE, Kind.FOLDER) and table is None:
            add("New table…", lambda: self.new_table(namespace), "new_table")
            add("New view…", lambda: self.new_view(namespace), "new_view")
            if self.dialect == "postgresql":
                add("New enum type…", lambda: self._run_enum("new", None, namespace), "new_enum")
                add("New domain…", lambda: self.edit_domain(None, namespace), "new_domain")
            if "sequences" not in self.projected.unsupported:
                add("New sequence…", lambda: self.edit_sequence(None, namespace), "new_sequence")
            if "routines" not in self.projected.unsupported:
                add("New function…", lambda: self.edit_routine(None, "function", namespace), "new_routine")
                add("New procedure…", lambda: self.edit_routine(None, "procedure", namespace), "new_routine")
        if kind in (Kind.FUNCTION, Kind.PROCEDURE) and obj is not None:
            from gui_app.core import routine_ops

            add(f"Edit {obj.kind}…", lambda: self.edit_routine(obj, obj.kind, namespace), "edit_routine")
            add(f"Drop {obj.kind}", lambda: self._add_now([routine_ops.dropped(obj, namespace)]), "drop")
        if kind is Kind.DOMAIN and obj is not None and self.dialect == "postgresql":
            from gui_app.core import domain_ops

            add("Edit domain…", lambda: self.edit_domain(obj, namespace), "edit_domain")
            add("Drop domain", lambda: self._add_now([domain_ops.dropped(obj, namespace)]), "drop")
        if kind is Kind.SEQUENCE and obj is not None:
            self._sequence_menu(menu, add, obj, namespace)
        if kind is Kind.ENUM and obj is not None and self.dialect == "postgresql":
            self._enum_menu(add, obj, namespace)
        if kind in (Kind.VIEW, Kind.MATERIALIZED_VIEW) and obj is not None:  # the tree holds the view itself
            self._view_menu(add, obj, namespace)
        if table is not None and kind in (Kind.TABLE, Kind.FOLDER, Kind.COLUMN):
            add("Add column…", lambda: self.add_column(table), "add_column")
        if kind is Kind.TABLE and table is not None:
            add("Rename table…", lambda: self.rename_table(table), "rename")
            if "comments" not in self.projected.unsupported:
                add("Table comment…", lambda: self.table_comment(table), "comment")
            menu.addSeparator()
            add("Add index…", lambda: self.add_index(table), "add_index")
            add("Add foreign key…", lambda: self.add_foreign_key(table), "add_key")
            add("Add unique constraint…", lambda: self.add_constraint(table, "unique"), "add_constraint")
            add("Add check constraint…", lambda: self.add_constraint(table, "check"), "add_constraint")
            if table.primary_key is None:
                add("Add primary key…", lambda: self.add_constraint(table, "primary"), "add_key")
            if self.dialect == "postgresql":
                add("Add exclusion constraint…", lambda: self.add_exclusion(table), "add_constraint")
            add("Add trigger…", lambda: self.edit_trigger(table, None), "add_trigger")
            add("Insert rows…", lambda: self.insert_rows(table), "insert_rows")
            menu.addSeparator()
            add("Drop table", lambda: self.drop_table(table), "drop_table")
        if kind is Kind.COLUMN and table is not None:
            add("Edit column…", lambda: self.edit_column(table, obj.name), "edit_column")
            if self.dialect in ("mysql", "mariadb") and self._listed(obj):
                add("Edit values…", lambda: self.edit_values(table, obj.name), "edit_values")
            add("Drop column", lambda: self.drop_column(table, obj.name), "drop_column")
        if kind is Kind.INDEX and table is not None:
            add("Drop index", lambda: self._add_now([self._edits().drop_index(self.current_table(table), obj.name)]),
                "drop")
        if kind is Kind.TRIGGER and table is not None:
            self._trigger_menu(add, obj, table)
        if kind is Kind.EXCLUSION and table is not None:
            add("Drop constraint", lambda: self._add_now(
                [self._edits().drop_exclusion(self.current_table(table), obj.name)]), "drop")
        constraint_kinds = {Kind.PRIMARY_KEY: "primary", Kind.FOREIGN_KEY: "foreignkey", Kind.UNIQUE: "unique",
                            Kind.CHECK: "check"}
        if kind in constraint_kinds and table is not None:
            add("Drop constraint", lambda: self.drop_constraint(table, constraint_kinds[kind], obj.name), "drop")
        if menu.isEmpty():
            menu.addAction("No edits for this object").setEnabled(False)
        return menu

    def _enum_menu(self, add: Callable[[str, Callable[[], None], str], None], enum: s.EnumType,
                   namespace: str | None) -> None:
        from gui_app.core import enum_ops

        add("Add value…", lambda: self._run_enum("add", enum, namespace), "add_column")
        add("Rename value…", lambda: self._run_enum("rename", enum, namespace), "rename")
        add("Remove value…", lambda: self._run_enum("remove", enum, namespace), "drop")
        add("Rename type…", lambda: self._run_enum("rename type", enum, namespace), "rename")
        add("Drop type", lambda: self._add_now([enum_ops.DropEnumOp(enum.name, enum.labels, namespace)]), "drop")

    def _run_enum(self, mode: str, enum: s.EnumType | None, namespace: str | None) -> None:
        from gui_app.ui.widgets import enum_dialogs

        if enum is None:
            self._run(enum_dialogs.NewEnumDialog(namespace, self.submit, self.window))
        elif mode == "rename type":
            self._run(enum_dialogs.RenameEnumDialog(enum, namespace, self.submit, self.window))
        else:
            self._run(enum_dialogs.EnumValueDialog(self.projected, enum, namespace, mode, self.submit, self.window))

    def _sequence_menu(self, menu: QMenu, add: Callable[[str, Callable[[], None], str], None], sequence: s.Sequence,
                       namespace: str | None) -> None:
        from gui_app.core import sequence_ops

        if sequence.identity:
            menu.addAction("Serves an identity column: edit the column").setEnabled(False)
            return
        add("Edit sequence…", lambda: self.edit_sequence(sequence, namespace), "edit_sequence")
        add("Rename sequence…", lambda: self.rename_sequence(sequence, namespace), "rename")
        add("Drop sequence", lambda: self._add_now([sequence_ops.dropped(sequence, namespace)]), "drop")

    def edit_sequence(self, sequence: s.Sequence | None, namespace: str | None) -> None:
        from gui_app.ui.widgets.sequence_dialogs import SequenceDialog

        self._run(SequenceDialog(self.projected, sequence, namespace, self.submit, self.window))

    def _trigger_menu(self, add: Callable[[str, Callable[[], None], str], None], trigger: s.Trigger,
                      table: s.Table) -> None:
        from gui_app.core import trigger_ops

        add("Edit trigger…", lambda: self.edit_trigger(table, trigger), "edit_trigger")
        if self.dialect == "postgresql":
            switched = trigger_ops.SwitchTriggerOp(table.name, trigger.name, not trigger.enabled, table.schema)
            add("Enable trigger" if not trigger.enabled else "Disable trigger", lambda: self._add_now([switched]),
                "switch_trigger")
        add("Drop trigger", lambda: self._add_now([trigger_ops.dropped(trigger, self.current_table(table))]), "drop")

    def edit_trigger(self, table: s.Table, trigger: s.Trigger | None) -> None:
        from gui_app.ui.widgets.trigger_dialogs import TriggerDialog

        self._run(TriggerDialog(self.projected, self.current_table(table), trigger, self.submit, self.window))

    @staticmethod
    def _listed(column: s.Column) -> bool:
        from gui_app.ui.widgets.value_list_dialog import listed_values

        return listed_values(column) is not None

    def edit_values(self, table: s.Table, column: str) -> None:
        from gui_app.ui.widgets.value_list_dialog import ValueListDialog

        current = self.current_table(table)
        self._run(ValueListDialog(current, current.column(column), self.submit, self.window))

    def edit_domain(self, domain: s.Domain | None, namespace: str | None) -> None:
        from gui_app.ui.widgets.domain_dialogs import DomainDialog

        self._run(DomainDialog(self.projected, domain, namespace, self.submit, self.window))

    def edit_routine(self, routine: s.Routine | None, kind: str, namespace: str | None) -> None:
        from gui_app.ui.widgets.routine_dialogs import RoutineDialog

        self._run(RoutineDialog(self.projected, routine, kind, namespace, self.submit, self.window))

    def rename_sequence(self, sequence: s.Sequence, namespace: str | None) -> None:
        from gui_app.ui.widgets.sequence_dialogs import RenameSequenceDialog

        self._run(RenameSequenceDialog(sequence, namespace, self.submit, self.window))

    def _view_menu(self, add: Callable[[str, Callable[[], None], str], None], view: s.View,
                   namespace: str | None) -> None:
        from gui_app.core import view_ops

        kind = "materialized view" if view.materialized else "view"
        add(f"Edit {kind}…", lambda: self.edit_view(view, namespace), "edit_view")
        add(f"Rename {kind}…", lambda: self.rename_view(view, namespace), "rename")
        if view.materialized:
            add("Refresh materialized view", lambda: self._add_now([view_ops.RefreshViewOp(view.name, namespace)]),
                "refresh")
        add(f"Drop {kind}", lambda: self._add_now(
            [view_ops.DropViewOp(view.name, view.definition or "", namespace, view.materialized)]), "drop")

    @staticmethod
    def _edits() -> ModuleType:
        """The core's edit builders, imported on first use (not at start: they import Alembic)."""
        from gui_app.core import edits

        return edits

    # --- edits ----------------------------------------------------------------------------

    def new_table(self, namespace: str | None = None) -> None:
        from gui_app.ui.widgets.new_table_dialog import NewTableDialog

        self._run(NewTableDialog(self.projected, namespace, self.dialect, self.submit, self.window))

    def new_view(self, namespace: str | None = None) -> None:
        from gui_app.ui.widgets.view_dialogs import ViewDialog

        self._run(ViewDialog(self.projected, None, namespace, self.submit, self.window))

    def edit_view(self, view: s.View, namespace: str | None) -> None:
        from gui_app.ui.widgets.view_dialogs import ViewDialog

        self._run(ViewDialog(self.projected, view, namespace, self.submit, self.window))

    def rename_view(self, view: s.View, namespace: str | None) -> None:
        from gui_app.ui.widgets.view_dialogs import RenameViewDialog

        self._run(RenameViewDialog(view, namespace, self.submit, self.window))

    def add_column(self, table: s.Table) -> None:
        from gui_app.ui.widgets.column_dialog import ColumnDialog

        self._run(ColumnDialog(self.current_table(table), self.dialect, self.submit, parent=self.window))

    def edit_column(self, table: s.Table, column: str) -> None:
        from gui_app.ui.widgets.column_dialog import ColumnDialog

        current = self.current_table(table)
        self._run(ColumnDialog(current, self.dialect, self.submit, current.column(column), self.window))

    def rename_table(self, table: s.Table) -> None:
        from gui_app.ui.widgets.table_dialogs import RenameTableDialog

        self._run(RenameTableDialog(self.current_table(table), self.submit, self.window))

    def table_comment(self, table: s.Table) -> None:
        from gui_app.ui.widgets.table_dialogs import TableCommentDialog

        self._run(TableCommentDialog(self.current_table(table), self.submit, self.window))

    def add_index(self, table: s.Table) -> None:
        from gui_app.ui.widgets.index_dialog import IndexDialog

        self._run(IndexDialog(self.current_table(table), self.dialect, self.submit, self.window))

    def add_foreign_key(self, table: s.Table, filled: s.ForeignKey | None = None) -> None:
        """The foreign key dialog; ``filled``: a key to start from (drawn on the diagram)."""
        from gui_app.ui.widgets.constraint_dialogs import ForeignKeyDialog

        dialog = ForeignKeyDialog(self.current_table(table), self.projected, self.dialect, self.submit, self.window)
        if filled is not None:
            dialog.form.load(filled, chosen=False)
        self._run(dialog)

    def add_constraint(self, table: s.Table, kind: str) -> None:
        from gui_app.ui.widgets.constraint_dialogs import ConstraintDialog

        self._run(ConstraintDialog(self.current_table(table), kind, self.dialect, self.submit, self.window))

    def add_exclusion(self, table: s.Table) -> None:
        from gui_app.ui.widgets.exclusion_dialog import ExclusionDialog

        self._run(ExclusionDialog(self.current_table(table), self.submit, self.window))

    def insert_rows(self, table: s.Table) -> None:
        from gui_app.ui.widgets.data_dialogs import InsertRowsDialog

        self._run(InsertRowsDialog(self.current_table(table), self.submit, self.window))

    def sql_step(self) -> None:
        from gui_app.ui.widgets.data_dialogs import SqlStepDialog

        self._run(SqlStepDialog(self.submit, self.window))

    def drop_table(self, table: s.Table) -> None:
        self._add_now([self._edits().drop_table(self.current_table(table))])

    def drop_constraint(self, table: s.Table, kind: str, name: str | None) -> None:
        if not name:
            self.report_error("This constraint has no name",
                              "Alembic drops constraints by name; this one was created without one.")
            return
        self._add_now([self._edits().drop_constraint(self.current_table(table), kind, name)])

    def drop_column(self, table: s.Table, column: str) -> None:
        """Drop a column; what uses it (indexes, keys, constraints) can be dropped first, as separate steps."""
        from gui_app.core.validate import column_dependents

        current = self.current_table(table)
        users = column_dependents(self.projected, current, column)
        edits = self._edits()
        operations: list[ops.MigrateOperation] = []
        if users:
            listed = "\n".join(f"• {kind} {name or '(unnamed)'} on {owner.name}" for kind, owner, name in users)
            box = QMessageBox(QMessageBox.Icon.Question, "The column is in use",
                              f"Column {column} is used by:\n{listed}\n\nDrop those too, each as its own pending "
                              "operation?", QMessageBox.StandardButton.Cancel, self.window)
            drop_all = box.addButton("Drop them and the column", QMessageBox.ButtonRole.AcceptRole)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is not drop_all:
                return
            for kind, owner, name in users:
                if name is None:
                    self.report_error("Cannot drop the column",
                                      f"A {kind} on {owner.name} that uses it has no name, so Alembic cannot drop it.")
                    return
                owner_now = self.current_table(owner)
                if kind == "index":
                    operations.append(edits.drop_index(owner_now, name))
                else:
                    operations.append(edits.drop_constraint(owner_now, kind, name))
        operations.append(edits.drop_column(current, column))
        self._add_now(operations, f"Drop column {current.name}.{column}")

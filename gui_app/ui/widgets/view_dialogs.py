"""Views edited as the app's own operations: a new view (or, on PostgreSQL, a materialized one), a
new body for a view, a view renamed. The body is written in an SQL editor with highlighting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from gui_app.core import schema as s
from gui_app.core.dialects import family
from gui_app.ui.widgets.edit_dialog import EditDialog, InputError, RenameDialog, Submit
from gui_app.ui.widgets.highlighter import CodeHighlighter, code_font

if TYPE_CHECKING:
    from alembic.operations import ops


def _body_editor(parent: QWidget, text: str, dialect: str) -> QPlainTextEdit:
    editor = QPlainTextEdit(text, parent)
    editor.setObjectName("viewBody")
    editor.setFont(code_font())
    editor.setPlaceholderText("The view's query, e.g. SELECT id, title FROM film WHERE length > 120")
    editor.highlighter = CodeHighlighter(editor.document(), "sql", family(dialect))  # type: ignore[attr-defined]
    return editor


def _query(editor: QPlainTextEdit) -> str:
    from gui_app.core.view_ops import body

    text = body(editor.toPlainText())
    if not text:
        raise InputError("Write the view's query.")
    if ";" in text:
        raise InputError("A view is one query: take out the ';' inside it.")
    return text


class ViewDialog(EditDialog):
    """A new view in ``namespace`` (None: the default one), or a new body for ``view``."""

    checked_on_server = True  # PostgreSQL parses and checks its SQL where it will run

    def __init__(self, schema: s.Schema, view: s.View | None, namespace: str | None, submit: Submit,
                 parent: QWidget | None = None) -> None:
        kind = "materialized view" if view is not None and view.materialized else "view"
        super().__init__(f"Edit {kind} {view.name}" if view is not None else "New view", submit, parent)
        self.setObjectName("viewDialog")
        self.schema, self.view, self.namespace = schema, view, namespace
        self.name = QLineEdit(view.name if view is not None else "", self)
        self.name.setReadOnly(view is not None)
        self.materialized = QCheckBox("Materialized (its rows are stored; refresh to update them)", self)
        self.materialized.setVisible(view is None and schema.dialect == "postgresql")
        self.query = _body_editor(self, view.definition or "" if view is not None else "", schema.dialect)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("", self.materialized)
        self.body.addLayout(form)
        self.body.addWidget(QLabel("Query", self))
        self.body.addWidget(self.query, 1)
        if view is not None and schema.dialect == "postgresql" and not view.materialized:
            note = QLabel("PostgreSQL replaces the view in place when the new query's columns start as the old "
                          "ones did; otherwise the view is dropped and created again (views built on it must "
                          "be dropped first).", self)
            note.setWordWrap(True)
            self.body.addWidget(note)
        self.resize(620, 420)

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core.view_ops import CreateViewOp, ReplaceViewOp, body

        query = _query(self.query)
        if self.view is None:
            name = self.name.text().strip()
            if not name:
                raise InputError("Give the view a name.")
            return [CreateViewOp(name, query, self.namespace, self.materialized.isChecked())]
        old = body(self.view.definition or "")
        if query == old:
            raise InputError("The query is the same as before.")
        kept = _starts_as(self.view, query) if self.schema.dialect == "postgresql" else False
        return [ReplaceViewOp(self.view.name, query, old, self.namespace, self.view.materialized, kept)]


def _starts_as(view: s.View, query: str) -> bool:
    """Whether the new query keeps the view's columns, as far as the text tells: what it selects,
    up to its FROM, is what the old query selected, or that followed by more columns. A guess the
    server disagrees with is refused by it (in the dry run first), never applied otherwise."""
    old = " ".join((view.definition or "").split()).lower()
    new = " ".join(query.split()).lower()
    head, new_head = old.split(" from ", 1)[0], new.split(" from ", 1)[0]
    return new_head == head or new_head.startswith(head + ",")


class RenameViewDialog(RenameDialog):
    def __init__(self, view: s.View, namespace: str | None, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(f"Rename {'materialized view' if view.materialized else 'view'} {view.name}", view.name,
                         submit, parent)
        self.setObjectName("renameViewDialog")
        self.view, self.namespace = view, namespace

    def renamed(self, name: str) -> list[ops.MigrateOperation]:
        from gui_app.core.view_ops import RenameViewOp

        return [RenameViewOp(self.view.name, name, self.view.definition or "", self.namespace, self.view.materialized)]

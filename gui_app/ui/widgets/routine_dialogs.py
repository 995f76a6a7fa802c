"""Functions and procedures (PostgreSQL, MySQL/MariaDB) edited as the app's own operations: a new
one, or a new definition for one, written as its whole CREATE statement in an SQL editor with
highlighting (a new one starts from a template of the database's own dialect)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from gui_app.core import schema as s
from gui_app.ui.widgets.definition_dialog import DefinitionDialog
from gui_app.ui.widgets.edit_dialog import InputError, Submit

if TYPE_CHECKING:
    from alembic.operations import ops

TEMPLATES = {
    ("postgresql", "function"): "CREATE FUNCTION new_function(amount numeric)\nRETURNS numeric\nLANGUAGE sql\n"
                                "IMMUTABLE\nAS $$\n  SELECT amount * 2\n$$",
    ("postgresql", "procedure"): "CREATE PROCEDURE new_procedure(p_id integer)\nLANGUAGE plpgsql\nAS $$\nBEGIN\n"
                                 "  RAISE NOTICE 'called with %', p_id;\nEND\n$$",
    ("mysql", "function"): "CREATE FUNCTION new_function(amount DECIMAL(10, 2)) RETURNS DECIMAL(10, 2)\n"
                           "DETERMINISTIC\nRETURN amount * 2",
    ("mysql", "procedure"): "CREATE PROCEDURE new_procedure(IN p_id INT)\nBEGIN\n  SELECT p_id;\nEND",
}


class RoutineDialog(DefinitionDialog):
    """A new ``kind`` (function or procedure) in ``namespace``, or a new definition for ``routine``."""

    def __init__(self, schema: s.Schema, routine: s.Routine | None, kind: str, namespace: str | None,
                 submit: Submit, parent: QWidget | None = None) -> None:
        postgresql = schema.dialect == "postgresql"
        note = (("PostgreSQL replaces it in place (calls under way finish with the old body); a new result type "
                 "needs it dropped first." if postgresql else
                 "MySQL and MariaDB drop it and create it again: calls in between fail, and the applying user "
                 "becomes its DEFINER.") if routine else
                "A name with other arguments is another function (PostgreSQL keeps both)." if postgresql else "")
        text = routine.definition if routine else TEMPLATES[("postgresql" if postgresql else "mysql", kind)]
        super().__init__(f"Edit {kind} {routine.signature}" if routine else f"New {kind}", "routine", text,
                         "Definition (the whole CREATE statement)", note, schema.dialect, submit, parent)
        self.schema, self.routine, self.kind, self.namespace = schema, routine, kind, namespace
        self.postgresql = postgresql
        self.resize(680, 460)

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core.marked_ops import one_statement
        from gui_app.core.routine_ops import ReplaceRoutineOp, created

        made = self.read(f"the {self.kind}'s CREATE statement", lambda text: created(
            text, self.namespace, self.schema.dialect, self.schema.default_schema))
        if made.kind != self.kind:
            raise InputError(f"This makes a {made.kind}, not a {self.kind}.")
        if self.routine is None:
            return [made]
        if made.name != self.routine.name or (self.postgresql and made.arguments != self.routine.arguments):
            raise InputError(f"Another name or other arguments make another {self.kind}: create it, then drop "
                             "this one.")
        if one_statement(self.routine.definition, self.schema.dialect) == made.definition:
            raise InputError("The definition is the same as before.")
        return [ReplaceRoutineOp(self.routine.name, self.kind, self.routine.arguments, made.definition,
                                 self.routine.definition, self.namespace)]

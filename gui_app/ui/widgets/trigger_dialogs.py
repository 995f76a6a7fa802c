"""Triggers edited as the app's own operations, on the three databases: a new one on a table, or a
new definition for one, written as its whole CREATE TRIGGER statement in an SQL editor with
highlighting (a new one starts from a template in the database's dialect)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from gui_app.core import schema as s
from gui_app.ui.widgets.definition_dialog import DefinitionDialog
from gui_app.ui.widgets.edit_dialog import InputError, Submit

if TYPE_CHECKING:
    from alembic.operations import ops


def template(schema: s.Schema, table: s.Table) -> str:
    """A first CREATE TRIGGER for ``table`` in the database's dialect; on PostgreSQL it runs a
    trigger function of the schema where there is one."""
    from gui_app.core.dialects import family
    from gui_app.core.marked_ops import qualified
    from gui_app.core.render import dialect_for

    dialect = dialect_for(family(schema.dialect))
    on = qualified(dialect, table.schema, table.name)
    name = dialect.identifier_preparer.quote(f"{table.name}_changed")
    if schema.dialect == "postgresql":
        functions = [r for ns in schema.namespaces for r in ns.routines if r.returns == "trigger"]
        function = qualified(dialect, functions[0].schema, functions[0].name) if functions else "trigger_function"
        return f"CREATE TRIGGER {name}\nBEFORE UPDATE ON {on}\nFOR EACH ROW\nEXECUTE FUNCTION {function}()"
    if schema.dialect == "sqlite":
        return f"CREATE TRIGGER {name}\nAFTER UPDATE ON {on}\nBEGIN\n  SELECT 1;\nEND"
    column = dialect.identifier_preparer.quote(table.columns[-1].name) if table.columns else "column_name"
    return f"CREATE TRIGGER {name}\nBEFORE UPDATE ON {on}\nFOR EACH ROW\nSET NEW.{column} = NEW.{column}"


class TriggerDialog(DefinitionDialog):
    """A new trigger on ``table``, or a new definition for ``trigger``."""

    def __init__(self, schema: s.Schema, table: s.Table, trigger: s.Trigger | None, submit: Submit,
                 parent: QWidget | None = None) -> None:
        note = "" if trigger is None else "The trigger is dropped and created again" + (
            " inside the plan's transaction; writes to the table wait until it commits."
            if schema.dialect == "postgresql" else ": between the two statements the table has no trigger.")
        super().__init__(f"Edit trigger {trigger.name} on {table.name}" if trigger else f"New trigger on {table.name}",
                         "trigger", trigger.definition if trigger else template(schema, table),
                         "Definition (the whole CREATE TRIGGER statement)", note, schema.dialect, submit, parent)
        self.schema, self.table, self.trigger = schema, table, trigger
        self.resize(640, 380)

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core.marked_ops import one_statement
        from gui_app.core.trigger_ops import ReplaceTriggerOp, created

        made = self.read("the trigger's CREATE TRIGGER statement", lambda text: created(
            text, self.table, self.schema.dialect, self.schema.default_schema))
        if self.trigger is None:
            return [made]
        if made.name != self.trigger.name:
            raise InputError("Another name makes another trigger: create it, then drop this one.")
        if one_statement(self.trigger.definition, self.schema.dialect) == made.definition:
            raise InputError("The definition is the same as before.")
        return [ReplaceTriggerOp(self.table.name, self.trigger.name, made.definition, self.trigger.definition,
                                 self.table.schema)]

"""Sequences (PostgreSQL, MariaDB) edited as the app's own operations: a new one, its options
changed (and where it goes on), renamed. Every option is written out, the server's own choice
included, so that what the pending list projects is what the server will report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from gui_app.core import schema as s
from gui_app.ui.widgets.edit_dialog import EditDialog, InputError, RenameDialog, Submit

if TYPE_CHECKING:
    from alembic.operations import ops

NO_OWNER = "(no column)"
BOUNDS = {"smallint": (-32768, 32767), "integer": (-2147483648, 2147483647),
          "bigint": (-9223372036854775808, 9223372036854775807)}
"""PostgreSQL's range of each sequence type."""
MARIADB_BOUNDS = (-9223372036854775807, 9223372036854775806)
"""MariaDB's own smallest and largest sequence value."""


def server_bounds(dialect: str, data_type: str | None, increment: int) -> tuple[int, int]:
    """The smallest and largest value the server gives a sequence that names none: an ascending
    one starts at 1, a descending one ends at -1."""
    low, high = BOUNDS.get(data_type or "bigint", BOUNDS["bigint"]) if dialect == "postgresql" else MARIADB_BOUNDS
    return (1, high) if increment > 0 else (low, -1)


class SequenceDialog(EditDialog):
    """A new sequence (``sequence`` None) or the options of one."""

    def __init__(self, schema: s.Schema, sequence: s.Sequence | None, namespace: str | None, submit: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Sequence {sequence.name}" if sequence else "New sequence", submit, parent)
        self.setObjectName("sequenceDialog")
        self.schema, self.sequence, self.namespace = schema, sequence, namespace
        self.postgresql = schema.dialect == "postgresql"
        form = QFormLayout()
        self.name = QLineEdit(sequence.name if sequence else "", self)
        self.name.setReadOnly(sequence is not None)
        form.addRow("Name", self.name)
        self.data_type = QComboBox(self)
        self.data_type.addItems(list(BOUNDS))
        self.data_type.setCurrentText(sequence.data_type if sequence and sequence.data_type else "bigint")
        if self.postgresql:
            form.addRow("Type", self.data_type)
        else:  # MariaDB's are all bigint
            self.data_type.hide()
        self._shown_type = self.data_type.currentText()
        self.data_type.currentTextChanged.connect(self._type_changed)

        def number(value: int | None) -> QLineEdit:
            return QLineEdit("" if value is None else str(value), self)

        self.start = number(sequence.start if sequence else None)
        self.increment = number(sequence.increment if sequence else 1)
        self.min_value = number(sequence.min_value if sequence else None)
        self.max_value = number(sequence.max_value if sequence else None)
        self.cache = number(sequence.cache if sequence else None)
        for label, field in (("Start", self.start), ("Increment", self.increment), ("Smallest value", self.min_value),
                             ("Largest value", self.max_value), ("Cache", self.cache)):
            form.addRow(label, field)
        self.increment.textChanged.connect(lambda _text: self._show_server_choices())
        self._show_server_choices()
        self.cycle = QCheckBox("Start again from the other end when it runs out", self)
        self.cycle.setChecked(bool(sequence and sequence.cycle))
        form.addRow("Cycle", self.cycle)
        self.owner = QComboBox(self)
        self.owner.addItem(NO_OWNER, None)
        for table in schema.namespace(namespace).tables:
            for column in table.columns:
                self.owner.addItem(f"{table.name}.{column.name}", (table.name, column.name))
        if sequence and sequence.owned_by:
            owners = [self.owner.itemData(i) for i in range(self.owner.count())]
            self.owner.setCurrentIndex(owners.index(sequence.owned_by) if sequence.owned_by in owners else 0)
        if self.postgresql:
            form.addRow("Belongs to", self.owner)
        else:  # only PostgreSQL ties a sequence to a column
            self.owner.hide()
        self.restart = QLineEdit(self)
        if sequence is not None:
            reached = f"it stands at {sequence.next_value}" if sequence.next_value is not None else "not read"
            self.restart.setPlaceholderText(f"leave it where it is ({reached})")
            form.addRow("Start again at", self.restart)
        self.body.addLayout(form)
        note = QLabel("Blank bounds are the type's own. A change takes a lock that makes inserts drawing from "
                      "the sequence wait until the plan commits." if self.postgresql else
                      "A change holds a lock on the sequence while it runs.", self)
        note.setWordWrap(True)
        self.body.addWidget(note)

    def _type_changed(self, data_type: str) -> None:
        """A bound the old type gave follows the new type (a smaller type refuses the larger one)."""
        for field, old, new in ((self.min_value, BOUNDS[self._shown_type][0], BOUNDS[data_type][0]),
                                (self.max_value, BOUNDS[self._shown_type][1], BOUNDS[data_type][1])):
            if field.text().strip() == str(old):
                field.setText(str(new))
        self._shown_type = data_type
        self._show_server_choices()

    def _server_choices(self) -> dict[str, int]:
        """What the server would choose for each option left blank, given the type and increment."""
        try:
            increment = int(self.increment.text().strip().replace("_", "") or 1) or 1
        except ValueError:
            increment = 1
        data_type = self.data_type.currentText() if self.postgresql else None
        low, high = server_bounds(self.schema.dialect, data_type, increment)
        return {"min_value": low, "max_value": high, "start": low if increment > 0 else high,
                "cache": 1 if self.postgresql else 1000}

    def _show_server_choices(self) -> None:
        choices = self._server_choices()
        for key, field in (("min_value", self.min_value), ("max_value", self.max_value), ("start", self.start),
                           ("cache", self.cache)):
            field.setPlaceholderText(f"the server's own: {choices[key]}")

    def _whole(self, field: QLineEdit, what: str) -> int | None:
        text = field.text().strip().replace("_", "")
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            raise InputError(f"The {what} is a whole number.") from None

    def wanted(self) -> dict[str, Any]:
        """Every option as the fields give it, the server's own choice where a field is blank."""
        choices = self._server_choices()
        increment = self._whole(self.increment, "increment")
        if increment == 0:
            raise InputError("The increment cannot be 0.")

        def given(field: QLineEdit, key: str, what: str) -> int:
            value = self._whole(field, what)
            return choices[key] if value is None else value

        owned_by = self.owner.currentData() if self.postgresql else None
        return {"data_type": self.data_type.currentText() if self.postgresql else None,
                "increment": 1 if increment is None else increment,
                "min_value": given(self.min_value, "min_value", "smallest value"),
                "max_value": given(self.max_value, "max_value", "largest value"),
                "start": given(self.start, "start", "start"), "cache": given(self.cache, "cache", "cache"),
                "cycle": self.cycle.isChecked(), "owned_by": tuple(owned_by) if owned_by else None}

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core.sequence_ops import CreateSequenceOp, altered

        wanted = self.wanted()
        if self.sequence is None:
            name = self.name.text().strip()
            if not name:
                raise InputError("Give the sequence a name.")
            return [CreateSequenceOp(name, wanted, self.namespace)]
        change = altered(self.sequence, wanted, self.namespace, self._whole(self.restart, "value to start again at"))
        if change is None:
            raise InputError("Nothing is changed.")
        return [change]


class RenameSequenceDialog(RenameDialog):
    def __init__(self, sequence: s.Sequence, namespace: str | None, submit: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Rename sequence {sequence.name}", sequence.name, submit, parent)
        self.setObjectName("renameSequenceDialog")
        self.sequence, self.namespace = sequence, namespace

    def renamed(self, name: str) -> list[ops.MigrateOperation]:
        from gui_app.core.sequence_ops import RenameSequenceOp

        return [RenameSequenceOp(self.sequence.name, name, self.namespace)]

"""How long the app waits on a server: kept in the settings, changed in a small dialog."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QSpinBox, QWidget

from gui_app.core import timeouts
from gui_app.ui.timeouts_settings import KEYS, RETRIES_KEY, load_timeouts

LABELS = {
    "connect": ("Connecting", "Give up on a server that does not answer within this time."),
    "lock": ("Waiting for a lock", "An apply stops when another session holds a lock this long, names that "
             "session and offers to try again. On PostgreSQL a waiting ALTER holds up every other session's "
             "reads of the table, so keep this short on a busy database."),
    "count": ("Counting affected rows", "A count that takes longer is shown as not counted."),
}


class TimeoutsDialog(QDialog):
    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeoutsDialog")
        self.setWindowTitle("Timeouts")
        self.settings = settings
        current = timeouts.current()
        form = QFormLayout(self)
        self.boxes: dict[str, QDoubleSpinBox] = {}
        for name, (label, tip) in LABELS.items():
            box = QDoubleSpinBox(self)
            box.setObjectName(f"{name}Timeout")
            box.setRange(0.5, 86_400)
            box.setDecimals(1)
            box.setSuffix(" s")
            box.setValue(getattr(current, name))
            box.setToolTip(tip)
            self.boxes[name] = box
            form.addRow(label, box)
        self.retries = QSpinBox(self)
        self.retries.setObjectName("lockRetries")
        self.retries.setRange(0, 100)
        self.retries.setValue(current.lock_retries)
        self.retries.setToolTip("When an apply gave up waiting for a lock and changed nothing, it is tried again "
                                "this many times, after 1, 2, 4… s. A short lock timeout with a few tries keeps a "
                                "busy table's readers from queuing behind the migration.")
        form.addRow("Tries again after a lock wait", self.retries)
        note = QLabel("Each wait on a server ends after this time with a message, never silently.", self)
        note.setWordWrap(True)
        form.addRow(note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def accept(self) -> None:
        for name, box in self.boxes.items():
            self.settings.setValue(KEYS[name], box.value())
        self.settings.setValue(RETRIES_KEY, self.retries.value())
        load_timeouts(self.settings)
        super().accept()

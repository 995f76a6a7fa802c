"""How long the app waits on a server: kept in the settings, changed in a small dialog."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QSpinBox, QWidget

from gui_app.core import timeouts

KEYS = {"connect": "timeouts/connect", "lock": "timeouts/lock", "count": "timeouts/count"}
RETRIES_KEY = "timeouts/lock_retries"
LABELS = {
    "connect": ("Connecting", "Give up on a server that does not answer within this time."),
    "lock": ("Waiting for a lock", "An apply stops when another session holds a lock this long, names that "
             "session and offers to try again. On PostgreSQL a waiting ALTER holds up every other session's "
             "reads of the table, so keep this short on a busy database."),
    "count": ("Counting affected rows", "A count that takes longer is shown as not counted."),
}


def load_timeouts(settings: QSettings) -> timeouts.Timeouts:
    """The timeouts saved in ``settings`` (the defaults where none or a wrong value is saved),
    made the process's own."""
    defaults = timeouts.Timeouts()
    values = {}
    for name, key in KEYS.items():
        try:
            value = float(settings.value(key, getattr(defaults, name)))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            value = getattr(defaults, name)
        values[name] = value if 0 < value <= 86_400 else getattr(defaults, name)
    try:
        retries = int(settings.value(RETRIES_KEY, defaults.lock_retries))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        retries = defaults.lock_retries
    chosen = timeouts.Timeouts(connect=values["connect"], lock=values["lock"], count=values["count"],
                               lock_retries=retries if 0 <= retries <= 100 else defaults.lock_retries)
    timeouts.configure(chosen)
    return chosen


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

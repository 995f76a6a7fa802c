"""The timeouts kept in the settings: read at start-up, before the window is drawn, without the
dialog that changes them (its widgets cost the first paint a few milliseconds)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from gui_app.core import timeouts

KEYS = {"connect": "timeouts/connect", "lock": "timeouts/lock", "count": "timeouts/count"}
RETRIES_KEY = "timeouts/lock_retries"


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

"""Run a dialog, then have it deleted by the GUI thread's event loop."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog


def run_modal(dialog: QDialog) -> int:
    """``dialog.exec()``; the dialog is then deleted once control is back in the GUI thread's
    event loop, so that what the caller reads of it right after is still there.

    Kept, a dialog with a parent would stay that parent's child until the window closes (one
    more for every time it was opened); left to Python's collector, it could be destroyed on
    whichever thread collects, a background job's, which stops its text fields' timers there."""
    try:
        return dialog.exec()
    finally:
        dialog.deleteLater()

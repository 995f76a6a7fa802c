"""Make the README's screenshot: the main window on the demo database with a pending plan.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot.py packaging/screenshot.png

It runs the real application code offscreen, in a throw-away data folder, so the
picture stays current with the app.
"""

from __future__ import annotations

import os
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_data = tempfile.mkdtemp(prefix="alembic-studio-screenshot-")
os.environ["XDG_DATA_HOME"] = os.environ["XDG_CONFIG_HOME"] = _data


def main(target: str) -> int:
    import sqlalchemy as sa
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from gui_app.core import edits
    from gui_app.ui.application import create_window, open_initial

    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName("AlembicStudio")
    app.setApplicationName("Alembic Studio")
    window = create_window(QSettings(os.path.join(_data, "settings.ini"), QSettings.Format.IniFormat))
    window.files.ask_save_discard_cancel = lambda _count: "discard"
    window.resize(1280, 820)
    window.show()
    open_initial(window, None)

    def stage() -> None:
        pending = window.context.pending
        if pending is None:
            QTimer.singleShot(50, stage)
            return
        books = pending.plan.projected.table("books")
        pending.add([edits.add_column(books, edits.ColumnSpec("subtitle", sa.String(120)))])
        pending.add([edits.alter_column(pending.plan.projected.table("books"), "title", type_=sa.String(300))])
        pending.add([edits.drop_table(pending.plan.projected.table("reviews"))])
        window.browser.select_path(("main", "Tables", "books", "title"))
        window.preview_dock.raise_()
        QTimer.singleShot(800, shoot)

    def shoot() -> None:
        window.statusBar().showMessage("3 pending changes: preview, then apply or save as a revision")
        app.processEvents()
        window.grab().save(target)
        window.close()
        app.quit()

    QTimer.singleShot(0, stage)
    app.exec()
    return 0 if os.path.isfile(target) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "packaging/screenshot.png"))

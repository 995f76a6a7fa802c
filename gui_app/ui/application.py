"""Build the QApplication, the context and the main window; open the first database."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication

from gui_app import __version__
from gui_app.ui import icons
from gui_app.ui.context import AppContext
from gui_app.ui.main_window import MainWindow

ORGANIZATION = "AlembicStudio"
APPLICATION = "Alembic Studio"


def data_dir() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


APP_ICON = "icons/alembic-studio.svg"


def create_window(settings: QSettings | None = None) -> MainWindow:
    from PySide6.QtGui import QIcon

    from gui_app.core.private_files import make_private
    from gui_app.core.resources import resource_path

    settings = settings or QSettings()
    if settings.fileName().startswith("/"):  # a file (elsewhere: the registry, where modes mean nothing)
        # It names the databases and folders used. Its folder is tightened only when it is the
        # app's own (not a folder a settings file was pointed into).
        path = Path(settings.fileName())
        make_private(path, folder_too=path.parent.name == ORGANIZATION, create=True)
    from gui_app.ui.timeouts_settings import load_timeouts

    load_timeouts(settings)
    context = AppContext(settings)
    icons.defer_drawing()  # drawn once the window is on screen: the icon font is not loaded before
    window = MainWindow(context)
    context.setParent(window)
    window.setWindowIcon(QIcon(str(resource_path(APP_ICON))))
    window.installEventFilter(_IconsAfterFirstPaint(window))
    return window


class _IconsAfterFirstPaint(QObject):
    """Draws the window's icons just after its first paint, then removes itself."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, icons.draw_deferred)
        return False


def open_initial(window: MainWindow, url_text: str | None, alembic_ini: str | None = None) -> None:
    """Open ``url_text``; without one, offer the pending lists a previous run left unsaved, else
    reopen the last connection, else the demo database (created on first use). Link the Alembic
    project given, or the one in the current folder."""
    from sqlalchemy.engine import URL

    from gui_app.core.demo import ensure_demo_database

    try:
        demo = ensure_demo_database(data_dir())
    except OSError as error:
        window.show_error("Cannot create the demo database", str(error))
    else:
        window.connecting.demo_url = URL.create("sqlite", database=str(demo))
    if alembic_ini:
        window.files.link_project(alembic_ini)
    elif (Path.cwd() / "alembic.ini").is_file():
        window.files.link_project(str(Path.cwd() / "alembic.ini"))
    if url_text and Path(url_text).is_file() and "://" not in url_text:  # a SQLite file named by its path
        url_text = URL.create("sqlite", database=str(Path(url_text).resolve())).render_as_string()
    if url_text:
        window.connecting.open_url_text(url_text)
    elif window.files.offer_autosaves_at_start(window.connecting.open_url_text):
        pass  # the database chosen is being opened, its pending list restored when read
    elif recent := window.context.recent_urls():
        window.connecting.open_url_text(recent[0])
    else:
        window.connecting.open_demo()


def run_gui(url_text: str | None, alembic_ini: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    window = create_window()
    window.show()
    # SQLAlchemy and Alembic are imported only now, after the first paint.
    QTimer.singleShot(0, lambda: open_initial(window, url_text, alembic_ini))
    return app.exec()

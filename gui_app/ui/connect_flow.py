"""Opening a database: the connection dialog, a URL typed or remembered, the demo.

The main window composes this controller; the application hands it the URL given at start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from gui_app.ui.modal import run_modal

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from gui_app.ui.context import AppContext


def connection_problem(url: URL) -> str | None:
    """Why ``url`` cannot be connected to, in one line (the password never in it); None when it can."""
    from sqlalchemy import exc
    from sqlalchemy.pool import NullPool

    from gui_app.core import timeouts
    from gui_app.core.connect import DatabaseFileMissing, open_engine
    from gui_app.core.errors import describe_error

    try:
        engine = open_engine(url) if url.get_backend_name() == "sqlite" else \
            timeouts.create_engine(url, poolclass=NullPool)
        try:
            with engine.connect():
                return None
        finally:
            engine.dispose()
    except DatabaseFileMissing as error:
        return str(error)
    except (exc.SQLAlchemyError, OSError, ValueError) as error:
        text = describe_error(error)
        return text.replace(url.password, "***") if url.password else text


class ConnectFlow(QObject):
    """Turns what the user chose into a URL for :meth:`AppContext.open_database`.

    A password comes from the user or the keyring, never from settings, and never appears in a
    message."""

    def __init__(self, context: AppContext, window: QWidget, report_error: Callable[[str, str], None]) -> None:
        super().__init__(window)
        self.context, self.window, self.report_error = context, window, report_error
        self.demo_url: URL | None = None

    def show_dialog(self) -> None:
        from gui_app.ui.widgets.connection_dialog import ConnectionDialog

        current = self.context.database.url if self.context.database is not None else None
        if current is not None and self.demo_url is not None and current == self.demo_url:
            current = None  # the demo is not a connection to offer again
        dialog = ConnectionDialog(self.context.recent_urls(), self.window, current, connection_problem,
                                  self.context.jobs)
        if run_modal(dialog) and (url := dialog.url()) is not None:
            keep = dialog.remember_password.isChecked()
            if not keep and url.password is not None:  # asked not to remember: an older one goes too
                from gui_app.core import credentials

                credentials.forget(url)
            self.context.open_database(url, keep_password=keep)

    def open_url_text(self, text: str) -> None:
        """A URL given at start or chosen from the recent list; a remembered password is looked up."""
        from sqlalchemy import exc

        from gui_app.core.urls import parse_url

        try:
            url = parse_url(text)
        except exc.ArgumentError as error:
            self.report_error("Cannot open the database", f"This is not a database URL that can be used: {error}.")
            return
        if url.password is None and self.context.needs_password(text):
            from gui_app.core import credentials

            password = credentials.lookup(url) or self.ask_password(url)
            if password is None:
                return
            url = url.set(password=password)
        self.context.open_database(url)

    def ask_password(self, url: URL) -> str | None:
        """The password of a remembered connection the keyring does not hold; None when cancelled."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        from gui_app.core.urls import display_url

        text, ok = QInputDialog.getText(self.window, "Password", f"Password for {display_url(url)}",
                                        QLineEdit.EchoMode.Password)
        return text if ok else None

    def open_demo(self) -> None:
        if self.demo_url is not None:
            self.context.open_database(self.demo_url)

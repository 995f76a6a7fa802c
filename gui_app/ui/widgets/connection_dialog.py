"""Choose a database: SQLite file, server fields, or a raw SQLAlchemy URL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gui_app.ui import colours

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.engine import URL

    from gui_app.ui.workers import Job, JobRunner

KINDS = ("SQLite file", "PostgreSQL", "MySQL / MariaDB", "SQLAlchemy URL")
_SERVER_DEFAULTS = {1: ("postgresql+psycopg", 5432, "postgres"), 2: ("mysql+pymysql", 3306, "root")}


class ConnectionDialog(QDialog):
    """Where to connect. With ``check`` (run on ``jobs``, off the GUI thread), Connect tries the
    connection first and stays open with the reason when it fails, so nothing typed is lost.
    ``current`` (the open database) fills the fields, its password left out."""

    def __init__(self, recent: list[str], parent: QWidget | None = None, current: URL | None = None,
                 check: Callable[[URL], str | None] | None = None, jobs: JobRunner | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to a database")
        self.setObjectName("connectionDialog")
        self._url: URL | None = None
        self._check, self._jobs = check, jobs
        self.checking: Job[str | None] | None = None

        self.recent = QComboBox(self)
        self.recent.addItem("— recent connections —")
        self.recent.addItems(recent)
        self.recent.setEnabled(bool(recent))
        self.recent.activated.connect(self._use_recent)

        self.kind = QComboBox(self)
        self.kind.addItems(KINDS)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._sqlite_page())
        self.pages.addWidget(self._server_page())
        self.pages.addWidget(self._url_page())
        self.kind.currentIndexChanged.connect(self._kind_changed)

        self.message = QLabel(self)
        self.message.setObjectName("connectionMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {colours.error_text()}")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Recent", self.recent)
        form.addRow("Database", self.kind)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.pages)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(520, 0)
        if current is not None:
            self._show_current(current)

    def _show_current(self, url: URL) -> None:
        backend = url.get_backend_name()
        if backend == "sqlite" and url.database:
            self.kind.setCurrentIndex(0)
            self.sqlite_path.setText(url.database)
        elif backend in ("postgresql", "mysql", "mariadb") and url.host and url.database:
            self.kind.setCurrentIndex(1 if backend == "postgresql" else 2)
            self.host.setText(url.host)
            self.port.setValue(url.port or _SERVER_DEFAULTS[self.kind.currentIndex()][1])
            self.user.setText(url.username or "")
            self.database.setText(url.database)
        else:
            from gui_app.core.urls import url_without_password

            self.kind.setCurrentIndex(3)
            self.url_edit.setText(url_without_password(url))

    def _sqlite_page(self) -> QWidget:
        page = QWidget(self)
        self.sqlite_path = QLineEdit(page)
        self.sqlite_path.setPlaceholderText("path to a .sqlite / .db file")
        browse = QPushButton("Browse…", page)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.sqlite_path, 1)
        row.addWidget(browse)
        form = QFormLayout(page)
        form.addRow("File", row)
        return page

    def _server_page(self) -> QWidget:
        page = QWidget(self)
        self.host = QLineEdit("127.0.0.1", page)
        self.port = QSpinBox(page)
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.user = QLineEdit("postgres", page)
        self.password = QLineEdit(page)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("not remembered")
        self.database = QLineEdit(page)
        form = QFormLayout(page)
        form.addRow("Host", self.host)
        form.addRow("Port", self.port)
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        form.addRow("Database", self.database)
        from gui_app.core.credentials import available

        self.remember_password = QCheckBox("Remember the password in the system keyring", page)
        self.remember_password.setEnabled(available())
        if not available():
            self.remember_password.setToolTip("No system keyring is available; the password is asked each time.")
        form.addRow("", self.remember_password)
        return page

    def _url_page(self) -> QWidget:
        page = QWidget(self)
        self.url_edit = QLineEdit(page)
        self.url_edit.setPlaceholderText("dialect+driver://user@host:port/database")
        form = QFormLayout(page)
        form.addRow("URL", self.url_edit)
        return page

    def _kind_changed(self, kind: int) -> None:
        self.pages.setCurrentIndex({0: 0, 3: 2}.get(kind, 1))
        if kind in _SERVER_DEFAULTS:
            _, port, user = _SERVER_DEFAULTS[kind]
            self.port.setValue(port)
            self.user.setText(user)
        self.message.clear()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open SQLite database", "",
                                              "SQLite databases (*.sqlite *.sqlite3 *.db);;All files (*)")
        if path:
            self.sqlite_path.setText(path)

    def _use_recent(self, row: int) -> None:
        if row > 0:
            self.kind.setCurrentIndex(3)
            self.url_edit.setText(self.recent.itemText(row))

    def url(self) -> URL | None:
        return self._url

    def build_url(self) -> URL:
        """The URL the fields describe; raises ``ValueError`` with a message for the user."""
        from sqlalchemy import exc
        from sqlalchemy.engine import URL

        from gui_app.core.urls import parse_url

        kind = self.kind.currentIndex()
        if kind == 0:
            path = self.sqlite_path.text().strip()
            if not path:
                raise ValueError("Choose a SQLite database file.")
            return URL.create("sqlite", database=path)
        if kind in _SERVER_DEFAULTS:
            if not self.host.text().strip():
                raise ValueError("Enter the server's host name.")
            if not self.database.text().strip():
                raise ValueError("Enter the name of the database.")
            return URL.create(
                _SERVER_DEFAULTS[kind][0],
                username=self.user.text().strip() or None,
                password=self.password.text() or None,
                host=self.host.text().strip(),
                port=self.port.value(),
                database=self.database.text().strip(),
            )
        text = self.url_edit.text().strip()
        if not text:
            raise ValueError("Enter a SQLAlchemy URL, such as postgresql://user@host/db.")
        try:
            return parse_url(text)
        except exc.ArgumentError as error:
            expected = "dialect+driver://user@host:port/database"
            raise ValueError(f"This is not a database URL that can be used ({error}); expected {expected}.") from None

    def accept(self) -> None:
        if self.checking is not None:
            return
        try:
            url = self.build_url()
        except ValueError as error:
            self.message.setText(str(error))
            return
        if self._check is None or self._jobs is None:
            self._url = url
            super().accept()
            return
        from gui_app.core.progress import CancelToken, ProgressFn
        from gui_app.ui.workers import Job

        check = self._check

        def run(_progress: ProgressFn, _cancel: CancelToken) -> str | None:
            return check(url)

        job: Job[str | None] = Job(run, str)
        job.signals.succeeded.connect(lambda problem: self._checked(url, problem))
        job.signals.failed.connect(lambda reason: self._checked(url, reason))
        self.checking = job
        self.message.setStyleSheet("color: palette(text)")
        self.message.setText("Connecting…")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self._jobs.start(job)

    def _checked(self, url: URL, problem: str | None) -> None:
        self.checking = None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        self.message.setStyleSheet(f"color: {colours.error_text()}")
        if problem:
            self.message.setText(f"Could not connect: {problem}")
            return
        self.message.clear()
        self._url = url
        super().accept()

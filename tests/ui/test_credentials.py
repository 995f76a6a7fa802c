"""Passwords go to the system keyring when asked, never to settings; otherwise they are asked for."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui_app.ui.main_window import MainWindow
from gui_app.ui.widgets.connection_dialog import ConnectionDialog
from tests.conftest import ServerDatabases


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def _connect_with_password(qtbot: QtBot, window: MainWindow, databases: ServerDatabases, name: str,
                           remember: bool, keyring_available: bool | None = None) -> None:
    seen: dict[str, bool] = {}

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ConnectionDialog)
        dialog.kind.setCurrentIndex(1)
        dialog.host.setText("127.0.0.1")
        dialog.database.setText(name)
        dialog.password.setText("s3cret-pass")
        seen["offered"] = dialog.remember_password.isEnabled()
        dialog.remember_password.setChecked(remember)
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    QTimer.singleShot(0, fill)
    window.connect_action.trigger()
    qtbot.waitUntil(lambda: window.context.database is not None and not window.context.loading, timeout=15_000)
    assert seen["offered"] == (remember if keyring_available is None else keyring_available)


def test_password_goes_to_the_keyring_and_comes_back(qtbot: QtBot, window: MainWindow, settings: QSettings,
                                                     pg_databases: ServerDatabases, memory_keyring: MemoryKeyring,
                                                     tmp_path: Path) -> None:
    name = pg_databases.create()
    _connect_with_password(qtbot, window, pg_databases, name, remember=True)
    recent = window.context.recent_urls()[0]
    assert "s3cret-pass" not in recent and memory_keyring.passwords == {("alembic-studio", recent): "s3cret-pass"}
    settings.sync()
    assert "s3cret-pass" not in Path(settings.fileName()).read_text()
    window.context.database = None
    asked: list[Any] = []
    window.connecting.ask_password = lambda url: asked.append(url)  # type: ignore[method-assign]
    window.connecting.open_url_text(recent)
    qtbot.waitUntil(lambda: window.context.database is not None, timeout=15_000)
    assert asked == [] and window.context.database.url.password == "s3cret-pass"  # type: ignore[union-attr]


@pytest.fixture
def no_keyring() -> Iterator[None]:
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_without_a_keyring_the_password_is_asked_each_time(qtbot: QtBot, window: MainWindow,
                                                           pg_databases: ServerDatabases, no_keyring: None) -> None:
    name = pg_databases.create()
    _connect_with_password(qtbot, window, pg_databases, name, remember=False)
    recent = window.context.recent_urls()[0]
    window.context.database = None
    window.connecting.ask_password = lambda url: "typed-again"  # type: ignore[method-assign]
    window.connecting.open_url_text(recent)
    qtbot.waitUntil(lambda: window.context.database is not None, timeout=15_000)
    assert window.context.database.url.password == "typed-again"  # type: ignore[union-attr]
    window.connecting.ask_password = lambda url: None  # type: ignore[method-assign]
    window.context.database = None
    window.connecting.open_url_text(recent)  # cancelled: nothing is opened
    qtbot.wait(100)
    assert window.context.database is None and not window.context.loading


def test_a_password_not_to_be_remembered_is_forgotten(qtbot: QtBot, window: MainWindow,
                                                      pg_databases: ServerDatabases,
                                                      memory_keyring: MemoryKeyring) -> None:
    name = pg_databases.create()
    _connect_with_password(qtbot, window, pg_databases, name, remember=True)
    assert memory_keyring.passwords
    _connect_with_password(qtbot, window, pg_databases, name, remember=False, keyring_available=True)
    assert memory_keyring.passwords == {}

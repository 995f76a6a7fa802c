"""Passwords in the system keyring, never in settings, logs or scripts.

Connections are remembered without their password; when the user asks, the password
goes to the keyring under the password-less URL. Without a usable keyring (no backend,
or a locked one that refuses), nothing is stored and the app asks each time.
"""

from __future__ import annotations

from sqlalchemy.engine import URL

from gui_app.core.urls import url_without_password

SERVICE = "alembic-studio"


def available() -> bool:
    try:
        import keyring

        return bool(keyring.get_keyring().priority > 0)
    except Exception:  # no keyring package, or a backend that fails on inspection
        return False


def store(url: URL) -> bool:
    """Keep ``url``'s password; True when the keyring took it."""
    if not url.password or not available():
        return False
    try:
        import keyring

        keyring.set_password(SERVICE, url_without_password(url), str(url.password))
    except Exception:  # a locked or refusing keyring: the password is simply not kept
        return False
    return True


def lookup(url: URL) -> str | None:
    if not available():
        return None
    try:
        import keyring

        return keyring.get_password(SERVICE, url_without_password(url))
    except Exception:
        return None


def forget(url: URL) -> None:
    if not available():
        return
    try:
        import keyring

        keyring.delete_password(SERVICE, url_without_password(url))
    except Exception:  # nothing stored, or the keyring refuses: nothing to undo
        pass

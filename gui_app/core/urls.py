"""Database URLs: default drivers, and forms safe to show or remember."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url

# The drivers this app installs; a bare dialect name would pick one that is not there.
_DEFAULT_DRIVERS = {"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql", "mariadb": "mariadb+pymysql"}


def parse_url(text: str | URL) -> URL:
    """Parse a SQLAlchemy URL, choosing this app's driver where none is named.

    Raises ``sqlalchemy.exc.ArgumentError`` for text that is not a URL.
    """
    url = make_url(text)
    driver = _DEFAULT_DRIVERS.get(url.drivername)
    return url.set(drivername=driver) if driver else url


def display_url(url: URL) -> str:
    """The URL with any password masked, for titles, messages and logs."""
    return url.render_as_string(hide_password=True)


def url_without_password(url: URL) -> str:
    """The URL as it may be remembered in settings: the password removed, not masked.

    (``URL.set(password=None)`` would leave it in place: there, None means "unchanged".)"""
    return url._replace(password=None).render_as_string(hide_password=False)

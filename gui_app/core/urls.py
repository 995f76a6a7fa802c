"""Database URLs: default drivers, and forms safe to show or remember."""

from __future__ import annotations

import re

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from gui_app.core.dialects import is_mysql

# The drivers this app installs; a bare dialect name would pick one that is not there.
_DEFAULT_DRIVERS = {"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql", "mariadb": "mariadb+pymysql"}


def parse_url(text: str | URL) -> URL:
    """Parse a SQLAlchemy URL, choosing this app's driver where none is named.

    Raises ``sqlalchemy.exc.ArgumentError``, with a sentence saying what is wrong, for text that
    is not a URL or that the driver would refuse or misread (an unknown option, a port that is
    not a number, a character set MySQL does not have).
    """
    try:
        url = make_url(text)
    except ValueError as error:  # SQLAlchemy parses the port with int() and lets its error through
        raise ArgumentError(_port_problem(str(text)) or f"not a database URL ({error})") from None
    driver = _DEFAULT_DRIVERS.get(url.drivername)
    url = url.set(drivername=driver) if driver else url
    problem = _mysql_problem(url)
    if problem:
        raise ArgumentError(problem)
    return url


def _port_problem(text: str) -> str | None:
    match = re.search(r"@[^/?#]*?:([^/?#]*)", text) or re.search(r"://[^@/?#]*?:([^/?#]*)", text)
    if match and not match.group(1).isdigit():
        return f"the port {match.group(1)!r} is not a number"
    return None


def _mysql_problem(url: URL) -> str | None:
    """PyMySQL takes every URL option as a keyword argument and fails with a TypeError on one it
    does not know, and on an unknown character set with an AttributeError: say which instead."""
    if not is_mysql(url.get_backend_name()) or url.get_driver_name() != "pymysql":
        return None
    import inspect

    import pymysql.charset  # type: ignore[import-untyped]
    import pymysql.connections  # type: ignore[import-untyped]

    try:
        _args, options = url.get_dialect()().create_connect_args(url)
    except (TypeError, ValueError) as error:
        return f"an option in this URL has a wrong value ({error})"
    known = set(inspect.signature(pymysql.connections.Connection.__init__).parameters) - {"self"}
    unknown = sorted(set(options) - known)
    if unknown:
        return f"PyMySQL has no connection option {', '.join(map(repr, unknown))}"
    charset = options.get("charset")
    if charset:
        try:
            pymysql.charset.charset_by_name(charset)
        except KeyError:
            return f"MySQL has no character set {charset!r}"
        if pymysql.charset.charset_by_name(charset) is None:
            return f"MySQL has no character set {charset!r}"
    return None


def display_url(url: URL) -> str:
    """The URL with any password masked, for titles, messages and logs."""
    return url.render_as_string(hide_password=True)


def url_without_password(url: URL) -> str:
    """The URL as it may be remembered in settings: the password removed, not masked.

    (``URL.set(password=None)`` would leave it in place: there, None means "unchanged".)"""
    return url._replace(password=None).render_as_string(hide_password=False)

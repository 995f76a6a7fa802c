"""Turn database exceptions into one line a person can act on."""

from __future__ import annotations

from sqlalchemy import exc


def describe_error(error: BaseException) -> str:
    """One line: the driver's own first line of text where there is one, never a traceback."""
    if isinstance(error, exc.DBAPIError) and error.orig is not None:
        text = str(error.orig)
    elif isinstance(error, exc.NoSuchModuleError):
        text = f"no database driver installed for this URL ({error})"
    else:
        text = str(error) or type(error).__name__
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__

"""Keep PySide6 from holding the source of every module the app imports.

PySide6 asks of each module imported after it whether its source says "PySide6" (to know which
modules its ``__feature__`` switches apply to), and reads that source with
``inspect.getsource``, which leaves every line of it in ``linecache``: with MusicBrainz shown,
414 files and 188,000 lines, 16 MiB resident for nothing. The same question is answered here by
reading the file's bytes; modules without a source file still go through PySide6's own check.
"""

from __future__ import annotations

import linecache
import sys
from collections.abc import Callable
from types import ModuleType

FEATURE_MODULE = "shibokensupport.feature"
CHECK = "_mod_uses_pyside"


def read_without_caching() -> None:
    """Put the byte-reading check in PySide6's place (once); a PySide6 without such a check is
    left alone."""
    import PySide6  # noqa: F401 - loads the feature module this replaces a function of

    feature = sys.modules.get(FEATURE_MODULE)
    original: Callable[[ModuleType], bool] | None = getattr(feature, CHECK, None)
    if feature is None or original is None or getattr(original, "reads_bytes", False):
        return

    def says_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return original(module)

    says_pyside.reads_bytes = True  # type: ignore[attr-defined]
    setattr(feature, CHECK, says_pyside)
    linecache.clearcache()  # what PySide6 read of the modules imported before it

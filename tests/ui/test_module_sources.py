"""PySide6 reads the source of every module imported after it; the app answers its question
without leaving the lines in ``linecache`` (16 MiB with MusicBrainz shown)."""

import subprocess
import sys

CODE = r"""
import linecache, sys
import gui_app.ui
from sqlalchemy.sql import compiler
from gui_app.ui import glyph_icons
feature = sys.modules["shibokensupport.feature"]
names = ("sqlalchemy.sql.compiler", "gui_app.ui.glyph_icons")
verdicts = {name: feature._mod_uses_pyside(sys.modules[name]) for name in names}
held = [name for name in linecache.cache if name.endswith(".py")]
print(verdicts, held)
"""


def test_pyside_keeps_no_module_source_and_gives_the_same_verdicts() -> None:
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "{'sqlalchemy.sql.compiler': False, 'gui_app.ui.glyph_icons': True} []"


def test_without_the_app_pyside_would_keep_them() -> None:
    """What the test above guards against, seen with PySide6 alone (if a later PySide6 stops
    caching sources, this fails and the module can go)."""
    code = "import linecache, PySide6, sqlalchemy.sql.compiler\nprint(sum(n.endswith('.py') for n in linecache.cache))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert int(result.stdout) > 50

"""The core never loads Qt: importing it in a fresh interpreter loads no PySide6 module."""

import subprocess
import sys


def test_core_imports_no_qt() -> None:
    code = (
        "import sys, pkgutil, importlib, gui_app.core as core\n"
        "for m in pkgutil.iter_modules(core.__path__): importlib.import_module('gui_app.core.' + m.name)\n"
        "import gui_app.cli\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'gui_app.ui')))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

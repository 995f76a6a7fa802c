"""The window paints before SQLAlchemy and Alembic are imported (they cost ~0.4 s)."""

import os
import subprocess
import sys
from pathlib import Path


def test_main_window_is_built_without_sqlalchemy_or_alembic(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from gui_app.ui.application import create_window\n"
        "window = create_window()\n"
        "window.show()\n"
        "app.processEvents()\n"
        "loaded = sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules)\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}  # its settings file is not the user's
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr

"""The PyInstaller one-folder application builds, runs its headless commands and starts the GUI."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("pyinstaller") is None and subprocess.run(
            [sys.executable, "-m", "PyInstaller", "--version"], capture_output=True).returncode != 0:
        pytest.fail("PyInstaller is part of the test dependencies and is missing")
    work = tmp_path_factory.mktemp("bundle")
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", str(work / "dist"),
         "--workpath", str(work / "build"), str(REPO / "packaging" / "alembic-studio.spec")],
        capture_output=True, text=True, timeout=900, cwd=work)
    assert result.returncode == 0, result.stderr[-3000:]
    executable = work / "dist" / "alembic-studio" / "alembic-studio"
    assert executable.is_file()
    return executable


def test_headless_commands_run_from_the_bundle(bundle: Path, tmp_path: Path) -> None:
    version = subprocess.run([str(bundle), "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("alembic-studio ")
    database = tmp_path / "shop.sqlite"
    import sqlite3

    conn = sqlite3.connect(database)
    conn.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL)")
    conn.commit()
    conn.close()
    inspected = subprocess.run([str(bundle), "inspect", f"sqlite:///{database}"], capture_output=True, text=True,
                               timeout=60)
    assert inspected.returncode == 0, inspected.stderr
    assert "name VARCHAR(40) NOT NULL" in inspected.stdout


def test_the_bundled_gui_starts_on_the_demo_database(bundle: Path, tmp_path: Path) -> None:
    """It starts, reads the demo database and draws its icons (from qtawesome's font, which the
    bundle carries as data: an icon it could not draw would print a traceback)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    app = subprocess.Popen([str(bundle)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        demo = tmp_path / "data" / "AlembicStudio" / "Alembic Studio" / "demo.sqlite"
        while not demo.exists() and time.monotonic() < deadline and app.poll() is None:
            time.sleep(0.2)
        time.sleep(2)  # time to read it and draw the icons; a crash would end the process
        running = app.poll() is None
    finally:
        app.send_signal(signal.SIGTERM)
        try:
            _out, err = app.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            app.kill()
            _out, err = app.communicate()
    assert demo.exists() and running, err.decode()
    assert b"Traceback" not in err, err.decode()

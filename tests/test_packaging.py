"""An installed, non-editable copy finds its resources without the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_wheel_carries_resources_and_the_installed_copy_creates_the_demo(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(REPO)],
                   check=True, capture_output=True, timeout=600)
    (wheel,) = wheels.glob("alembic_studio-*.whl")
    assert "gui_app/resources/demo_schema.sql" in zipfile.ZipFile(wheel).namelist()

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=600)
    code = (
        "import sys, pathlib; sys.path.insert(0, sys.argv[1]);"
        "import gui_app.core.demo as demo;"
        "assert demo.__file__.startswith(sys.argv[1]), demo.__file__;"
        "print(demo.ensure_demo_database(pathlib.Path(sys.argv[2])))"
    )
    # -I: no current folder, no user site, no PYTHONPATH: only the installed copy (and its dependencies).
    env_site = subprocess.run([sys.executable, "-c", "import sqlalchemy, os; print(os.path.dirname(os.path.dirname("
                               "sqlalchemy.__file__)))"], capture_output=True, text=True, check=True).stdout.strip()
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.append({env_site!r}); " + code,
         str(target), str(tmp_path / "data")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_file()


def test_the_readme_screenshot_script_makes_a_picture(tmp_path: Path) -> None:
    target = tmp_path / "shot.png"
    result = subprocess.run([sys.executable, str(REPO / "packaging" / "screenshot.py"), str(target)],
                            capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr[-2000:]
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 20_000


def test_desktop_entry_and_appstream_metadata_validate() -> None:
    import shutil

    missing = [tool for tool in ("desktop-file-validate", "appstreamcli") if shutil.which(tool) is None]
    if missing:
        reason = f"{', '.join(missing)} not installed (Debian: desktop-file-utils, appstream)"
        if os.environ.get("CI"):  # .ci/run installs them: there the check must run
            pytest.fail(reason)
        pytest.skip(reason)
    desktop = subprocess.run(["desktop-file-validate", str(REPO / "packaging" / "alembic-studio.desktop")],
                             capture_output=True, text=True)
    assert desktop.returncode == 0, desktop.stdout + desktop.stderr
    metainfo = REPO / "packaging" / "io.github.alembic_studio.AlembicStudio.metainfo.xml"
    appstream = subprocess.run(["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True,
                               text=True)
    assert appstream.returncode == 0, appstream.stdout + appstream.stderr


def test_icons_at_the_usual_sizes_match_the_source(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "packaging" / "icons.py"), str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for size in (16, 32, 48, 64, 128, 256):
        made = tmp_path / "hicolor" / f"{size}x{size}" / "apps" / "alembic-studio.png"
        shipped = REPO / "packaging" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "alembic-studio.png"
        assert made.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shipped.is_file()

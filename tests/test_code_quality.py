"""ruff and mypy (strict) are part of the suite, so style and typing never drift."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("command", [
    [sys.executable, "-m", "ruff", "check", "gui_app", "tests"],
    [sys.executable, "-m", "mypy", "gui_app"],
])
def test_tool_is_clean(command: list[str]) -> None:
    if subprocess.run([*command[:3], "--version"], capture_output=True).returncode:
        pytest.skip(f"{command[2]} is not installed")
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]

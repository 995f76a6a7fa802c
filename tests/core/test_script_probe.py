"""A script is read first in a child process: whatever it does there is reported, never suffered."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gui_app.core.progress import Cancelled
from gui_app.core.script_probe import probe
from gui_app.core.script_reader import ScriptError
from tests.test_cli import run_cli

HEAD = "from alembic import op\nimport sqlalchemy as sa\nrevision = 'x'\ndown_revision = None\n\n"


def _script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "x_step.py"
    path.write_text(HEAD + body)
    return path


def test_a_clean_script_is_summarised(tmp_path: Path) -> None:
    path = _script(tmp_path, "print('{\"ok\": false}')\n\ndef upgrade():\n    op.drop_table('t')\n\n"
                             "def downgrade():\n    pass\n")
    assert probe(path) == "1 upgrade and 0 downgrade operation(s)"  # what it prints is not the report


@pytest.mark.parametrize(("body", "said"), [
    ("import sys\nsys.exit(3)\n", "x_step.py calls sys.exit(3) when it is read"),
    ("def upgrade():\n    raise SystemExit\n", "x_step.py upgrade() calls sys.exit(None)"),
    ("import os\nos._exit(7)\n", "x_step.py ended the process reading it (exit code 7)"),
    ("print('about to crash')\nimport os\nos.abort()\n", "crashed the process reading it (signal 6); "
                                                         "it printed: about to crash"),
    ("raise RuntimeError('no config here')\n", "x_step.py cannot be read: RuntimeError: no config here"),
])
def test_what_goes_wrong_while_reading_is_reported(tmp_path: Path, body: str, said: str) -> None:
    with pytest.raises(ScriptError) as failed:
        probe(_script(tmp_path, body))
    assert said in str(failed.value)


def test_a_script_that_hangs_is_ended_at_the_timeout_or_when_cancelled(tmp_path: Path) -> None:
    path = _script(tmp_path, "import time\ntime.sleep(60)\n")
    start = time.monotonic()
    with pytest.raises(ScriptError, match="still running after 1 s"):
        probe(path, timeout=1.0)
    assert time.monotonic() - start < 8
    start = time.monotonic()
    with pytest.raises(Cancelled):
        probe(path, cancelled=lambda: time.monotonic() - start > 0.5)
    assert time.monotonic() - start < 8


def test_the_command_line_fails_on_a_script_that_exits(tmp_path: Path) -> None:
    path = _script(tmp_path, "def upgrade():\n    import sys\n    sys.exit(0)\n")
    result = run_cli("sql", str(path), "--dialect", "sqlite")
    assert result.returncode == 1
    assert result.stderr.strip() == "alembic-studio sql: x_step.py upgrade() calls sys.exit(0)"

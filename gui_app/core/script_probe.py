"""A migration script is read first in a child process: its Python code runs there, bounded.

Alembic scripts are Python, and reading one runs it: its top level and its ``upgrade()`` and
``downgrade()`` (recorded, not applied). In the app's own process a script that calls
``sys.exit`` would close the app, one that sleeps or waits would freeze it, one that crashes
the interpreter would take the user's pending list with it. The child reads the script the way
the app does and says how that went; only a script that reads cleanly there, within the time
limit, is then read by the app itself (off the GUI thread).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from gui_app.core.progress import Cancelled
from gui_app.core.script_reader import ScriptError

COMMAND = "_probe-script"
"""The hidden command of ``alembic-studio`` that reads a script and reports (the child's side)."""
TIMEOUT = 30.0


def probe(path: Path, timeout: float | None = None, cancelled: Callable[[], bool] | None = None) -> str:
    """Read ``path`` in a child process; raises :class:`ScriptError` saying what went wrong
    (an exception, ``sys.exit``, a crash, a hang past ``timeout``), with what it printed, or
    :class:`Cancelled` when ``cancelled()`` turns true meanwhile (the child is then ended).
    Returns a one-line summary of what was recorded."""
    if getattr(sys, "frozen", False):  # the bundled app: its executable takes the command itself
        command = [sys.executable, COMMAND, str(path)]
    else:
        command = [sys.executable, "-m", "gui_app", COMMAND, str(path)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                             text=True, cwd=path.parent)
    timeout = TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while True:
        try:
            stdout, stderr = child.communicate(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            if cancelled is not None and cancelled():
                _end(child)
                raise Cancelled() from None
            if time.monotonic() > deadline:
                stdout, stderr = _end(child)
                raise ScriptError(f"{path.name} was still running after {timeout:g} s while being read (it may "
                                  f"wait for something){_printed(stdout, stderr)}; nothing was loaded") from None
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    report = json.loads(lines[-1]) if lines else {}
    if child.returncode == 0 and report.get("ok"):
        return str(report.get("summary", ""))
    if report.get("error"):
        raise ScriptError(str(report["error"]))
    if child.returncode < 0:
        raise ScriptError(f"{path.name} crashed the process reading it (signal {-child.returncode})"
                          f"{_printed(stdout, stderr)}")
    raise ScriptError(f"{path.name} ended the process reading it (exit code {child.returncode})"
                      f"{_printed(stdout, stderr)}")


def _end(child: subprocess.Popen[str]) -> tuple[str, str]:
    child.kill()
    stdout, stderr = child.communicate(timeout=10)
    return stdout or "", stderr or ""


def _printed(stdout: str | bytes | None, stderr: str | bytes | None) -> str:
    text = "\n".join(str(part.decode(errors="replace") if isinstance(part, bytes) else part)
                     for part in (stdout, stderr) if part)
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("{")]
    return f"; it printed: {' / '.join(lines[-3:])[:300]}" if lines else ""


def run_child(path: str) -> int:
    """The child's side: read the script as the app does and print one JSON line about it."""
    from gui_app.core.script_reader import load_script

    report = sys.stdout
    sys.stdout = sys.stderr  # what the script prints is not taken for the report
    try:
        script = load_script(path)
    except ScriptError as error:
        print(json.dumps({"error": str(error)}), file=report)
        return 1
    except BaseException as error:  # whatever it is, the parent is told
        print(json.dumps({"error": f"{Path(path).name} cannot be read: {type(error).__name__}: {error}"}), file=report)
        return 1
    finally:
        sys.stdout = report
    summary = f"{len(script.upgrade)} upgrade and {len(script.downgrade)} downgrade operation(s)"
    print(json.dumps({"ok": True, "summary": summary}), file=report)
    return 0

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


def _core_imports() -> dict[str, set[str]]:
    """Which ``gui_app.core`` modules each one imports, at the top or inside a function alike
    (an import deferred into a function is still a dependency)."""
    import ast

    core = REPO / "gui_app" / "core"
    modules = {path.stem for path in core.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in core.glob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "gui_app.core":
                found.update(alias.name for alias in node.names if alias.name in modules)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gui_app.core."):
                found.add((node.module or "").split(".")[2])
            elif isinstance(node, ast.Import):
                found.update(a.name.split(".")[2] for a in node.names if a.name.startswith("gui_app.core."))
        graph[path.stem] = found - {path.stem}
    return graph


def test_core_has_no_import_cycle() -> None:
    graph = _core_imports()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            raise AssertionError("import cycle in gui_app.core: " + " → ".join([*path[path.index(module):], module]))
        if module in done:
            return
        for imported in sorted(graph.get(module, ())):
            visit(imported, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert "apply" in graph and graph["apply_mysql"], "the graph was read"


def test_ui_modules_reach_each_other_only_through_public_names() -> None:
    """A controller is handed what it uses (``MigrationFiles`` gets the apply flow); none imports
    another's private names or looks up a window attribute by a string no reader can follow."""
    import ast

    found = []
    for path in sorted((REPO / "gui_app" / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gui_app."):
                found += [f"{path.name}: imports {alias.name}" for alias in node.names if alias.name.startswith("_")]
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in ("getattr", "hasattr") and len(node.args) > 1 \
                    and isinstance(node.args[1], ast.Constant) and "window" in ast.unparse(node.args[0]):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    assert found == []

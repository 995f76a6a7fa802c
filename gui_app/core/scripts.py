"""Read an Alembic migration script back into operations, without touching any database.

The script's ``upgrade()`` and ``downgrade()`` run against a recording
``Operations`` whose ``invoke`` keeps each operation instead of executing it.
``alembic.op`` is bound per class, so the recorder reuses the binding of
``Operations``; ``batch_alter_table`` gets its own recording context that
collects a ``ModifyTableOps``.
"""

from __future__ import annotations

import importlib.util
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from alembic.operations import BatchOperations, Operations, ops
from alembic.runtime.migration import MigrationContext
from alembic.util.langhelpers import ModuleClsProxy


class ScriptError(ValueError):
    """The script cannot be read into operations; the message says where and why."""


class _BatchRecorder(BatchOperations):
    def __init__(self, context: MigrationContext, table_name: str, schema: str | None) -> None:
        super().__init__(context, impl=SimpleNamespace(table_name=table_name, schema=schema))  # type: ignore[arg-type]
        self.container = ops.ModifyTableOps(table_name, [], schema=schema)

    def invoke(self, operation: Any) -> None:  # type: ignore[override]
        self.container.ops.append(operation)


class RecordingOperations(Operations):
    """An ``Operations`` that records what a migration would do."""

    def __init__(self, dialect: str = "postgresql") -> None:
        super().__init__(MigrationContext.configure(dialect_name=dialect, opts={"as_sql": True}))
        self.recorded: list[ops.MigrateOperation] = []

    def invoke(self, operation: Any) -> None:  # type: ignore[override]
        self.recorded.append(operation)

    @contextmanager
    def batch_alter_table(  # type: ignore[override]
        self, table_name: str, schema: str | None = None, **_kw: Any
    ) -> Iterator[Any]:
        recorder = _BatchRecorder(self.migration_context, table_name, schema)
        yield recorder
        self.recorded.extend(recorder.container.ops)

    def get_bind(self) -> Any:
        raise ScriptError("the script asks for a live connection (op.get_bind()), which cannot be recorded")


# ``alembic.op`` proxies the methods of whichever Operations installs itself; the table of
# proxied names is kept per class, so the recorder shares the one of Operations.
ModuleClsProxy._setups[RecordingOperations] = ModuleClsProxy._setups[Operations]


@dataclass
class LoadedScript:
    path: Path
    revision: str | None
    down_revision: str | tuple[str, ...] | None
    message: str
    upgrade: list[ops.MigrateOperation] = field(default_factory=list)
    downgrade: list[ops.MigrateOperation] = field(default_factory=list)


def _record(function: Callable[[], Any], name: str, path: Path) -> list[ops.MigrateOperation]:
    recorder = RecordingOperations()
    recorder._install_proxy()
    try:
        function()
    except ScriptError as error:
        raise ScriptError(f"{path.name}: {name}() {error}") from None
    except Exception as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)]
        where = f" (line {frames[-1].lineno})" if frames else ""
        raise ScriptError(f"{path.name}: {name}(){where} cannot be recorded: {type(error).__name__}: {error}") \
            from None
    finally:
        recorder._remove_proxy()
    return recorder.recorded


def load_script(path: str | Path) -> LoadedScript:
    path = Path(path)
    if not path.is_file():
        raise ScriptError(f"no migration script at {path}")
    spec = importlib.util.spec_from_file_location(f"_alembic_studio_script_{uuid.uuid4().hex}", path)
    if spec is None or spec.loader is None:
        raise ScriptError(f"{path} is not a Python file")
    module = importlib.util.module_from_spec(spec)
    recorder = RecordingOperations()
    recorder._install_proxy()  # module-level code may touch op (rare, but allowed)
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise ScriptError(f"{path.name} cannot be read: {type(error).__name__}: {error}") from None
    finally:
        recorder._remove_proxy()
    upgrade, downgrade = getattr(module, "upgrade", None), getattr(module, "downgrade", None)
    if not callable(upgrade):
        raise ScriptError(f"{path.name} has no upgrade() function; is it an Alembic migration script?")
    return LoadedScript(
        path=path,
        revision=getattr(module, "revision", None),
        down_revision=getattr(module, "down_revision", None),
        message=(module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else "",
        upgrade=_record(upgrade, "upgrade", path),
        downgrade=_record(downgrade, "downgrade", path) if callable(downgrade) else [],
    )

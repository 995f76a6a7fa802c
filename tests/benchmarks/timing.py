"""Best-of-N wall-clock timing for benchmarks."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


_BYTECODE = tempfile.mkdtemp(prefix="bench-bytecode-")


def installed_env(**extra: str) -> dict[str, str]:
    """The environment for a process that runs the app as installed: with its bytecode.

    pip compiles a package's modules when it installs it and the bundle ships them compiled; a
    checkout run with ``PYTHONDONTWRITEBYTECODE`` compiles every module of its own at every start
    (~60 ms of the window's start-up here). The bytecode goes to a folder of this run's own, and
    the first of the best-of runs writes it."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": _BYTECODE, **extra}


def best_process(command: Sequence[str], repeat: int = 3, env: dict[str, str] | None = None) -> float:
    """The best of ``repeat`` runs after one that is not counted (it writes the bytecode)."""
    env = env or installed_env()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return best_of(lambda: subprocess.run(command, check=True, capture_output=True, env=env), repeat)


def report(label: str, seconds: float, reference: float | None = None, ref_label: str = "", goal: str = "") -> None:
    line = f"{label:<58} {seconds * 1000:9.1f} ms"
    if reference:
        line += f"   {seconds / reference:5.2f}x {ref_label}"
    if goal:
        line += f"   (goal {goal})"
    print(line, flush=True)


ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def admin(sql: str) -> None:
    """Run one statement on the PostgreSQL server outside a transaction (CREATE/DROP DATABASE)."""
    import sqlalchemy as sa

    engine = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(sql)
    engine.dispose()


@contextmanager
def corpus_database(dataset: str, corpus: Path) -> Iterator[str | None]:
    """A fresh PostgreSQL database holding a corpus dataset (its name), dropped after; None when
    the corpus is not there."""
    import uuid

    if not (corpus / "load.sh").exists():
        print(f"{dataset}: skipped, corpus not found")
        yield None
        return
    database = f"as_bench_{uuid.uuid4().hex[:8]}"
    subprocess.run(["bash", str(corpus / "load.sh"), dataset, "postgresql", database], check=True,
                   capture_output=True)
    try:
        yield database
    finally:
        admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

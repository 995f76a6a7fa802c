"""MySQL/MariaDB: the dry run finds the cheapest ALGORITHM/LOCK the server accepts for each
statement, and the real apply sends each statement with it, so a live table that would need more
is refused at once instead of copied under a lock nobody expected."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core.apply import ApplyFailed, apply_plan
from gui_app.core.mysql_algorithms import Accepted, modes, with_mode
from gui_app.core.reflect import reflect
from tests.conftest import ServerDatabases

SETUP = ("CREATE TABLE album (id integer PRIMARY KEY, year integer, title varchar(60))",
         "CREATE TABLE track (id integer PRIMARY KEY, name varchar(40))",
         "INSERT INTO album VALUES (1, 1999, 'first'), (2, 2001, 'second')")


def test_modes_cheapest_first_and_the_clause_each_statement_takes() -> None:
    assert modes(mariadb=True)[:3] == ["INSTANT/NONE", "NOCOPY/NONE", "NOCOPY/SHARED"]
    assert modes(mariadb=True)[-1] == "COPY/EXCLUSIVE" and "NOCOPY/NONE" not in modes(mariadb=False)
    assert with_mode("ALTER TABLE album ADD COLUMN x INTEGER", "INSTANT/NONE") == \
        "ALTER TABLE album ADD COLUMN x INTEGER, ALGORITHM=INSTANT, LOCK=NONE"
    assert with_mode("CREATE UNIQUE INDEX ix ON album (title)", "NOCOPY/NONE") == \
        "CREATE UNIQUE INDEX ix ON album (title) ALGORITHM=NOCOPY LOCK=NONE"
    assert with_mode("DROP INDEX ix ON album", "NOCOPY/NONE") == \
        "ALTER TABLE album DROP INDEX ix, ALGORITHM=NOCOPY, LOCK=NONE"
    assert with_mode("CREATE TABLE t (id integer)", "COPY/NONE") is None
    assert with_mode("INSERT INTO album VALUES (3, 2002, 'x')", "COPY/NONE") is None


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def sent(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(" ".join(statement.split()))

    sa.event.listen(sa.engine.Engine, "after_cursor_execute", sent)
    try:
        yield seen
    finally:
        sa.event.remove(sa.engine.Engine, "after_cursor_execute", sent)


def _plan() -> list[ops.MigrateOperation]:
    return [ops.AddColumnOp("album", sa.Column("rating", sa.Integer)),
            ops.CreateIndexOp("ix_track_name", "track", ["name"]),
            ops.AlterColumnOp("track", "id", existing_type=sa.Integer(), modify_type=sa.BigInteger(),
                              existing_nullable=False)]


def test_the_apply_sends_each_statement_with_what_the_dry_run_accepted(mysql_databases: ServerDatabases) -> None:
    url = sa.engine.make_url(mysql_databases.create_with(*SETUP))
    base = reflect(url)
    if base.dialect != "mariadb":
        pytest.skip("the server is MySQL: the modes asserted are MariaDB's")
    plan = _plan()
    dry = apply_plan(url, plan, base, dry_run=True)
    assert dry.algorithms is not None
    assert dry.algorithms.by_step == {0: ["INSTANT/NONE"], 1: ["NOCOPY/NONE"], 2: ["COPY/SHARED"]}
    with _statements() as seen:
        report = apply_plan(url, plan, base, algorithms=dry.algorithms)
    assert report.mismatches == []
    assert "ALTER TABLE album ADD COLUMN rating INTEGER, ALGORITHM=INSTANT, LOCK=NONE" in seen
    assert "CREATE INDEX ix_track_name ON track (name) ALGORITHM=NOCOPY LOCK=NONE" in seen
    assert "ALTER TABLE track MODIFY id BIGINT NOT NULL, ALGORITHM=COPY, LOCK=SHARED" in seen, seen


def test_a_mode_cheaper_than_the_live_table_needs_is_refused_before_anything_changes(
        mysql_databases: ServerDatabases) -> None:
    url = sa.engine.make_url(mysql_databases.create_with(*SETUP))
    base = reflect(url)
    widen = ops.AlterColumnOp("album", "year", existing_type=sa.Integer(), modify_type=sa.BigInteger())
    with pytest.raises(ApplyFailed) as failed:
        apply_plan(url, [widen], base, algorithms=Accepted({0: ["INSTANT/NONE"]}))
    assert "the server refused ALGORITHM/LOCK INSTANT/NONE, which the dry run accepted" in str(failed.value)
    assert failed.value.applied == 0
    year = next(c for c in reflect(url).table("album").columns if c.name == "year")
    assert isinstance(year.sa_type, sa.Integer) and not isinstance(year.sa_type, sa.BigInteger)

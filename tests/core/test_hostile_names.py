"""Names holding the quote character of each database (a backtick on MySQL/MariaDB, a double
quote elsewhere) are created, reflected back exactly and verified without a false difference,
on the real servers. SQLAlchemy's MySQL reflection returned such names escaped (```` a``b ````)
and dropped a foreign key holding one; every apply then reported a difference."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from gui_app.core import apply, edits
from gui_app.core import schema as s
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
from tests.side_by_side import database_with

QUOTED = ["a`b", 'q"t', "it's", "two``ticks"]


@pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                                     pytest.param("mysql", marks=pytest.mark.mysql)])
@pytest.mark.parametrize("mark", QUOTED)
def test_names_with_quote_characters_round_trip(request: pytest.FixtureRequest, tmp_path: Path,
                                                dialect: str, mark: str) -> None:
    url = database_with(dialect, [], tmp_path, request)
    base = reflect(url)
    parent, child, key, ref = f"p{mark}", f"c{mark}", f"i{mark}d", f"p{mark}_id"
    plan = Plan(base, base.dialect)
    for op in edits.create_table(edits.TableSpec(parent, columns=[
            edits.ColumnSpec(key, sa.Integer(), primary_key=True, nullable=False)])):
        plan.append(op)
    for op in edits.create_table(edits.TableSpec(
            child,
            columns=[edits.ColumnSpec("id", sa.Integer(), primary_key=True, nullable=False),
                     edits.ColumnSpec(ref, sa.Integer())],
            foreign_keys=[s.ForeignKey(f"fk{mark}", (ref,), None, parent, (key,), on_delete="CASCADE")],
            unique_constraints=[s.UniqueConstraint(f"uq{mark}", (ref,))],
            indexes=[s.Index(f"ix{mark}", (ref, "id"))])):
        plan.append(op)
    report = apply.apply_plan(make_url(url), plan.operations, base)
    assert report.mismatches == []
    found = reflect(url)
    table = found.table(child)
    assert [c.name for c in table.columns] == ["id", ref]
    assert [(fk.name, fk.columns, fk.referred_table, fk.referred_columns, fk.on_delete)
            for fk in table.foreign_keys] == [
        (f"fk{mark}", (ref,), parent, (key,), "CASCADE")]
    assert f"ix{mark}" in {ix.name for ix in table.indexes}
    assert found.table(parent).primary_key.columns == (key,)  # type: ignore[union-attr]
    engine = sa.create_engine(url)
    if dialect == "sqlite":
        sa.event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA foreign_keys = ON"))
    with engine.begin() as conn:  # the key holds: a child row needs its parent
        q = conn.dialect.identifier_preparer.quote
        conn.execute(sa.text(f"INSERT INTO {q(parent)} ({q(key)}) VALUES (1)"))
        conn.execute(sa.text(f"INSERT INTO {q(child)} (id, {q(ref)}) VALUES (1, 1)"))
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.text(f"INSERT INTO {q(child)} (id, {q(ref)}) VALUES (2, 9)"))
    engine.dispose()


PERCENT_AND_COLON = ["v%1", "w%s :x", "%(n)s"]


@pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                                     pytest.param("mysql", marks=pytest.mark.mysql)])
def test_views_named_with_percent_signs_and_colons(request: pytest.FixtureRequest, tmp_path: Path,
                                                   dialect: str) -> None:
    """The app's own SQL (views, sequences, types, triggers) quoted names for a driver that takes
    ``%`` for a placeholder and then went through ``text()``, which doubles it again: a view created
    as ``w%s :x`` came out as ``w%%s :x``, and renaming ``v%1`` failed ("v%%1" does not exist)."""
    from gui_app.core.view_ops import CreateViewOp, RenameViewOp

    url = database_with(dialect, ["CREATE TABLE t (id INTEGER PRIMARY KEY)"], tmp_path, request)
    base = reflect(url)
    plan = Plan(base, base.dialect)
    for name in PERCENT_AND_COLON:
        plan.append(CreateViewOp(name, "SELECT id FROM t"))
    plan.append(RenameViewOp("v%1", "v%2", "SELECT id FROM t"))
    report = apply.apply_plan(make_url(url), plan.operations, base)
    assert report.mismatches == []
    assert sorted(v.name for v in reflect(url).views) == sorted(["v%2", "w%s :x", "%(n)s"])


@pytest.mark.postgresql
def test_a_dropped_exclusion_named_with_percent_signs_and_colons_comes_back(
        request: pytest.FixtureRequest, tmp_path: Path) -> None:
    url = database_with("postgresql", [  # run by the driver: %% is one %
        'CREATE TABLE "bo%%ok :ing" (room integer, slot int4range, '
        'CONSTRAINT "ex%%1 :a" EXCLUDE USING gist (slot WITH &&))'], tmp_path, request)
    base = reflect(url)
    table = base.table("bo%ok :ing")
    drop = edits.drop_exclusion(table, "ex%1 :a")
    apply.apply_plan(make_url(url), [drop], base)
    assert reflect(url).table("bo%ok :ing").exclusions == ()
    apply.apply_plan(make_url(url), [drop.reverse()], reflect(url))
    assert [x.name for x in reflect(url).table("bo%ok :ing").exclusions] == ["ex%1 :a"]


@pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                                     pytest.param("mysql", marks=pytest.mark.mysql)])
def test_a_dropped_table_named_with_a_colon_gets_its_trigger_back(request: pytest.FixtureRequest, tmp_path: Path,
                                                                   dialect: str) -> None:
    """The downgrade of a dropped table runs its triggers' definitions as ``op.execute`` does
    (through ``text()``): ``ON "lo :g"`` was read as a bound parameter ``:g``."""
    from gui_app.core.render import downgrade_ops

    # SQL run by the driver on the servers: % doubled there.
    pct = "%%" if dialect != "sqlite" else "%"
    q = {"mysql": "`"}.get(dialect, '"')
    body = {
        "sqlite": f'BEGIN UPDATE {q}lo :g{q} SET note = \'10{pct}\' WHERE id = NEW.id; END',
        "postgresql": "EXECUTE FUNCTION touch()",
        "mysql": "SET NEW.note = ' :tagged'",
    }[dialect]
    timing = "AFTER" if dialect == "sqlite" else "BEFORE"
    statements = [f"CREATE TABLE {q}lo :g{q} (id INTEGER PRIMARY KEY, note VARCHAR(20))"]
    if dialect == "postgresql":
        statements.append("CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS "
                          "$$ BEGIN NEW.note := ' :tagged'; RETURN NEW; END $$")
    statements.append(f"CREATE TRIGGER {q}tr :x{q} {timing} INSERT ON {q}lo :g{q} FOR EACH ROW {body}")
    url = database_with(dialect, statements, tmp_path, request)
    base = reflect(url)
    table = base.table("lo :g")
    assert [t.name for t in table.triggers] == ["tr :x"]
    plan = Plan(base, base.dialect)
    plan.append(edits.drop_table(table))
    apply.apply_plan(make_url(url), plan.operations, base)
    apply.apply_plan(make_url(url), downgrade_ops(plan.operations), reflect(url))
    restored = reflect(url).table("lo :g")
    assert [(t.name, t.definition) for t in restored.triggers] == [(t.name, t.definition) for t in table.triggers]

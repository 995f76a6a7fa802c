"""Sequences on PostgreSQL (Pagila's serial sequences) and MariaDB: created, altered, renamed,
restarted, dropped; each applied under plain ``alembic`` and by the app, read back from the
revision as the same operations, the projection equal to what the server reports afterwards, and
the downgrade restoring the catalog exactly (a dropped sequence coming back past every value it
handed out)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core.apply import apply_plan
from gui_app.core.op_facts import HANDS_OUT_AGAIN, NEEDS_DATA, describe
from gui_app.core.plan import Plan, PlanError
from gui_app.core.reflect import reflect
from gui_app.core.schema import Schema, Sequence
from gui_app.core.sequence_ops import (
    AlterSequenceOp,
    CreateSequenceOp,
    DropSequenceOp,
    RenameSequenceOp,
    altered,
    dropped,
)
from tests.conftest import ServerDatabases
from tests.core.objects_support import round_trip, rows
from tests.core.test_project import alembic

PG_CATALOG = """
    SELECT s.schemaname || '.' || s.sequencename, s.data_type::text, s.start_value, s.min_value, s.max_value,
           s.increment_by, s.cycle, s.cache_size,
           (SELECT t.relname || '.' || a.attname FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
            WHERE d.objid = (quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename))::regclass
              AND d.deptype = 'a')
    FROM pg_sequences s
    UNION ALL SELECT 'default ' || table_name || '.' || column_name, column_default, NULL, NULL, NULL, NULL, NULL,
                     NULL, NULL
    FROM information_schema.columns WHERE table_schema = 'public' AND column_default LIKE 'nextval%'
    ORDER BY 1
"""

MARIADB_SETUP = (
    "CREATE SEQUENCE ticket_seq START WITH 7 INCREMENT BY 1 MINVALUE 1 MAXVALUE 1000000 CACHE 5",
    "CREATE SEQUENCE invoice_seq START WITH 1",
    "CREATE TABLE orders (id INT PRIMARY KEY DEFAULT NEXTVAL(invoice_seq), note VARCHAR(20))",
)




def _draw(url: str, sql: str, times: int = 1) -> list[int]:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        drawn = [int(conn.execute(sa.text(sql)).scalar_one()) for _ in range(times)]
    engine.dispose()
    return drawn


def _sequences(schema: Schema) -> dict[str, Sequence]:
    return {q.name: q for ns in schema.namespaces for q in ns.sequences}






@pytest.fixture
def pagila_sequences(pagila: str) -> str:
    """Pagila with a sequence of its own that has handed out 7, 8 and 9, and a table owning one."""
    engine = sa.create_engine(pagila)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE SEQUENCE ticket_seq START 7"))
        conn.execute(sa.text("CREATE TABLE coupon (id serial PRIMARY KEY, code text)"))  # a sequence it owns
        for _ in range(3):
            conn.execute(sa.text("SELECT nextval('ticket_seq')"))
    engine.dispose()
    return pagila


def _pagila_plan(base: Schema) -> Plan:
    plan = Plan(base, "postgresql")
    plan.append(CreateSequenceOp("invoice_no", {"data_type": "integer", "increment": 5, "min_value": 100,
                                                "max_value": 100000, "start": 100, "cache": 1}))
    made = _sequences(plan.projected)["invoice_no"]
    plan.append(altered(made, {"increment": 10, "cycle": True, "owned_by": ("film", "film_id")}, None))
    plan.append(RenameSequenceOp("actor_actor_id_seq", "actor_ids"))
    actor = _sequences(plan.projected)["actor_ids"]
    change = altered(actor, {"cache": 20, "max_value": 10_000_000}, None, restart=5000)
    assert change is not None
    plan.append(change)
    plan.append(dropped(_sequences(base)["ticket_seq"], None))
    return plan


def test_postgresql_every_operation_under_alembic_and_the_downgrade(pagila_sequences: str,
                                                                 tmp_path: Path) -> None:
    base = reflect(pagila_sequences)
    before = rows(pagila_sequences, PG_CATALOG)
    ticket = _sequences(base)["ticket_seq"]
    assert (ticket.data_type, ticket.start, ticket.increment, ticket.next_value) == ("bigint", 7, 1, 10)
    assert _sequences(base)["coupon_id_seq"].owned_by == ("coupon", "id")
    assert _sequences(base)["actor_actor_id_seq"].owned_by is None  # Pagila's own are tied to no column
    plan = _pagila_plan(base)
    assert [describe(op) for op in plan.operations] == [
        "create sequence invoice_no", "alter sequence invoice_no", "rename sequence actor_actor_id_seq → actor_ids",
        "alter sequence actor_ids", "drop sequence ticket_seq"]
    # the default that draws from the renamed sequence prints its new name, as the server will
    assert plan.projected.table("actor").column("actor_id").default == "nextval('actor_ids'::regclass)"
    assert plan.risks(3) == [NEEDS_DATA]  # a lower bound holds only if the sequence has not gone past it
    restart = plan.lock(3)
    assert (restart is not None and restart.locks == (((None, "actor_actor_id_seq"), "SHARE ROW EXCLUSIVE"),)) \
        or (restart is not None and restart.locks[0][1] == "SHARE ROW EXCLUSIVE"), restart
    assert plan.lock(1) is not None and plan.lock(1).locks == ()  # type: ignore[union-attr]  # the plan made it
    round_trip(pagila_sequences, "postgresql", plan, tmp_path)
    assert _sequences(reflect(pagila_sequences)) == _sequences(plan.projected)  # as the server holds them
    assert _draw(pagila_sequences, "SELECT nextval('actor_ids')") == [5000]
    downgraded = alembic(tmp_path / "alembic.ini", "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    assert rows(pagila_sequences, PG_CATALOG) == before  # options, owners, defaults: as read
    assert _draw(pagila_sequences, "SELECT nextval('ticket_seq')") == [10]  # past every value it handed out


def test_postgresql_applied_by_the_app_with_a_dry_run(pagila_sequences: str) -> None:
    base = reflect(pagila_sequences)
    plan = _pagila_plan(base)
    apply_plan(sa.make_url(pagila_sequences), plan.operations, base, dry_run=True)
    assert _sequences(reflect(pagila_sequences)) == _sequences(base)
    apply_plan(sa.make_url(pagila_sequences), plan.operations, base)
    assert _sequences(reflect(pagila_sequences)) == _sequences(plan.projected)


def test_postgresql_refusals_and_owned_sequences_follow_their_column(pagila_sequences: str) -> None:
    from gui_app.core import edits

    base = reflect(pagila_sequences)
    plan = Plan(base, "postgresql")
    with pytest.raises(PlanError, match=r"Sequence actor_actor_id_seq is the default of actor\.actor_id"):
        plan.append(dropped(_sequences(base)["actor_actor_id_seq"], None))
    with pytest.raises(PlanError, match="already exists"):
        plan.append(RenameSequenceOp("ticket_seq", "actor"))
    with pytest.raises(PlanError, match="The start must lie between"):
        plan.append(CreateSequenceOp("odd", {"min_value": 10, "start": 1}))
    with pytest.raises(PlanError, match=r"There is no column film\.nothing"):
        plan.append(altered(_sequences(base)["ticket_seq"], {"owned_by": ("film", "nothing")}, None))
    restart = altered(_sequences(base)["ticket_seq"], {}, None, restart=8)
    assert restart is not None
    plan.append(restart)
    assert HANDS_OUT_AGAIN in plan.risks(0)  # 8 and 9 were handed out already
    # a table's drop takes the sequences it owns with it, a column's rename moves the owner along
    plan.append(edits.alter_column(base.table("coupon"), "id", new_name="coupon_id"))
    assert _sequences(plan.projected)["coupon_id_seq"].owned_by == ("coupon", "coupon_id")
    plan.append(ops.DropTableOp("coupon"))
    assert "coupon_id_seq" not in _sequences(plan.projected)
    apply_plan(sa.make_url(pagila_sequences), plan.operations[1:], base)
    assert _sequences(reflect(pagila_sequences)) == _sequences(plan.projected)


def test_mariadb_every_operation_under_alembic_and_by_the_app(
        mysql_databases: ServerDatabases, tmp_path: Path) -> None:
    url = mysql_databases.create_with(*MARIADB_SETUP)
    base = reflect(url)
    if base.dialect != "mariadb":
        pytest.skip("sequences are MariaDB's (MySQL has none)")
    catalog = ("SELECT table_name, (SELECT GROUP_CONCAT(column_default) FROM information_schema.columns c "
               "WHERE c.table_schema = t.table_schema AND c.column_default LIKE 'nextval%') FROM "
               "information_schema.tables t WHERE table_schema = DATABASE() AND table_type = 'SEQUENCE' ORDER BY 1")
    before = rows(url, catalog)
    ticket = _sequences(base)["ticket_seq"]
    assert (ticket.start, ticket.increment, ticket.max_value, ticket.cache, ticket.data_type) == (7, 1, 1000000, 5,
                                                                                                  None)
    plan = Plan(base, "mysql")
    with pytest.raises(PlanError, match="MariaDB does not follow a renamed sequence"):
        plan.append(RenameSequenceOp("invoice_seq", "invoices"))
    plan.append(CreateSequenceOp("batch_seq", {"increment": 2, "min_value": 1, "max_value": 999, "start": 11,
                                               "cache": 10, "cycle": True}))
    plan.append(RenameSequenceOp("batch_seq", "batches"))
    change = altered(ticket, {"increment": 3, "cache": 50}, None, restart=100)
    assert change is not None
    plan.append(change)
    assert plan.lock(2) is not None and plan.lock(2).locks == (((None, "ticket_seq"), "EXCLUSIVE"),)  # type: ignore
    from gui_app.core import edits

    # the dry run's scratch copy holds the sequences too, and its rows draw from the copies
    dry = [*plan.operations, edits.bulk_insert(base.table("orders"), [{"note": "scratch"}])]
    apply_plan(sa.make_url(url), dry, base, dry_run=True)
    assert [(q.name, q.next_value) for q in reflect(url).namespaces[0].sequences] == \
        [(q.name, q.next_value) for q in base.namespaces[0].sequences]
    round_trip(url, "mysql", plan, tmp_path)
    assert _sequences(reflect(url)) == _sequences(plan.projected)
    assert _draw(url, "SELECT NEXTVAL(ticket_seq)", 2) == [100, 103]
    assert _draw(url, "SELECT NEXTVAL(batches)") == [11]
    downgraded = alembic(tmp_path / "alembic.ini", "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    assert rows(url, catalog) == before
    after = _sequences(reflect(url))
    assert {k: (q.increment, q.cache) for k, q in after.items()} == {"invoice_seq": (1, 1000), "ticket_seq": (1, 5)}
    # dropped by the app, and back where it stood
    base = reflect(url)
    plan = Plan(base, "mysql")
    plan.append(dropped(_sequences(base)["ticket_seq"], None))
    apply_plan(sa.make_url(url), plan.operations, base)
    assert "ticket_seq" not in _sequences(reflect(url))
    apply_plan(sa.make_url(url), [plan.operations[0].reverse()], reflect(url))
    assert _draw(url, "SELECT NEXTVAL(ticket_seq)")[0] >= 103  # never a value it handed out


def test_clauses_render_and_read_back_and_what_stays_custom_sql() -> None:
    from gui_app.core.marked_ops import gathered

    pg = sa.create_engine("postgresql://").dialect
    op = CreateSequenceOp('Odd "name"', {"data_type": "smallint", "min_value": None, "max_value": -1,
                                         "increment": -1, "start": -1}, "other schema", restart=-5)
    statements = op.marked(pg)
    assert statements == [
        '/* alembic-studio create sequence (1 of 2) */ CREATE SEQUENCE "other schema"."Odd ""name""" AS smallint '
        "INCREMENT BY -1 NO MINVALUE MAXVALUE -1 START WITH -1 NO CYCLE",
        '/* alembic-studio create sequence (2 of 2) */ ALTER SEQUENCE "other schema"."Odd ""name""" RESTART WITH -5']
    recorded = [ops.ExecuteSQLOp(sa.text(sql)) for sql in statements]
    assert gathered(recorded) == [op]
    owned = AlterSequenceOp("s", {"owned_by": ("My table", "id"), "cycle": False}, {})
    assert gathered([ops.ExecuteSQLOp(sa.text(owned.marked(pg)[0]))]) == [owned]
    tampered = ops.ExecuteSQLOp(sa.text("/* alembic-studio alter sequence */ ALTER SEQUENCE s OWNER TO someone"))
    assert gathered([tampered]) == [tampered]  # not what the app writes: stays custom SQL
    with pytest.raises(ValueError, match="a sequence's type is one of"):
        CreateSequenceOp("s", {"data_type": "text; DROP TABLE x"}).statements(pg)
    with pytest.raises(ValueError, match="not a whole number"):
        AlterSequenceOp("s", {"increment": "1; DROP TABLE x"}, {}).statements(pg)
    assert DropSequenceOp("s", {"start": 3}).reverse() == CreateSequenceOp("s", {"start": 3})


def test_mariadb_defaults_naming_something_in_backticks_are_read(mysql_databases: ServerDatabases) -> None:
    """SQLAlchemy reads MariaDB's ``SHOW CREATE TABLE`` and gives no default at all for one that
    names a sequence or a column in backticks; the app read them as missing (a diff would have
    dropped them)."""
    url = mysql_databases.create_with(
        "CREATE SEQUENCE order_no", "CREATE TABLE orders (id INT PRIMARY KEY DEFAULT NEXTVAL(order_no), "
        "price INT DEFAULT 3, twice INT DEFAULT (price * 2), `odd``name` INT DEFAULT (`price` + 1), "
        "note VARCHAR(9) DEFAULT 'a`b', plain INT)")
    table = reflect(url).table("orders")
    if reflect(url).dialect != "mariadb":
        pytest.skip("MariaDB's sequences and defaults")
    database = sa.make_url(url).database
    assert {c.name: c.default for c in table.columns} == {
        "id": f"nextval(`{database}`.`order_no`)", "price": "3", "twice": "(`price` * 2)",
        "odd`name": "(`price` + 1)", "note": "'a`b'", "plain": None}

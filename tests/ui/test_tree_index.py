"""The tree index: a PostgreSQL snapshot's schemas, partitions and types; reuse of the previous tree."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from gui_app.core.reflect import reflect
from gui_app.ui.models.tree_index import Kind, TreeIndex, build_tree_index
from tests.conftest import ServerDatabases


def test_partitions_sit_under_their_parent_and_schemas_are_separate(pg_databases: ServerDatabases) -> None:
    name = pg_databases.create()
    engine = create_engine(pg_databases.url(name))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE measure (id int, taken date NOT NULL) PARTITION BY RANGE (taken)"))
        for year in (2024, 2025, 2026):
            conn.execute(text(f"CREATE TABLE measure_{year} PARTITION OF measure "
                              f"FOR VALUES FROM ('{year}-01-01') TO ('{year + 1}-01-01')"))
        conn.execute(text("CREATE SCHEMA audit"))
        conn.execute(text("CREATE TABLE audit.entry (id serial PRIMARY KEY, at timestamptz DEFAULT now())"))
        conn.execute(text("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')"))
        conn.execute(text("CREATE TABLE person (id int PRIMARY KEY, feeling mood)"))
    engine.dispose()

    tree = build_tree_index(reflect(pg_databases.url(name)))
    top = [tree.names[c] for c in tree.children[tree.find_path(("public", "Tables"))]]  # type: ignore[index]
    assert top == ["measure", "person"]
    partitions = tree.find_path(("public", "Tables", "measure", "Partitions"))
    assert partitions is not None
    assert [tree.names[c] for c in tree.children[partitions]] == ["measure_2024", "measure_2025", "measure_2026"]
    measure = tree.find_path(("public", "Tables", "measure"))
    assert tree.details[measure] == "partitioned by RANGE (taken), 3 partitions"  # type: ignore[index]
    assert tree.details[tree.find_path(("public", "Tables", "measure", "Partitions", "measure_2025"))] == (  # type: ignore[index]
        "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')")
    entry = tree.find_path(("audit", "Tables", "entry", "at"))
    assert entry is not None and tree.types[entry] == "timestamp with time zone"
    assert tree.kinds[tree.find_path(("public", "Enums", "mood"))] is Kind.ENUM  # type: ignore[index]
    assert tree.types[tree.find_path(("public", "Tables", "person", "feeling"))] == "mood"  # type: ignore[index]


def test_a_tree_built_from_the_previous_one_equals_one_built_afresh(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from gui_app.core import edits
    from gui_app.core.demo import ensure_demo_database
    from gui_app.core.plan import Plan

    base = reflect(f"sqlite:///{ensure_demo_database(tmp_path)}")
    plan = Plan(base, "sqlite")
    tree = build_tree_index(base)
    tree.folded_names  # noqa: B018 - the next build reuses the folding of copied tables
    steps = [
        lambda p: edits.add_column(p.table("orders"), edits.ColumnSpec("note", sa.Text())),
        lambda p: edits.drop_table(p.table("authors")),
        lambda p: edits.alter_column(p.table("books"), "title", type_=sa.String(300)),
        lambda p: edits.rename_table(p.table("reviews"), "aa_reviews"),
        lambda p: edits.add_column(p.table("shipments"), edits.ColumnSpec("tracking", sa.String(40))),
    ]
    for step in steps:
        plan.append(step(plan.projected))
        reused = build_tree_index(plan.projected, plan.base, tree)
        fresh = build_tree_index(plan.projected, plan.base)
        for column in ("kinds", "names", "types", "details", "parents", "children", "statuses", "previous",
                       "objects", "tables", "folded_names"):
            assert getattr(reused, column) == getattr(fresh, column), column
        assert {k: v[1:] for k, v in reused.spans.items()} == {k: v[1:] for k, v in fresh.spans.items()}
        tree = reused


def test_a_mysql_partitioned_table_shows_its_partition_key(mysql_databases: ServerDatabases) -> None:
    name = mysql_databases.create()
    engine = create_engine(mysql_databases.url(name))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE sale (id int NOT NULL, sold date NOT NULL, PRIMARY KEY (id, sold)) "
                          "PARTITION BY RANGE (YEAR(sold)) (PARTITION p24 VALUES LESS THAN (2025), "
                          "PARTITION p25 VALUES LESS THAN (2026), PARTITION rest VALUES LESS THAN MAXVALUE)"))
        conn.execute(text("CREATE TABLE plain (id int PRIMARY KEY)"))
    engine.dispose()

    schema = reflect(mysql_databases.url(name))
    tree = build_tree_index(schema)
    assert tree.details[tree.find_path((name, "Tables", "sale"))] == "partitioned by RANGE (year(`sold`))"  # type: ignore[index]
    assert schema.namespace(None).table("plain").partition_key is None


def _shown(tree: TreeIndex) -> list[tuple[object, ...]]:
    """Every node reachable from the root, top down, as the view shows it."""
    rows: list[tuple[object, ...]] = []
    stack = [0]
    while stack:
        node = stack.pop()
        rows.append((tree.path(node), tree.kinds[node], tree.types[node], tree.details[node], tree.statuses[node],
                     tree.objects[node], tree.previous[node], tree.tables[node], tree.folded_names[node]))
        stack.extend(reversed(tree.children[node]))
    return rows


def test_a_tree_updated_in_place_shows_what_one_built_afresh_shows(tmp_path: Path) -> None:
    """Edits, a rename that moves a table in the order, a drop, undo down to no changes at all:
    after each, the tree updated in place shows exactly the fresh tree, keeps the numbers of the
    tables nothing touched, and never searches the nodes it replaced."""
    import sqlalchemy as sa

    from gui_app.core import edits
    from gui_app.core.demo import ensure_demo_database
    from gui_app.core.plan import Plan, renames
    from gui_app.ui.models.tree_update import update_tree_index

    base = reflect(f"sqlite:///{ensure_demo_database(tmp_path)}")
    plan = Plan(base, "sqlite")
    tree = build_tree_index(base)
    steps = [
        lambda p: edits.add_column(p.table("orders"), edits.ColumnSpec("note", sa.Text())),
        lambda p: edits.rename_table(p.table("reviews"), "aa_reviews"),
        lambda p: edits.drop_table(p.table("authors")),
        lambda p: edits.alter_column(p.table("books"), "title", new_name="name"),
        lambda p: edits.add_column(p.table("orders"), edits.ColumnSpec("again", sa.Integer())),
    ]
    orders_after_first_edit: list[int] = []
    # Forward, then undone one by one down to no changes, on one plan (as the undo stack does: an
    # undone operation's tables are the objects they were before it).
    for number in range(2 * len(steps)):
        if number < len(steps):
            plan.append(steps[number](plan.projected))
        else:
            plan.pop()
        compared = plan.base if len(plan) else None
        customers = tree.find_path(("main", "Tables", "customers"))
        update = update_tree_index(tree, plan.projected, compared, renames(plan.operations))
        assert update is not None
        fresh = build_tree_index(plan.projected, compared, None, renames(plan.operations))
        assert _shown(tree) == _shown(fresh)
        assert tree.find_path(("main", "Tables", "customers")) == customers  # untouched: the same node
        alive = tree.alive()
        assert sum(1 for node in range(len(tree)) if alive[node]) == len(fresh)
        orders = tree.children[tree.find_path(("main", "Tables", "orders")) or 0]
        if number == 0:
            orders_after_first_edit = orders
        elif number in (1, 2, 3):  # changed by the first edit, untouched by these: not built again
            assert orders == orders_after_first_edit
    assert tree.dead_count > 0


def test_an_update_in_place_declines_what_is_more_than_tables(tmp_path: Path) -> None:
    """Another set of schemas shown, or a view changed: nothing is touched, the caller builds afresh."""
    import dataclasses

    from gui_app.core.demo import ensure_demo_database
    from gui_app.ui.models.tree_update import update_tree_index

    base = reflect(f"sqlite:///{ensure_demo_database(tmp_path)}")
    tree = build_tree_index(base)
    before = _shown(tree)
    (ns,) = base.namespaces
    other_view = dataclasses.replace(base, namespaces=(dataclasses.replace(ns, views=ns.views[:-1]),))
    assert update_tree_index(tree, other_view, None) is None
    renamed = dataclasses.replace(base, namespaces=(dataclasses.replace(ns, name="elsewhere"),))
    assert update_tree_index(tree, renamed, None) is None
    assert _shown(tree) == before and tree.dead_count == 0


def test_types_sit_under_their_schema_after_its_views_and_views_carry_their_changes() -> None:
    """Enums, domains and sequences hung under the last view of a schema that had views (found on
    Pagila); views made, given a new body or dropped by the pending list are marked as tables are."""
    from gui_app.core.schema import Column, EnumType, Namespace, Schema, Sequence, View
    from gui_app.ui.models.tree_index import Status

    def schema(*views: View) -> Schema:
        return Schema("postgresql", "15", "public", (Namespace(
            "public", views=views, enums=(EnumType("mood", None, ("sad", "ok")),),
            sequences=(Sequence("s", None),)),))

    base = schema(View("a", None, "SELECT 1", columns=(Column("x", "integer"),)), View("b", None, "SELECT 2"))
    index = build_tree_index(base)
    for label in ("Views", "Enums", "Sequences"):
        node = index.find_path(("public", label))
        assert node is not None and index.kinds[index.parents[node]] is Kind.NAMESPACE, label
    projected = schema(View("b", None, "SELECT 3"), View("c", None, "SELECT 4"))
    index = build_tree_index(projected, base)
    status = {name: index.statuses[index.find_path(("public", "Views", name))] for name in ("a", "b", "c")}
    assert status == {"a": Status.DROPPED, "b": Status.CHANGED, "c": Status.NEW}
    dropped_column = index.find_path(("public", "Views", "a", "x"))
    assert dropped_column is not None and index.statuses[dropped_column] is Status.DROPPED

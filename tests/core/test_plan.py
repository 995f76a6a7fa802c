"""Every operation type: projection, validation, undo, and rendering in all three dialects."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core import edits, render
from gui_app.core.op_facts import DESTRUCTIVE, NARROWS, NEEDS_DATA, REBUILDS, describe
from gui_app.core.plan import Plan, PlanError
from gui_app.core.schema import CheckConstraint, ForeignKey, Index, Schema, UniqueConstraint

Build = Callable[[Schema], list[ops.MigrateOperation]]
Check = Callable[[Schema], bool]


def _t(schema: Schema, name: str):  # type: ignore[no-untyped-def]
    return schema.table(name)


CASES: dict[str, tuple[Build, Check]] = {
    "create_table": (
        lambda s: edits.create_table(edits.TableSpec(
            "tags", columns=[edits.ColumnSpec("id", sa.Integer(), primary_key=True, nullable=False),
                             edits.ColumnSpec("label", sa.String(40), nullable=False, default="'none'"),
                             edits.ColumnSpec("book_id", sa.Integer())],
            foreign_keys=[ForeignKey("fk_tags_book_id_books", ("book_id",), None, "books", ("id",), "CASCADE")],
            unique_constraints=[UniqueConstraint("uq_tags_label", ("label",))],
            check_constraints=[CheckConstraint("ck_tags_label", "length(label) > 0")],
            indexes=[Index("ix_tags_book_id", ("book_id",))], comment="Labels",
            rows=[{"id": 1, "label": "classic", "book_id": 1}])),
        lambda s: _t(s, "tags").column("label").default == "'none'"
        and [i.name for i in _t(s, "tags").indexes] == ["ix_tags_book_id"]
        and _t(s, "tags").foreign_keys[0].on_delete == "CASCADE" and _t(s, "tags").comment == "Labels",
    ),
    "drop_table": (lambda s: [edits.drop_table(_t(s, "reviews"))],
                   lambda s: "reviews" not in {t.name for t in s.tables}),
    "rename_table": (lambda s: [edits.rename_table(_t(s, "authors"), "writers")],
                     lambda s: {fk.referred_table for fk in _t(s, "book_authors").foreign_keys}
                     == {"books", "writers"}),
    "create_table_comment": (lambda s: [edits.set_table_comment(_t(s, "books"), "All the books")],
                             lambda s: _t(s, "books").comment == "All the books"),
    "drop_table_comment": (lambda s: [edits.set_table_comment(_t(s, "books"), "x"),
                                      edits.drop_table_comment(dataclasses.replace(_t(s, "books"), comment="x"))],
                           lambda s: _t(s, "books").comment is None),
    "add_column": (lambda s: [edits.add_column(_t(s, "books"), edits.ColumnSpec("subtitle", sa.String(120),
                                                                                 comment="Second line"))],
                   lambda s: _t(s, "books").column("subtitle").type_name == "VARCHAR(120)"),
    "drop_column": (lambda s: [edits.drop_column(_t(s, "customers"), "joined")],
                    lambda s: "joined" not in {c.name for c in _t(s, "customers").columns}),
    "alter_column": (lambda s: [edits.alter_column(_t(s, "books"), "title", new_name="name", type_=sa.String(300),
                                                   nullable=True, server_default="'untitled'")],
                     lambda s: _t(s, "books").column("name").nullable
                     and _t(s, "books").column("name").default == "'untitled'"
                     and _t(s, "books").indexes[1].elements == ("name",)),
    "create_index": (lambda s: [edits.create_index(_t(s, "books"), Index("ix_books_price", ("price", "title"),
                                                                         unique=True))],
                     lambda s: any(i.name == "ix_books_price" and i.unique for i in _t(s, "books").indexes)),
    "drop_index": (lambda s: [edits.drop_index(_t(s, "books"), "ix_books_title")],
                   lambda s: all(i.name != "ix_books_title" for i in _t(s, "books").indexes)),
    "create_primary_key": (
        lambda s: [*edits.create_table(edits.TableSpec("notes", columns=[
            edits.ColumnSpec("code", sa.String(10), nullable=False)])),
            edits.create_primary_key(_t(s, "books").__class__("notes", None, ()), "pk_notes", ["code"])],
        lambda s: _t(s, "notes").primary_key is not None and _t(s, "notes").primary_key.columns == ("code",)),
    "drop_primary_key": (lambda s: [edits.drop_constraint(_t(s, "book_authors"), "primary", "pk_book_authors")],
                         lambda s: _t(s, "book_authors").primary_key is None),
    "create_foreign_key": (
        lambda s: [edits.create_foreign_key(_t(s, "reviews"), ForeignKey(
            "fk_reviews_book_customer", ("book_id",), None, "books", ("id",), "CASCADE", "CASCADE"))],
        lambda s: any(fk.name == "fk_reviews_book_customer" and fk.on_update == "CASCADE"
                      for fk in _t(s, "reviews").foreign_keys)),
    "drop_foreign_key": (lambda s: [edits.drop_constraint(_t(s, "shipments"), "foreignkey", "fk_shipments_order_line")],
                         lambda s: _t(s, "shipments").foreign_keys == ()),
    "create_unique_constraint": (lambda s: [edits.create_unique_constraint(_t(s, "authors"), "uq_authors_last",
                                                                           ["last_name"])],
                                 lambda s: ("last_name",) in [u.columns for u in _t(s, "authors").unique_constraints]),
    "drop_unique_constraint": (lambda s: [edits.drop_constraint(_t(s, "books"), "unique", "uq_books_isbn")],
                               lambda s: _t(s, "books").unique_constraints == ()),
    "create_check_constraint": (lambda s: [edits.create_check_constraint(_t(s, "orders"), "ck_orders_recent",
                                                                         "ordered_at > '2000-01-01'")],
                                lambda s: "ck_orders_recent" in [c.name for c in _t(s, "orders").check_constraints]),
    "drop_check_constraint": (lambda s: [edits.drop_constraint(_t(s, "orders"), "check", "ck_orders_status")],
                              lambda s: _t(s, "orders").check_constraints == ()),
    "execute": (lambda s: [edits.execute_sql("UPDATE books SET price = price * 2",
                                             "UPDATE books SET price = price / 2")],
                lambda s: True),
    "bulk_insert": (lambda s: [edits.bulk_insert(_t(s, "publishers"), [{"id": 10, "name": "Picador",
                                                                         "country": "GB"}])],
                    lambda s: True),
}


def dialect_of(case: str) -> str:
    """SQLite keeps no table comments; those cases are planned as for PostgreSQL."""
    return "postgresql" if "comment" in case else "sqlite"


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_operation_projects_renders_and_undoes(case: str, demo_schema: Schema) -> None:
    build, check = CASES[case]
    plan = Plan(demo_schema, dialect_of(case))
    for op in build(plan.projected):
        plan.append(op)
    assert check(plan.projected), case
    for dialect in render.DIALECTS:
        up = render.render_sql(plan.operations, dialect, demo_schema)
        down = render.render_sql(plan.operations, dialect, demo_schema, downgrade=True)
        assert up.strip() and down.strip(), (case, dialect)
        assert "op." in render.render_python(plan.operations, dialect)
        assert "op." in render.render_python(plan.operations, dialect, downgrade=True)
    while len(plan):
        plan.pop()
    assert plan.projected == demo_schema


def test_downgrade_of_each_op_projects_back_to_the_base(demo_schema: Schema) -> None:
    from gui_app.core.projection import project

    for case, (build, _check) in sorted(CASES.items()):
        if case in ("execute", "bulk_insert"):
            continue
        plan = Plan(demo_schema, dialect_of(case))
        for op in build(plan.projected):
            plan.append(op)
        state = plan.projected
        for op in render.downgrade_ops(plan.operations):
            state = project(state, op, render.dialect_for("sqlite"))
        assert {t.name: [c.name for c in t.columns] for t in state.tables} == \
            {t.name: [c.name for c in t.columns] for t in demo_schema.tables}, case


def test_dropping_a_used_column_follows_what_each_database_does(demo_schema: Schema) -> None:
    sqlite = Plan(demo_schema, "sqlite")  # SQLite refuses: the app offers to drop the users first
    with pytest.raises(PlanError) as refused:
        sqlite.append(edits.drop_column(demo_schema.table("books"), "price"))
    assert str(refused.value) == ("Column price is used by check constraint ck_books_price_positive on books; "
                                  "drop those first.")
    postgresql = Plan(demo_schema, "postgresql")  # drops the table's own indexes and constraints with it
    warnings = postgresql.append(edits.drop_column(demo_schema.table("books"), "price"))
    assert [w.message for w in warnings] == [
        "Dropping column price also drops or narrows check constraint ck_books_price_positive on books."]
    assert [c.name for c in postgresql.projected.table("books").check_constraints] == [None]
    postgresql.append(edits.drop_column(postgresql.projected.table("books"), "publisher_id"))
    books = postgresql.projected.table("books")
    assert books.foreign_keys == () and all("publisher_id" not in ix.elements for ix in books.indexes)
    with pytest.raises(PlanError, match="foreign key fk_shipments_order_line on shipments"):
        postgresql.append(edits.drop_column(demo_schema.table("order_lines"), "line_no"))  # needs CASCADE
    mysql = Plan(demo_schema, "mysql")  # keeps its own foreign keys: refused
    with pytest.raises(PlanError, match="foreign key fk_books_publisher_id_publishers on books"):
        mysql.append(edits.drop_column(demo_schema.table("books"), "publisher_id"))
    assert len(sqlite) == len(mysql) == 0


def test_removing_an_operation_a_later_one_needs_is_explained(demo_schema: Schema) -> None:
    plan = Plan(demo_schema, "sqlite")
    plan.append(edits.add_column(demo_schema.table("books"), edits.ColumnSpec("isbn10", sa.String(10))))
    plan.append(edits.create_index(plan.projected.table("books"), Index("ix_books_isbn10", ("isbn10",))))
    with pytest.raises(PlanError, match=r"Operation 2 \(create_index books.ix_books_isbn10\) depends on it"):
        plan.remove(0)
    assert len(plan) == 2
    plan.remove(1)
    plan.insert(1, edits.create_index(plan.projected.table("books"), Index("ix_books_isbn10", ("isbn10",))))
    assert [describe(op) for op in plan.operations] == ["add_column books.isbn10", "create_index books.ix_books_isbn10"]


@pytest.mark.parametrize(("name", "dialect", "message"), [
    ("", "postgresql", "The column needs a name."),
    (" padded", "sqlite", "starts or ends with white space"),
    ("x" * 64, "postgresql", "longer than postgresql's limit of 63 bytes"),
    ("é" * 33, "mysql", "longer than mysql's limit of 64 bytes"),
    ("title", "sqlite", "already has a column title"),
])
def test_bad_column_names_are_refused(demo_schema: Schema, name: str, dialect: str, message: str) -> None:
    plan = Plan(demo_schema, dialect)
    with pytest.raises(PlanError, match=message):
        plan.append(edits.add_column(demo_schema.table("books"), edits.ColumnSpec(name, sa.Integer())))


def test_foreign_key_checks(demo_schema: Schema) -> None:
    plan = Plan(demo_schema, "postgresql")
    reviews = demo_schema.table("reviews")
    with pytest.raises(PlanError, match="the types differ"):
        plan.append(edits.create_foreign_key(reviews, ForeignKey(None, ("body",), None, "books", ("id",))))
    with pytest.raises(PlanError, match="There is no column nope in books"):
        plan.append(edits.create_foreign_key(reviews, ForeignKey(None, ("book_id",), None, "books", ("nope",))))
    with pytest.raises(PlanError, match="neither its primary key nor unique"):
        plan.append(edits.create_foreign_key(reviews, ForeignKey(None, ("book_id",), None, "books", ("pages",))))
    with pytest.raises(PlanError, match="There is no table ghosts"):
        plan.append(edits.create_foreign_key(reviews, ForeignKey(None, ("book_id",), None, "ghosts", ("id",))))


def test_risk_labels(demo_schema: Schema) -> None:
    plan = Plan(demo_schema, "sqlite")
    books = demo_schema.table("books")
    plan.append(edits.alter_column(books, "title", type_=sa.String(50)))
    plan.append(edits.add_column(books, edits.ColumnSpec("note", sa.Text())))
    plan.append(edits.drop_table(demo_schema.table("reviews")))
    plan.append(edits.alter_column(plan.projected.table("books"), "pages", nullable=False))
    assert [plan.risks(i) for i in range(len(plan))] == [
        [NARROWS], [], [DESTRUCTIVE], [NEEDS_DATA, REBUILDS]]  # a type of the same affinity changes in place


def test_sqlite_groups_consecutive_alterations_into_one_rebuild(demo_schema: Schema) -> None:
    plan = Plan(demo_schema, "sqlite")
    books = demo_schema.table("books")
    plan.append(edits.alter_column(books, "title", type_=sa.String(300)))
    plan.append(edits.alter_column(plan.projected.table("books"), "pages", nullable=False))
    plan.append(edits.drop_constraint(plan.projected.table("books"), "unique", "uq_books_isbn"))
    sql = render.render_sql(plan.operations, "sqlite", demo_schema)
    assert sql.count("CREATE TABLE _alembic_tmp_books") == 1
    python = render.render_python(plan.operations, "sqlite")
    assert python.count("batch_alter_table('books'") == 1


def test_renames_follow_a_chain_back_to_the_database_names() -> None:
    from gui_app.core.plan import renames

    found = renames([
        ops.RenameTableOp("books", "titles"),
        ops.AlterColumnOp("titles", "title", modify_name="name"),
        ops.AlterColumnOp("titles", "name", modify_name="label"),  # a second rename keeps the first old name
        ops.AlterColumnOp("authors", "a", modify_name="b"),
        ops.AlterColumnOp("authors", "b", modify_name="a"),  # renamed back: no rename at all
        ops.AlterColumnOp("reviews", "c", modify_name="d"),
        ops.DropColumnOp("reviews", "d"),  # renamed, then dropped: a drop
        ops.RenameTableOp("tags", "labels", schema="shop"),
    ])
    assert found.tables == {(None, "titles"): "books", ("shop", "labels"): "tags"}
    assert found.columns == {(None, "titles", "label"): "title"}


def test_a_refusal_keeps_the_case_of_the_names_it_gives() -> None:
    """The message of a refused operation was made a sentence with ``str.capitalize``, which
    lowered every other letter: a table ``Artist`` was named ``artist``, an enum value ``'G'`` ``'g'``."""
    from alembic.operations import ops as alembic_ops

    from gui_app.core.plan import Plan, PlanError
    from gui_app.core.schema import Namespace, Schema

    plan = Plan(Schema("postgresql", "15", "public", (Namespace("public"),)), "postgresql")
    try:
        plan.append(alembic_ops.DropTableOp("Artist"))
    except PlanError as error:
        assert "Artist" in str(error) and str(error)[0].isupper(), str(error)
    else:
        raise AssertionError("a table that is not there was dropped")

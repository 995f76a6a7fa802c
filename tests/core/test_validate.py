"""What validation refuses at entry, before anything is pending."""

from __future__ import annotations

import pytest

from gui_app.core.schema import Schema


@pytest.mark.parametrize(("sql", "dialect", "refused"), [
    ("1 +", "postgresql", True), ("1 +", "mysql", True), ("1 +", "sqlite", True),
    ("nextval('x_id_seq'::regclass)", "postgresql", False), ("'{}'::jsonb", "postgresql", False),
    ("(now() AT TIME ZONE 'utc')", "postgresql", False), ("CURRENT_TIMESTAMP(6)", "mysql", False),
    ("CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP", "mysql", False), ("b'0'", "mysql", False),
    ("(datetime('now'))", "sqlite", False), ("X'00'", "sqlite", False),
])
def test_a_default_expression_is_read_by_the_dialects_parser(sql: str, dialect: str, refused: bool) -> None:
    from gui_app.core.validate import default_problem

    problem = default_problem(sql, dialect)
    assert (problem is not None) is refused, problem
    if refused:
        assert problem is not None and problem.startswith(f"The default {sql!r} is not a valid {dialect} expression")


def test_foreign_keys_inside_create_table_are_checked_as_create_foreign_key_is(demo_schema: Schema) -> None:
    """Warnings, so that a script written for the server still opens; the New table dialog refuses."""
    import sqlalchemy as sa
    from alembic.operations import ops

    from gui_app.core.validate import validate

    schema = demo_schema

    def problems(*items: object) -> list[str]:
        op = ops.CreateTableOp("tags", [sa.Column("id", sa.Integer, primary_key=True), *items])
        return [f"{p.level}: {p.message}" for p in validate(schema, op, "sqlite")]

    assert problems(sa.Column("code", sa.String(10)), sa.ForeignKeyConstraint(["code"], ["books.id"])) == [
        "warning: tags.code (VARCHAR(10)) cannot refer to books.id (INTEGER): the types differ."]
    assert problems(sa.Column("title", sa.String(200)), sa.ForeignKeyConstraint(["title"], ["books.title"])) == [
        "warning: The referred columns of books are neither its primary key nor unique."]
    assert problems(sa.Column("parent_id", sa.Integer), sa.ForeignKeyConstraint(["parent_id"], ["tags.id"])) == []
    assert problems(sa.Column("x", sa.Integer), sa.ForeignKeyConstraint(["x"], ["nowhere.id"])) == [
        "warning: There is no table nowhere to refer to."]
    assert problems(sa.Column("x", sa.Integer), sa.ForeignKeyConstraint(["x"], ["other.t.id"])) == []
    assert problems(sa.CheckConstraint("id > 0", name="ck\tx")) == [
        "error: The constraint name 'ck\\tx' holds a control character (tab, line break…)."]


@pytest.mark.parametrize(("condition", "name"), [
    ("length(label) > 0", "ck_tags_label"), ("price >= cost", "ck_tags_price_cost"), ("1 = 1", "ck_tags_condition"),
    ("", "ck_tags_condition")])
def test_a_check_is_named_after_the_columns_it_uses(condition: str, name: str) -> None:
    from gui_app.core.naming import check_name_for

    assert check_name_for("tags", condition, ["label", "cost", "price"], "postgresql") == name

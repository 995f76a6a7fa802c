"""The private parts of Alembic the app relies on, each checked where the app uses it.

``pyproject.toml`` pins Alembic to the release series these were read from; when a new series
moves one of them, this file fails first and names it, instead of a script failing for a user.
"""

from __future__ import annotations

import inspect

import alembic
import pytest
import sqlalchemy as sa
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.operations import Operations, ops
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.langhelpers import ModuleClsProxy

PINNED = "1.20"


def test_the_installed_alembic_is_the_pinned_series() -> None:
    assert alembic.__version__.startswith(PINNED + "."), (
        f"Alembic {alembic.__version__} is installed, the app was checked against {PINNED}.x: re-check the "
        "hooks below, then move the pin in pyproject.toml and here")


def test_repr_type_renders_a_type_with_its_imports() -> None:
    """``op_renderers`` renders column types of ``sa.table()`` as autogenerate renders them."""
    from alembic.autogenerate.render import _repr_type

    assert list(inspect.signature(_repr_type).parameters)[:2] == ["type_", "autogen_context"]
    from sqlalchemy.dialects import postgresql

    context = AutogenContext(MigrationContext.configure(dialect_name="postgresql", opts={
        "sqlalchemy_module_prefix": "sa.", "alembic_module_prefix": "op.", "user_module_prefix": None}))

    assert _repr_type(postgresql.JSONB(), context) == "postgresql.JSONB(astext_type=sa.Text())"
    assert "from sqlalchemy.dialects import postgresql" in context.imports
    assert context._has_batch is False  # op_renderers asks whether it renders inside a batch block


def test_proxies_are_installed_and_removed_as_op_and_context() -> None:
    """``scripts`` and ``script_code`` bind ``alembic.op`` and ``alembic.context`` themselves."""
    assert Operations in ModuleClsProxy._setups and EnvironmentContext in ModuleClsProxy._setups
    context = MigrationContext.configure(dialect_name="sqlite")
    operations = Operations(context)
    environment = EnvironmentContext(Config(), ScriptDirectory.__new__(ScriptDirectory))
    environment._migration_context = context
    environment._install_proxy()
    operations._install_proxy()
    try:
        from alembic import context as proxied_context
        from alembic import op

        assert op.get_context() is context
        assert proxied_context.get_context() is context
    finally:
        operations._remove_proxy()
        environment._remove_proxy()


def test_drop_table_takes_the_table_it_reverses_to() -> None:
    """``edits.drop_table`` hands Alembic the table the downgrade re-creates."""
    table = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))
    create = ops.CreateTableOp.from_table(table)
    drop = ops.DropTableOp("t", _reverse=create)
    assert [c.name for c in drop.reverse().columns if isinstance(c, sa.Column)] == ["id"]  # without it: none


def test_autocommit_block_is_looked_up_on_the_context_a_script_gets() -> None:
    """The runner replaces ``autocommit_block`` on its context; a script reaches it through
    ``op.get_context()``, which must be that same object."""
    context = MigrationContext.configure(dialect_name="postgresql")
    assert inspect.isgeneratorfunction(inspect.unwrap(MigrationContext.autocommit_block))
    operations = Operations(context)
    assert operations.get_context() is context


@pytest.mark.parametrize("name", ["autocommit_block", "begin_transaction", "run_migrations"])
def test_migration_context_keeps_its_public_entry_points(name: str) -> None:
    assert callable(getattr(MigrationContext, name))


def test_columns_and_constraints_render_as_autogenerate_writes_them() -> None:
    """``op_renderers`` writes a batch block's ``table_args`` back with Alembic's own renderers."""
    from alembic.autogenerate import render

    context = AutogenContext(MigrationContext.configure(dialect_name="sqlite", opts={
        "sqlalchemy_module_prefix": "sa.", "alembic_module_prefix": "op.", "user_module_prefix": None}))
    column = sa.Column("note", sa.String(40), nullable=True)
    assert render._render_column(column, context) == "sa.Column('note', sa.String(length=40), nullable=True)"
    check = sa.CheckConstraint("id > 0", name="ck_id")
    sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer), check)
    assert render._render_constraint(check, context, None) == "sa.CheckConstraint('id > 0', name='ck_id')"

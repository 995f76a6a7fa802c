"""Reading migration scripts written by hand in Alembic's documented style back into operations."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.operations import ops

from gui_app.core import render
from gui_app.core.script_reader import ScriptError, load_script

SCRIPT = Path(__file__).resolve().parents[1] / "data" / "1a2b3c_add_things.py"


def test_records_every_operation_without_a_database() -> None:
    script = load_script(SCRIPT)
    assert (script.revision, script.down_revision, script.message) == ("1a2b3c", "0f0f0f", "add things")
    kinds = [ops.CreateTableOp, ops.AddColumnOp, ops.CreateIndexOp, ops.AlterColumnOp, ops.CreateCheckConstraintOp,
             ops.ExecuteSQLOp, ops.BulkInsertOp]
    assert len(script.upgrade) == len(kinds)
    assert all(isinstance(op, kind) for op, kind in zip(script.upgrade, kinds, strict=True))
    assert [type(op) for op in script.downgrade] == [ops.DropIndexOp, ops.DropTableOp]
    batch_alter = script.upgrade[3]
    assert isinstance(batch_alter, ops.AlterColumnOp) and batch_alter.table_name == "account"
    assert "op.create_check_constraint('ck_name_len', 'account', 'length(name) > 1')" in render.render_python(
        script.upgrade, "postgresql")


def test_what_cannot_be_recorded_is_kept_as_code_with_its_line(tmp_path: Path) -> None:
    from gui_app.core.script_code import ScriptCodeOp

    script = tmp_path / "abc_live.py"
    script.write_text("from alembic import op\nrevision = 'abc'\ndown_revision = None\n\n"
                      "def upgrade():\n    conn = op.get_bind()\n    conn.execute('SELECT 1')\n\n"
                      "def downgrade():\n    op.drop_table('t')\n")
    live = load_script(script)
    [step] = live.upgrade
    assert isinstance(step, ScriptCodeOp) and step.function.__name__ == "upgrade"
    assert step.reason == "uses the database through op.get_bind() (line 6)"
    assert [type(op) for op in live.downgrade] == [ops.DropTableOp]  # the other direction is still recorded
    assert isinstance(step.reverse(), ScriptCodeOp) and step.reverse().function.__name__ == "downgrade"
    broken = tmp_path / "def_broken.py"
    broken.write_text("from alembic import op\nrevision = 'def'\ndown_revision = None\n\n"
                      "def upgrade():\n    op.add_column('t')\n\ndef downgrade():\n    pass\n")
    [step] = load_script(broken).upgrade
    assert isinstance(step, ScriptCodeOp)
    assert step.reason.startswith("cannot be recorded (line 6): TypeError")
    with pytest.raises(ScriptError, match="no migration script at"):
        load_script(tmp_path / "missing.py")


def test_open_edit_save_keeps_every_operation(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from gui_app.core import edits
    from gui_app.core.plan import Plan
    from gui_app.core.schema import Namespace, Schema
    from gui_app.core.script_reader import reversible
    from gui_app.core.script_writer import write_standalone

    script = load_script(SCRIPT)
    base = Schema("postgresql", "", "public", (Namespace("public"),))
    plan = Plan(base, "postgresql", reversible(script.upgrade, base, "postgresql", script.downgrade))
    plan.append(edits.add_column(plan.projected.table("account"), edits.ColumnSpec("note", sa.Text())))
    saved = tmp_path / "saved.py"
    write_standalone(saved, plan.operations, "postgresql", "edited", base=base)
    again = load_script(saved)
    assert [type(op).__name__ for op in again.upgrade] == [type(op).__name__ for op in script.upgrade] + [
        "AddColumnOp"]
    assert render.render_sql(again.upgrade[:-1], "postgresql", None) == render.render_sql(
        script.upgrade, "postgresql", None)


def test_dialect_types_bring_their_import() -> None:
    from sqlalchemy.dialects import postgresql

    from gui_app.core import edits
    from gui_app.core.plan import Plan
    from gui_app.core.schema import Column, Namespace, Schema, Table
    from gui_app.core.script_writer import standalone_script

    table = Table("doc", None, (Column("id", "INTEGER"),))
    base = Schema("postgresql", "", "public", (Namespace("public", (table,)),))
    plan = Plan(base, "postgresql")
    plan.append(edits.add_column(table, edits.ColumnSpec("body", postgresql.JSONB())))
    text = standalone_script(plan.operations, "postgresql", "json body", base=base)
    assert "from sqlalchemy.dialects import postgresql" in text
    assert "sa.Column('body', postgresql.JSONB(astext_type=sa.Text()), nullable=True)" in text
    compile(text, "script.py", "exec")


def test_a_batch_block_with_options_is_kept_whole_and_written_back(tmp_path: Path) -> None:
    from gui_app.core.batch_block import BatchBlockOp

    script = tmp_path / "abc_batch.py"
    script.write_text(
        "from alembic import op\nimport sqlalchemy as sa\nrevision = 'abc'\ndown_revision = None\n\n"
        "def upgrade():\n"
        "    with op.batch_alter_table('user', recreate='always', partial_reordering=[('name', 'id')],\n"
        "                              table_kwargs={'sqlite_autoincrement': True},\n"
        "                              table_args=(sa.CheckConstraint('length(name) > 0', name='ck_name'),),\n"
        "                              naming_convention={'fk': 'fk_%(table_name)s_%(column_0_name)s'}) as b:\n"
        "        b.add_column(sa.Column('email', sa.String(80)))\n"
        "    with op.batch_alter_table('user') as b:\n"
        "        b.drop_column('nickname')\n\n"
        "def downgrade():\n    pass\n")
    block, plain = load_script(script).upgrade
    assert isinstance(block, BatchBlockOp) and isinstance(plain, ops.DropColumnOp)
    assert block.options["recreate"] == "always" and block.options["partial_reordering"] == [("name", "id")]
    assert set(block.options) == {"recreate", "partial_reordering", "table_kwargs", "table_args", "naming_convention"}
    body = render.render_python([block], "postgresql")
    assert "with op.batch_alter_table('user', schema=None, recreate='always'" in body
    assert "sa.CheckConstraint('length(name) > 0', name='ck_name')" in body
    written = tmp_path / "abc_written.py"
    written.write_text("from alembic import op\nimport sqlalchemy as sa\nrevision = 'abc'\ndown_revision = None\n\n"
                       f"def upgrade():\n    {body}\n\ndef downgrade():\n    pass\n")
    [again] = load_script(written).upgrade
    assert isinstance(again, BatchBlockOp)
    assert {k: v for k, v in again.options.items() if k != "table_args"} == \
        {k: v for k, v in block.options.items() if k != "table_args"}
    assert [c.name for c in again.options["table_args"]] == ["ck_name"]


def test_a_statement_read_as_an_expression_keeps_its_values(tmp_path: Path) -> None:
    """``op.execute(t.update()...)``: written back with its values as literals where the dialect has
    them, as bound parameters where it has none (an untyped False), never as bare placeholders."""
    from gui_app.core.render import render_python
    from gui_app.core.script_reader import load_script

    script = tmp_path / "r_flags.py"
    script.write_text("from alembic import op\nimport sqlalchemy as sa\nrevision = 'r'\ndown_revision = None\n\n"
                      "def upgrade():\n"
                      "    t = sa.table('account', sa.column('flag'), sa.column('name', sa.String))\n"
                      "    op.execute(t.update().where(t.c.name == \"it's\").values(flag=False))\n"
                      "    op.execute(t.delete().where(t.c.name == 'x'))\n")
    operations = load_script(script).upgrade
    python = render_python(operations, "postgresql")
    assert "op.execute(sa.text('UPDATE account SET flag=:flag WHERE account.name = :name_1')" \
           ".bindparams(flag=False, name_1=\"it's\"))" in python, python
    assert "op.execute(sa.text(\"DELETE FROM account WHERE account.name = 'x'\"))" in python, python
    import sqlalchemy as sa  # the statements as written back run, values and all

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE account (flag BOOLEAN, name VARCHAR(10))")
        conn.exec_driver_sql("INSERT INTO account VALUES (1, 'it''s'), (1, 'x')")
        for line in python.splitlines():
            if line.strip().startswith("op.execute("):
                conn.execute(eval(line.strip()[len("op.execute("):-1], {"sa": sa}))
        assert conn.exec_driver_sql("SELECT flag, name FROM account").all() == [(0, "it's")]
    engine.dispose()

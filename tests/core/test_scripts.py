"""Reading migration scripts written by hand in Alembic's documented style back into operations."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.operations import ops

from gui_app.core import render
from gui_app.core.scripts import ScriptError, load_script

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
    from gui_app.core.script_writer import write_standalone
    from gui_app.core.scripts import reversible

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

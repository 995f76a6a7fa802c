"""PostgreSQL enum types on Pagila: ``mpaa_rating`` given a value (no row rewritten), a value
renamed, the type renamed, a type created and dropped; each applied under plain ``alembic`` and by
the app, read back from the revision as the same operations, and the downgrade restoring the
catalog exactly: removing the added value casts ``film.rating`` to a new type, its default set
again and the views that read it created again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from gui_app.core.apply import apply_plan
from gui_app.core.apply_runner import ApplyFailed
from gui_app.core.enum_ops import (
    AddEnumValueOp,
    CreateEnumOp,
    DropEnumOp,
    RemoveEnumValueOp,
    RenameEnumOp,
    RenameEnumValueOp,
    add_value,
    remove_value,
)
from gui_app.core.op_facts import NEEDS_DATA, describe
from gui_app.core.plan import Plan
from gui_app.core.project import AlembicProject
from gui_app.core.reflect import reflect
from gui_app.core.render import render_sql
from gui_app.core.schema import Schema
from gui_app.core.script_reader import load_script, reversible
from tests.core.test_project import alembic, make_project

CATALOG = """
    SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text FROM pg_type t
    JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname
    UNION ALL SELECT 'view ' || viewname, definition FROM pg_views WHERE schemaname = 'public'
    UNION ALL SELECT 'column ' || table_name || '.' || column_name, udt_name || ' ' || coalesce(column_default, '')
    FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'USER-DEFINED'
    ORDER BY 1
"""




def _catalog(url: str) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.text(CATALOG))]
    engine.dispose()
    return rows


def _labels(url: str, name: str) -> list[str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(sa.text("SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
                                     "WHERE t.typname = :name ORDER BY e.enumsortorder"), {"name": name}).scalars()
        labels = list(found)
    engine.dispose()
    return labels


def test_added_value_renamed_types_and_the_downgrade_restoring_the_catalog(pagila: str, tmp_path: Path) -> None:
    base = reflect(pagila)
    before = _catalog(pagila)
    plan = Plan(base, "postgresql")
    plan.append(add_value(base, "mpaa_rating", "U", before="PG"))
    plan.append(RenameEnumValueOp("mpaa_rating", "NC-17", "NC 17"))
    plan.append(CreateEnumOp("mood", ["sad", "it's ok", "happy"]))
    plan.append(RenameEnumOp("mood", "feeling"))
    enum = next(e for n in plan.projected.namespaces for e in n.enums if e.name == "mpaa_rating")
    assert enum.labels == ("G", "U", "PG", "PG-13", "R", "NC 17")
    assert describe(plan.operations[0]) == "add enum value mpaa_rating 'U'"
    assert plan.lock(0) is not None and plan.lock(0).locks == () and plan.lock(0).cost == "catalog"  # type: ignore
    undo = plan.operations[0].reverse()
    assert isinstance(undo, RemoveEnumValueOp) and {(u.table, u.column) for u in undo.uses} >= {("film", "rating")}
    assert [v.name for v in undo.views] == ["film_list", "nicer_but_slower_film_list"]
    ini = make_project(tmp_path, pagila)
    written = AlembicProject(ini).write_revision(plan.operations, "postgresql", "ratings", None, base=base)
    read = load_script(written.path)
    back = reversible(read.upgrade, base, "postgresql", read.downgrade)
    assert back == plan.operations
    assert render_sql(back, "postgresql", None, downgrade=True) == render_sql(plan.operations, "postgresql", None,
                                                                               downgrade=True)
    upgraded = alembic(ini, "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    assert _labels(pagila, "mpaa_rating") == ["G", "U", "PG", "PG-13", "R", "NC 17"]
    assert _labels(pagila, "feeling") == ["sad", "it's ok", "happy"]
    downgraded = alembic(ini, "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    assert _catalog(pagila) == before  # labels, views, the column's default: as read


def test_removing_a_value_rows_hold_is_refused_and_a_free_one_goes(pagila: str) -> None:
    from gui_app.core import edits
    from gui_app.core.plan import PlanError

    engine = sa.create_engine(pagila)
    with engine.begin() as conn:
        made = conn.execute(sa.text("INSERT INTO language (name) VALUES ('English') RETURNING language_id"))
        conn.execute(sa.text("INSERT INTO film (title, language_id, rating, fulltext) VALUES ('Rated G', :language, "
                             "'G', ''), ('Rated R', :language, 'R', '')"), {"language": made.scalar()})
    engine.dispose()
    base = reflect(pagila)
    plan = Plan(base, "postgresql")
    with pytest.raises(PlanError, match=r"The default of film\.rating is .G.: give it another default first\."):
        plan.append(remove_value(base, "mpaa_rating", "G"))
    plan.append(edits.alter_column(base.table("film"), "rating", server_default="'PG'::mpaa_rating"))
    plan.append(remove_value(plan.projected, "mpaa_rating", "G"))
    assert NEEDS_DATA in plan.risks(1)
    lock = plan.lock(1)
    assert lock is not None and lock.cost == "rewrite" and (None, "film") in lock.rewrites
    with pytest.raises(ApplyFailed, match="invalid input value for enum"):
        apply_plan(sa.make_url(pagila), plan.operations, base, dry_run=True)
    engine = sa.create_engine(pagila)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE film SET rating = 'PG' WHERE rating = 'G'"))
    engine.dispose()
    apply_plan(sa.make_url(pagila), plan.operations, base)
    assert _labels(pagila, "mpaa_rating") == ["PG", "PG-13", "R", "NC-17"]
    assert {v.name for v in reflect(pagila).views} == {v.name for v in base.views}


def test_created_and_dropped_types_and_what_projection_refuses() -> None:
    from gui_app.core.projection import ProjectionError, project
    from gui_app.core.schema import Column, EnumType, Namespace, Table

    base = Schema("postgresql", "15", "public", (Namespace(
        "public", tables=(Table("t", None, (Column("c", "mood"),)),), enums=(EnumType("mood", None, ("a", "b")),)),))
    with pytest.raises(ProjectionError, match="is the type of a column"):
        project(base, DropEnumOp("mood", ("a", "b")))
    with pytest.raises(ProjectionError, match="already has the value 'a'"):
        project(base, AddEnumValueOp("mood", "a"))
    with pytest.raises(ProjectionError, match="has no value 'z'"):
        project(base, AddEnumValueOp("mood", "c", before="z"))
    renamed = project(base, RenameEnumOp("mood", "feeling"))
    assert renamed.tables[0].columns[0].type_name == "feeling"
    assert CreateEnumOp("x", ["a"]).reverse() == DropEnumOp("x", ["a"])
    assert AddEnumValueOp("mood", "c", after="a", labels=("a", "b")).reverse().reverse() == AddEnumValueOp(
        "mood", "c", before="b", labels=("a", "b"))


def test_a_value_the_plan_uses_is_added_and_committed_first(pagila: str, tmp_path: Path) -> None:
    """PostgreSQL refuses a new value in the transaction that added it: added with ``commit`` it
    runs in an ``autocommit_block()`` (under the app and under ``alembic``), and the plan's next
    step may use it; without, the refusal says what to do."""
    from gui_app.core import edits
    from gui_app.core.op_facts import COMMITS_PART_WAY

    base = reflect(pagila)
    plan = Plan(base, "postgresql")
    plan.append(add_value(base, "mpaa_rating", "U", before="PG"))
    plan.append(edits.alter_column(base.table("film"), "rating", server_default="'U'::mpaa_rating"))
    with pytest.raises(ApplyFailed, match=r"unsafe use of new value.*add the value with “Commit it first”"):
        apply_plan(sa.make_url(pagila), plan.operations, base)
    committed = Plan(base, "postgresql")
    committed.append(add_value(base, "mpaa_rating", "U", before="PG", commit=True))
    committed.append(edits.alter_column(base.table("film"), "rating", server_default="'U'::mpaa_rating"))
    assert committed.risks(0) == [COMMITS_PART_WAY] and describe(committed.operations[0]) == \
        "add enum value mpaa_rating 'U'"
    ini = make_project(tmp_path, pagila)
    written = AlembicProject(ini).write_revision(committed.operations, "postgresql", "usable", None, base=base)
    text = Path(written.path).read_text()
    assert "with op.get_context().autocommit_block():" in text and "add enum value and commit" in text
    read = load_script(written.path)
    back = reversible(read.upgrade, base, "postgresql", read.downgrade)
    assert isinstance(back[0], AddEnumValueOp) and back[0].commit
    upgraded = alembic(ini, "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    assert _labels(pagila, "mpaa_rating") == ["G", "U", "PG", "PG-13", "R", "NC-17"]
    downgraded = alembic(ini, "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    assert _labels(pagila, "mpaa_rating") == ["G", "PG", "PG-13", "R", "NC-17"]
    apply_plan(sa.make_url(pagila), committed.operations, base)  # the app's own apply commits it too
    assert reflect(pagila).table("film").column("rating").default == "'U'::mpaa_rating"

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester

from gui_app.core.demo import ensure_demo_database
from gui_app.core.reflect import reflect
from gui_app.ui.models.schema_tree import SchemaTreeModel
from gui_app.ui.models.tree_index import build_tree_index
from tests.ui.editing import assert_multi_data_is_data

pytestmark = pytest.mark.usefixtures("qapp")  # icons are drawn as in the app, with its application


def _model(tmp_path: Path) -> SchemaTreeModel:
    model = SchemaTreeModel()
    model.set_tree(build_tree_index(reflect(f"sqlite:///{ensure_demo_database(tmp_path)}")))
    return model


def test_model_passes_qt_model_tester(qtmodeltester: ModelTester, tmp_path: Path) -> None:
    qtmodeltester.check(_model(tmp_path), force_py=True)


def test_filtered_model_passes_qt_model_tester(qtmodeltester: ModelTester, tmp_path: Path) -> None:
    model = _model(tmp_path)
    model.set_filter("order")
    qtmodeltester.check(model, force_py=True)
    model.set_filter("")
    qtmodeltester.check(model, force_py=True)


def test_empty_model_passes_qt_model_tester(qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(SchemaTreeModel(), force_py=True)


def test_filter_is_case_insensitive_and_keeps_ancestors(tmp_path: Path) -> None:
    model = _model(tmp_path)
    model.set_filter("ISBN")
    tree = model.tree
    assert [tree.path(n) for n in model.matches] == [
        ("main", "Tables", "books", "isbn"), ("main", "Tables", "books", "Unique constraints", "uq_books_isbn")]
    index = model.index_of_node(model.matches[0])
    assert index.isValid()
    assert model.index_of_node(tree.find_path(("main", "Tables", "authors"))).isValid() is False  # type: ignore[arg-type]


def test_multi_data_gives_what_data_gives_for_every_status(qapp: QApplication, tmp_path: Path) -> None:
    import sqlalchemy as sa

    from gui_app.core import edits
    from gui_app.core.plan import Plan, renames

    base = reflect(f"sqlite:///{ensure_demo_database(tmp_path)}")
    plan = Plan(base, "sqlite")
    plan.append(edits.add_column(base.table("orders"), edits.ColumnSpec("note", sa.Text())))
    plan.append(edits.drop_table(plan.projected.table("reviews")))
    plan.append(edits.alter_column(plan.projected.table("books"), "title", new_name="name"))
    model = SchemaTreeModel()
    model.set_tree(build_tree_index(plan.projected, plan.base, None, renames(plan.operations)))
    statuses = set(model.tree.statuses)
    assert {s.value for s in statuses} == {"same", "new", "changed", "dropped"}
    assert assert_multi_data_is_data(model) > 1000

"""Headless commands, run as a user runs them: a separate process, exit codes, stdout/stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gui_app.core.demo import ensure_demo_database
from tests.conftest import ServerDatabases


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gui_app", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def demo_url(tmp_path: Path) -> str:
    return f"sqlite:///{ensure_demo_database(tmp_path)}"


def test_inspect_text(demo_url: str) -> None:
    result = run_cli("inspect", demo_url)
    assert result.returncode == 0, result.stderr
    assert "  table books" in result.stdout
    assert "    price NUMERIC(8, 2) NOT NULL DEFAULT 0" in result.stdout
    assert "foreign key fk_shipments_order_line (order_id, line_no) -> order_lines (order_id, line_no)" \
        " ON DELETE CASCADE" in result.stdout


def test_inspect_json_lists_every_object_and_attribute(demo_url: str) -> None:
    result = run_cli("inspect", demo_url, "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["dialect"] == "sqlite" and "comments" in doc["unsupported"]
    (main,) = doc["namespaces"]
    tables = {t["name"]: t for t in main["tables"]}
    assert len(tables) == 11
    books = tables["books"]
    assert set(books) >= {"columns", "primary_key", "foreign_keys", "indexes", "unique_constraints",
                          "check_constraints", "comment", "partition_of"}
    price = next(c for c in books["columns"] if c["name"] == "price")
    assert price == {"name": "price", "type_name": "NUMERIC(8, 2)", "nullable": False, "default": "0",
                     "autoincrement": False, "identity": None, "computed": None, "comment": None}
    assert main["views"][0]["name"] == "book_sales"
    index = next(i for i in tables["orders"]["indexes"] if i["name"] == "ix_orders_open")
    assert index["where"] == "status = 'open'"


def test_unreachable_database_is_one_line_exit_1() -> None:
    result = run_cli("inspect", "postgresql://nobody:secret-word@127.0.0.1:1/none")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert "secret-word" not in result.stderr
    assert "127.0.0.1" in result.stderr


def test_missing_sqlite_file_is_an_error_not_a_new_file(tmp_path: Path) -> None:
    for missing in (tmp_path / "nope" / "db.sqlite", tmp_path / "typo.sqlite"):
        result = run_cli("inspect", f"sqlite:///{missing}")
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert f"no SQLite database at {missing}" in result.stderr
        assert not missing.exists()


@pytest.mark.parametrize("args", [("inspect",), ("inspect", "not a url"), ("inspect", "nosuchdb://x/y"),
                                  ("inspect", "sqlite://", "--bogus")])
def test_bad_usage_exits_2(args: tuple[str, ...]) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_version_and_help() -> None:
    from gui_app import __version__

    assert run_cli("--version").stdout.strip() == f"alembic-studio {__version__}"
    help_text = run_cli("inspect", "--help")
    assert help_text.returncode == 0 and "--json" in help_text.stdout


@pytest.mark.postgresql
def test_inspect_postgresql_json(pg_databases: ServerDatabases) -> None:
    from sqlalchemy import create_engine, text

    name = pg_databases.create()
    engine = create_engine(pg_databases.url(name))
    with engine.begin() as conn:
        conn.execute(text("CREATE SCHEMA sales"))
        conn.execute(text("CREATE TABLE sales.item (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                          "price numeric(10,2) CHECK (price > 0), "
                          "total numeric GENERATED ALWAYS AS (price * 2) STORED)"))
        conn.execute(text("COMMENT ON TABLE sales.item IS 'things we sell'"))
        conn.execute(text("COMMENT ON COLUMN sales.item.price IS 'in euros'"))
        conn.execute(text("CREATE INDEX ix_item_cheap ON sales.item (price) WHERE price < 10"))
    engine.dispose()
    result = run_cli("inspect", pg_databases.url(name), "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    sales = next(ns for ns in doc["namespaces"] if ns["name"] == "sales")
    (item,) = sales["tables"]
    assert item["schema"] == "sales" and item["comment"] == "things we sell"
    columns = {c["name"]: c for c in item["columns"]}
    assert columns["id"]["identity"]["always"] is True
    assert columns["price"]["comment"] == "in euros"
    assert columns["total"]["computed"]["sqltext"] == "(price * (2)::numeric)"
    assert columns["total"]["computed"]["persisted"] is True
    assert item["indexes"][0]["where"] == "(price < (10)::numeric)"
    assert item["check_constraints"][0]["sqltext"] == "price > 0::numeric"


def test_inspect_names_routines_triggers_sequences_and_domains(pg_databases: ServerDatabases) -> None:
    from sqlalchemy import create_engine, text

    name = pg_databases.create()
    engine = create_engine(pg_databases.url(name))
    with engine.begin() as conn:
        conn.execute(text("CREATE DOMAIN score AS numeric(3,1) NOT NULL DEFAULT 5 CHECK (VALUE >= 0)"))
        conn.execute(text("CREATE TABLE item (id serial PRIMARY KEY, touched integer DEFAULT 0)"))
        conn.execute(text("CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                          "NEW.touched := NEW.touched + 1; RETURN NEW; END $$"))
        conn.execute(text("CREATE TRIGGER touched BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION touch()"))
        conn.execute(text("ALTER TABLE item DISABLE TRIGGER touched"))
    engine.dispose()
    result = run_cli("inspect", pg_databases.url(name))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "    trigger touched (BEFORE UPDATE ON public.item) disabled" in lines
    assert "  domain score numeric(3,1) NOT NULL DEFAULT 5 CHECK (VALUE >= 0::numeric)" in lines
    assert "  sequence item_id_seq integer from 1 by 1, owned by item.id" in lines
    assert "  function touch() returns trigger" in lines
    doc = json.loads(run_cli("inspect", pg_databases.url(name), "--json").stdout)
    (public,) = [ns for ns in doc["namespaces"] if ns["name"] == "public"]
    assert public["routines"][0]["definition"].startswith("CREATE OR REPLACE FUNCTION public.touch()")
    assert public["tables"][0]["triggers"][0]["enabled"] is False


@pytest.mark.parametrize("command", ["inspect", "sql", "apply", "diff"])
def test_every_command_has_help(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0 and f"usage: alembic-studio {command}" in result.stdout


@pytest.mark.parametrize(("url", "said"), [
    ("postgresql://postgres:hunter2@127.0.0.1:abc/x", "the port 'abc' is not a number"),
    ("mysql://root:hunter2@127.0.0.1/test?charset=bogus", "MySQL has no character set 'bogus'"),
    ("mysql://root:hunter2@127.0.0.1/test?bogus_arg=1", "PyMySQL has no connection option 'bogus_arg'"),
])
def test_a_bad_url_is_one_line_saying_what_is_wrong(url: str, said: str) -> None:
    result = run_cli("inspect", url)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and said in result.stderr, result.stderr
    assert "hunter2" not in result.stderr + result.stdout


def test_a_mistyped_command_is_a_usage_error_not_the_window(tmp_path: Path) -> None:
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"  # were the window to start, it would abort for want of a display
    result = subprocess.run([sys.executable, "-m", "gui_app", "frobnicate"], capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 2, result.stderr
    assert "'frobnicate' is neither a command (inspect, sql, apply, check, diff, diagram, recover) nor a database URL" \
        in result.stderr


def test_apply_lock_retries_is_a_bounded_whole_number(tmp_path: Path) -> None:
    from gui_app.cli import build_parser

    args = build_parser().parse_args(["apply", "s.py", "sqlite:///x.db", "--lock-retries", "5"])
    assert args.lock_retries == 5
    assert build_parser().parse_args(["apply", "s.py", "sqlite:///x.db"]).lock_retries == 3
    for wrong, said in (("-1", "must be from 0 to 100"), ("two", "not a whole number")):
        result = run_cli("apply", str(tmp_path / "s.py"), "sqlite:///x.db", "--lock-retries", wrong)
        assert result.returncode == 2 and said in result.stderr, result.stderr

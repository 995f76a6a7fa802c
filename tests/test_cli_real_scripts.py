"""Scripts as real projects write them: ``apply`` and ``sql`` must do what ``alembic`` does.

Each case is a small revision chain run by the real ``alembic`` command on one fresh database
and by ``alembic-studio apply`` on another; the servers' own accounts of the two schemas (and
their rows and ``alembic_version``) must be equal after every revision, with exit 0 and no
false alarm from the app's verification.
"""

from __future__ import annotations

import sqlite3
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.operations import ops

from tests.side_by_side import SideBySide, assert_same, fingerprint, fresh_pair

DIALECTS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
            pytest.param("mysql", id="mysql", marks=pytest.mark.mysql)]

USERS = ('op.create_table("user", sa.Column("id", sa.Integer, primary_key=True), '
         'sa.Column("name", sa.String(40), nullable=False))', 'op.drop_table("user")')


def write_chain(folder: Path, *steps: tuple[str, str]) -> Path:
    """Revision files r1, r2, ... each with the given upgrade and downgrade bodies."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, (upgrade, downgrade) in enumerate(steps, start=1):
        parent = f"'r{number - 1}'" if number > 1 else "None"
        (folder / f"r{number}_step.py").write_text(
            f'"""step {number}\n\nRevision ID: r{number}\n"""\n'
            "from alembic import op\nimport sqlalchemy as sa\n\n"
            f"revision = 'r{number}'\ndown_revision = {parent}\nbranch_labels = None\ndepends_on = None\n\n\n"
            f"def upgrade():\n{textwrap.indent(textwrap.dedent(upgrade).strip() or 'pass', '    ')}\n\n\n"
            f"def downgrade():\n{textwrap.indent(textwrap.dedent(downgrade).strip() or 'pass', '    ')}\n")
    return folder


def side_by_side(request: pytest.FixtureRequest, tmp_path: Path, dialect: str, *steps: tuple[str, str],
                 down: bool = True) -> tuple[SideBySide, str, str]:
    """Up revision by revision (and, with ``down``, back to base) with both tools, equal at every step."""
    pg = request.getfixturevalue("pg_databases") if dialect == "postgresql" else None
    mysql = request.getfixturevalue("mysql_databases") if dialect == "mysql" else None
    runner = SideBySide(write_chain(tmp_path / "versions", *steps), tmp_path)
    by_alembic, by_app = fresh_pair(dialect, tmp_path, pg, mysql)
    revisions = runner.revisions()
    for revision in revisions:
        expected = runner.alembic(by_alembic, "upgrade", revision.revision)
        assert expected.returncode == 0, expected.stderr
        result = runner.app("apply", revision.path, by_app, "--yes")
        assert result.returncode == 0, result.stderr
        assert_same(by_app, by_alembic, f"after {revision.revision}")
    if down:
        for revision in reversed(revisions):
            expected = runner.alembic(by_alembic, "downgrade", "-1")
            assert expected.returncode == 0, expected.stderr
            result = runner.app("apply", revision.path, by_app, "--yes", "--downgrade")
            assert result.returncode == 0, result.stderr
            assert_same(by_app, by_alembic, f"after downgrading {revision.revision}")
    return runner, by_alembic, by_app


@pytest.mark.parametrize("dialect", DIALECTS)
def test_inline_foreign_keys_are_kept_and_a_key_column_is_not_serial(
        request: pytest.FixtureRequest, tmp_path: Path, dialect: str) -> None:
    tables = ("""
        op.create_table("api_token", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("user_id", sa.Integer, sa.ForeignKey("user.id", ondelete="CASCADE")))
        op.create_table("profile", sa.Column("user_id", sa.Integer, sa.ForeignKey("user.id"), primary_key=True),
                        sa.Column("bio", sa.Text))
        """, 'op.drop_table("profile")\nop.drop_table("api_token")')
    # SQLite cannot add a key to an existing table outside batch mode, under `alembic` either.
    added = ('op.add_column("api_token", sa.Column("owner_id", sa.Integer, sa.ForeignKey("user.id", name="fk_owner")))',
             'op.drop_constraint("fk_owner", "api_token", type_="foreignkey")\nop.drop_column("api_token", "owner_id")')
    steps = (USERS, tables) if dialect == "sqlite" else (USERS, tables, added)
    runner, _, by_app = side_by_side(request, tmp_path, dialect, *steps, down=False)
    reflected = fingerprint(by_app)["reflected"]
    found = {t["name"]: t for ns in reflected["namespaces"] for t in ns["tables"]}
    keys = sorted((fk["columns"], fk["referred_table"], fk["on_delete"]) for fk in found["api_token"]["foreign_keys"])
    wanted = [(["user_id"], "user", "CASCADE")] + ([] if dialect == "sqlite" else [(["owner_id"], "user", None)])
    assert keys == sorted(wanted)
    assert [fk["columns"] for fk in found["profile"]["foreign_keys"]] == [["user_id"]]
    assert found["profile"]["columns"][0]["default"] is None  # no sequence behind a key that points elsewhere
    sql = runner.app("sql", str(tmp_path / "versions" / "r2_step.py"), "--dialect", "postgresql")
    assert sql.returncode == 0, sql.stderr
    assert 'FOREIGN KEY(user_id) REFERENCES "user" (id) ON DELETE CASCADE' in sql.stdout  # user is not created here
    assert "user_id SERIAL" not in sql.stdout


@pytest.mark.parametrize("dialect", DIALECTS)
def test_indexes_and_constraints_inside_create_table_and_type_classes(
        request: pytest.FixtureRequest, tmp_path: Path, dialect: str) -> None:
    def widen(old: str, new: str) -> str:
        change = f'type_=sa.{new}, existing_type=sa.{old}, existing_nullable=True)'
        if dialect == "sqlite":
            return f'with op.batch_alter_table("session") as batch_op:\n    batch_op.alter_column("hits", {change}'
        return f'op.alter_column("session", "hits", {change}'

    side_by_side(request, tmp_path, dialect, USERS, (
        """
        op.create_table("session", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("user_id", sa.Integer, sa.ForeignKey("user.id"), nullable=False),
                        sa.Column("code", sa.String(20), index=True),
                        sa.Column("token", sa.String(40), unique=True),
                        sa.Column("hits", sa.Integer),
                        sa.Index("ix_session_user_hits", "user_id", "hits"),
                        sa.UniqueConstraint("user_id", "code", name="uq_session_user_code"),
                        sa.CheckConstraint("hits >= 0", name="ck_session_hits"))
        """, 'op.drop_table("session")'), (widen("Integer", "BigInteger"), widen("BigInteger", "Integer")))


@pytest.mark.postgresql
def test_drop_index_without_its_table_on_postgresql(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    side_by_side(request, tmp_path, "postgresql", USERS, (
        'op.create_index("ix_user_name", "user", ["name"])', 'op.drop_index("ix_user_name")'), (
        'op.drop_index("ix_user_name")', 'op.create_index("ix_user_name", "user", ["name"])'))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_scripts_that_use_the_connection_run_as_they_are(
        request: pytest.FixtureRequest, tmp_path: Path, dialect: str) -> None:
    runner, _, _ = side_by_side(request, tmp_path, dialect, USERS, (
        """
        users = sa.table("user", sa.column("id", sa.Integer), sa.column("name", sa.String))
        op.bulk_insert(users, [{"id": 1, "name": "ada"}, {"id": 2, "name": "bob"}])
        """, 'op.execute("DELETE FROM " + op.get_context().impl.dialect.identifier_preparer.quote("user"))'), (
        # Data migration reading rows, and DDL chosen by the server it runs on.
        """
        bind = op.get_bind()
        users = sa.table("user", sa.column("id", sa.Integer), sa.column("name", sa.String))
        for row in bind.execute(sa.select(users.c.id, users.c.name)).all():
            bind.execute(users.update().where(users.c.id == row.id).values(name=row.name.upper()))
        if bind.dialect.name != "sqlite":
            op.add_column("user", sa.Column("note", sa.String(20), server_default="x"))
        """,
        """
        bind = op.get_bind()
        if bind.dialect.name != "sqlite":
            op.drop_column("user", "note")
        bind.execute(sa.text("UPDATE " + bind.dialect.identifier_preparer.quote("user") + " SET name = lower(name)"))
        """))
    preview = runner.app("sql", str(tmp_path / "versions" / "r3_step.py"), "--dialect", "postgresql")
    assert preview.returncode == 1 and preview.stdout == ""
    assert preview.last_line.startswith("alembic-studio sql: r3_step.py upgrade() (line ")
    # Offline the bind returns no rows, so the loop stops, as `alembic upgrade --sql` stops there too.
    assert "cannot run without a database: AttributeError" in preview.last_line


@pytest.mark.parametrize("dialect", DIALECTS)
def test_unnamed_constraints_floats_and_booleans_raise_no_false_alarm(
        request: pytest.FixtureRequest, tmp_path: Path, dialect: str) -> None:
    side_by_side(request, tmp_path, dialect, USERS, (
        """
        op.create_table("tag", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("name", sa.String(30), unique=True),
                        sa.Column("rating", sa.Float), sa.Column("score", sa.Numeric),
                        sa.Column("shown", sa.Boolean, nullable=False, server_default=sa.true()),
                        sa.Column("user_id", sa.Integer, sa.ForeignKey("user.id")),
                        sa.CheckConstraint("rating >= 0"))
        """, 'op.drop_table("tag")'))


@pytest.mark.mysql
def test_mysql_alter_without_existing_values_is_what_mysql_does(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    # MODIFY restates the column: without existing_nullable it becomes NULL, as under `alembic`.
    side_by_side(request, tmp_path, "mysql", USERS, (
        'op.alter_column("user", "name", type_=sa.String(60), existing_type=sa.String(40))',
        'op.alter_column("user", "name", type_=sa.String(40), existing_type=sa.String(60))'))


def test_a_script_that_does_not_fit_the_database_fails_in_one_line(tmp_path: Path) -> None:
    runner = SideBySide(write_chain(tmp_path / "versions", USERS, (
        'op.alter_column("user", "missing", new_column_name="gone")', "")), tmp_path)
    sqlite3.connect(tmp_path / "db.sqlite").close()
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    first = runner.app("apply", str(tmp_path / "versions" / "r1_step.py"), url, "--yes")
    assert first.returncode == 0, first.stderr
    result = runner.app("apply", str(tmp_path / "versions" / "r2_step.py"), url, "--yes")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.last_line.startswith("alembic-studio apply: ") and "missing" in result.last_line


def test_batch_options_have_the_effect_alembic_documents_on_sqlite(
        request: pytest.FixtureRequest, tmp_path: Path) -> None:
    token = ('op.create_table("token", sa.Column("id", sa.Integer, primary_key=True), '
             'sa.Column("user_id", sa.Integer, sa.ForeignKey("user.id")), sa.Column("flag", sa.Integer), '
             'sa.Column("code", sa.String(10)))', 'op.drop_table("token")')
    convention = '{"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}'
    runner, _, _ = side_by_side(request, tmp_path, "sqlite", USERS, token, (
        # recreate="always" rebuilds even where ALTER would do; table_kwargs and table_args reach the new table
        """
        with op.batch_alter_table("user", recreate="always", table_kwargs={"sqlite_autoincrement": True},
                                  table_args=(sa.CheckConstraint("length(name) > 0", name="ck_user_name"),)) as b:
            b.add_column(sa.Column("email", sa.String(80)))
        """,
        """
        with op.batch_alter_table("user", recreate="always") as b:
            b.drop_column("email")
        """), (
        # the naming convention names the reflected unnamed key, so it can be dropped by that name
        f"""
        with op.batch_alter_table("token", naming_convention={convention}) as b:
            b.drop_constraint("fk_token_user_id_user", type_="foreignkey")
        """,
        """
        with op.batch_alter_table("token") as b:
            b.create_foreign_key("fk_token_user_id_user", "user", ["user_id"], ["id"])
        """), (
        # columns put in a new order; a reflected type overridden
        """
        with op.batch_alter_table("token", partial_reordering=[("code", "id")],
                                  reflect_args=[sa.Column("flag", sa.Boolean())]) as b:
            b.alter_column("code", type_=sa.String(20), existing_type=sa.String(10))
        """,
        """
        with op.batch_alter_table("token") as b:
            b.alter_column("code", type_=sa.String(10), existing_type=sa.String(20))
        """))
    # Offline there is nothing to rebuild from, and alembic upgrade --sql stops there too.
    block = runner.app("sql", str(tmp_path / "versions" / "r3_step.py"), "--dialect", "postgresql")
    assert block.returncode == 1 and "batch_alter_table('user') with recreate, table_args, table_kwargs cannot " \
        "run without a database" in block.last_line


@pytest.mark.postgresql
def test_recreate_always_rebuilds_on_postgresql_too(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    side_by_side(request, tmp_path, "postgresql", USERS, (
        """
        with op.batch_alter_table("user", recreate="always") as b:
            b.add_column(sa.Column("email", sa.String(80)))
        """, 'op.drop_column("user", "email")'))


def test_a_step_kept_as_code_is_written_back_into_a_revision_that_alembic_runs(
        request: pytest.FixtureRequest, tmp_path: Path) -> None:
    from gui_app.core.script_reader import load_script
    from gui_app.core.script_writer import standalone_script

    seed = (USERS[0] + '\nop.bulk_insert(sa.table("user", sa.column("id"), sa.column("name")), '
            '[{"id": 1, "name": "ada"}, {"id": 2, "name": "bob"}])', USERS[1])
    data = ("""
        bind = op.get_bind()
        for row in bind.execute(sa.select(users.c.id, users.c.name)).all():
            bind.execute(users.update().where(users.c.id == row.id).values(name=shout(row.name)))
        """, "")
    original = write_chain(tmp_path / "original", seed, data)
    step = original / "r2_step.py"
    step.write_text(step.read_text().replace(
        "\n\ndef upgrade():", '\n\nusers = sa.table("user", sa.column("id", sa.Integer), sa.column("name", sa.String))'
        '\n\n\ndef shout(text):\n    return text.upper() + "!"\n\n\ndef upgrade():'))
    written = write_chain(tmp_path / "written", seed)
    (written / "r2_step.py").write_text(standalone_script(load_script(step).upgrade, "sqlite", "shout", "r2", "r1"))
    urls = []
    for folder in (original, written):
        runner = SideBySide(folder, tmp_path / folder.name)
        sqlite3.connect(tmp_path / f"{folder.name}.sqlite").close()
        urls.append(f"sqlite:///{tmp_path / folder.name}.sqlite")
        outcome = runner.alembic(urls[-1], "upgrade", "head")
        assert outcome.returncode == 0, outcome.stderr
    assert fingerprint(urls[1])["rows"]["user"] == [[1, "ADA!"], [2, "BOB!"]]
    assert_same(urls[1], urls[0], "the written revision against the original")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_primary_key_added_later_raises_no_false_alarm(
        request: pytest.FixtureRequest, tmp_path: Path, dialect: str) -> None:
    create = ('op.create_table("tag", sa.Column("code", sa.String(10), nullable=True), sa.Column("label", sa.Text))',
              'op.drop_table("tag")')
    key = ('op.create_primary_key("pk_tag", "tag", ["code"])', 'op.drop_constraint("pk_tag", "tag", type_="primary")')
    if dialect == "sqlite":  # batch mode there
        key = ('with op.batch_alter_table("tag") as batch_op:\n    batch_op.create_primary_key("pk_tag", ["code"])',
               'with op.batch_alter_table("tag") as batch_op:\n    batch_op.drop_constraint("pk_tag", type_="primary")')
    side_by_side(request, tmp_path, dialect, create, key)


def test_diff_against_models_writes_a_revision_that_imports_its_types(tmp_path: Path) -> None:
    models = tmp_path / "shopmodels.py"
    models.write_text(
        "import sqlalchemy as sa\n\n\nclass Tags(sa.types.TypeDecorator):\n    impl = sa.String(200)\n"
        "    cache_ok = True\n\n\nmetadata = sa.MetaData()\n"
        "item = sa.Table('item', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
        "                sa.Column('tags', Tags()))\n")
    sqlite3.connect(tmp_path / "shop.sqlite").close()
    url = f"sqlite:///{tmp_path / 'shop.sqlite'}"
    versions = tmp_path / "versions"
    versions.mkdir()
    runner = SideBySide(versions, tmp_path, pythonpath=[tmp_path])
    result = runner.app("diff", url, "--models", "shopmodels:metadata", "-o", str(versions / "abc_item.py"))
    assert result.returncode == 0, result.stderr
    text = (versions / "abc_item.py").read_text()
    assert "import shopmodels" in text and "shopmodels.Tags(length=200)" in text
    upgraded = runner.alembic(url, "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr
    assert [c["name"] for c in fingerprint(url)["reflected"]["namespaces"][0]["tables"][1]["columns"]] == ["id", "tags"]


def test_diff_does_not_write_a_revision_that_cannot_run(tmp_path: Path) -> None:
    from gui_app.core.script_writer import write_standalone

    class Opaque(sa.types.UserDefinedType[str]):  # defined here: no module to import it from
        cache_ok = True

        def get_col_spec(self) -> str:
            return "BLOB"

    operation = ops.AddColumnOp("item", sa.Column("blob", Opaque()))
    target = tmp_path / "abc_bad.py"
    with pytest.raises(ValueError, match="would not run"):
        write_standalone(target, [operation], "postgresql", "bad", check=True)
    assert not target.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("dialect", [d for d in DIALECTS if d.id != "sqlite"])
def test_dropping_a_column_takes_what_the_database_takes_with_it(
        request: pytest.FixtureRequest, tmp_path: Path, dialect: str) -> None:
    table = ("""
        op.create_table("item", sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer),
                        sa.Column("code", sa.String(10)), sa.Column("qty", sa.Integer),
                        sa.UniqueConstraint("code", name="uq_item_code"),
                        sa.CheckConstraint("qty >= 0", name="ck_item_qty"))
        op.create_index("ix_item_a_code", "item", ["a", "code"])
        op.create_index("ix_item_qty", "item", ["qty"])
        """, 'op.drop_table("item")')
    drop = ('op.drop_column("item", "code")\nop.drop_column("item", "qty")',
            'op.add_column("item", sa.Column("code", sa.String(10)))\n'
            'op.add_column("item", sa.Column("qty", sa.Integer))')
    side_by_side(request, tmp_path, dialect, table, drop, down=False)


def test_a_message_cannot_become_code_in_the_written_revision(tmp_path: Path) -> None:
    import ast

    from gui_app.core.script_reader import load_script

    sqlite3.connect(tmp_path / "a.sqlite").close()
    target = sqlite3.connect(tmp_path / "b.sqlite")
    target.execute("CREATE TABLE item (id INTEGER PRIMARY KEY)")
    target.close()
    marker = tmp_path / "ran"
    message = f'x"""\nopen({str(marker)!r}, "w").close()\n"""\\'
    runner = SideBySide(tmp_path / "versions", tmp_path)
    result = runner.app("diff", f"sqlite:///{tmp_path / 'a.sqlite'}", f"sqlite:///{tmp_path / 'b.sqlite'}",
                        "-o", str(tmp_path / "abc.py"), "-m", message)
    assert result.returncode == 0, result.stderr
    tree = ast.parse((tmp_path / "abc.py").read_text())
    assert ast.get_docstring(tree, clean=False).startswith(message)  # type: ignore[union-attr]
    load_script(tmp_path / "abc.py")
    assert not marker.exists()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_statements_as_expressions_and_literal_defaults_run_as_alembic_runs_them(
        request: pytest.FixtureRequest, tmp_path: Path, dialect: str) -> None:
    """``op.execute(t.update()...)`` keeps its values as parameters (its SQL text alone has none),
    and ``server_default="..."`` in ``alter_column`` is a literal to Alembic, quoted by the dialect."""
    hostile = "C:\\\\new\\\\table ' \\\\' #"  # backslashes and quotes, as Python source
    rows = (f"""
        users = sa.table("user", sa.column("id", sa.Integer), sa.column("name", sa.String))
        op.bulk_insert(users, [{{"id": 1, "name": "a"}}, {{"id": 2, "name": "b"}}])
        op.execute(users.update().where(users.c.id == 2).values(name="{hostile}"))
        op.add_column("user", sa.Column("note", sa.String(40)))
        op.alter_column("user", "note", server_default="{hostile}")
        """, """
        users = sa.table("user", sa.column("id", sa.Integer))
        op.alter_column("user", "note", server_default=None)
        op.drop_column("user", "note")
        op.execute(users.delete().where(users.c.id.in_([1, 2])))
        """)
    if dialect == "sqlite":  # SQLite alters a column only in batch mode, under `alembic` too
        rows = (rows[0].replace('op.alter_column("user", ', 'with op.batch_alter_table("user") as b:\n'
                                '            b.alter_column('),
                rows[1].replace('op.alter_column("user", "note", server_default=None)\n'
                                '        op.drop_column("user", "note")',
                                'with op.batch_alter_table("user") as b:\n            b.drop_column("note")'))
    side_by_side(request, tmp_path, dialect, USERS, rows)


COMMIT_THEN_FAIL = ('''
    op.add_column("user", sa.Column("handle", sa.String(40)))
    op.execute("COMMIT")  # an old recipe for CREATE INDEX CONCURRENTLY; psycopg 3 opens a new transaction
    op.create_index("ix_user_handle", "user", ["handle"], unique=True, postgresql_concurrently=True)
''', 'op.drop_index("ix_user_handle", table_name="user")\nop.drop_column("user", "handle")')


@pytest.mark.postgresql
def test_a_scripts_own_commit_is_reported_as_committed_and_a_dry_run_does_not_send_it(
        request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """``op.execute("COMMIT")`` ends the plan's transaction as it ends alembic's: when a later step
    fails, the app says what stays applied (and leaves what alembic leaves), never "nothing was
    changed"; the confirmation names the step that commits part-way; a dry run does not commit."""
    runner = SideBySide(write_chain(tmp_path / "versions", USERS, COMMIT_THEN_FAIL), tmp_path)
    by_alembic, by_app = fresh_pair("postgresql", tmp_path, request.getfixturevalue("pg_databases"), None)
    first, second = runner.revisions()
    assert runner.alembic(by_alembic, "upgrade", first.revision).returncode == 0
    assert runner.app("apply", first.path, by_app, "--yes").returncode == 0

    dry = runner.app("apply", second.path, by_app, "--yes", "--dry-run")
    assert dry.returncode == 1 and dry.last_line.endswith("Nothing was changed."), dry.stderr
    assert "handle" not in {c["name"] for c in sa.inspect(sa.create_engine(by_app)).get_columns("user")}

    expected = runner.alembic(by_alembic, "upgrade", second.revision)
    assert expected.returncode == 1 and "cannot run inside a transaction block" in expected.stderr
    result = runner.app("apply", second.path, by_app, "--yes")
    assert result.returncode == 1
    assert "commits part-way" in result.stderr
    assert result.last_line.startswith("alembic-studio apply: Operation 3 (create_index user.ix_user_handle) "
                                       "failed: CREATE INDEX CONCURRENTLY cannot run inside a transaction block.")
    assert "Operation 2 committed part-way" in result.last_line and "the first 1 operation(s) stay" in result.last_line
    assert_same(by_app, by_alembic, "after the failed revision")  # the column stays, as under alembic


AUTOCOMMIT_THEN_FAIL = ('''
    op.add_column("user", sa.Column("handle", sa.String(40)))
    with op.get_context().autocommit_block():
        op.execute("CREATE TABLE audit (id integer)")
    op.execute("INSERT INTO missing_table VALUES (1)")
''', 'op.drop_table("audit")\nop.drop_column("user", "handle")')


@pytest.mark.parametrize("dialect", [d for d in DIALECTS if d.id != "mysql"])
def test_autocommit_block_commits_where_alembic_commits(request: pytest.FixtureRequest, tmp_path: Path,
                                                        dialect: str) -> None:
    """``autocommit_block()`` commits the work before it and runs outside a transaction, as under
    ``alembic``; a failure after it leaves what alembic leaves, and the message says so."""
    runner = SideBySide(write_chain(tmp_path / "versions", USERS, AUTOCOMMIT_THEN_FAIL), tmp_path)
    pg = request.getfixturevalue("pg_databases") if dialect == "postgresql" else None
    by_alembic, by_app = fresh_pair(dialect, tmp_path, pg, None)
    first, second = runner.revisions()
    assert runner.alembic(by_alembic, "upgrade", first.revision).returncode == 0
    assert runner.app("apply", first.path, by_app, "--yes").returncode == 0
    before = fingerprint(by_app)
    dry = runner.app("apply", second.path, by_app, "--yes", "--dry-run")
    assert dry.returncode == 1 and fingerprint(by_app) == before, dry.stderr
    assert runner.alembic(by_alembic, "upgrade", second.revision).returncode == 1
    result = runner.app("apply", second.path, by_app, "--yes")
    assert result.returncode == 1
    assert "Operation 1 committed part-way" in result.last_line, result.stderr
    assert_same(by_app, by_alembic, "after the failed revision")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_unique_index_is_dropped_as_an_index(request: pytest.FixtureRequest, tmp_path: Path, dialect: str) -> None:
    """MySQL reports a unique index as a unique constraint too: ``drop_index`` of it must still fit,
    and its downgrade re-create it as the unique index it was."""
    side_by_side(request, tmp_path, dialect, USERS,
                 ('op.create_index("ix_user_name", "user", ["name"], unique=True)',
                  'op.drop_index("ix_user_name", table_name="user")'),
                 ('op.drop_index("ix_user_name", table_name="user")',
                  'op.create_index("ix_user_name", "user", ["name"], unique=True)'))


def test_a_sqlite_rebuild_keeps_an_expression_index_that_alembic_batch_mode_loses(tmp_path: Path) -> None:
    """The one known difference from ``alembic`` that is on purpose: its batch mode cannot reflect
    an expression index and rebuilds the table without it; the app rebuilds the table with it."""
    runner = SideBySide(write_chain(
        tmp_path / "versions", USERS,
        ('op.add_column("user", sa.Column("email", sa.String(80)))\n'
         'op.create_index("ix_user_email_lower", "user", [sa.text("lower(email)")], unique=True)',
         'op.drop_index("ix_user_email_lower", table_name="user")\nop.drop_column("user", "email")'),
        ('with op.batch_alter_table("user") as batch:\n    batch.alter_column("name", type_=sa.String(80))',
         'with op.batch_alter_table("user") as batch:\n    batch.alter_column("name", type_=sa.String(40))')),
        tmp_path)
    by_alembic, by_app = fresh_pair("sqlite", tmp_path, None, None)
    for revision in runner.revisions():
        assert runner.alembic(by_alembic, "upgrade", revision.revision).returncode == 0
        result = runner.app("apply", revision.path, by_app, "--yes")
        assert result.returncode == 0, result.stderr

    def indexes(url: str) -> list[str]:
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            found = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            return [row[0] for row in found]

    assert indexes(by_alembic) == []
    assert indexes(by_app) == ['CREATE UNIQUE INDEX ix_user_email_lower ON user (lower(email))']

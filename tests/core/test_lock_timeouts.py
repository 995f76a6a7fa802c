"""Every wait on a server is bounded (on the real servers): a lock another session holds makes
apply fail within the lock timeout with that session named, nothing changed, and other sessions'
reads are held up no longer than that; counting gives up on a held table instead of hanging; a
server that accepts a connection but never answers fails within the connect timeout."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from gui_app.core import apply, edits, timeouts
from gui_app.core.impact import count_impacts
from gui_app.core.reflect import reflect
from tests.conftest import ServerDatabases

LOCK = 2.0
SERVERS = [pytest.param("postgresql", marks=pytest.mark.postgresql), pytest.param("mysql", marks=pytest.mark.mysql)]


@pytest.fixture
def short_timeouts() -> Iterator[None]:
    before = timeouts.current()
    timeouts.configure(timeouts.Timeouts(connect=3.0, lock=LOCK, count=LOCK, lock_retries=0))
    yield
    timeouts.configure(before)


def _database(request: pytest.FixtureRequest, dialect: str) -> str:
    servers: ServerDatabases = request.getfixturevalue("pg_databases" if dialect == "postgresql"
                                                       else "mysql_databases")
    url = servers.url(servers.create())
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE busy (id INTEGER PRIMARY KEY, note VARCHAR(20))")
        conn.exec_driver_sql("INSERT INTO busy VALUES (1, 'a'), (2, 'b')")
    engine.dispose()
    return url


def _holder(url: str) -> tuple[sa.Engine, sa.Connection, int]:
    """Another session, named, inside a transaction that has read the table (and so holds a lock
    that ALTER TABLE must wait for)."""
    parsed = make_url(url)
    args = {"application_name": "held-by-test"} if parsed.get_backend_name() == "postgresql" else {}
    engine = sa.create_engine(parsed, connect_args=args)
    conn = engine.connect()
    pid = conn.exec_driver_sql("SELECT pg_backend_pid()" if parsed.get_backend_name() == "postgresql"
                               else "SELECT CONNECTION_ID()").scalar()
    conn.exec_driver_sql("SELECT * FROM busy").all()
    return engine, conn, int(pid or 0)


@pytest.mark.parametrize("dialect", SERVERS)
def test_a_held_lock_fails_the_apply_in_time_naming_the_holder(
        request: pytest.FixtureRequest, short_timeouts: None, dialect: str) -> None:
    url = _database(request, dialect)
    base = reflect(url)
    plan = [edits.add_column(base.table("busy"), edits.ColumnSpec("extra", sa.Integer()))]
    engine, holder, pid = _holder(url)
    reader_waited: list[float] = []

    def read_meanwhile() -> None:  # a third session's read must not wait for longer than the lock timeout
        time.sleep(0.5)
        other = sa.create_engine(url)
        start = time.monotonic()
        with other.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM busy").scalar()
        reader_waited.append(time.monotonic() - start)
        other.dispose()

    reader = threading.Thread(target=read_meanwhile)
    reader.start()
    start = time.monotonic()
    try:
        with pytest.raises(apply.ApplyFailed) as failed:
            apply.apply_plan(make_url(url), plan, base)
    finally:
        took = time.monotonic() - start
        reader.join(30)
        holder.rollback()
        holder.close()
        engine.dispose()
    assert took < LOCK + 1.5, took  # one wait: naming the operation does not wait the timeout again
    assert failed.value.lock_timeout and failed.value.applied == 0
    text = str(failed.value)
    assert f"waited {LOCK:g} s for a lock" in text and f"session {pid} " in text, text
    if dialect == "postgresql":
        assert "application held-by-test" in text and "SELECT * FROM busy" in text
    assert reader_waited and reader_waited[0] < LOCK + 1, reader_waited
    assert [c.name for c in reflect(url).table("busy").columns] == ["id", "note"]  # nothing changed
    # Once the other session has finished, the same plan goes through.
    assert apply.apply_plan(make_url(url), plan, base).mismatches == []


@pytest.mark.parametrize("dialect", SERVERS)
def test_a_held_lock_is_tried_again_until_the_holder_is_done(request: pytest.FixtureRequest, dialect: str) -> None:
    """With a short lock timeout and retries, the plan waits 0.5 s, pauses 1 s, waits again…; the
    other session ends its transaction after about 2 s and a later attempt applies the plan, with
    a note saying so. Each attempt changed nothing, so trying again is safe."""
    before = timeouts.current()
    timeouts.configure(timeouts.Timeouts(connect=3.0, lock=0.5, count=0.5, lock_retries=4))
    url = _database(request, dialect)
    base = reflect(url)
    plan = [edits.add_column(base.table("busy"), edits.ColumnSpec("extra", sa.Integer()))]
    engine, holder, _pid = _holder(url)
    said: list[str] = []
    release = threading.Timer(2.0, lambda: (holder.rollback(), holder.close()))
    release.start()
    try:
        report = apply.apply_plan(make_url(url), plan, base, progress=lambda text, _d, _t: said.append(text))
    finally:
        release.join(10)
        engine.dispose()
        timeouts.configure(before)
    assert report.mismatches == [] and [c.name for c in reflect(url).table("busy").columns] == ["id", "note", "extra"]
    assert any(text.startswith("Another session holds a lock: trying again in 1 s (attempt 2 of 5)") for text in said)
    (note,) = [n for n in report.notes if n.startswith("Another session held a lock")]
    assert "it ran at attempt " in note


def test_retries_stop_at_the_limit_and_say_how_many_attempts_waited(
        request: pytest.FixtureRequest, pg_databases: ServerDatabases) -> None:
    before = timeouts.current()
    timeouts.configure(timeouts.Timeouts(connect=3.0, lock=0.3, count=0.3, lock_retries=1))
    url = _database(request, "postgresql")
    base = reflect(url)
    plan = [edits.add_column(base.table("busy"), edits.ColumnSpec("extra", sa.Integer()))]
    engine, holder, _pid = _holder(url)
    try:
        with pytest.raises(apply.ApplyFailed) as failed:
            apply.apply_plan(make_url(url), plan, base)
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()
        timeouts.configure(before)
    assert "waited 0.3 s at each of 2 attempts for a lock" in str(failed.value), str(failed.value)
    assert failed.value.applied == 0


@pytest.mark.parametrize("dialect", SERVERS)
def test_counting_gives_up_on_a_table_held_exclusively(request: pytest.FixtureRequest, short_timeouts: None,
                                                       dialect: str) -> None:
    url = _database(request, dialect)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE other (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO other VALUES (1), (2), (3)")
    base = reflect(url)
    holder = engine.connect()
    if dialect == "postgresql":
        holder.exec_driver_sql("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
    else:
        holder.exec_driver_sql("LOCK TABLES busy WRITE")
    plan = [edits.drop_table(base.table("busy")), edits.drop_table(base.table("other"))]
    counting = engine.connect()
    start = time.monotonic()
    try:
        impacts = count_impacts(counting, base, plan)
    finally:
        took = time.monotonic() - start
        counting.close()
        if dialect != "postgresql":
            holder.exec_driver_sql("UNLOCK TABLES")
        holder.rollback()
        holder.close()
        engine.dispose()
    assert took < LOCK + 5, took
    assert [(i.index, i.count, i.text) for i in impacts] == [
        (0, None, f"rows destroyed: not counted (timed out after {LOCK:g} s)"),
        (1, 3, "3 rows destroyed")]  # the other count still stands


def test_a_server_that_never_answers_fails_within_the_connect_timeout(short_timeouts: None) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)  # accepts (the kernel completes the handshake) and never says a word
    port = listener.getsockname()[1]
    try:
        for url in (f"postgresql://u@127.0.0.1:{port}/x", f"mysql://u@127.0.0.1:{port}/x"):
            start = time.monotonic()
            with pytest.raises(sa.exc.OperationalError):
                reflect(url.replace("postgresql://", "postgresql+psycopg://").replace("mysql://", "mysql+pymysql://"))
            assert time.monotonic() - start < 3.0 + 3, url
    finally:
        listener.close()


@pytest.mark.mysql
def test_a_long_statement_is_not_cut_by_the_connect_timeout(mysql_databases: ServerDatabases) -> None:
    """PyMySQL's read timeout bounds the login only: a statement may take longer (a big ALTER)."""
    before = timeouts.current()
    timeouts.configure(timeouts.Timeouts(connect=1.0))
    try:
        engine = timeouts.create_engine(make_url(mysql_databases.url(mysql_databases.create())))
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT SLEEP(2)").scalar() == 0
        engine.dispose()
    finally:
        timeouts.configure(before)


def test_inspect_against_a_silent_server_fails_in_one_line_within_the_connect_timeout() -> None:
    from tests.test_cli import run_cli

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    port = listener.getsockname()[1]
    try:
        for url in (f"postgresql://u@127.0.0.1:{port}/x", f"mysql://u@127.0.0.1:{port}/x"):
            start = time.monotonic()
            result = run_cli("inspect", url, "--connect-timeout", "2")
            took = time.monotonic() - start
            assert result.returncode == 1 and result.stderr.strip().count("\n") == 0, result.stderr
            assert took < 2 + 8, (url, took)  # the timeout, plus starting the command
    finally:
        listener.close()

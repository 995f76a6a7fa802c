"""The connection to PostgreSQL drops right after COMMIT is sent: apply reconnects and reports
what is true. A proxy between the app and the server forwards everything, then closes the
app's side of the connection as soon as it has passed COMMIT on (the server commits; the app
never hears back) — or, in the second case, instead of passing it on (nothing commits)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from gui_app.core import apply, edits
from gui_app.core.reflect import reflect
from tests.conftest import ServerDatabases

pytestmark = pytest.mark.postgresql


class CommitCutter:
    """A TCP proxy to PostgreSQL that cuts the client off at the first COMMIT after an ALTER TABLE."""

    def __init__(self, target_port: int, forward_commit: bool) -> None:
        self.forward_commit = forward_commit
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.target_port = target_port
        self.cut = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        altered = False
        try:
            while data := source.recv(65536):
                altered = altered or (from_client and b"ALTER TABLE" in data)
                if from_client and altered and not self.cut.is_set() and b"COMMIT\x00" in data:
                    self.cut.set()
                    if self.forward_commit:
                        sink.sendall(data)
                    source.shutdown(socket.SHUT_RDWR)  # the app's side goes; no reply reaches it
                    source.close()
                    return
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.close()

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def database(pg_databases: ServerDatabases) -> Iterator[str]:
    url = pg_databases.url(pg_databases.create())
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('r1')")
    engine.dispose()
    yield url


@pytest.mark.parametrize("committed", [True, False])
def test_a_connection_lost_at_commit_is_settled_by_looking(database: str, committed: bool) -> None:
    direct = make_url(database)
    cutter = CommitCutter(direct.port or 5432, forward_commit=committed)
    through = direct.set(port=cutter.port)
    base = reflect(direct)
    plan = [edits.add_column(base.table("t"), edits.ColumnSpec("extra", sa.Integer()))]
    try:
        if committed:
            report = apply.apply_plan(through, plan, base, stamp="r2")
            assert report.stamped == "r2" and report.mismatches == []
            assert "lost while committing" in report.notes[0] and "the changes are in the database" in report.notes[0]
        else:
            with pytest.raises(apply.ApplyFailed) as failed:
                apply.apply_plan(through, plan, base, stamp="r2")
            assert "the transaction did not commit" in str(failed.value) and failed.value.rolled_back
    finally:
        cutter.close()
    assert cutter.cut.is_set()
    engine = sa.create_engine(direct)
    with engine.connect() as conn:
        columns = [c["name"] for c in sa.inspect(conn).get_columns("t")]
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    engine.dispose()
    assert (columns, version) == ((["id", "extra"], "r2") if committed else (["id"], "r1"))

"""Who holds the locks a statement gave up waiting for: the other sessions, named.

Asked right after a lock timeout, while the holders usually still hold them. PostgreSQL says
exactly which sessions hold locks on the plan's tables (``pg_locks``). MariaDB and MySQL show
metadata locks only through an optional plugin, so the sessions with an open transaction are
named instead (``information_schema.INNODB_TRX``): the usual holders of a table's metadata lock.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from gui_app.core.dialects import is_mysql

_POSTGRESQL = """
SELECT DISTINCT a.pid, a.usename, a.application_name, host(a.client_addr), a.state,
       CAST(extract(epoch FROM now() - coalesce(a.xact_start, a.query_start)) AS integer), left(a.query, 160)
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.granted AND l.pid <> pg_backend_pid() AND l.locktype = 'relation'
  AND l.relation IN (SELECT to_regclass(x) FROM unnest(CAST(:names AS text[])) AS x)
ORDER BY a.pid
"""

_MYSQL = """
SELECT p.ID, p.USER, p.HOST, p.COMMAND, p.STATE, CAST(TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS SIGNED),
       LEFT(COALESCE(p.INFO, t.trx_query, ''), 160)
FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
WHERE p.ID <> CONNECTION_ID()
ORDER BY t.trx_started
"""


def blocking_sessions(conn: sa.Connection, tables: Iterable[tuple[str | None, str]]) -> list[str]:
    """One line per session that may block the plan; empty when none can be found."""
    try:
        if conn.in_transaction():
            conn.rollback()
        if conn.dialect.name == "postgresql":
            quote = conn.dialect.identifier_preparer.quote
            names = [".".join(quote(p) for p in (schema, table) if p) for schema, table in tables]
            rows = conn.execute(sa.text(_POSTGRESQL), {"names": names}).all()
            found = [f"session {pid} (user {user}, application {app or 'unnamed'}, from {host or 'local'}), "
                     f"{state or 'unknown state'} for {seconds or 0} s, last statement: {_one_line(query)}"
                     for pid, user, app, host, state, seconds, query in rows]
        elif is_mysql(conn.dialect.name):
            rows = conn.execute(sa.text(_MYSQL)).all()
            found = [f"session {pid} (user {user} from {host}), in a transaction for {seconds or 0} s "
                     f"({command.lower()}{', ' + state if state else ''}), last statement: "
                     f"{_one_line(query)}"
                     for pid, user, host, command, state, seconds, query in rows]
        else:
            return []
        conn.rollback()
        return found
    except sa.exc.DBAPIError:  # not allowed to look (no PROCESS privilege): say nothing rather than fail
        return []


def _one_line(query: str | None) -> str:
    return " ".join((query or "").split()) or "unknown"

"""What validation refuses at entry, before anything is pending."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("sql", "dialect", "refused"), [
    ("1 +", "postgresql", True), ("1 +", "mysql", True), ("1 +", "sqlite", True),
    ("nextval('x_id_seq'::regclass)", "postgresql", False), ("'{}'::jsonb", "postgresql", False),
    ("(now() AT TIME ZONE 'utc')", "postgresql", False), ("CURRENT_TIMESTAMP(6)", "mysql", False),
    ("CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP", "mysql", False), ("b'0'", "mysql", False),
    ("(datetime('now'))", "sqlite", False), ("X'00'", "sqlite", False),
])
def test_a_default_expression_is_read_by_the_dialects_parser(sql: str, dialect: str, refused: bool) -> None:
    from gui_app.core.validate import default_problem

    problem = default_problem(sql, dialect)
    assert (problem is not None) is refused, problem
    if refused:
        assert problem is not None and problem.startswith(f"The default {sql!r} is not a valid {dialect} expression")

"""data with percent signs and colons"""
import datetime

import sqlalchemy as sa
from alembic import op

revision = "4b7c0e3d1f62"
down_revision = "2d5e8f1a9c30"


def upgrade():
    account = sa.table("account", sa.column("id", sa.Integer), sa.column("email", sa.String),
                       sa.column("active", sa.Boolean), sa.column("created", sa.DateTime))
    created = datetime.datetime(2024, 1, 2, 3, 4, 5)
    op.bulk_insert(account, [{"id": 1, "email": "a@x.org", "active": True, "created": created},
                             {"id": 2, "email": "b%c@x.org", "active": False, "created": created}])
    op.execute("INSERT INTO note (id, account_id, body, pattern) VALUES (1, 1, 'at 10:30', 'a%')")
    op.execute("UPDATE note SET pattern = 'b%' WHERE pattern LIKE 'a%'")
    op.execute(account.update().where(account.c.email == op.inline_literal("b%c@x.org"))
               .values(active=op.inline_literal(True)))
    op.execute(sa.text("UPDATE note SET body = :body WHERE id = :id").bindparams(body="it's 5:00, 100%", id=1))


def downgrade():
    op.execute("DELETE FROM note")
    op.execute("DELETE FROM account")

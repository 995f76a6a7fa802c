"""two statements in one execute"""
from alembic import op

revision = "c1e7b3a5d902"
down_revision = "a9d2c4f6e837"


def upgrade():
    op.execute("UPDATE account SET visits = 4; UPDATE account SET flags = 1 WHERE id = 2")


def downgrade():
    pass

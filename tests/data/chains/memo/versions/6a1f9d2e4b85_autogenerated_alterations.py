"""autogenerate-style alterations"""
import sqlalchemy as sa
from alembic import op

revision = "6a1f9d2e4b85"
down_revision = "4b7c0e3d1f62"


def upgrade():
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.add_column(sa.Column("score", sa.Integer(), nullable=True))
        batch_op.alter_column("pattern", existing_type=sa.VARCHAR(length=40), type_=sa.String(length=80),
                              existing_nullable=True)
        batch_op.create_check_constraint("ck_note_score", sa.column("score") >= 0)
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.alter_column("balance", existing_type=sa.Numeric(10, 2), server_default=None,
                              existing_nullable=False)
        batch_op.create_index("ix_account_created", ["created"], unique=False)


def downgrade():
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index("ix_account_created")
        batch_op.alter_column("balance", existing_type=sa.Numeric(10, 2), server_default="0",
                              existing_nullable=False)
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_constraint("ck_note_score", type_="check")
        batch_op.alter_column("pattern", existing_type=sa.String(length=80), type_=sa.VARCHAR(length=40),
                              existing_nullable=True)
        batch_op.drop_column("score")

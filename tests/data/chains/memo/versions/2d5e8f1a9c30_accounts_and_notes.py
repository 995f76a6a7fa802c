"""accounts and notes"""
import sqlalchemy as sa
from alembic import op

revision = "2d5e8f1a9c30"
down_revision = None


def upgrade():
    op.create_table(
        "account",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("email", sa.String(120), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("balance", sa.Numeric(10, 2), server_default="0", nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("email"),
        mysql_engine="InnoDB", mysql_charset="utf8mb4",
    )
    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("body", sa.Text()),
        sa.Column("pattern", sa.String(40)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note")),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_note_account_id_account")),
        mysql_engine="InnoDB",
    )
    op.create_index(op.f("ix_note_account_id"), "note", ["account_id"], unique=False)


def downgrade():
    op.drop_table("note")
    op.drop_table("account")

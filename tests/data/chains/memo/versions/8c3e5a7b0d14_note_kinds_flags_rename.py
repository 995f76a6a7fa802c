"""note kinds, flags, rename"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "8c3e5a7b0d14"
down_revision = "6a1f9d2e4b85"


def upgrade():
    bind = op.get_bind()
    kind = sa.Enum("plain", "todo", name="note_kind")
    kind.create(bind, checkfirst=True)
    op.add_column("note", sa.Column("kind", kind, nullable=False, server_default="plain"))
    if bind.dialect.name == "mysql":
        op.add_column("account", sa.Column("flags", mysql.TINYINT(display_width=1), server_default="0"))
        op.add_column("account", sa.Column("visits", mysql.INTEGER(unsigned=True)))
    else:
        op.add_column("account", sa.Column("flags", sa.SmallInteger(), server_default="0"))
        op.add_column("account", sa.Column("visits", sa.Integer()))
    op.execute("UPDATE account SET visits = 3 WHERE email LIKE '%x.org'")
    op.rename_table("note", "memo")


def downgrade():
    op.rename_table("memo", "note")
    with op.batch_alter_table("account") as batch_op:
        batch_op.drop_column("visits")
        batch_op.drop_column("flags")
    with op.batch_alter_table("note") as batch_op:
        batch_op.drop_column("kind")
    sa.Enum(name="note_kind").drop(op.get_bind(), checkfirst=True)

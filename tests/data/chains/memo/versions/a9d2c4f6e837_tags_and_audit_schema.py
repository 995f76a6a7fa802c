"""tags, and an audit schema on PostgreSQL"""
import sqlalchemy as sa
from alembic import op

revision = "a9d2c4f6e837"
down_revision = "8c3e5a7b0d14"


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE SCHEMA IF NOT EXISTS audit")
        op.create_table("event", sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
                        sa.Column("at", sa.Text), schema="audit")
        op.execute("INSERT INTO audit.event (at) VALUES ('12:30'::text), ('1:2')")
        op.create_index("ix_event_at", "event", ["at"], schema="audit", postgresql_include=["id"])
    op.create_table("tag", sa.Column("name", sa.String(30), primary_key=True),
                    sa.Column("memo_id", sa.Integer, sa.ForeignKey("memo.id", ondelete="CASCADE"), nullable=False))
    op.execute("INSERT INTO tag (name, memo_id) VALUES ('x:y', 1)")


def downgrade():
    op.drop_table("tag")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_event_at", table_name="event", schema="audit")
        op.drop_table("event", schema="audit")
        op.execute("DROP SCHEMA audit")

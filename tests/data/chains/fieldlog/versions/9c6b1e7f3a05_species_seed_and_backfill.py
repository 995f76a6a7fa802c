"""Species as a table of its own, seeded; observations name one.

Revision ID: 9c6b1e7f3a05
Revises: 71d0f4c2a8e6
"""
import datetime

import sqlalchemy as sa
from alembic import op

revision = "9c6b1e7f3a05"
down_revision = "71d0f4c2a8e6"
branch_labels = None
depends_on = None


def upgrade():
    species = op.create_table(
        "species",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("latin_name", sa.String(160), nullable=False),
        sa.Column("protected", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("listed_on", sa.Date),
    )
    op.bulk_insert(species, [
        {"id": 1, "latin_name": "Erithacus rubecula", "protected": False, "listed_on": None},
        {"id": 2, "latin_name": "Lutra lutra", "protected": True, "listed_on": datetime.date(1981, 10, 30)},
        {"id": 3, "latin_name": "Bufo bufo", "protected": True, "listed_on": datetime.date(1992, 5, 21)},
    ])
    op.add_column("observation", sa.Column("species_id", sa.Integer, nullable=True))
    conn = op.get_bind()
    columns = {c["name"] for c in sa.inspect(conn).get_columns("observation")}
    if "remarks" in columns:
        conn.execute(sa.text("UPDATE observation SET species_id = :id WHERE remarks LIKE :pattern"),
                     {"id": 2, "pattern": "%otter%"})
    with op.batch_alter_table("observation") as batch:
        batch.create_foreign_key("fk_observation_species", "species", ["species_id"], ["id"])


def downgrade():
    with op.batch_alter_table("observation") as batch:
        batch.drop_constraint("fk_observation_species", type_="foreignkey")
        batch.drop_column("species_id")
    op.drop_table("species")

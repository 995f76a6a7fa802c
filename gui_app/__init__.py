"""Alembic Studio: a desktop schema editor for databases kept under Alembic."""

__version__ = "0.1.0"

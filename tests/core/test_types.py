import pytest
from sqlalchemy.dialects import postgresql

from gui_app.core.types import TypeParseError, parse_type, type_names, type_text


@pytest.mark.parametrize(("dialect", "text", "shown"), [
    ("postgresql", "VARCHAR(120)", "VARCHAR(120)"),
    ("postgresql", "numeric(10, 2)", "NUMERIC(10, 2)"),
    ("postgresql", "JSONB", "JSONB"),
    ("postgresql", "timestamp with time zone", "TIMESTAMP WITH TIME ZONE"),
    ("postgresql", "timestamp(3) with time zone", "TIMESTAMP(3) WITH TIME ZONE"),
    ("postgresql", "character varying(20)", "VARCHAR(20)"),
    ("postgresql", "integer[]", "INTEGER[]"),
    ("postgresql", "double precision", "DOUBLE PRECISION"),
    ("mysql", "INT UNSIGNED", "INTEGER UNSIGNED"),
    ("mysql", "decimal(10,2) unsigned", "DECIMAL(10, 2) UNSIGNED"),
    ("mysql", "ENUM('a', 'it''s')", "ENUM('a','it''s')"),
    ("sqlite", "text", "TEXT"),
])
def test_parses_and_spells_back(dialect: str, text: str, shown: str) -> None:
    assert type_text(parse_type(text, dialect), dialect) == shown


def test_array_is_postgresql_json_b_too() -> None:
    assert isinstance(parse_type("text[]", "postgresql"), postgresql.ARRAY)


@pytest.mark.parametrize(("dialect", "text", "message"), [
    ("postgresql", "VARCHR(10)", "postgresql has no type VARCHR. Did you mean VARCHAR"),
    ("mysql", "jsonb", "mysql has no type JSONB. Did you mean JSON?"),
    ("postgresql", "", "is not a type"),
    ("postgresql", "int; drop table x", "is not a type"),
    ("sqlite", "varchar(10)[]", "exist only on PostgreSQL"),
    ("postgresql", "int unsigned", "UNSIGNED exists only on MySQL"),
    ("postgresql", "numeric(a)", "neither a number nor a quoted label"),
    ("postgresql", "varchar(1, 2, 3)", "does not take the arguments"),
])
def test_unknown_types_are_refused_with_a_hint(dialect: str, text: str, message: str) -> None:
    with pytest.raises(TypeParseError, match=message.replace("(", r"\(").replace("?", r"\?")):
        parse_type(text, dialect)


def test_completion_lists_dialect_names() -> None:
    assert "JSONB" in type_names("postgresql") and "TIMESTAMP WITH TIME ZONE" in type_names("postgresql")
    assert "MEDIUMTEXT" in type_names("mysql") and "JSONB" not in type_names("mysql")


def test_postgresql_name_is_refused_rather_than_made_varchar() -> None:
    """SQLAlchemy reads PostgreSQL's name (and "char") as a plain String, which it creates as
    VARCHAR: typed by a user, that would be a different type than asked for, silently."""
    with pytest.raises(TypeParseError, match="would create the column as VARCHAR"):
        parse_type("name", "postgresql")
    assert "NAME" not in type_names("postgresql")
    assert repr(parse_type("char(3)", "postgresql")) == "CHAR(length=3)"

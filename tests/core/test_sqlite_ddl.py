from gui_app.core.sqlite_ddl import parse_create_index, parse_create_table, tokenize


def test_tokenizer_keeps_quoted_identifiers_and_strings_whole() -> None:
    tokens = tokenize('CREATE TABLE "a ""b""" (`c d` [e f] \'it\'\'s\', -- note\n x)')
    assert [t.identifier for t in tokens if t.kind in ("quoted", "string")] == ['a "b"', "c d", "e f", "it's"]
    assert all("note" not in t.text for t in tokens)


def test_table_constraints_with_names() -> None:
    ddl = parse_create_table(
        """CREATE TABLE t (
            id INTEGER CONSTRAINT pk_t PRIMARY KEY AUTOINCREMENT,
            a INT CONSTRAINT ck_a CHECK (a > 0) CONSTRAINT uq_a UNIQUE,
            b INT CHECK (b IN (1, 2)),
            parent INT CONSTRAINT fk_parent REFERENCES "T" (id),
            total INT GENERATED ALWAYS AS (a * (b + 1)) STORED,
            CONSTRAINT uq_ab UNIQUE (a, b),
            CONSTRAINT ck_ab CHECK (a <> b),
            CONSTRAINT fk_ab FOREIGN KEY (a, b) REFERENCES other (x, y) ON DELETE CASCADE
        )"""
    )
    assert ddl.primary_key_name == "pk_t"
    assert ddl.columns["id"].autoincrement
    assert ddl.checks == [("ck_a", "a > 0"), (None, "b IN (1, 2)"), ("ck_ab", "a <> b")]
    assert ddl.unique_names == {("a",): "uq_a", ("a", "b"): "uq_ab"}
    assert ddl.foreign_key_names == {(("parent",), "t"): "fk_parent", (("a", "b"), "other"): "fk_ab"}
    assert ddl.columns["total"].generated == "a * (b + 1)"
    assert ddl.columns["total"].stored is True


def test_create_table_as_select_has_no_constraints() -> None:
    ddl = parse_create_table("CREATE TABLE t AS SELECT 1 AS a")
    assert ddl.columns == {} and ddl.checks == []


def test_index_expressions_order_and_where() -> None:
    index = parse_create_index("CREATE UNIQUE INDEX ix ON t (lower(email) DESC, \"b\", c ASC) WHERE a = 'x, y';")
    assert index.elements == ("lower(email)", '"b"', "c")
    assert index.where == "a = 'x, y'"

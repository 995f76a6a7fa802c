from gui_app.core import naming


def test_convention_and_length_limit() -> None:
    assert naming.index_name("books", ["title", "isbn"], "sqlite") == "ix_books_title_isbn"
    assert naming.index_name("books", ["isbn"], "sqlite", unique=True) == "ux_books_isbn"
    assert naming.foreign_key_name("order_lines", ["book_id"], "books", "postgresql") == "fk_order_lines_book_id_books"
    assert naming.primary_key_name("tags", "mysql") == "pk_tags"
    long = naming.unique_name("t" * 60, ["a", "b"], "postgresql")
    assert len(long) == 63 and long != naming.unique_name("t" * 60, ["a", "c"], "postgresql")

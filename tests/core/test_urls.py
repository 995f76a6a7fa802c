from sqlalchemy.engine import make_url

from gui_app.core.urls import display_url, parse_url, url_without_password


def test_password_is_removed_or_masked_never_kept() -> None:
    url = make_url("postgresql+psycopg://ann:s3cret@db.example:5432/shop")
    assert url_without_password(url) == "postgresql+psycopg://ann@db.example:5432/shop"
    assert "s3cret" not in display_url(url) and "***" in display_url(url)


def test_bare_dialects_get_the_installed_driver() -> None:
    assert parse_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert parse_url("mysql://u@h/db").drivername == "mysql+pymysql"
    assert parse_url("sqlite:///x.db").drivername == "sqlite"

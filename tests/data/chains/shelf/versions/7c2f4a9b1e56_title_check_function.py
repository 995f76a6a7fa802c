"""a PostgreSQL trigger function that raises with %, a DO block"""
from alembic import op

revision = "7c2f4a9b1e56"
down_revision = "3e8b1d5f7a24"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION book_title_check() RETURNS trigger AS $$
        BEGIN
            IF NEW.title LIKE '%!%' THEN
                RAISE EXCEPTION 'title % may not shout', NEW.title;
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql
    """)
    op.execute("CREATE TRIGGER book_title_check BEFORE INSERT OR UPDATE ON book "
               "FOR EACH ROW EXECUTE FUNCTION book_title_check()")
    op.execute("""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'shelf_reader') THEN
                RAISE NOTICE 'no role %', 'shelf_reader';
            END IF;
        END
        $$
    """)
    op.execute("COMMENT ON TABLE book IS 'books: 100% of them'")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("COMMENT ON TABLE book IS NULL")
    op.execute("DROP TRIGGER book_title_check ON book")
    op.execute("DROP FUNCTION book_title_check()")

-- Alembic Studio demo database: a small bookshop.
-- Exercises composite and self-referencing foreign keys, ON DELETE rules,
-- unique and check constraints, multi-column, unique, partial and expression
-- indexes, server defaults, a generated column and a view.

CREATE TABLE publishers (
    id INTEGER PRIMARY KEY,
    name VARCHAR(120) NOT NULL CONSTRAINT uq_publishers_name UNIQUE,
    website VARCHAR(200),
    country CHAR(2) NOT NULL DEFAULT 'GB'
);

CREATE TABLE authors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    first_name VARCHAR(80) NOT NULL,
    last_name VARCHAR(80) NOT NULL,
    born DATE,
    full_name VARCHAR(161) GENERATED ALWAYS AS (first_name || ' ' || last_name) VIRTUAL,
    CONSTRAINT ck_authors_born_past CHECK (born IS NULL OR born < '2100-01-01')
);
CREATE UNIQUE INDEX ux_authors_name_born ON authors (last_name, first_name, born);

CREATE TABLE books (
    id INTEGER PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    isbn CHAR(13) NOT NULL,
    publisher_id INTEGER CONSTRAINT fk_books_publisher_id_publishers
        REFERENCES publishers (id) ON DELETE SET NULL,
    published DATE,
    price NUMERIC(8, 2) NOT NULL DEFAULT 0 CONSTRAINT ck_books_price_positive CHECK (price >= 0),
    pages INTEGER CHECK (pages > 0),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_books_isbn UNIQUE (isbn)
);
CREATE INDEX ix_books_title ON books (title);
CREATE INDEX ix_books_publisher_published ON books (publisher_id, published DESC);

CREATE TABLE book_authors (
    book_id INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    position SMALLINT NOT NULL DEFAULT 1,
    CONSTRAINT pk_book_authors PRIMARY KEY (book_id, author_id)
);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    name VARCHAR(80) NOT NULL,
    parent_id INTEGER CONSTRAINT fk_categories_parent_id_categories
        REFERENCES categories (id) ON DELETE CASCADE,
    CONSTRAINT uq_categories_parent_name UNIQUE (parent_id, name)
);

CREATE TABLE book_categories (
    book_id INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES categories (id) ON DELETE RESTRICT,
    PRIMARY KEY (book_id, category_id)
);

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    email VARCHAR(254) NOT NULL,
    full_name VARCHAR(160) NOT NULL,
    referred_by INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    joined DATE NOT NULL DEFAULT (date('now')),
    CONSTRAINT ck_customers_email_at CHECK (email LIKE '%_@_%')
);
CREATE UNIQUE INDEX ux_customers_email_lower ON customers (lower(email));

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    ordered_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    status VARCHAR(10) NOT NULL DEFAULT 'open',
    CONSTRAINT ck_orders_status CHECK (status IN ('open', 'paid', 'shipped', 'cancelled'))
);
CREATE INDEX ix_orders_customer_status ON orders (customer_id, status);
CREATE INDEX ix_orders_open ON orders (ordered_at) WHERE status = 'open';

CREATE TABLE order_lines (
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no SMALLINT NOT NULL,
    book_id INTEGER NOT NULL REFERENCES books (id) ON DELETE RESTRICT ON UPDATE CASCADE,
    quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
    unit_price NUMERIC(8, 2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE shipments (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    line_no SMALLINT NOT NULL,
    carrier VARCHAR(40) NOT NULL DEFAULT 'post',
    shipped_at TIMESTAMP,
    CONSTRAINT fk_shipments_order_line FOREIGN KEY (order_id, line_no)
        REFERENCES order_lines (order_id, line_no) ON DELETE CASCADE
);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    book_id INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    rating SMALLINT NOT NULL CONSTRAINT ck_reviews_rating CHECK (rating BETWEEN 1 AND 5),
    body TEXT,
    CONSTRAINT uq_reviews_book_customer UNIQUE (book_id, customer_id)
);

CREATE VIEW book_sales AS
    SELECT b.id AS book_id, b.title, COALESCE(SUM(l.quantity), 0) AS copies,
           COALESCE(SUM(l.quantity * l.unit_price), 0) AS revenue
    FROM books b LEFT JOIN order_lines l ON l.book_id = b.id
    GROUP BY b.id, b.title;

INSERT INTO publishers (id, name, website, country) VALUES
    (1, 'Penguin Classics', 'https://www.penguin.co.uk', 'GB'),
    (2, 'Vintage', NULL, 'US'),
    (3, 'Faber & Faber', 'https://www.faber.co.uk', 'GB');

INSERT INTO authors (id, first_name, last_name, born) VALUES
    (1, 'Jane', 'Austen', '1775-12-16'),
    (2, 'George', 'Orwell', '1903-06-25'),
    (3, 'Virginia', 'Woolf', '1882-01-25'),
    (4, 'Terry', 'Pratchett', '1948-04-28'),
    (5, 'Neil', 'Gaiman', '1960-11-10');

INSERT INTO books (id, title, isbn, publisher_id, published, price, pages) VALUES
    (1, 'Pride and Prejudice', '9780141439518', 1, '1813-01-28', 8.99, 480),
    (2, 'Nineteen Eighty-Four', '9780141187761', 1, '1949-06-08', 9.99, 336),
    (3, 'Mrs Dalloway', '9780099478256', 2, '1925-05-14', 7.50, 208),
    (4, 'Good Omens', '9780552171892', NULL, '1990-05-01', 10.99, 432),
    (5, 'Animal Farm', '9780141036137', 3, '1945-08-17', 6.99, 112);

INSERT INTO book_authors (book_id, author_id, position) VALUES
    (1, 1, 1), (2, 2, 1), (3, 3, 1), (4, 4, 1), (4, 5, 2), (5, 2, 1);

INSERT INTO categories (id, name, parent_id) VALUES
    (1, 'Fiction', NULL), (2, 'Classics', 1), (3, 'Dystopia', 1), (4, 'Fantasy', 1), (5, 'Satire', 3);

INSERT INTO book_categories (book_id, category_id) VALUES
    (1, 2), (2, 3), (3, 2), (4, 4), (5, 5);

INSERT INTO customers (id, email, full_name, referred_by, joined) VALUES
    (1, 'ada@example.org', 'Ada Lovelace', NULL, '2024-01-10'),
    (2, 'alan@example.org', 'Alan Turing', 1, '2024-02-03'),
    (3, 'grace@example.org', 'Grace Hopper', 1, '2024-03-21');

INSERT INTO orders (id, customer_id, ordered_at, status) VALUES
    (1, 1, '2024-04-01 10:15:00', 'shipped'),
    (2, 2, '2024-04-02 16:40:00', 'paid'),
    (3, 3, '2024-04-05 09:05:00', 'open');

INSERT INTO order_lines (order_id, line_no, book_id, quantity, unit_price) VALUES
    (1, 1, 1, 1, 8.99), (1, 2, 5, 2, 6.99), (2, 1, 2, 1, 9.99), (3, 1, 4, 3, 10.99);

INSERT INTO shipments (id, order_id, line_no, carrier, shipped_at) VALUES
    (1, 1, 1, 'post', '2024-04-02 08:00:00'), (2, 1, 2, 'courier', '2024-04-02 08:00:00');

INSERT INTO reviews (id, book_id, customer_id, rating, body) VALUES
    (1, 1, 1, 5, 'Witty and sharp.'), (2, 2, 2, 4, 'Unsettling, in the right way.'),
    (3, 4, 3, 5, NULL);

"""What to do first: the window's page while no database is open, and Help → Getting started.

The suggested first edits name real objects of the demo database (``core/demo``), so a new user
can follow them step by step and see each one become a pending Alembic operation.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

STEPS_HTML = """
<h2>Getting started</h2>
<p>Alembic Studio changes a database schema visually and keeps every change as an Alembic operation:
reviewable, reversible, and saved as a migration script when you want one.</p>
<ol>
<li><b>Open a database</b>: the demo (a small bookshop in SQLite, made for trying things out), or
<i>File → Connect…</i> for SQLite, PostgreSQL or MySQL/MariaDB. The schema appears as a tree; the
filter above it (<i>Ctrl+F</i>) finds any table, column, index or key.</li>
<li><b>Make changes</b>: right-click a table, column or key for what can be done to it, or use
<i>Edit → New table…</i>. Nothing touches the database yet: each change becomes one line in
<i>Pending changes</i>, the tree shows it in colour, and <i>Preview</i> (<i>Ctrl+Shift+P</i>) shows the
SQL for SQLite, PostgreSQL and MySQL and the Alembic script. <i>Ctrl+Z</i> and <i>Ctrl+Shift+Z</i>
undo and redo, from anywhere in the window.</li>
<li><b>Apply or save</b>: <i>Edit → Apply pending changes…</i> (<i>Ctrl+Shift+A</i>) shows the exact
SQL and how many rows each destructive step touches, can try it all first (dry run), and applies only
after you confirm. Or keep the changes as a migration: <i>File → Save as migration script…</i>, or
<i>Link Alembic project…</i> then <i>Save as revision…</i> to add a revision to your project's chain.</li>
</ol>
"""

DEMO_EDITS_HTML = """
<h3>First edits to try on the demo</h3>
<ul>
<li>Right-click <b>books</b> → <i>Add column…</i>: <code>subtitle</code>, type <code>VARCHAR(120)</code>.</li>
<li>Right-click <b>orders</b> → <i>Add index…</i>: tick <code>ordered_at</code>; the name is suggested.</li>
<li>Right-click the column <b>books.pages</b> → <i>Edit column…</i>: untick <i>Allows NULL</i>, default
value <code>0</code>.</li>
<li>Right-click <b>reviews</b> → <i>Rename table…</i>: <code>book_reviews</code>; the tree shows it as one
renamed table.</li>
<li>Right-click <b>publishers</b> → <i>Drop table</i>, then open <i>Apply pending changes…</i> to see what
it would destroy (and <i>Cancel</i>, or undo it with <i>Ctrl+Z</i>).</li>
</ul>
"""


class GettingStartedPage(QWidget):
    """The steps, the demo's first edits, and buttons for the first step."""

    demo_requested = Signal()
    connect_requested = Signal()
    project_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gettingStarted")
        self.text = QTextBrowser(self)
        self.text.setOpenExternalLinks(False)
        self.text.setHtml(STEPS_HTML + DEMO_EDITS_HTML)
        self.demo_button = QPushButton("Open the demo database", self)
        self.connect_button = QPushButton("Connect to a database…", self)
        self.project_button = QPushButton("Link an Alembic project…", self)
        self.demo_button.clicked.connect(self.demo_requested)
        self.connect_button.clicked.connect(self.connect_requested)
        self.project_button.clicked.connect(self.project_requested)
        buttons = QHBoxLayout()
        for button in (self.demo_button, self.connect_button, self.project_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.demo_button.setDefault(True)


class GettingStartedDialog(QDialog):
    """Help → Getting started: the same page; a button that starts a step closes the dialog."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Getting started")
        self.setObjectName("gettingStartedDialog")
        self.page = GettingStartedPage(self)
        for signal in (self.page.demo_requested, self.page.connect_requested, self.page.project_requested):
            signal.connect(self.accept)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, Qt.Orientation.Horizontal, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page, 1)
        layout.addWidget(close)
        self.resize(640, 620)

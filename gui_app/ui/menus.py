"""The main window's actions, menus and toolbar, declared: what each action says and runs, and
where it appears. :class:`~gui_app.ui.main_window.MainWindow` builds them from these tables."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QKeySequence

EDIT = "edit"
"""Enabled while there is a pending list to edit (the window's ``edit_actions``)."""
BUSY = "busy"
"""Disabled at start; enabled by what it belongs to (refresh once a database is read, cancel while work runs)."""
ALWAYS = ""

# (attribute, text, slot path from the window, shortcut, icon, tip, when enabled). One table for
# every plain action: the menus and the toolbar refer to them by attribute.
ACTIONS: tuple[tuple[str, str, str, Any, str, str | None, str], ...] = (
    ("connect_action", "&Connect…", "connecting.show_dialog", "Ctrl+Shift+O", "connect", "Open another database",
     ALWAYS),
    ("demo_action", "Open &demo database", "connecting.open_demo", None, "demo", None, ALWAYS),
    ("refresh_action", "&Refresh", "context.refresh", QKeySequence.StandardKey.Refresh, "refresh",
     "Reflect the database again", BUSY),
    ("cancel_action", "Cancel", "_cancel_work", "Esc", "cancel", None, BUSY),
    ("quit_action", "&Quit", "close", QKeySequence.StandardKey.Quit, "quit", None, ALWAYS),
    ("filter_action", "&Filter objects", "focus_filter", QKeySequence.StandardKey.Find, "filter", None, ALWAYS),
    ("about_action", "&About Alembic Studio", "show_about", None, "about", None, ALWAYS),
    ("getting_started_action", "&Getting started", "show_getting_started", None, "getting_started", None, ALWAYS),
    ("shortcuts_action", "&Keyboard shortcuts", "show_shortcuts", QKeySequence.StandardKey.HelpContents, "about",
     None, ALWAYS),
    ("timeouts_action", "&Timeouts…", "show_timeouts", None, "timeouts",
     "How long to wait for a server, a lock, a count", ALWAYS),
    ("new_table_action", "&New table…", "editor.new_table", "Ctrl+Shift+N", "new_table", None, EDIT),
    ("sql_step_action", "Custom &SQL step…", "editor.sql_step", None, "sql_step",
     "Add SQL to the migration, with the SQL that undoes it", EDIT),
    ("add_column_action", "&Add column…", "_add_column_to_selection", "Ctrl+Shift+C", "add_column", None, EDIT),
    ("preview_action", "Show &preview", "_show_preview", "Ctrl+Shift+P", "sql_step", None, ALWAYS),
    ("apply_action", "&Apply pending changes…", "applying.apply_pending", "Ctrl+Shift+A", "apply",
     "Run the pending changes on the database, after a confirmation", EDIT),
    ("link_project_action", "&Link Alembic project…", "files.link_project", None, "project",
     "Open an alembic.ini to save revisions into", ALWAYS),
    ("open_script_action", "&Open migration script…", "files.open_script", QKeySequence.StandardKey.Open,
     "open_script", None, EDIT),
    ("save_revision_action", "&Save as revision…", "files.save_revision", QKeySequence.StandardKey.Save, "save",
     None, EDIT),
    ("save_script_action", "Save as migration s&cript…", "files.save_script", "Ctrl+Shift+S", "save", None, EDIT),
    ("export_sql_action", "&Export SQL…", "files.export_sql", "Ctrl+E", "export", None, EDIT),
    ("compare_action", "Co&mpare with another database…", "compare_with_database", None, "compare",
     "Add the changes that make this database match another one", EDIT),
)

# Menus and toolbar as lists of action attributes; "-" is a separator, "@name" a submenu attribute.
MENUS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("&File", ("connect_action", "@recent_menu", "demo_action", "-", "link_project_action", "@recent_projects_menu",
               "open_script_action", "save_revision_action", "save_script_action", "export_sql_action",
               "compare_action", "-", "refresh_action", "timeouts_action", "-", "quit_action")),
    ("&Edit", ("undo_action", "redo_action", "-", "new_table_action", "add_column_action", "sql_step_action", "-",
               "apply_action")),
    ("&View", ("filter_action", "preview_action", "@pending_dock", "@preview_dock", "@revision_dock")),
    ("&Help", ("getting_started_action", "shortcuts_action", "about_action")),
)
TOOLBAR = ("connect_action", "refresh_action", "-", "undo_action", "redo_action", "new_table_action",
           "sql_step_action", "-", "apply_action")

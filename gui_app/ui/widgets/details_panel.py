"""Attributes of the selected object, as a read-only two-column sheet."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtWidgets import QTextBrowser, QWidget

from gui_app.core.schema import (
    CheckConstraint,
    Column,
    Domain,
    EnumType,
    ExclusionConstraint,
    ForeignKey,
    Index,
    Namespace,
    PrimaryKey,
    Routine,
    Schema,
    Sequence,
    Table,
    Trigger,
    UniqueConstraint,
    View,
)
from gui_app.ui.models.tree_index import Kind, Status, TreeIndex

UNKNOWN = "<i>unknown (not reported by this database)</i>"
_STATUS_TEXT = {Status.NEW: "New: added by the pending changes.",
                Status.CHANGED: "Changed by the pending changes: old → new.",
                Status.DROPPED: "Dropped by the pending changes."}
Row = tuple[str, Any]


class DetailsPanel(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailsPanel")
        self.setOpenLinks(False)
        self.hint_html = ""
        """Shown under the prompt while nothing is selected (the demo's suggested first edits)."""
        self._shown: str | None = None
        self.show_node(None, 0)

    def show_node(self, tree: TreeIndex | None, node: int) -> None:
        if tree is None or node <= 0 or tree.schema is None:
            self._show("<p><i>Select an object in the tree to see its details.</i></p>" + self.hint_html)
            return
        kind, obj, status = tree.kinds[node], tree.objects[node], tree.statuses[node]
        title = f"{kind.value.replace('_', ' ')} <b>{escape(tree.names[node])}</b>"
        rows = _rows(obj, tree.tables[node], tree.schema)
        if kind is Kind.FOLDER:
            rows = [("Objects", tree.details[node])]
        previous = tree.previous[node]
        before = dict(_rows(previous, tree.tables[node], tree.schema)) if previous is not None else {}
        old_name = getattr(previous, "name", None)
        if old_name is not None and old_name != getattr(obj, "name", old_name):  # a rename: one object
            rows = [("Name", obj.name), *rows]
            before["Name"] = old_name
        html = [f"<h3>{title}</h3>"]
        if status in _STATUS_TEXT:
            html.append(f"<p><i>{_STATUS_TEXT[status]}</i></p>")
        html.append("<table cellspacing='0' cellpadding='3'>")
        texts = []  # a definition of several lines goes under the table, its lines and indentation kept
        for label, value in rows:
            if isinstance(value, str) and "\n" in value.strip():
                changed = " (changed by the pending changes)" if label in before and before[label] != value else ""
                texts.append(f"<p><b>{escape(label)}</b>{changed}</p><pre>{escape(value.strip())}</pre>")
                continue
            cell = _cell(value)
            if label in before and before[label] != value:
                cell = f"<s>{_cell(before[label])}</s> → <b>{cell}</b>"
            html.append(f"<tr><td valign='top'><b>{escape(label)}</b></td><td>{cell}</td></tr>")
        html.append("</table>")
        self._show("".join(html + texts))

    def _show(self, html: str) -> None:
        """Every edit shows the selection again, mostly unchanged: parsing, laying out and
        repainting the same page would cost the GUI thread about a millisecond each time."""
        if html != self._shown:
            self._shown = html
            self.setHtml(html)


def _cell(value: Any) -> str:
    if value is UNKNOWN:
        return str(value)
    if value is None or value == "":
        return "<i>none</i>"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (tuple, list)):
        return escape(", ".join(str(v) for v in value)) or "<i>none</i>"
    return escape(str(value))


def _maybe(schema: Schema, feature: str, value: Any) -> Any:
    return UNKNOWN if feature in schema.unsupported else value


def _rows(obj: Any, table: Table | None, schema: Schema) -> list[Row]:
    if isinstance(obj, Table):
        return [
            ("Schema", obj.schema or "(default)"),
            ("Columns", len(obj.columns)),
            ("Primary key", ", ".join(obj.primary_key.columns) if obj.primary_key else None),
            ("Foreign keys", len(obj.foreign_keys)),
            ("Indexes", len(obj.indexes)),
            *[(label, value) for label, value in (("Partition of", obj.partition_of),
                                                  ("Partition bounds", obj.partition_bound),
                                                  ("Partitioned by", obj.partition_key)) if value is not None],
            ("Comment", _maybe(schema, "comments", obj.comment)),
        ]
    if isinstance(obj, Column):
        return [
            ("Table", table.name if table else None),
            ("Type", obj.type_name),
            ("SQLAlchemy type", type(obj.sa_type).__name__ if obj.sa_type is not None else None),
            ("Nullable", obj.nullable),
            ("Default", obj.default),
            ("Primary key", bool(table and obj.name in table.primary_key_columns)),
            ("Autoincrement", obj.autoincrement),
            ("Identity", _maybe(schema, "identity", obj.identity and
                                ("ALWAYS" if obj.identity.always else "BY DEFAULT"))),
            ("Generated", obj.computed and obj.computed.sqltext),
            ("Stored", obj.computed and obj.computed.persisted),
            ("Comment", _maybe(schema, "comments", obj.comment)),
        ]
    if isinstance(obj, PrimaryKey):
        return [("Name", obj.name), ("Columns", obj.columns)]
    if isinstance(obj, ForeignKey):
        return [
            ("Columns", obj.columns),
            ("Refers to", f"{obj.referred_schema + '.' if obj.referred_schema else ''}{obj.referred_table}"),
            ("Referred columns", obj.referred_columns),
            ("On delete", obj.on_delete or "NO ACTION"),
            ("On update", obj.on_update or "NO ACTION"),
            ("Deferrable", obj.deferrable),
        ]
    if isinstance(obj, Index):
        return [
            ("Elements", obj.labelled_elements),
            ("Unique", obj.unique),
            ("Method", _maybe(schema, "index_method", obj.method)),
            ("Where", _maybe(schema, "index_where", obj.where)),
            ("Include", obj.include),
        ]
    if isinstance(obj, UniqueConstraint):
        return [("Columns", obj.columns)]
    if isinstance(obj, CheckConstraint):
        return [("Condition", obj.sqltext)]
    if isinstance(obj, ExclusionConstraint):
        return [("Definition", obj.definition)]
    if isinstance(obj, Trigger):
        return [("Table", table.name if table else None), ("Enabled", obj.enabled), ("Definition", obj.definition)]
    if isinstance(obj, View):
        return [("Materialized", obj.materialized), ("Definition", obj.definition)]
    if isinstance(obj, EnumType):
        return [("Labels", obj.labels)]
    if isinstance(obj, Domain):
        checks = [c.sqltext for c in obj.checks]
        return [("Type", obj.type_name), ("Nullable", obj.nullable), ("Default", obj.default), ("Checks", checks)]
    if isinstance(obj, Sequence):
        return [("Schema", obj.schema or "(default)"), *([("Type", obj.data_type)] if obj.data_type else []),
                ("Start", obj.start), ("Increment", obj.increment), ("Smallest value", obj.min_value),
                ("Largest value", obj.max_value), ("Cache", obj.cache), ("Cycles", obj.cycle),
                ("Belongs to", ".".join(obj.owned_by) if obj.owned_by else None),
                ("Serves an identity column", obj.identity), ("Next value", obj.next_value)]
    if isinstance(obj, Routine):
        return [("Schema", obj.schema or "(default)"), ("Arguments", obj.arguments),
                *([("Returns", obj.returns)] if obj.kind == "function" else []), ("Definition", obj.definition)]
    if isinstance(obj, Namespace):
        return [("Tables", len(obj.tables)), ("Views", len(obj.views)), ("Default schema", obj.is_default)]
    return []

"""Flat, Qt-free index of the tree shown for a schema snapshot.

Nodes are integers; their kind, label, parent and children live in parallel
lists, so the item model can use the id as ``internalId`` and the filter can
run over every node in one pass. Built off the GUI thread when a database is read; after an
edit, on the GUI thread again, lending the nodes of the tables the edit did not change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, NamedTuple

from gui_app.core.schema import EnumType, Namespace, Schema, Table
from gui_app.core.schema import Sequence as SequenceItem
from gui_app.core.serialize import column_flags
from gui_app.ui.wording import plural

if TYPE_CHECKING:
    from gui_app.core.plan import Renames


class Status(Enum):
    """How an object of the projected schema differs from the database as it is."""

    SAME = "same"
    NEW = "new"
    CHANGED = "changed"
    DROPPED = "dropped"


class Span(NamedTuple):
    """A top-level table's nodes, ``first`` to ``end``, and what they were built from: the same
    table object compared with the same previous one gives the same nodes."""

    table: Table
    first: int
    end: int
    previous: Table | None
    status: Status
    renamed_columns: dict[str, str]
    contiguous: bool = True
    """Its nodes are ``first`` to ``end``, as a build made them; an update in place that kept
    the table's row (``tree_update``) put its children elsewhere, and a build does not copy it."""

    def built_from(self, table: Table, previous: Table | None, status: Status, renamed_columns: dict[str, str]) -> bool:
        # Only a changed table's nodes show what it was (each child compared, renames named).
        return self.table is table and self.status is status and (status is not Status.CHANGED or (
            self.previous is previous and self.renamed_columns == renamed_columns))


_FLIP = bytes([1, 0]) + bytes(254)
_NO_RENAMES: dict[str, str] = {}  # shared, never written to


class Kind(Enum):
    ROOT = "root"
    NAMESPACE = "namespace"
    FOLDER = "folder"
    TABLE = "table"
    COLUMN = "column"
    PRIMARY_KEY = "primary_key"
    FOREIGN_KEY = "foreign_key"
    INDEX = "index"
    UNIQUE = "unique"
    CHECK = "check"
    EXCLUSION = "exclusion"
    TRIGGER = "trigger"
    VIEW = "view"
    MATERIALIZED_VIEW = "materialized_view"
    ENUM = "enum"
    DOMAIN = "domain"
    SEQUENCE = "sequence"
    FUNCTION = "function"
    PROCEDURE = "procedure"


@dataclass
class TreeIndex:
    """The nodes of the tree in parallel lists (kind, name, parent, children, status); Qt-free."""

    schema: Schema | None = None
    kinds: list[Kind] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    objects: list[Any] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    children: list[list[int]] = field(default_factory=list)
    tables: list[Table | None] = field(default_factory=list)
    """The table a node belongs to (for columns, keys...), else None."""
    statuses: list[Status] = field(default_factory=list)
    previous: list[Any] = field(default_factory=list)
    """For a changed object, the object as the database has it now."""
    spans: dict[int, Span] = field(default_factory=dict)
    """Top-level tables by identity, for reuse by the next build."""
    dead: bytearray = field(default_factory=bytearray)
    """Nodes replaced by an update in place (``tree_update``): no longer reachable, never searched."""
    dead_count: int = 0
    _folded: list[str] | None = None
    _copied_folds: list[tuple[int, list[str]]] = field(default_factory=list)
    """While building: (first node, folded names) of runs copied from a tree that had them."""

    def add(self, parent: int, kind: Kind, name: str, obj: Any = None, type_text: str = "",
            detail: str = "", table: Table | None = None, status: Status = Status.SAME,
            previous: Any = None) -> int:
        node = len(self.kinds)
        self.kinds.append(kind)
        self.names.append(name)
        self.types.append(type_text)
        self.details.append(detail)
        self.objects.append(obj)
        self.parents.append(parent)
        self.children.append([])
        self.tables.append(table)
        self.statuses.append(status)
        self.previous.append(previous)
        if parent >= 0:
            self.children[parent].append(node)
        return node

    def __len__(self) -> int:
        return len(self.kinds)

    @property
    def folded_names(self) -> list[str]:
        if self._folded is None:
            folded: list[str] = []
            for first, names in self._copied_folds:  # copied runs keep the folding done before
                folded.extend(map(str.casefold, self.names[len(folded):first]))
                folded.extend(names)
            folded.extend(map(str.casefold, self.names[len(folded):]))
            self._folded, self._copied_folds = folded, []
        return self._folded

    def fold_new_names(self) -> None:
        """Fold the names of nodes added since the folding was made (an update in place)."""
        if self._folded is not None:
            self._folded.extend(map(str.casefold, self.names[len(self._folded):]))

    def alive(self) -> bytearray:
        """1 for each node still in the tree, 0 for those an update in place replaced."""
        return self.dead.translate(_FLIP) + b"\x01" * (len(self) - len(self.dead))

    def path(self, node: int) -> tuple[str, ...]:
        """Labels from the top down: a key that survives rebuilding the index."""
        labels = []
        while node > 0:
            labels.append(self.names[node])
            node = self.parents[node]
        return tuple(reversed(labels))

    def find_path(self, path: tuple[str, ...]) -> int | None:
        node = 0
        for label in path:
            node = next((c for c in self.children[node] if self.names[c] == label), -1)
            if node < 0:
                return None
        return node


def build_tree_index(schema: Schema, base: Schema | None = None, before_edit: TreeIndex | None = None,
                     renames: Renames | None = None) -> TreeIndex:
    """The tree of ``schema``; with ``base`` (the database as it is), each object is marked
    new, changed or dropped, and dropped objects stay in the tree. ``before_edit``, the tree
    shown until now, lends its nodes for the tables that did not change. A table or column the
    plan renames (``renames``) is one changed object, its old name beside the new."""
    index = TreeIndex(schema)
    root = index.add(-1, Kind.ROOT, "")
    # How the collector treats the nodes is the caller's to settle (core.long_lived): a read
    # collects and freezes them after, an edit builds with it paused and sets them aside.
    for ns in schema.namespaces:
        base_ns = base_namespace(base, ns.name)
        _add_namespace(index, root, ns, base_ns, len(schema.namespaces) == 1, before_edit, renames)
    index.folded_names  # noqa: B018 - built with the tree, not at the first keystroke in the filter box
    return index


def base_namespace(base: Schema | None, name: str) -> Namespace | None:
    if base is None:
        return None
    return next((ns for ns in base.namespaces if ns.name == name), Namespace(name))


def _status(new: Any, old: Any, compared: bool) -> Status:
    if not compared:
        return Status.SAME
    if old is None:
        return Status.NEW
    return Status.SAME if new is old or new == old else Status.CHANGED


def _merged(current: Sequence[Any], before: Sequence[Any] | None, key: Callable[[Any], Any],
            renamed: dict[Any, Any] | None = None) -> list[tuple[Any, Any, Status]]:
    """(object, previous object, status) for each current object, then each dropped one.
    ``renamed`` maps a current key to the key it had: the two are one object, changed."""
    if before is None:
        return [(item, None, Status.SAME) for item in current]
    renamed = renamed or {}
    sources = set(renamed.values())
    old = {key(i): i for i in before}

    def was(item: Any) -> Any:
        name = key(item)
        if name in renamed:
            return old.get(renamed[name])
        return None if name in sources else old.get(name)  # the old name now names a new object

    result = []
    for item in current:
        previous = was(item)
        result.append((item, previous, _status(item, previous, True)))
    matched = {key(previous) for _item, previous, _ in result if previous is not None}
    result.extend((item, item, Status.DROPPED) for item in before if key(item) not in matched)
    return result


def _renamed_from(previous: Any, name: str, status: Status) -> str:
    old = getattr(previous, "name", None)
    return f"renamed from {old}" if status is Status.CHANGED and old is not None and old != name else ""


def _add_namespace(index: TreeIndex, root: int, ns: Namespace, base: Namespace | None, show_empty: bool,
                   before_edit: TreeIndex | None, renames: Renames | None = None) -> None:
    if not show_empty and not shows_anything(ns):
        return
    node = index.add(root, Kind.NAMESPACE, ns.name, ns, detail="default schema" if ns.is_default else "")
    entries = table_entries(ns, base, renames)
    tables = index.add(node, Kind.FOLDER, "Tables", detail=str(entries.count))
    run = _Run(index, tables, before_edit)
    for table, was, status in entries.merged:
        columns = entries.renamed_columns.get(table.name, _NO_RENAMES)
        if table.name not in entries.partitions and run.take(table, was, status, columns):
            continue
        run.flush()
        add_top_table(index, tables, table, was, status, entries)
    run.flush()
    view_entries = _merged(ns.views, base.views if base is not None else None, lambda v: v.name)
    if view_entries:
        views = index.add(node, Kind.FOLDER, "Views", detail=str(len(ns.views)))
        for view, was, status in sorted(view_entries, key=lambda entry: entry[0].name):
            view_node = index.add(views, Kind.MATERIALIZED_VIEW if view.materialized else Kind.VIEW, view.name, view,
                                  "materialized view" if view.materialized else "view",
                                  f"{len(view.columns)} column{'' if len(view.columns) == 1 else 's'}",
                                  status=status, previous=was if status is not Status.SAME else None)
            for column in view.columns:  # shown, and found by the filter, like a table's
                index.add(view_node, Kind.COLUMN, column.name, column, column.type_name,
                          status=Status.DROPPED if status is Status.DROPPED else Status.SAME)
    _add_routines(index, node, ns, base)
    for label, items, before, kind in (
            ("Enums", ns.enums, base.enums if base else None, Kind.ENUM),
            ("Domains", ns.domains, base.domains if base else None, Kind.DOMAIN),
            ("Sequences", ns.sequences, base.sequences if base else None, Kind.SEQUENCE)):
        merged = _merged(items, before, lambda item: item.name)
        if merged:
            folder = index.add(node, Kind.FOLDER, label, detail=str(len(items)))
            for item, was, status in sorted(merged, key=lambda entry: entry[0].name):
                type_text = item.data_type or "" if isinstance(item, SequenceItem) else getattr(item, "type_name", "")
                index.add(folder, kind, item.name, item, type_text, _type_detail(item), status=status,
                          previous=was if status is not Status.SAME else None)


def _add_routines(index: TreeIndex, node: int, ns: Namespace, base: Namespace | None) -> None:
    """Functions and procedures, each under its name with its arguments beside it (overloads share
    a name); a new body marks it changed."""
    for label, kind in (("Functions", Kind.FUNCTION), ("Procedures", Kind.PROCEDURE)):
        items = [r for r in ns.routines if r.kind == kind.value]
        before = [r for r in base.routines if r.kind == kind.value] if base is not None else None
        merged = _merged(items, before, lambda routine: routine.signature)
        if not merged:
            continue
        folder = index.add(node, Kind.FOLDER, label, detail=str(len(items)))
        for routine, was, status in sorted(merged, key=lambda entry: (entry[0].name, entry[0].arguments)):
            index.add(folder, kind, routine.name, routine, routine.returns or "", f"({routine.arguments})",
                      status=status, previous=was if status is not Status.SAME else None)


def _type_detail(item: Any) -> str:
    """What the tree says beside an enum (its values) or a sequence (its steps and owner)."""
    if isinstance(item, EnumType):
        return ", ".join(item.labels)
    if not isinstance(item, SequenceItem):
        return ""
    parts = [f"from {item.start}" if item.start is not None else "",
             f"by {item.increment}" if item.increment not in (None, 1) else "",
             "cycles" if item.cycle else ""]
    if item.owned_by:
        parts.append(f"{'identity of' if item.identity else 'belongs to'} {'.'.join(item.owned_by)}")
    return ", ".join(part for part in parts if part)


def shows_anything(ns: Namespace) -> bool:
    return bool(ns.tables or ns.views or ns.enums or ns.domains or ns.sequences or ns.routines)


@dataclass
class TableEntries:
    """A namespace's top-level tables in tree order, each with the table it was and its status."""

    merged: list[tuple[Table, Any, Status]]
    partitions: dict[str, list[Table]]
    renamed_columns: dict[str, dict[str, str]]
    count: int


def table_entries(ns: Namespace, base: Namespace | None, renames: Renames | None) -> TableEntries:
    partitions: dict[str, list[Table]] = {}
    for table in ns.tables:
        if table.partition_of:
            partitions.setdefault(table.partition_of, []).append(table)
    top = [t for t in ns.tables if not t.partition_of]
    before = [t for t in base.tables if not t.partition_of] if base is not None else None
    renamed_tables = {new: old for (where, new), old in renames.tables.items() if ns.holds(where)} if renames else {}
    renamed_columns: dict[str, dict[str, str]] = {}
    for (where, name, new), old in (renames.columns.items() if renames else ()):
        if ns.holds(where):
            renamed_columns.setdefault(name, {})[new] = old
    merged = sorted(_merged(top, before, lambda t: t.name, renamed_tables), key=lambda entry: entry[0].name)
    return TableEntries(merged, partitions, renamed_columns, len(top))


def add_top_table(index: TreeIndex, folder: int, table: Table, was: Any, status: Status,
                  entries: TableEntries) -> int:
    """Add a top-level table's nodes under ``folder``; its node. A table's partitions hang under
    it and are not part of its identity: such a table is never lent to the next build."""
    start = len(index.kinds)
    columns = entries.renamed_columns.get(table.name, _NO_RENAMES)
    _add_table(index, folder, table, entries.partitions, status, was, columns)
    if table.name not in entries.partitions:
        changed = status is Status.CHANGED  # what the nodes were built from (see ``Span.built_from``)
        index.spans[id(table)] = Span(table, start, len(index.kinds), was if changed else None, status,
                                      columns if changed else _NO_RENAMES)
    return start


class _Run:
    """Tables copied from the tree built before the last edit, a run at a time.

    A projection shares every table object the edit did not touch with the projection before
    it (changed tables included, compared with the same database table), so refreshing the tree
    after an edit rebuilds only the tables the edit touched; the others sit next to each other
    in the old tree and are copied with one slice per column."""

    def __init__(self, index: TreeIndex, parent: int, previous: TreeIndex | None) -> None:
        self.index, self.parent, self.previous = index, parent, previous
        self.tables: list[Span] = []

    def take(self, table: Table, previous: Table | None, status: Status, renamed_columns: dict[str, str]) -> bool:
        span = self.previous.spans.get(id(table)) if self.previous is not None else None
        if span is None or not span.contiguous or not span.built_from(table, previous, status, renamed_columns):
            return False
        if self.tables and self.tables[-1].end != span.first:
            self.flush()
        self.tables.append(span)
        return True

    def flush(self) -> None:
        if not self.tables:
            return
        index, previous, parent = self.index, self.previous, self.parent
        assert previous is not None
        start, end = self.tables[0].first, self.tables[-1].end
        offset = len(index.kinds) - start
        if previous._folded is not None:
            index._copied_folds.append((len(index.kinds), previous._folded[start:end]))
        for column in ("kinds", "names", "types", "details", "objects", "tables", "statuses", "previous"):
            getattr(index, column).extend(getattr(previous, column)[start:end])
        # Finished child lists are never appended to again: without a shift (and for leaves) they are shared.
        if offset:
            shift = offset.__add__
            index.parents.extend(map(shift, previous.parents[start:end]))
            index.children.extend([[*map(shift, kids)] if kids else kids for kids in previous.children[start:end]])
        else:
            index.parents.extend(previous.parents[start:end])
            index.children.extend(previous.children[start:end])
        for span in self.tables:  # the table nodes hang from the new folder
            index.parents[span.first + offset] = parent
            index.children[parent].append(span.first + offset)
            table, first, end, was, status, columns, _contiguous = span
            index.spans[id(table)] = Span(table, first + offset, end + offset, was, status, columns)
        self.tables = []


def _add_table(index: TreeIndex, parent: int, table: Table, partitions: dict[str, list[Table]],
               status: Status = Status.SAME, previous: Table | None = None,
               renamed_columns: dict[str, str] | None = None) -> None:
    detail = _renamed_from(previous, table.name, status) or table.comment or ""
    if table.partition_key is not None:
        count = len(partitions.get(table.name, ()))
        detail = f"partitioned by {table.partition_key}" + (f", {plural(count, 'partition')}" if count else "") \
            + (f" — {detail}" if detail else "")
    elif table.partition_bound is not None:
        detail = table.partition_bound + (f" — {detail}" if detail else "")
    node = index.add(parent, Kind.TABLE, table.name, table, "table", detail, table, status,
                     previous if status is Status.CHANGED else None)
    # Inside a new or dropped table everything shares its status; inside a changed one each child is compared.
    compare = status is Status.CHANGED

    def children(current: Sequence[Any], before: Sequence[Any], key: Callable[[Any], Any],
                 renamed: dict[Any, Any] | None = None) -> list[tuple[Any, Any, Status]]:
        if compare:
            return _merged(current, before, key, renamed)
        return [(item, None, status) for item in current]

    old = previous if previous is not None else table
    for column, was, state in children(table.columns, old.columns, lambda c: c.name, renamed_columns):
        flags = " ".join(column_flags(table if state is not Status.DROPPED else old, column))
        renamed = _renamed_from(was, column.name, state)
        index.add(node, Kind.COLUMN, column.name, column, column.type_name,
                  f"{renamed}, {flags}" if renamed and flags else renamed or flags, table, state,
                  was if state is Status.CHANGED else None)
    pks = children((table.primary_key,) if table.primary_key else (),
                   (old.primary_key,) if old.primary_key else (), lambda p: "primary key")
    for pk, was, state in pks:
        index.add(node, Kind.PRIMARY_KEY, pk.name or "primary key", pk, "primary key", ", ".join(pk.columns), table,
                  state, was if state is Status.CHANGED else None)
    groups = (
        ("Foreign keys", Kind.FOREIGN_KEY, table.foreign_keys, old.foreign_keys),
        ("Indexes", Kind.INDEX, table.indexes, old.indexes),
        ("Unique constraints", Kind.UNIQUE, table.unique_constraints, old.unique_constraints),
        ("Check constraints", Kind.CHECK, table.check_constraints, old.check_constraints),
        ("Exclusion constraints", Kind.EXCLUSION, table.exclusions, old.exclusions),
        ("Triggers", Kind.TRIGGER, table.triggers, old.triggers),
    )
    for label, kind, items, old_items in groups:
        merged = children(items, old_items, lambda i: i.name or i)
        if not merged:
            continue
        folder = index.add(node, Kind.FOLDER, label, detail=str(len(items)), table=table)
        for item, was, state in merged:
            name, type_text, detail = _describe(kind, item)
            index.add(folder, kind, name, item, type_text, detail, table, state,
                      was if state is Status.CHANGED else None)
    children_tables = partitions.get(table.name)
    if children_tables:
        folder = index.add(node, Kind.FOLDER, "Partitions", detail=str(len(children_tables)), table=table)
        for child in children_tables:
            _add_table(index, folder, child, partitions)


def _describe(kind: Kind, item: Any) -> tuple[str, str, str]:
    if kind is Kind.FOREIGN_KEY:
        target = f"{item.referred_schema}.{item.referred_table}" if item.referred_schema else item.referred_table
        rules = "".join(f" ON {verb} {rule}" for verb, rule in (("DELETE", item.on_delete), ("UPDATE", item.on_update))
                        if rule)
        detail = f"({', '.join(item.columns)}) → {target} ({', '.join(item.referred_columns)}){rules}"
        return item.name or "(unnamed)", "foreign key", detail
    if kind is Kind.INDEX:
        label = "unique index" if item.unique else "index"
        if item.method:
            label += f" {item.method}"
        where = f" WHERE {item.where}" if item.where else ""
        return item.name or "(unnamed)", label, f"({', '.join(item.labelled_elements)}){where}"
    if kind is Kind.UNIQUE:
        return item.name or "(unnamed)", "unique", f"({', '.join(item.columns)})"
    if kind is Kind.EXCLUSION:
        return item.name or "(unnamed)", "exclusion", item.definition
    if kind is Kind.TRIGGER:
        return item.name, "trigger", item.event if item.enabled else f"disabled · {item.event}"
    return item.name or "(unnamed)", "check", item.sqltext

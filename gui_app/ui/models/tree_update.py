"""Bring the shown tree up to a new projection in place, a table at a time. Qt-free.

After an edit, only the tables it touched differ. Rebuilding the whole index renumbers every
node after the first changed table, and the view must then be reset and lay out every row again;
updating in place keeps every other node's number, so the item model can tell the view which
rows were removed and inserted, and the view redoes only those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gui_app.ui.models.tree_index import TreeIndex, add_top_table, base_namespace, shows_anything, table_entries

if TYPE_CHECKING:
    from gui_app.core.plan import Renames
    from gui_app.core.schema import Schema


@dataclass
class FolderChange:
    """A folder whose children changed: the lists before and after (node numbers)."""

    folder: int
    before: list[int]
    after: list[int]


@dataclass
class TreeUpdate:
    folders: list[FolderChange]
    touched: list[int]
    """Nodes whose own text or object changed in place (a namespace, a folder's count)."""


def update_tree_index(tree: TreeIndex, schema: Schema, base: Schema | None,
                      renames: Renames | None = None) -> TreeUpdate | None:
    """Update ``tree`` (built for an earlier projection of the same database) to show ``schema``
    as ``build_tree_index`` would, changing nothing and returning None where that takes more than
    replacing top-level tables: another set of schemas shown, or views, types, sequences or routines
    changed."""
    if len(tree) == 0:
        return None
    root_children = tree.children[0]
    shown = [ns for ns in schema.namespaces if len(schema.namespaces) == 1 or shows_anything(ns)]
    if [tree.names[n] for n in root_children] != [ns.name for ns in shown]:
        return None
    for node, ns in zip(root_children, shown, strict=True):
        before = tree.objects[node]
        if (ns.views, ns.enums, ns.domains, ns.sequences, ns.routines) != \
                (before.views, before.enums, before.domains, before.sequences, before.routines):
            return None
    update = TreeUpdate([], [])
    for node, ns in zip(root_children, shown, strict=True):
        if tree.objects[node] is not ns:
            tree.objects[node] = ns
            update.touched.append(node)
        folder = tree.children[node][0]
        entries = table_entries(ns, base_namespace(base, ns.name), renames)
        previous = tree.children[folder]
        by_name = {tree.names[n]: n for n in previous}
        kept: list[int] = []
        used: set[int] = set()
        for table, was, status in entries.merged:
            span = tree.spans.get(id(table))
            columns = entries.renamed_columns.get(table.name, {})
            if span is not None and table.name not in entries.partitions and span.first not in used \
                    and tree.parents[span.first] == folder and tree.objects[span.first] is table \
                    and span.built_from(table, was, status, columns):
                kept.append(span.first)
                used.add(span.first)
                continue
            fresh = add_top_table(tree, folder, table, was, status, entries)
            tree.children[folder].pop()  # placed below, in order, with the others
            row = by_name.get(table.name)
            if row is None or row in used:
                kept.append(fresh)
            else:  # the same name: its row stays (no row moves in the view), showing the new nodes
                update.folders.append(_transplant(tree, fresh, row))
                update.touched.append(row)
                kept.append(row)
            used.add(kept[-1])
        if kept != previous:
            _bury(tree, set(previous) - used)
            tree.children[folder] = kept
            update.folders.append(FolderChange(folder, previous, kept))
        if tree.details[folder] != str(entries.count):
            tree.details[folder] = str(entries.count)
            update.touched.append(folder)
    tree.schema = schema
    tree.fold_new_names()
    return update


def _transplant(tree: TreeIndex, fresh: int, row: int) -> FolderChange:
    """Show at node ``row`` what was just built at ``fresh``: ``row``'s own texts become
    ``fresh``'s, its children ``fresh``'s children; its old children and ``fresh`` itself die."""
    shown = tree.objects[row]
    span = tree.spans.get(id(shown))
    if span is not None and span.first == row:  # it no longer shows that table
        del tree.spans[id(shown)]
    for name in ("kinds", "names", "types", "details", "objects", "tables", "statuses", "previous"):
        column: list[Any] = getattr(tree, name)
        column[row] = column[fresh]
    before, after = tree.children[row], tree.children[fresh]
    for child in after:
        tree.parents[child] = row
    tree.children[row], tree.children[fresh] = after, []
    moved = tree.spans.get(id(tree.objects[row]))
    if moved is not None and moved.first == fresh:  # moved before ``fresh`` is buried, which would drop it
        tree.spans[id(tree.objects[row])] = moved._replace(first=row, contiguous=False)
    _bury(tree, set(before) | {fresh})
    return FolderChange(row, before, after)


def _bury(tree: TreeIndex, gone: set[int]) -> None:
    """Mark the subtrees of ``gone`` dead (nothing points at them any more) and forget their spans."""
    if len(tree.dead) < len(tree):
        tree.dead.extend(bytes(len(tree) - len(tree.dead)))
    stack = list(gone)
    while stack:
        node = stack.pop()
        tree.dead[node] = 1
        tree.dead_count += 1
        stack.extend(tree.children[node])
    for node in gone:
        table = tree.objects[node]
        span = tree.spans.get(id(table))
        if span is not None and span.first == node:
            del tree.spans[id(table)]


def wasteful(tree: TreeIndex) -> bool:
    """More nodes dead than alive, and enough of them to matter (10,000, about 1 MB): time to
    build afresh (the view is then reset once)."""
    return tree.dead_count > max(len(tree) - tree.dead_count, 10_000)


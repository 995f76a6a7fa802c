"""What Alembic's autogenerate does not compare: views, sequences, enum types' values, domains,
functions and procedures, triggers. A comparator registered the way Alembic documents
(``comparators.dispatch_for("schema")``) compares the database with the one the target metadata was
read from (its reflected schema rides in ``metadata.info``), and adds the app's own operations
around autogenerate's: what tables need first before them, what needs the tables after them.

Order: sequences a new table draws from, new enum types and values, domains, and the views and
triggers in the way are made or dropped first; then autogenerate's table changes; then functions,
views (each after the views it reads), triggers, sequences' owners and options, and what is
dropped for good.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import comparators
from alembic.autogenerate.api import AutogenContext
from alembic.operations import ops
from alembic.util import DispatchPriority

from gui_app.core import schema as s
from gui_app.core.dialects import family

TARGET = "alembic_studio_schema"
"""The key of ``MetaData.info`` under which the target database's reflected schema rides."""
SOURCE = "alembic_studio_source"
"""The key of the comparison's options holding the compared database's schema, where the caller
read it already."""


@dataclasses.dataclass
class ObjectChanges:
    """The operations before autogenerate's (``first``) and after them (``last``); ``notes``
    says what is not carried over."""

    first: list[ops.MigrateOperation] = dataclasses.field(default_factory=list)
    last: list[ops.MigrateOperation] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)


# LAST: after Alembic's own comparison of the tables, whose operations this one reads and surrounds.
@comparators.dispatch_for("schema", priority=DispatchPriority.LAST)
def _compare_objects(context: AutogenContext, upgrade_ops: ops.UpgradeOps, _schemas: Any) -> None:
    metadata = context.metadata
    target = metadata.info.get(TARGET) if metadata is not None and hasattr(metadata, "info") else None
    if not isinstance(target, s.Schema) or context.connection is None:
        return
    source = context.opts.get(SOURCE)
    if not isinstance(source, s.Schema):
        from gui_app.core.reflect import reflect

        source = reflect(context.connection)
    retyped = {(op.schema, op.table_name, step.column_name) for op in upgrade_ops.ops
               if isinstance(op, ops.ModifyTableOps) for step in op.ops
               if isinstance(step, ops.AlterColumnOp) and step.modify_type is not None}
    dropped_tables = {(op.schema, op.table_name) for op in upgrade_ops.ops if isinstance(op, ops.DropTableOp)}
    changes = object_changes(source, target, retyped, dropped_tables)
    if source.dialect == "postgresql":
        _draw_from_named_sequences(upgrade_ops)
        _without_what_domains_give(upgrade_ops, target)
    upgrade_ops.ops[:0] = changes.first
    upgrade_ops.ops.extend(changes.last)
    notes = context.opts.get("alembic_studio_notes")
    if isinstance(notes, list):
        notes.extend(changes.notes)


_NEXTVAL = re.compile(r"^\(?\s*nextval\(", re.IGNORECASE)


def _draw_from_named_sequences(upgrade_ops: ops.UpgradeOps) -> None:
    """A new column whose default draws from a sequence keeps that default: SQLAlchemy would make
    an autoincrement key SERIAL instead, with a sequence of its own and the default gone. The
    sequence itself is created first (:func:`_sequences`)."""
    steps = [step for op in upgrade_ops.ops for step in (op.ops if isinstance(op, ops.ModifyTableOps) else [op])]
    for step in steps:
        columns = step.columns if isinstance(step, ops.CreateTableOp) else \
            [step.column] if isinstance(step, ops.AddColumnOp) else []
        for column in columns:
            if not isinstance(column, sa.Column):
                continue
            default = column.server_default
            text = getattr(getattr(default, "arg", None), "text", getattr(default, "arg", None))
            if isinstance(text, str) and _NEXTVAL.match(text):
                column.autoincrement = False


def _without_what_domains_give(upgrade_ops: ops.UpgradeOps, target: s.Schema) -> None:
    """SQLAlchemy reads a domain's default and NOT NULL as its columns' own: autogenerate would give
    each column of a changed domain that default and NOT NULL of its own, which the domain's change
    (:func:`_domains`) gives them already."""
    for container in upgrade_ops.ops:
        if not isinstance(container, ops.ModifyTableOps):
            continue
        table = target.find_table(container.table_name, container.schema)
        if table is None:
            continue
        namespace = target.namespace(container.schema)
        kept: list[ops.MigrateOperation] = []
        for step in container.ops:
            if isinstance(step, ops.AlterColumnOp):
                column = next((c for c in table.columns if c.name == step.column_name), None)
                domain = next((d for d in namespace.domains if column is not None and column.type_name in (
                    d.name, f'"{d.name}"', f"{namespace.name}.{d.name}")), None)
                if domain is not None:
                    given = step.modify_server_default
                    text = getattr(getattr(given, "arg", given), "text", getattr(given, "arg", given))
                    if given is not False and text == domain.default:
                        step.modify_server_default = False
                    if step.modify_nullable is not None and step.modify_nullable == domain.nullable:
                        step.modify_nullable = None
                    if step.modify_server_default is False and step.modify_nullable is None and \
                            step.modify_type is None and step.modify_name is None and step.modify_comment is False:
                        continue
            kept.append(step)
        container.ops = kept
    upgrade_ops.ops = [op for op in upgrade_ops.ops if not (isinstance(op, ops.ModifyTableOps) and not op.ops)]


def object_changes(source: s.Schema, target: s.Schema,
                   retyped: Iterable[tuple[str | None, str, str]] = (),
                   dropped_tables: Iterable[tuple[str | None, str]] = ()) -> ObjectChanges:
    """The operations that make ``source``'s views, sequences, enum types, domains, routines and
    triggers those of ``target``; ``retyped``: columns autogenerate gives a new type (the views that read
    them are made again around it); ``dropped_tables``: tables autogenerate drops (what they take
    with them is not dropped again)."""
    changes = ObjectChanges()
    retyped, dropped_tables = set(retyped), set(dropped_tables)
    if family(source.dialect) != family(target.dialect):
        # a serial's own sequence is the key's autoincrement there, and comes across as such
        if any(ns.views or ns.enums or ns.routines or any(q.owned_by is None for q in ns.sequences)
               or any(t.triggers for t in ns.tables) for ns in target.namespaces):
            changes.notes.append(f"views, sequences, types, routines and triggers are written for "
                                 f"{target.dialect}: they are not carried over to {source.dialect}")
        return changes
    for there in target.namespaces:
        here = next((ns for ns in source.namespaces if ns.name == there.name or (ns.is_default and there.is_default)),
                    None)
        if here is None:
            changes.notes.append(f"schema {there.name} is not in the database compared: its views, types, "
                                 "routines and triggers are not carried over")
            continue
        where = None if here.is_default else here.name
        there = _localised(there, here, target.dialect)
        _sequences(here, there, where, changes)
        if source.dialect == "postgresql":
            _enums(here, there, where, source, changes)
            _domains(here, there, where, changes)
        _triggers(here, there, where, dropped_tables, changes)
        routine_drops = _routines(here, there, where, source.dialect, changes)
        _views(here, there, where, retyped, dropped_tables, changes)
        _trigger_creations(here, there, where, changes)
        changes.last.extend(routine_drops)
        changes.last.extend(_sequence_tail(here, there, where, dropped_tables))
        if source.dialect == "postgresql":
            from gui_app.core.domain_ops import dropped as domain_dropped
            from gui_app.core.enum_ops import DropEnumOp

            changes.last.extend(DropEnumOp(e.name, e.labels, where) for e in here.enums
                                if e.name not in {t.name for t in there.enums})
            changes.last.extend(domain_dropped(d, where) for d in here.domains
                                if d.name not in {t.name for t in there.domains})
    return changes


def _localised(there: s.Namespace, here: s.Namespace, dialect: str) -> s.Namespace:
    """MySQL and MariaDB print a view's tables with their database's name: the target's views read
    this database's tables once that name is this one's."""
    if dialect not in ("mysql", "mariadb") or there.name == here.name:
        return there
    old, new = "`" + there.name.replace("`", "``") + "`.", "`" + here.name.replace("`", "``") + "`."
    views = tuple(dataclasses.replace(v, definition=v.definition.replace(old, new)) if v.definition else v
                  for v in there.views)
    return dataclasses.replace(there, views=views)


# --- sequences ------------------------------------------------------------------------------


def _sequences(here: s.Namespace, there: s.Namespace, where: str | None, changes: ObjectChanges) -> None:
    """New sequences first (a new table's default may draw from one), without their owner: the
    owner is set once its table exists (:func:`_sequence_tail`)."""
    from gui_app.core.sequence_ops import CreateSequenceOp, options_of

    have = {q.name for q in here.sequences}
    for sequence in there.sequences:
        if sequence.identity or sequence.name in have:
            continue
        options = options_of(sequence)
        options["owned_by"] = None
        changes.first.append(CreateSequenceOp(sequence.name, options, where))


def _sequence_tail(here: s.Namespace, there: s.Namespace, where: str | None,
                   dropped_tables: set[tuple[str | None, str]]) -> list[ops.MigrateOperation]:
    from gui_app.core.sequence_ops import AlterSequenceOp, altered, dropped, options_of

    found: list[ops.MigrateOperation] = []
    mine = {q.name: q for q in here.sequences if not q.identity}
    for sequence in there.sequences:
        if sequence.identity:
            continue
        old = mine.get(sequence.name)
        if old is None:
            if sequence.owned_by is not None:
                found.append(AlterSequenceOp(sequence.name, {"owned_by": sequence.owned_by}, {"owned_by": None},
                                             where))
            continue
        change = altered(old, options_of(sequence), where)
        if change is not None:
            found.append(change)
    wanted = {q.name for q in there.sequences}
    for name, sequence in mine.items():
        owner_gone = sequence.owned_by is not None and (where, sequence.owned_by[0]) in dropped_tables
        if name not in wanted and not owner_gone:
            found.append(dropped(sequence, where))
    return found


# --- enum types -----------------------------------------------------------------------------


def _enums(here: s.Namespace, there: s.Namespace, where: str | None, source: s.Schema,
           changes: ObjectChanges) -> None:
    """New types first (new columns use them), then each type's values: removed ones (a new type
    and a cast of its columns, as the pending list's removal does) and added ones in their place,
    each committed so that the tables after it may use it. A type whose values are in another
    order is not changed (the note says so)."""
    from gui_app.core.enum_ops import CreateEnumOp, add_value, remove_value
    from gui_app.core.projection import project

    mine = {e.name: e for e in here.enums}
    schema = source
    for enum in there.enums:
        old = mine.get(enum.name)
        if old is None:
            changes.first.append(CreateEnumOp(enum.name, enum.labels, where))
            continue
        if old.labels == enum.labels:
            continue
        kept = [label for label in old.labels if label in enum.labels]
        if kept != [label for label in enum.labels if label in old.labels]:
            changes.notes.append(f"enum type {enum.name} holds its values in another order there: not changed")
            continue
        for label in old.labels:
            if label not in enum.labels:
                op: ops.MigrateOperation = remove_value(schema, enum.name, label, where)
                changes.first.append(op)
                schema = project(schema, op)
        for index, label in enumerate(enum.labels):
            if label in old.labels:
                continue
            following = next((v for v in enum.labels[index + 1:] if v in old.labels), None)
            op = add_value(schema, enum.name, label, where, before=following, commit=True)  # others use it
            changes.first.append(op)
            schema = project(schema, op)


# --- domains --------------------------------------------------------------------------------


def _domains(here: s.Namespace, there: s.Namespace, where: str | None, changes: ObjectChanges) -> None:
    """New domains, and changes to a domain's default, NOT NULL and checks, before the tables (whose
    new columns may be of them); a domain that is gone is dropped once its columns are."""
    from gui_app.core.domain_ops import CreateDomainOp, edited

    mine = {d.name: d for d in here.domains}
    for domain in there.domains:
        checks = tuple((c.name, c.sqltext) for c in domain.checks)
        old = mine.get(domain.name)
        if old is None:
            changes.first.append(CreateDomainOp(domain.name, domain.type_name, domain.nullable, domain.default,
                                                checks, where))
        elif old.type_name != domain.type_name:
            changes.notes.append(f"domain {domain.name} is based on {domain.type_name} there, {old.type_name} "
                                 "here: not changed")
        else:
            changes.first.extend(edited(old, where, domain.default, domain.nullable, checks))


# --- routines -------------------------------------------------------------------------------


def _routine_key(routine: s.Routine) -> tuple[str, str, str]:
    from gui_app.core.routine_ops import plain_arguments

    return routine.kind, routine.name, plain_arguments(routine.arguments)


def _routines(here: s.Namespace, there: s.Namespace, where: str | None, dialect: str,
              changes: ObjectChanges) -> list[ops.MigrateOperation]:
    """New and changed routines after the tables (a SQL function's body is checked against them);
    returns the drops, which go after the triggers and views that may call them are gone."""
    from gui_app.core.routine_ops import CreateRoutineOp, DropRoutineOp, ReplaceRoutineOp, dropped

    mine = {_routine_key(r): r for r in here.routines}
    for routine in there.routines:
        old = mine.get(_routine_key(routine))
        if old is None:
            changes.last.append(CreateRoutineOp(routine.name, routine.kind, routine.arguments, routine.definition,
                                                where))
        elif old.definition.strip() != routine.definition.strip():
            if dialect == "postgresql" and old.returns != routine.returns:  # replaced in place only as it returns
                changes.last.append(DropRoutineOp(old.name, old.kind, old.arguments, old.definition, where))
                changes.last.append(CreateRoutineOp(routine.name, routine.kind, routine.arguments,
                                                    routine.definition, where))
            else:
                changes.last.append(ReplaceRoutineOp(routine.name, routine.kind, old.arguments, routine.definition,
                                                     old.definition, where))
    wanted = {_routine_key(r) for r in there.routines}
    return [dropped(r, where) for key, r in mine.items() if key not in wanted]


# --- views ----------------------------------------------------------------------------------


def _reads(view: s.View, others: Iterable[str]) -> set[str]:
    """The views among ``others`` that ``view`` reads: PostgreSQL says so; elsewhere its query
    names them."""
    named = {relation for _schema, relation, _column in view.uses}
    text = view.definition or ""
    return {o for o in others if o != view.name and (o in named or re.search(
        rf"(?<![\w$]){re.escape(o)}(?![\w$])", text))}


def _built_order(views: Sequence[s.View]) -> list[s.View]:
    """``views`` each after the views it reads (a cycle, which no database holds, keeps its order)."""
    names = {v.name for v in views}
    waiting, order, made = list(views), [], set[str]()
    while waiting:
        ready = [v for v in waiting if _reads(v, names) <= made] or waiting[:1]
        for view in ready:
            order.append(view)
            made.add(view.name)
            waiting.remove(view)
    return order


def _views(here: s.Namespace, there: s.Namespace, where: str | None, retyped: set[tuple[str | None, str, str]],
           dropped_tables: set[tuple[str | None, str]], changes: ObjectChanges) -> None:
    """A view that is gone, or changed, or reads a column autogenerate gives a new type, is dropped
    first, with the views built on it; each is created again from the target's definition after
    the tables, in the order they read each other."""
    from gui_app.core.view_ops import created, dropped

    mine = {v.name: v for v in here.views}
    wanted = {v.name: v for v in there.views}
    going = {name for name, v in mine.items()
             if name not in wanted or wanted[name].definition != v.definition
             or wanted[name].materialized != v.materialized
             or any((where, table, column) in retyped or (where, table) in dropped_tables
                    for _schema, table, column in v.uses)}
    while True:  # the views built on one that goes go too
        more = {name for name, v in mine.items() if name not in going and _reads(v, going)}
        if not more:
            break
        going |= more
    changes.first.extend(dropped(_built_order([mine[name] for name in sorted(going)])))
    coming = [v for name, v in sorted(wanted.items()) if name not in mine or name in going]
    for view in created(_built_order(coming)):
        view.schema = where
        changes.last.append(view)


# --- triggers -------------------------------------------------------------------------------


def _triggers(here: s.Namespace, there: s.Namespace, where: str | None,
              dropped_tables: set[tuple[str | None, str]], changes: ObjectChanges) -> None:
    """Triggers that are gone are dropped first (their table may change under them); those of a
    table autogenerate drops go with it."""
    from gui_app.core.trigger_ops import dropped

    wanted = {(t.name, tr.name) for t in there.tables for tr in t.triggers}
    for table in here.tables:
        if (where, table.name) in dropped_tables:
            continue
        changes.first.extend(dropped(tr, dataclasses.replace(table, schema=where)) for tr in table.triggers
                             if (table.name, tr.name) not in wanted)


def _trigger_creations(here: s.Namespace, there: s.Namespace, where: str | None, changes: ObjectChanges) -> None:
    """New and changed triggers once their tables, and the functions they run, exist."""
    from gui_app.core.trigger_ops import CreateTriggerOp, ReplaceTriggerOp, SwitchTriggerOp

    mine = {(t.name, tr.name): tr for t in here.tables for tr in t.triggers}
    for table in there.tables:
        for trigger in table.triggers:
            old = mine.get((table.name, trigger.name))
            if old is None:
                changes.last.append(CreateTriggerOp(table.name, trigger.name, trigger.definition, where,
                                                    trigger.enabled))
                continue
            if old.definition.strip() != trigger.definition.strip():
                changes.last.append(ReplaceTriggerOp(table.name, trigger.name, trigger.definition, old.definition,
                                                     where))
                old = dataclasses.replace(old, enabled=True)  # made again: enabled
            if old.enabled != trigger.enabled:
                changes.last.append(SwitchTriggerOp(table.name, trigger.name, trigger.enabled, where))

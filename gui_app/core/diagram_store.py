"""The diagrams a user keeps of one database: which tables each shows, where its boxes were put
and how its keys run, one private file per database (it names the database's URL).

*All tables* always exists and shows every table; a user's own diagram shows the tables added to
it. A diagram without positions is laid out afresh each time; once a box is moved, every box's
position (and every key's route) is kept, so the picture stays as the user left it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from gui_app.core.diagram_layout import TableName
from gui_app.core.private_files import write_private

Position = tuple[float, float]
Point = tuple[float, float]
EVERY_TABLE = "All tables"
VERSION = 1


@dataclass(frozen=True)
class SavedDiagram:
    name: str
    tables: tuple[TableName, ...] | None = None
    """The tables it shows; None: every table."""
    positions: Mapping[TableName, Position] = field(default_factory=dict)
    routes: Mapping[str, tuple[Point, ...]] = field(default_factory=dict)

    def placed(self, positions: Mapping[TableName, Position], routes: Mapping[str, Sequence[Point]]) \
            -> SavedDiagram:
        """This diagram with these boxes' positions and these keys' routes kept (others as they were)."""
        return replace(self, positions={**self.positions, **positions},
                       routes={**self.routes, **{k: tuple(v) for k, v in routes.items()}})

    def moved(self, key: TableName, position: Position) -> SavedDiagram:
        """One box put elsewhere: the routes of its keys are forgotten (they are routed again)."""
        mark = (f"{key[1]}(" if key[0] is None else f"{key[0]}.{key[1]}(")
        routes = {k: v for k, v in self.routes.items() if not _touches(k, mark)}
        return replace(self, positions={**self.positions, key: position}, routes=routes)

    def with_tables(self, added: Iterable[TableName] = (), removed: Iterable[TableName] = ()) -> SavedDiagram:
        if self.tables is None:
            return self
        gone = set(removed)
        kept = [t for t in self.tables if t not in gone]
        kept += [t for t in dict.fromkeys(added) if t not in kept and t not in gone]
        return replace(self, tables=tuple(kept))

    def reset(self) -> SavedDiagram:
        """Laid out afresh: positions and routes forgotten."""
        return replace(self, positions={}, routes={})


def _touches(route_id: str, mark: str) -> bool:
    """Whether the route named ``route_id`` (``child(cols)->parent(cols)``) starts or ends at the table ``mark``."""
    child, _arrow, parent = route_id.partition(")->")
    return child.startswith(mark) or parent.startswith(mark)


@dataclass(frozen=True)
class DiagramBook:
    """Every diagram of one database, and the one last shown."""

    database: str
    diagrams: tuple[SavedDiagram, ...] = (SavedDiagram(EVERY_TABLE),)
    current: str = EVERY_TABLE

    def get(self, name: str) -> SavedDiagram:
        return next((d for d in self.diagrams if d.name == name), self.diagrams[0])

    @property
    def shown(self) -> SavedDiagram:
        return self.get(self.current)

    def put(self, diagram: SavedDiagram) -> DiagramBook:
        """With ``diagram`` replacing the one of its name (or added), and shown."""
        names = [d.name for d in self.diagrams]
        diagrams = tuple(diagram if d.name == diagram.name else d for d in self.diagrams) \
            if diagram.name in names else (*self.diagrams, diagram)
        return replace(self, diagrams=diagrams, current=diagram.name)

    def remove(self, name: str) -> DiagramBook:
        if name == EVERY_TABLE:
            return self
        return replace(self, diagrams=tuple(d for d in self.diagrams if d.name != name), current=EVERY_TABLE)

    def rename(self, old: str, new: str) -> DiagramBook:
        if old == EVERY_TABLE or any(d.name == new for d in self.diagrams):
            raise ValueError(f"There is already a diagram named {new!r}." if old != EVERY_TABLE
                             else "The diagram of every table keeps its name.")
        return replace(self, diagrams=tuple(replace(d, name=new) if d.name == old else d for d in self.diagrams),
                       current=new if self.current == old else self.current)


def path_for(folder: Path, database: str) -> Path:
    return folder / f"diagrams-{hashlib.sha256(database.encode()).hexdigest()[:16]}.json"


def _key(pair: Sequence[object]) -> TableName:
    schema, name = pair[0], pair[1]
    if not isinstance(name, str) or not (schema is None or isinstance(schema, str)):
        raise ValueError("not a table name")
    return schema, name


def _diagram(data: Mapping[str, object]) -> SavedDiagram:
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("a diagram without a name")
    tables = data.get("tables")
    positions = data.get("positions", [])
    routes = data.get("routes", {})
    if not isinstance(positions, list) or not isinstance(routes, dict):
        raise ValueError("positions or routes of the wrong shape")
    return SavedDiagram(
        name,
        tuple(_key(t) for t in tables) if isinstance(tables, list) else None,
        {_key(p): (float(p[2]), float(p[3])) for p in positions},
        {str(k): tuple((float(x), float(y)) for x, y in v) for k, v in routes.items()},
    )


def load(folder: Path, database: str) -> DiagramBook:
    """The diagrams of ``database`` (a URL without its password); a missing, unreadable or
    foreign file gives the default book (the file is left for the user to look at)."""
    try:
        data = json.loads(path_for(folder, database).read_text(encoding="utf-8"))
        if data.get("database") != database:
            raise ValueError("another database's diagrams")
        diagrams = tuple(_diagram(d) for d in data.get("diagrams", []))
    except (OSError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        return DiagramBook(database)
    if not any(d.name == EVERY_TABLE for d in diagrams):
        diagrams = (SavedDiagram(EVERY_TABLE), *diagrams)
    current = data.get("current")
    book = DiagramBook(database, diagrams, current if isinstance(current, str) else EVERY_TABLE)
    return replace(book, current=book.get(book.current).name)


def save(folder: Path, book: DiagramBook) -> Path:
    """Write ``book`` as a private file (0600 in a 0700 folder: it holds the database's URL)."""
    target = path_for(folder, book.database)
    data = {
        "version": VERSION,
        "database": book.database,
        "current": book.current,
        "diagrams": [{
            "name": d.name,
            "tables": None if d.tables is None else [list(t) for t in d.tables],
            "positions": [[k[0], k[1], round(x, 1), round(y, 1)] for k, (x, y) in d.positions.items()],
            "routes": {k: [[round(x, 1), round(y, 1)] for x, y in v] for k, v in d.routes.items()},
        } for d in book.diagrams],
    }
    # No indent: JSON's C encoder writes it (MusicBrainz with every route: 11 ms on the GUI thread, not 30).
    write_private(target, json.dumps(data, separators=(",", ":")))
    return target

"""The ER diagram on MusicBrainz (375 tables, 770 foreign keys): the layout, and the headless
``diagram`` command to SVG, against ``pg_dump --schema-only`` of the same schema in the same run.

    python -m tests.benchmarks.bench_diagram
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine

from gui_app.core.diagram_layout import layout, tables_to_draw
from gui_app.core.diagram_placed import layout_placed, link_id
from gui_app.core.diagram_svg import to_svg
from gui_app.core.reflect import reflect
from tests.benchmarks.timing import best_of, best_process, corpus_database, report

CORPUS = Path(os.environ.get("ALEMBIC_STUDIO_CORPUS", Path(__file__).resolve().parents[3] / "shared" / "corpus"))


def main() -> None:
    with corpus_database("musicbrainz", CORPUS) as database:
        if database is None:
            return
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
        dump = best_process(["pg_dump", "--schema-only", "-n", "musicbrainz", "-h", "127.0.0.1", "-U", "postgres",
                             database])
        report("MusicBrainz: pg_dump --schema-only (reference)", dump)
        engine = create_engine(url)
        schema = reflect(engine)
        engine.dispose()
        tables = tables_to_draw(schema, "musicbrainz")
        placed = layout(tables)
        links = len(placed.links)
        report(f"MusicBrainz layout ({len(tables)} tables, {links} keys)", best_of(lambda: layout(tables)),
               dump, "pg_dump")
        # A diagram whose boxes were placed: every position and route kept, then one table new to
        # it (put beside its neighbours, keys crossing its spot routed again), then one box moved.
        without = [t for t in tables if t.name != "recording"]
        before = layout(without)
        positions = {k: (b.x, b.y) for k, b in before.boxes.items()}
        routes = {link_id(link): link.points for link in before.links}
        report("  placed diagram, every box kept", best_of(lambda: layout_placed(without, positions, routes)),
               dump, "pg_dump")
        report("  placed diagram, one new table placed (recording)",
               best_of(lambda: layout_placed(tables, positions, routes)), dump, "pg_dump")
        artist = next(k for k in positions if k[1] == "artist")
        moved = {**positions, artist: (positions[artist][0] + 900, positions[artist][1] + 300)}
        kept = {k: v for k, v in routes.items() if "artist(" not in k}
        report("  placed diagram, artist moved (its keys routed again)",
               best_of(lambda: layout_placed(without, moved, kept)), dump, "pg_dump")
        report("  SVG text of the laid-out diagram", best_of(lambda: to_svg(placed, tables, schema.default_schema)),
               dump, "pg_dump")
        with tempfile.TemporaryDirectory() as folder:
            output = str(Path(folder) / "musicbrainz.svg")
            command = [sys.executable, "-m", "gui_app", "diagram", url, "-o", output, "--schema", "musicbrainz"]
            report("alembic-studio diagram to SVG (process)", best_process(command), dump, "pg_dump", "< 10 s")


if __name__ == "__main__":
    main()

"""Headless ``diagram``: MusicBrainz (375 tables, PostgreSQL) drawn to SVG with every table a group
named after it, no two boxes overlapping and no key crossing a box; PNG; focus; exit codes."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from gui_app.core.diagram_layout import layout, tables_to_draw
from gui_app.core.reflect import reflect
from tests.conftest import ServerDatabases, load_corpus
from tests.core.test_diagram_layout import assert_clean
from tests.test_cli import run_cli

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def musicbrainz(pg_module_databases: ServerDatabases) -> str:
    name = pg_module_databases.create()
    url = pg_module_databases.url(name)
    load_corpus("musicbrainz", "postgresql", name)
    return url


def test_musicbrainz_as_svg_every_table_once_and_no_box_over_another(musicbrainz: str, tmp_path: Path) -> None:
    output = tmp_path / "musicbrainz.svg"
    result = run_cli("diagram", musicbrainz, "-o", str(output), "--schema", "musicbrainz")
    assert result.returncode == 0, result.stderr
    root = ElementTree.parse(output).getroot()
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("class") == "table"}
    schema = reflect(musicbrainz)
    expected = {t.name for t in schema.tables if t.schema == "musicbrainz"}
    assert len(expected) == 375 and set(groups) == {f"musicbrainz.{name}" for name in expected}
    boxes = []
    for group in groups.values():
        rect = group.find(f"{SVG}rect")
        assert rect is not None
        boxes.append(tuple(float(rect.get(k) or 0) for k in ("x", "y", "width", "height")))
    boxes.sort()
    for i, (x, y, w, h) in enumerate(boxes):  # sorted by x: only boxes starting before this one ends can overlap
        for ox, oy, ow, oh in boxes[i + 1:]:
            if ox >= x + w:
                break
            assert not (oy < y + h and y < oy + oh), ((x, y, w, h), (ox, oy, ow, oh))
    assert len(re.findall(r'<polyline class="fk"', output.read_text())) == sum(
        len(t.foreign_keys) for t in schema.tables if t.schema == "musicbrainz")
    assert_clean(layout(tables_to_draw(schema, "musicbrainz")))


def test_focus_and_png(musicbrainz: str, tmp_path: Path) -> None:
    output = tmp_path / "artist.png"
    result = run_cli("diagram", musicbrainz, "-o", str(output), "--schema", "musicbrainz", "--focus", "artist",
                     "--depth", "1")
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(output))
    assert not image.isNull() and image.width() > 500 and image.height() > 500
    svg = tmp_path / "artist.svg"
    assert run_cli("diagram", musicbrainz, "-o", str(svg), "--focus", "musicbrainz.artist").returncode == 0
    ids = {g.get("id") for g in ElementTree.parse(svg).getroot().iter(f"{SVG}g") if g.get("class") == "table"}
    assert "musicbrainz.artist" in ids and "musicbrainz.artist_alias" in ids and "musicbrainz.track" not in ids


def test_exit_codes(musicbrainz: str, tmp_path: Path) -> None:
    wrong_suffix = run_cli("diagram", musicbrainz, "-o", str(tmp_path / "x.gif"))
    assert wrong_suffix.returncode == 2 and "must end in .svg or .png" in wrong_suffix.stderr
    no_schema = run_cli("diagram", musicbrainz, "-o", str(tmp_path / "x.svg"), "--schema", "nope")
    assert no_schema.returncode == 1 and "no schema 'nope'" in no_schema.stderr
    no_table = run_cli("diagram", musicbrainz, "-o", str(tmp_path / "x.svg"), "--focus", "nope")
    assert no_table.returncode == 1 and "no table 'nope'" in no_table.stderr
    assert run_cli("diagram", musicbrainz).returncode == 2  # -o is required


def test_views_and_partitions(musicbrainz: str, tmp_path: Path) -> None:
    """Views are drawn as views; without partitions, a partitioned table stands for them."""
    schema = reflect(musicbrainz)
    partitions = {t.name for t in schema.tables if t.schema == "musicbrainz" and t.partition_of is not None}
    parents = {t.partition_of for t in schema.tables if t.schema == "musicbrainz" and t.partition_of is not None}
    assert partitions and parents
    svg = tmp_path / "lean.svg"
    assert run_cli("diagram", musicbrainz, "-o", str(svg), "--schema", "musicbrainz",
                   "--without-partitions").returncode == 0
    root = ElementTree.parse(svg).getroot()
    tables = {g.get("id") for g in root.iter(f"{SVG}g") if g.get("class") == "table"}
    views = {g.get("id") for g in root.iter(f"{SVG}g") if g.get("class") == "table view"}
    assert not {f"musicbrainz.{name}" for name in partitions} & tables
    assert {f"musicbrainz.{name}" for name in parents} <= tables
    assert views == {f"musicbrainz.{v.name}" for v in schema.views if v.schema == "musicbrainz"} and views
    text = svg.read_text()
    assert all(f"{sum(1 for t in schema.tables if t.partition_of == p)} partitions</text>" in text for p in parents)

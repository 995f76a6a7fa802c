"""Helpers for code that builds many long-lived objects at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Building a snapshot or a tree allocates hundreds of thousands of objects that all stay
    alive; the cyclic collector would scan them again and again for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle_long_lived() -> None:
    """Collect once, then move everything alive out of the collector's sight.

    Called when a snapshot and its tree are built: they live until the next load, and
    without this every full collection re-scans their ~10^6 objects, a pause of tens of
    milliseconds that lands on whatever the user does next (a filter keystroke, say).
    Frozen objects are still freed by reference counting when the next load replaces them.
    """
    gc.unfreeze()  # what was set aside since the last load is looked at once more, garbage included
    gc.collect()
    gc.freeze()


def set_aside() -> None:
    """Move everything alive out of the collector's sight, without a collection (no scan at all).

    Called after the projected tree is rebuilt for an edit: the tree's node lists hold tens of
    thousands of references, and every young-generation collection would walk them again
    (about 15 ms an edit on 2,000 tables). Cyclic garbage present at that moment is set aside
    too; :func:`settle_long_lived` takes it back at the next load.
    """
    gc.freeze()

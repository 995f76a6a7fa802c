"""The collector helpers: what is set aside after an edit is looked at again at the next load."""

from __future__ import annotations

import gc
import weakref

from gui_app.core.long_lived import collector_paused, set_aside, settle_long_lived


class _Node:
    me: _Node | None = None


def test_garbage_set_aside_is_taken_back_at_the_next_settle() -> None:
    try:
        node = _Node()
        node.me = node  # a cycle: only the collector can free it
        ref = weakref.ref(node)
        set_aside()
        del node
        gc.collect()
        assert ref() is not None  # set aside: the collector does not look at it
        settle_long_lived()
        assert ref() is None
    finally:
        gc.unfreeze()


def test_the_collector_is_paused_and_then_restored() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()

"""A small, bounded, thread-safe cache keyed by the identity of the objects a result came from.

Operations and schema snapshots are never changed once made, so what was computed from the same
objects is still right: re-rendering a plan after one edit reuses every piece the edit did not
touch. An entry keeps its objects alive, so an ``id`` in a key cannot be reused while it is cached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class IdentityCache(Generic[T]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, tuple[tuple[Any, ...], T]] = OrderedDict()
        self._lock = threading.Lock()  # the preview and the autosave render on threads of their own

    def get(self, sources: Sequence[Any], compute: Callable[[], T], extra: Hashable = ()) -> T:
        """What ``compute`` gives for these ``sources`` (by identity) and ``extra`` (by value)."""
        key = (tuple(map(id, sources)), extra)
        with self._lock:
            found = self._entries.get(key)
            if found is not None and len(found[0]) == len(sources) \
                    and all(a is b for a, b in zip(found[0], sources, strict=True)):
                self._entries.move_to_end(key)
                return found[1]
        value = compute()  # outside the lock: two threads may both compute, and agree
        with self._lock:
            self._entries[key] = (tuple(sources), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

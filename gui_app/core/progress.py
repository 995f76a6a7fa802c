"""Progress reporting and cancellation for long core jobs (no Qt, no SQLAlchemy)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

ProgressFn = Callable[[str, int, int], None]
"""Called with (what is being done, steps done, steps in all)."""


class Cancelled(Exception):
    """The user cancelled the job; nothing was produced."""


@dataclass
class CancelToken:
    """Set by the GUI thread, read by a worker between two steps; never interrupts a step midway."""

    _event: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class Steps:
    """Reports progress and raises :class:`Cancelled` between steps."""

    def __init__(self, total: int, progress: ProgressFn | None, cancel: CancelToken | None):
        self.total = total
        self.done = 0
        self._progress = progress
        self._cancel = cancel

    def check(self) -> None:
        if self._cancel is not None and self._cancel.cancelled:
            raise Cancelled()

    def advance(self, label: str) -> None:
        self.check()
        if self._progress is not None:
            self._progress(label, self.done, self.total)
        self.done += 1

    def grow(self, extra: int) -> None:
        self.total += extra

"""A small typed kit for background jobs.

A job is a plain function ``(progress, cancel) -> result`` run on the thread
pool. It opens its own connections and never touches a widget; it talks back
only through the signals of :class:`JobSignals`, which Qt delivers on the GUI
thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from gui_app.core.progress import Cancelled, CancelToken, ProgressFn

T = TypeVar("T")
JobFn = Callable[[ProgressFn, CancelToken], T]


class JobSignals(QObject):
    """What a :class:`Job` reports back to the GUI thread."""

    progress = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()


class Job(QRunnable, Generic[T]):
    """One background task for the thread pool, reporting by signals; cancel is cooperative."""

    def __init__(self, fn: JobFn[T], describe_error: Callable[[BaseException], str] = str) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the pool must not delete it while its signals are connected
        self.signals = JobSignals()
        self.token = CancelToken()
        self._fn = fn
        self._describe_error = describe_error

    def cancel(self) -> None:
        self.token.cancel()

    def run(self) -> None:
        try:
            result = self._fn(self.signals.progress.emit, self.token)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as error:  # reported to the user as one line
            self.signals.failed.emit(self._describe_error(error))
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


class JobRunner(QObject):
    """Starts jobs and keeps them alive until they finish."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._running: set[Job[Any]] = set()

    def start(self, job: Job[T]) -> Job[T]:
        self._running.add(job)
        job.signals.finished.connect(lambda: self._running.discard(job))
        self._pool.start(job)
        return job

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    @property
    def busy(self) -> bool:
        return bool(self._running)

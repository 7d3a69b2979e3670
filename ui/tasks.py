"""One background-work helper: run a core callable off the GUI thread.

Results come back on the GUI thread through a signals object. DB writes go to a
single-thread pool so they are serialised; pure work (decode, render) may use the
global pool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

_write_pool: QThreadPool | None = None
#: Tasks still running or with results in flight. Without this reference Python may
#: collect the task (and its signals object) before the queued result reaches the GUI
#: thread, and the callback would silently never run.
_pending: set[_Task] = set()


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


def write_pool() -> QThreadPool:
    global _write_pool
    if _write_pool is None:
        _write_pool = QThreadPool()
        _write_pool.setMaxThreadCount(1)
    return _write_pool


def run_task(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
    *,
    writes: bool = False,
) -> None:
    """Run ``fn`` in a worker; ``on_done``/``on_error`` are called on the GUI thread."""
    task = _Task(fn)
    task.setAutoDelete(False)
    _pending.add(task)

    def finish_ok(result: Any) -> None:
        _pending.discard(task)
        on_done(result)

    def finish_error(exc: Exception) -> None:
        _pending.discard(task)
        on_error(exc)

    task.signals.done.connect(finish_ok)
    task.signals.failed.connect(finish_error)
    (write_pool() if writes else QThreadPool.globalInstance()).start(task)


class _ProgressSignals(QObject):
    progress = Signal(int, str)


def run_progress_task(
    fn: Callable[[Callable[[int, str], None]], Any],
    on_progress: Callable[[int, str], None],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
    *,
    writes: bool = False,
) -> None:
    """Like ``run_task`` for core jobs taking a ``progress(percent, text)`` callback.

    The callback runs in the worker and only emits a signal, so the GUI thread receives
    the progress as queued events and never touches the job's state.
    """
    relay = _ProgressSignals()
    relay.progress.connect(on_progress)

    def done(result: Any) -> None:
        relay.deleteLater()
        on_done(result)

    def failed(exc: Exception) -> None:
        relay.deleteLater()
        on_error(exc)

    run_task(lambda: fn(relay.progress.emit), done, failed, writes=writes)

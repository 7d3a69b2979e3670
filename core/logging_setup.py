"""The application log: ``<data dir>/logs/impfteam.log``, rotating, ids only.

What goes in: start-up, backups, imports, and the traceback of every unexpected error
(CLI and GUI), so a crash on a field laptop can be looked at afterwards. What never goes
in: names, birth dates or other personal data. Core code logs ids and counts only (a test
runs a field day at DEBUG and searches the file for the person's name and birth date),
and the formatter drops the ``[parameters: …]`` part SQLAlchemy appends to a failed
statement, because that is where row values would end up in a traceback.

``setup_logging()`` is called once by ``main.py`` (CLI and GUI). ``install_excepthook(show)``
is for the GUI: an uncaught exception in any thread is logged with its traceback and
``show`` gets the German one-liner (the GUI passes a function that opens a message box);
it is Qt-free so core stays importable without PySide6.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

LOG_FILE = "impfteam.log"
#: one file of 2 MB plus five rotated ones: enough for weeks of field days
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [pid %(process)d %(threadName)s] %(message)s"
UNEXPECTED = "Unerwarteter Fehler – Details im Protokoll: {path}"
UNEXPECTED_NO_LOG = "Unerwarteter Fehler – es konnte kein Protokoll geschrieben werden."

#: Libraries kept at WARNING whatever the level: SQLAlchemy logs statements *with their
#: parameters* (names, birth dates) at INFO; alembic and Pillow are only noise.
QUIET = ("sqlalchemy", "alembic", "PIL", "fontTools", "fpdf", "urllib3")

log = logging.getLogger("impfteam")
_PARAMETERS = re.compile(r"^\[parameters: .*?\]$", re.MULTILINE | re.DOTALL)
_lock = threading.Lock()
_handler: logging.Handler | None = None


class RedactingFormatter(logging.Formatter):
    """A formatter whose output leaves out SQLAlchemy's bound parameters.

    Applied to the whole formatted record (message and traceback), because another
    handler may have formatted the traceback first and cached it on the record.
    """

    def format(self, record: logging.LogRecord) -> str:
        return _PARAMETERS.sub("[parameters: weggelassen]", super().format(record))


def log_path() -> Path:
    """Where the log is written (``<data dir>/logs/impfteam.log``); not created here."""
    from core.paths import data_dir

    return data_dir() / "logs" / LOG_FILE


def current_log_path() -> Path | None:
    """The file the log goes to, or None when ``setup_logging`` has not (yet) succeeded."""
    handler = _handler
    if isinstance(handler, logging.handlers.RotatingFileHandler):
        return Path(handler.baseFilename)
    return None


def setup_logging(level: int = logging.INFO, path: Path | None = None) -> Path | None:
    """Send the root logger to the rotating log file; returns its path.

    Idempotent (a second call only adjusts the level, or moves the file when ``path``
    differs). When the data directory cannot be written the app must still run: the
    log is then off and None is returned.
    """
    global _handler
    with _lock:
        target = path
        try:
            target = target or log_path()
            if _handler is not None and current_log_path() == Path(target).resolve():
                logging.getLogger().setLevel(level)
                return current_log_path()
            folder = Path(target).parent
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if folder.name == "logs":  # our own folder: ids only, but still nobody else's
                folder.chmod(0o700)
            handler = logging.handlers.RotatingFileHandler(
                target, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
        except OSError:
            return None
        handler.setFormatter(RedactingFormatter(FORMAT))
        root = logging.getLogger()
        if _handler is not None:
            root.removeHandler(_handler)
            _handler.close()
        root.addHandler(handler)
        root.setLevel(level)
        for name in QUIET:  # at DEBUG SQLAlchemy would log every statement with its values
            logging.getLogger(name).setLevel(max(level, logging.WARNING))
        _handler = handler
        logging.captureWarnings(True)
        return current_log_path()


def shutdown_logging() -> None:
    """Detach and close the file handler (tests; the process end does it otherwise)."""
    global _handler
    with _lock:
        if _handler is not None:
            logging.getLogger().removeHandler(_handler)
            _handler.close()
            _handler = None


def log_unexpected(exc: BaseException, where: str) -> str:
    """Log ``exc`` with its traceback; return the German line for the user."""
    log.error("unexpected error in %s: %s", where, type(exc).__name__,
              exc_info=(type(exc), exc, exc.__traceback__))
    for handler in logging.getLogger().handlers:
        handler.flush()
    path = current_log_path()
    return UNEXPECTED.format(path=path) if path else UNEXPECTED_NO_LOG


def install_excepthook(show: Callable[[str], None]) -> None:
    """Log every uncaught exception (main thread and others) and ``show`` a German line.

    For the GUI: ``install_excepthook(lambda text: QMessageBox.critical(None, title,
    text))``. ``show`` is called on the thread that failed; a Qt caller should marshal it
    to the GUI thread (e.g. a queued signal). KeyboardInterrupt keeps Python's default.
    A failure inside ``show`` is logged, never raised again.
    """

    def handle(kind: type[BaseException], exc: BaseException,
               tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        message = log_unexpected(exc, "uncaught")
        try:
            show(message)
        except Exception as failure:  # the message box itself failed: keep the log
            log.error("showing the error message failed: %s", type(failure).__name__)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        handle(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = handle
    threading.excepthook = thread_hook

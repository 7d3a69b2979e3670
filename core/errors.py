"""Typed errors raised by core.

Every error a user can cause carries a German one-line message: the CLI prints it as is
and exits 1, the GUI shows it at the field. Tracebacks are for programming errors only.
"""

from __future__ import annotations


class UserError(Exception):
    """An error caused by input; ``message`` is German, one line, says what to do."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFoundError(UserError):
    """A referenced record (person, visit, lot, ...) does not exist."""


class ValidationError(UserError):
    """Input is well-formed but violates a rule (expired lot, future date, ...)."""


class DatabaseError(UserError):
    """The database cannot be opened, is damaged, or has an unknown schema."""

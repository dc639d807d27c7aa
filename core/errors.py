"""Errors a person can act on.

Raise `UserError` (or a subclass) for a mistake by whoever gave the input: the command
line prints its message on one line and exits non-zero; the console shows it next to
the field. Anything else is a bug and keeps its traceback in the log.
"""

from __future__ import annotations


class UserError(Exception):
    """A mistake in input from outside: the message says what is wrong and how to fix it."""


class ValidationError(UserError):
    """A command or a document failed validation; `field` names the part that is wrong."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class IllegalTransition(ValidationError):
    """A life-cycle change that the state machine forbids."""


class NotFound(ValidationError):
    """A command named something that does not exist."""


class PermissionDenied(ValidationError):
    """The actor's role does not allow the command."""

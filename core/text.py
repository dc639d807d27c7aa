"""Rules for text that comes from outside (forms, files, field units, plugins)."""

from __future__ import annotations


def storable_text(value: str) -> bool:
    """False for text no database can store: a NUL (PostgreSQL refuses it) or an
    unpaired surrogate (neither database can encode it)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

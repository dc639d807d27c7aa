"""The OASIS CAP 1.2 schema (see NOTICE.md)."""

"""Beacon's PySide6 console: views, Qt item models and dialogs over `core`."""

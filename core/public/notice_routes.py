"""Placeholder: the notices' pages and CAP feed are added here by the NOTICES helper
(issue 18); this version adds no routes. Its signature is the contract."""

from __future__ import annotations

from aiohttp import web

from core.store.database import Database


def add_notice_routes(app: web.Application, db: Database) -> None:
    """Add the public notice pages and feed to `app` (none in this placeholder)."""
    return None

"""The Alembic migrations build exactly the schema the ORM mappings describe."""

from __future__ import annotations

import importlib
import pkgutil

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import core
from core.store.database import open_database
from core.store.schema import Base


def _import_every_mapping() -> None:
    for m in pkgutil.walk_packages(core.__path__, "core."):
        if ".migrations" not in m.name and not m.name.endswith("__main__"):
            importlib.import_module(m.name)


def test_migrated_schema_matches_the_mappings(db_url: str) -> None:
    _import_every_mapping()
    db = open_database(db_url)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    db.dispose()
    assert diff == [], "write a migration for: " + repr(diff)


def test_upgrade_is_idempotent(db_url: str) -> None:
    db = open_database(db_url)
    db.upgrade()  # a second time changes nothing and does not fail
    assert db.has_schema()
    db.dispose()

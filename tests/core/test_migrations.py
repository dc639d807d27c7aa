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


def test_head_revision_is_alembics_head(db_url: str) -> None:
    # `upgrade` skips Alembic when the database is at HEAD_REVISION: that constant must
    # name the newest migration, or a new one would never run.
    from alembic.script import ScriptDirectory

    from core.store.database import HEAD_REVISION, Database, alembic_config

    db = Database(db_url)
    assert db.schema_version() is None  # nothing there yet
    head = ScriptDirectory.from_config(alembic_config(db.url)).get_current_head()
    assert HEAD_REVISION == head
    db.upgrade()
    assert db.schema_version() == head
    db.dispose()


def test_opening_a_current_database_does_not_load_alembic(tmp_path) -> None:  # noqa: ANN001
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'b.db'}"
    open_database(url).dispose()
    code = ("import sys\nfrom core.store.database import open_database\n"
            f"open_database({url!r}).dispose()\n"
            "assert 'alembic' not in sys.modules, 'alembic was loaded'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr

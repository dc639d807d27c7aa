"""Shared fixtures: databases (SQLite and the real PostgreSQL), clocks, services.

A test that needs PostgreSQL skips with the reason when no server answers, and fails
instead when CI=true, so CI can never pass by skipping it.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Bytecode caches for this run and the `beacon` commands its tests start, even where the
# machine says PYTHONDONTWRITEBYTECODE: each of those hundreds of commands would compile
# Beacon's modules again as it starts (a quarter of its start-up).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# Passwords: Beacon hashes them with Argon2id at its production cost (~0.2 s for each
# hash and each check, by design). Tests create operators and sign in hundreds of times,
# so in this process they hash with argon2's cheapest parameters: the same code and the
# same library, real hashes that are checked for real. A hash records its parameters, so
# a strong one made elsewhere (a subprocess) still checks. Tests of the cost itself (the
# production parameters, equal timing for unknown names) take `production_password_hashing`.
from argon2 import PasswordHasher, profiles  # noqa: E402

import core.auth  # noqa: E402 - core knows nothing of Qt; importing it here is cheap

PRODUCTION_HASHER = core.auth._hasher
core.auth._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
core.auth._dummy_hash.cache_clear()


@pytest.fixture
def production_password_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hash and check passwords at Beacon's production cost for this test."""
    monkeypatch.setattr(core.auth, "_hasher", PRODUCTION_HASHER)
    core.auth._dummy_hash.cache_clear()
    yield
    core.auth._dummy_hash.cache_clear()  # the next test makes its dummy with its hasher


PG_ADMIN_URL = os.environ.get("BEACON_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _skip_or_fail(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must not be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    try:
        import psycopg
    except ImportError:
        _skip_or_fail("psycopg is not installed")
    base = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    name = f"beacon_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(base, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        _skip_or_fail(f"no PostgreSQL server answers at {base}: {exc}".splitlines()[0])
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = base.rsplit("/", 1)[0] + "/" + name
    yield url
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _reset_pg(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL: SQLite in a temporary folder, then the real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'beacon.db'}"
    url = request.getfixturevalue("pg_database_url")
    _reset_pg(url)
    return url


# A database already at the newest schema, for tests that only open it: on SQLite a copy
# of a migrated file replaces the migration (~0.09 s a test). On PostgreSQL the schema is
# reset and migrated as for `db_url` (cloning a migrated template database measured no
# faster). The migrations themselves are tested on empty databases (`db_url`).


@pytest.fixture(scope="session")
def _migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from core.store.database import open_database

    path = tmp_path_factory.mktemp("migrated") / "template.db"
    open_database(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def migrated_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL at the newest schema and otherwise empty, exactly as `open_database`
    leaves a fresh one: SQLite in a temporary folder, then the real PostgreSQL."""
    from core.store.database import open_database

    if request.param == "sqlite":
        import shutil

        path = tmp_path / "beacon.db"
        shutil.copy(request.getfixturevalue("_migrated_sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_database_url")
    _reset_pg(url)
    open_database(url).dispose()
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """An empty SQLite database URL in a temporary folder."""
    return f"sqlite:///{tmp_path / 'beacon.db'}"


@pytest.fixture
def sim_clock():  # noqa: ANN201
    """A simulated clock at a fixed start."""
    from core.clock import SimulatedClock

    return SimulatedClock(datetime(2026, 3, 1, 8, 0, tzinfo=UTC))


# The small demo city, and a database holding it, made once per session: several test
# files need exactly this starting point, and each building its own cost a migration and
# the city's tables per module. Tests copy the template file; none writes the template.


@pytest.fixture(scope="session")
def small_city():  # noqa: ANN201
    """The small demo city (frozen: shared by every test that reads it)."""
    from core.city.demo import build_demo_city

    return build_demo_city(scale="small")


@pytest.fixture(scope="session")
def small_city_template(tmp_path_factory: pytest.TempPathFactory, small_city) -> Path:  # noqa: ANN001
    """A SQLite database file holding only the small demo city (stored with source "test");
    copy it, never open it for writing."""
    from core.centre import store_city
    from core.service import CommandService
    from core.store.database import open_database

    path = tmp_path_factory.mktemp("small-city") / "template.db"
    svc = CommandService(open_database(f"sqlite:///{path}"))
    store_city(svc, small_city, source="test")
    svc.db.dispose()
    return path


@pytest.fixture
def small_city_svc(small_city_template: Path, tmp_path: Path, sim_clock):  # noqa: ANN001, ANN201
    """A command service on this test's own copy of `small_city_template`, on `sim_clock`."""
    import shutil

    from core.service import CommandService
    from core.store.database import open_database

    path = tmp_path / "centre.db"
    shutil.copy(small_city_template, path)
    service = CommandService(open_database(f"sqlite:///{path}"), clock=sim_clock)
    yield service
    service.db.dispose()

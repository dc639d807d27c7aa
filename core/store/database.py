"""Opening a database: the embedded SQLite default or any SQLAlchemy URL.

SQLite runs in WAL mode and takes its write lock at the start of each transaction
(`BEGIN IMMEDIATE`), so two writers queue up instead of failing half-way; PostgreSQL
serialises appends to the event log through a row lock (see `core.store.event_log`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.orm import Session, sessionmaker

from core.errors import UserError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
WRITE_OPTION = "beacon_write"  # execution option that marks a write transaction
# The newest migration in migrations/versions (a test checks it against Alembic's head).
HEAD_REVISION = "0005"


def default_url() -> str:
    """The embedded default: SQLite in the user's data directory."""
    data_dir = Path(platformdirs.user_data_dir("beacon", appauthor=False))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'beacon.db'}"


def parse_url(url: str) -> URL:
    """Check a database URL; a bad one raises `UserError` saying what is wrong."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UserError(
            f"not a database URL: {url!r} (expected e.g. sqlite:///path/to/beacon.db "
            "or postgresql://user@host:5432/dbname)"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise UserError(
            f"unsupported database {parsed.get_backend_name()!r} in {url!r}: "
            "Beacon runs on sqlite or postgresql"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        parent = Path(parsed.database).expanduser().resolve().parent
        if not parent.is_dir():
            raise UserError(f"cannot create the database: folder {parent} does not exist")
    return parsed


class Database:
    """An engine and its session factory, for one database."""

    def __init__(self, url: str | None = None, *, echo: bool = False) -> None:
        self.url = parse_url(url or default_url())
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except NoSuchModuleError as exc:
            raise UserError(f"no driver for {self.url.drivername}: {exc}") from None
        if self.is_sqlite:
            _sqlite_setup(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_engine = self.engine.execution_options(**{WRITE_OPTION: True})
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded SQLite database."""
        return self.url.get_backend_name() == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        """True for a PostgreSQL server."""
        return self.url.get_backend_name() == "postgresql"

    def display_url(self) -> str:
        """The URL without its password, for logs and the status bar."""
        return self.url.render_as_string(hide_password=True)

    def check_connection(self) -> None:
        """Connect once; a refused or unknown server raises `UserError`."""
        try:
            with self.engine.connect():
                pass
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise UserError(f"cannot open database {self.display_url()}: {reason}") from None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one write transaction: committed on success, rolled back on error.

        On SQLite it holds the write lock from its first statement (BEGIN IMMEDIATE).
        """
        with self._write_sessions() as session, session.begin():
            yield session

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A Core connection in one write transaction, like `transaction()` without the
        ORM session (for the command service's bulk writes)."""
        with self._write_engine.begin() as conn:
            yield conn

    def session(self) -> Session:
        """A plain session for reads (the caller closes it)."""
        return self._sessions()

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (Alembic)."""
        if self.schema_version() == HEAD_REVISION:
            return  # current: skip loading Alembic and its scripts (~0.13 s at every start)
        from alembic import command

        self.check_connection()
        # Two first starts at once must not both create the tables: the migration runs in
        # a write transaction (SQLite: BEGIN IMMEDIATE) that on PostgreSQL first takes an
        # advisory lock, so the second waits and then finds the schema current. Alembic
        # keeps its context in module globals: one migration per process at a time.
        with _MIGRATION_LOCK, self._write_engine.begin() as conn:
            if self.is_postgresql:
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_KEY})")
            cfg = alembic_config(self.url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def schema_version(self) -> str | None:
        """The migration the database is at, or None (no schema yet, or unreadable)."""
        try:
            with self.engine.connect() as conn:
                return conn.exec_driver_sql("SELECT version_num FROM alembic_version"
                                            ).scalar()
        except (OperationalError, ProgrammingError):
            return None

    def has_schema(self) -> bool:
        """True once the tables exist."""
        return inspect(self.engine).has_table("events")

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


_MIGRATION_LOCK = threading.Lock()
_MIGRATION_LOCK_KEY = 0x6265_6163_6F6E_01  # PostgreSQL advisory lock of migrations


def alembic_config(url: URL) -> Any:
    """An Alembic configuration for Beacon's migrations, with no alembic.ini needed."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.render_as_string(hide_password=False)
                        .replace("%", "%%"))
    return cfg


def _sqlite_setup(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; take over,
    # as the SQLAlchemy documentation recommends. Write transactions (`transaction()`)
    # begin IMMEDIATE so two writers queue instead of failing half-way; reads begin
    # DEFERRED, since under WAL a reader must never hold up a writer.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def open_database(url: str | None = None, *, upgrade: bool = True) -> Database:
    """Open (and by default migrate) the database at `url`, or the embedded default."""
    db = Database(url)
    db.check_connection()
    if upgrade:
        db.upgrade()
    log.info("database %s ready", db.display_url())
    return db

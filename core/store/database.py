"""Opening a database: the embedded SQLite default or any SQLAlchemy URL.

SQLite runs in WAL mode and takes its write lock at the start of each transaction
(`BEGIN IMMEDIATE`), so two writers queue up instead of failing half-way; PostgreSQL
serialises appends to the event log through a row lock (see `core.store.event_log`).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
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
HEAD_REVISION = "0021"
SQLITE_WAIT_S = 30.0  # how long an SQLite connection waits for another's lock


def default_url(create_folder: bool = True) -> str:
    """The embedded default: SQLite in the user's data directory (made if missing)."""
    data_dir = Path(platformdirs.user_data_dir("beacon", appauthor=False))
    if create_folder:
        data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'beacon.db'}"


def parse_url(url: str, *, must_exist: bool = False) -> URL:
    """Check a database URL; a bad one raises `UserError` saying what is wrong.

    With `must_exist`, a SQLite URL must name an existing file (for reading only)."""
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
    if must_exist and parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise UserError(f"{url!r} names an in-memory database, which holds no log")
        path = Path(parsed.database).expanduser()
        if not path.is_file():
            raise UserError(f"no database at {path} (nothing was created: check the --db URL, "
                            "or make one with 'beacon city demo' or 'beacon db upgrade')")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        parent = Path(parsed.database).expanduser().resolve().parent
        if not parent.is_dir():
            raise UserError(f"cannot create the database: folder {parent} does not exist")
    return parsed


class Database:
    """An engine and its session factory, for one database."""

    def __init__(self, url: str | None = None, *, echo: bool = False,
                 read_only: bool = False) -> None:
        self.url = parse_url(url or default_url(create_folder=not read_only),
                             must_exist=read_only)
        self.read_only = read_only
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_WAIT_S}
            if read_only:
                kwargs["creator"] = _sqlite_read_only_creator(Path(self.url.database or ""))
        else:
            kwargs["pool_pre_ping"] = True
            if read_only:  # every transaction of the session: the server refuses writes
                kwargs["connect_args"] = {"options": "-c default_transaction_read_only=on"}
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except NoSuchModuleError as exc:
            raise UserError(f"no driver for {self.url.drivername}: {exc}") from None
        if self.is_sqlite and read_only:
            _sqlite_read_only_setup(self.engine)
        elif self.is_sqlite:
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
        """Connect once; a refused or unknown server, or a file that is not an SQLite
        database, raises `UserError`."""
        try:
            with self.engine.connect():
                pass
        except DatabaseError as exc:  # OperationalError, or "file is not a database"
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            if self.is_sqlite and not isinstance(exc, OperationalError):
                reason += " (is it an SQLite database file?)"
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


def _enter_wal(cur: Any, wait_s: float = SQLITE_WAIT_S) -> None:
    """Put the database in WAL mode (it stays so: most connections find it done).

    Switching a fresh file to WAL needs it to itself, and SQLite answers a second
    connection switching at the same moment "database is locked" at once, without its
    busy timeout: two consoles' first start on one new file failed so about one time in
    five. The switch is tried again for up to `wait_s`, as a busy write would wait.
    """
    deadline = time.monotonic() + wait_s
    delay = 0.01
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(delay)  # another connection is switching it: let it finish
            delay = min(delay * 2, 0.2)


def _sqlite_setup(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; take over,
    # as the SQLAlchemy documentation recommends. Write transactions (`transaction()`)
    # begin IMMEDIATE so two writers queue instead of failing half-way; reads begin
    # DEFERRED, since under WAL a reader must never hold up a writer.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        _enter_wal(cur)
        # FULL: under WAL, NORMAL may lose the last commits on power loss, and Beacon
        # acknowledges a write (to an operator, to a unit) only once it is durable.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        # Freed space is zeroed, so erased personal data and old copies of rewritten rows
        # do not linger in the file (many builds, not all, default to this).
        cur.execute("PRAGMA secure_delete=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlite_read_only_creator(path: Path) -> Any:
    """Connections that can never write the file at `path`, nor create one beside it.

    A WAL database needs its `-shm` index even to read. While a process has the
    database open its `-wal` and `-shm` files exist and a `mode=ro` connection shares
    them (SQLite reads an `-shm` it may not write, too). When no process has it open,
    they are absent and a `mode=ro` connection would create them (or fail, in a folder
    it may not write): then every change is in the main file and it is opened
    `immutable`, which reads it alone and creates nothing. A writer that starts during
    such a read may make it see a half-checkpointed page; run verify again.
    """
    import sqlite3

    uri = path.expanduser().resolve().as_uri()
    wal = path.with_name(path.name + "-wal")

    def connect() -> sqlite3.Connection:
        mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
        return sqlite3.connect(f"{uri}?{mode}", uri=True, check_same_thread=False,
                               timeout=30)

    return connect


def _sqlite_read_only_setup(engine: Engine) -> None:
    # As `_sqlite_setup`, minus the pragmas that would write (journal mode), and with
    # SQLite's own guard against any write on the connection.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA query_only=ON")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


def open_database(url: str | None = None, *, upgrade: bool = True,
                  read_only: bool = False) -> Database:
    """Open (and by default migrate) the database at `url`, or the embedded default.

    `read_only` is for commands that only read (verify, the audit trail): the database
    must exist and hold Beacon's tables; nothing is created, migrated or written (SQLite
    opens the file read-only; PostgreSQL sessions are `default_transaction_read_only`).
    A missing database or one without Beacon's schema raises `UserError`.
    """
    db = Database(url, read_only=read_only)
    db.check_connection()
    if read_only:
        _check_beacon_schema(db)
    elif upgrade:
        db.upgrade()
    log.info("database %s ready", db.display_url())
    return db


def _check_beacon_schema(db: Database) -> None:
    """Refuse a database that is not a Beacon database at this Beacon's schema."""
    where = db.display_url()
    try:
        has_events = db.has_schema()
        version = db.schema_version()
    except DatabaseError as exc:
        db.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise UserError(f"cannot read {where} as a Beacon database: {reason}") from None
    if not has_events or version is None:
        db.dispose()
        raise UserError(f"{where} holds no Beacon schema (no event log): check the --db URL")
    if version != HEAD_REVISION:
        db.dispose()
        raise UserError(f"{where} is at schema {version}, this Beacon reads {HEAD_REVISION}: "
                        "run 'beacon db upgrade' on it first (or use the matching Beacon)")

"""Creating the SQLAlchemy engine, checking a SQLite file and bringing its schema to the latest
migration; telling the user why the database refused: SQLite (read-only, full, busy, damaged)
or a server such as PostgreSQL (not answering, login refused, no such database)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url

from totkit.errors import StoreError

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration; checked against Alembic's own head by the tests, so that
# opening an up-to-date store never has to import Alembic.
HEAD_REVISION = "0002"
BUSY_TIMEOUT_MS = 15_000
READ_ONLY = "totkit_read_only"
# SQLite's own URI parameters (https://sqlite.org/uri.html); pysqlite passes them on only
# when the URL also says uri=true, and otherwise ignores them with a mere warning.
SQLITE_URI_PARAMETERS = ("mode", "cache", "immutable", "nolock", "psow", "vfs", "modeof")
# Seconds a database server may take to accept a connection before the store gives up.
CONNECT_TIMEOUT_S = 10
# How a database server says why it refused (PostgreSQL's SQLSTATE codes and classes, then
# libpq's words for the cases that come without a code: most failures to connect).
LOGIN_STATES = ("28",)  # invalid authorization: unknown user, wrong password
LOGIN_WORDS = ("password authentication failed", "no password supplied", "authentication fail")
MISSING_STATES = ("3D000",)  # invalid catalog name: no such database
UNREACHABLE_STATES = ("08", "57P01", "57P02", "57P03")  # connection lost, server shut down
UNREACHABLE_WORDS = (
    "connection refused", "could not connect", "connection failed", "connection to server",
    "server closed the connection", "connection is closed", "connection is lost",
    "timeout expired", "could not translate host name", "failed to resolve host",
    "terminating connection", "no route to host", "consuming input failed",
)
DENIED_STATES = ("42501",)  # insufficient privilege
MIGRATION_LOCK = 0x746F746B  # "totk": PostgreSQL's advisory lock held while migrating


def sqlite_url(url: str | URL) -> URL:
    """``url`` parsed; a SQLite URL with URI parameters (``?mode=ro``) but no ``uri=true``
    is rewritten as ``sqlite:///file:PATH?mode=ro&uri=true``, so that it is obeyed."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.query.get("uri") == "true":
        return parsed
    if not any(name in parsed.query for name in SQLITE_URI_PARAMETERS):
        return parsed
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        database = "file:" + quote(Path(database).expanduser().absolute().as_posix(), safe="/:")
    return parsed.set(database=database).update_query_dict({"uri": "true"})


def sqlite_path(url: str | URL) -> Path | None:
    """The file a SQLite URL names; None for an in-memory database or another backend."""
    from urllib.parse import unquote, urlsplit

    parsed = sqlite_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database.startswith("file:"):
        database = unquote(urlsplit(database).path)
    if not database or database == ":memory:" or parsed.query.get("mode") == "memory":
        return None
    return Path(database).expanduser()


def describe(url: str | URL) -> str:
    """The database as the user knows it: its file, else its URL without the password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    parsed = sqlite_url(url)
    if parsed.get_backend_name() != "sqlite":
        return _server_engine(parsed)
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    read_only = parsed.query.get("mode") == "ro" or parsed.query.get("immutable") == "1"
    _configure_sqlite(engine, read_only)
    return engine


def _configure_sqlite(engine: Engine, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins (see "begin").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not read_only:  # a read-only file keeps the journal mode it has
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        # Writers take the lock at the start, so a read-then-write never fails half
        # way with SQLITE_BUSY; readers (see READ_ONLY) do not wait for writers (WAL).
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _server_engine(url: URL) -> Engine:
    """An engine on a database server: connections checked before use (a restarted server
    is reconnected to), and a failure to reach the server or to log in raised as a
    ``StoreError`` that names it (``server_error``), wherever it happens.

    A plain ``postgresql://`` URL uses psycopg 3 (totkit's dependency), not psycopg2."""
    connect_args = {}
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)

    @event.listens_for(engine, "handle_error")
    def _on_error(context):  # type: ignore[no-untyped-def]
        if context.is_pre_ping:  # a stale pooled connection: SQLAlchemy reconnects
            return
        error = server_error(context.original_exception, url)
        if error is not None:
            raise error

    return engine


def open_engine(url: str) -> Engine:
    """An engine on ``url`` whose database is sound and up to date, or ``StoreError``.

    An existing SQLite file is checked with ``PRAGMA quick_check`` first (once, before the
    engine's first connection), and a damaged one is left exactly as it is: no journal mode
    set, no migration run, nothing created over it. A missing file is created.
    """
    engine = make_engine(url)
    try:
        check_sqlite_file(engine)
        upgrade(engine)
    except StoreError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        if not _is_database_error(exc):
            raise
        raise store_error(exc, url, opening=True) from exc
    return engine


def check_sqlite_file(engine: Engine) -> None:
    """``StoreError("error.store_corrupt")`` unless the engine's SQLite file (if it exists
    and is not empty) passes ``PRAGMA quick_check``. The check opens the file read-only, so
    even closing it cannot write (a read-write close would checkpoint a leftover -wal)."""
    path = sqlite_path(engine.url)
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return
    uri = f"file:{quote(path.absolute().as_posix(), safe='/:')}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        result = connection.execute("PRAGMA quick_check").fetchall()
    finally:
        connection.close()
    if result != [("ok",)]:
        raise StoreError("error.store_corrupt", database=str(path))


def server_error(exc: BaseException, url: str | URL) -> StoreError | None:
    """The ``StoreError`` for a database server that cannot be reached, refuses the login or
    has no such database, naming the URL without its password; None for any other error
    (and for SQLite, which has no server)."""
    original = getattr(exc, "orig", None) or exc
    if isinstance(original, sqlite3.Error) or make_url(url).get_backend_name() == "sqlite":
        return None
    state = str(getattr(original, "sqlstate", "") or "")
    said = str(original).lower()
    shown = describe(url)
    database = make_url(url).database or ""
    if state.startswith(LOGIN_STATES) or any(word in said for word in LOGIN_WORDS) or (
            'role "' in said and "does not exist" in said):
        return StoreError("error.store_login", url=shown, user=make_url(url).username or "")
    if state.startswith(MISSING_STATES) or ('database "' in said and "does not exist" in said):
        return StoreError("error.store_missing", url=shown, name=database)
    if state.startswith(UNREACHABLE_STATES) or any(word in said for word in UNREACHABLE_WORDS):
        return StoreError("error.store_unreachable", url=shown)
    return None


def store_error(exc: BaseException, url: str, *, opening: bool = False) -> StoreError:
    """The ``StoreError`` that tells the user why the database refused, naming it."""
    server = server_error(exc, url)
    if server is not None:
        return server
    original = getattr(exc, "orig", None) or exc
    state = str(getattr(original, "sqlstate", "") or "")
    name = str(getattr(original, "sqlite_errorname", "") or "")
    said = str(original).lower()
    database = describe(url)

    def is_(codes: tuple[str, ...], words: tuple[str, ...]) -> bool:
        return name.startswith(codes) or any(word in said for word in words)

    if state.startswith(DENIED_STATES):
        return StoreError("error.store_denied", url=database)
    if state == "25006":  # PostgreSQL: a read-only transaction (a standby, or made so)
        return StoreError("error.store_read_only", database=database)
    if state == "53100":  # PostgreSQL: disk full
        return StoreError("error.store_full", database=database)
    if is_(("SQLITE_CORRUPT", "SQLITE_NOTADB"), ("malformed", "not a database")):
        return StoreError("error.store_corrupt", database=database)
    if is_(("SQLITE_READONLY",), ("readonly database", "read-only")):
        return StoreError("error.store_read_only", database=database)
    if is_(("SQLITE_FULL",), ("disk is full",)):
        return StoreError("error.store_full", database=database)
    if is_(("SQLITE_BUSY", "SQLITE_LOCKED"), ("database is locked", "database table is locked")):
        seconds = f"{BUSY_TIMEOUT_MS / 1000:g}"
        return StoreError("error.store_locked", database=database, seconds=seconds)
    if opening:
        return StoreError("error.store_open", url=database)
    return StoreError("error.store")


def _is_database_error(exc: BaseException) -> bool:
    from sqlalchemy.exc import DBAPIError

    return isinstance(exc, (sqlite3.Error, DBAPIError))


def reader(engine: Engine) -> Engine:
    """The same engine, for transactions that only read."""
    return engine.execution_options(**{READ_ONLY: True})


def current_revision(engine: Engine) -> str | None:
    with reader(engine).connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision`` (imports Alembic only when needed)."""
    if revision == "head" and current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Stores opened at once on an empty database (kernels, workers) migrate one after
            # the other; Alembic then reads the version the one before left.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config

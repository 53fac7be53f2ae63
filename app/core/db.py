"""Database plumbing: declarative base, engine and session factories.

SQLite (embedded default) is opened in WAL mode with foreign keys on, and every transaction
starts with ``BEGIN IMMEDIATE`` so that writers queue on the database lock instead of failing
half-way with "database is locked"; read-only work (``begin_read_only``) starts a deferred
transaction instead. PostgreSQL is used as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar, cast

from pydantic import Field
from sqlalchemy import (
    ColumnElement,
    Connection,
    DateTime,
    Engine,
    MetaData,
    Select,
    any_,
    bindparam,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, Session, sessionmaker
from sqlalchemy.types import TypeDecorator, TypeEngine

T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Every primary key is an INTEGER (32 bits on PostgreSQL). An id outside this range names no
# row, and the drivers refuse to bind it (SQLite overflows past 64 bits, PostgreSQL past 32),
# so ids taken from a request are checked against it before any query.
MAX_ID = 2**31 - 1
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]


READ_ONLY_OPTION = "ecites_read_only"


def is_embedded(factory: sessionmaker[Session]) -> bool:
    """Whether the factory's database is the embedded SQLite (in-process: no network waits)."""
    bind = factory.kw.get("bind")
    return bind is not None and bind.dialect.name == "sqlite"


def begin_read_only(session: Session) -> None:
    """Start the session's transaction as a reader. On SQLite it then takes no write lock, so
    reads never queue behind writers (a write attempted in it fails instead of waiting)."""
    session.connection(execution_options={READ_ONLY_OPTION: True})


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # A naive value (e.g. a filter typed without offset) is taken as UTC.
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # a commit survives power loss
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock up front; readers read a WAL snapshot without it.
        read_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
        connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def page(
    session: Session,
    query: Select[T],
    *order_by: ColumnElement[Any] | InstrumentedAttribute[Any],
    limit: int,
    offset: int,
) -> tuple[list[T], int]:
    """One page of ``query`` in ``order_by`` order, and how many rows match in all (every
    list endpoint answers ``{items, total, limit, offset}``)."""
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(*order_by).limit(limit).offset(offset))
    return list(rows), total


def member_of(
    column: ColumnElement[Any] | InstrumentedAttribute[Any],
    name: str,
    item_type: TypeEngine[Any],
    dialect: str,
) -> ColumnElement[bool]:
    """``column`` is one of the list bound as ``name`` at execution. On PostgreSQL it is one
    array parameter (``= ANY(:name)``): the SQL text is the same whatever the list's length,
    so the driver prepares it once; elsewhere an expanding ``IN``. For statements built once
    per dialect and run often."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(item_type)))
    return column.in_(bindparam(name, expanding=True))


@contextmanager
def read_only_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for reading only (no write lock on SQLite); nothing is committed."""
    session = factory()
    try:
        begin_read_only(session)
        yield session
    finally:
        session.rollback()
        session.close()


Reader = Session | Connection
"""What a read-only query runs on: a session, or (on hot read paths) a bare connection."""

_SESSION_KEY = "ecites_session"


def connection_of(reader: Reader) -> Connection:
    """The connection ``reader`` works on (in the reader's transaction)."""
    return reader.connection() if isinstance(reader, Session) else reader


def session_of(reader: Reader) -> Session:
    """A session in ``reader``'s transaction, for the ORM reads a hot path rarely needs
    (e.g. a received permit): the reader itself, or one session made once per connection."""
    if isinstance(reader, Session):
        return reader
    session = reader.info.get(_SESSION_KEY)
    if session is None:
        session = Session(bind=reader, join_transaction_mode="rollback_only")
        reader.info[_SESSION_KEY] = session
    return cast(Session, session)


@contextmanager
def read_only_connection(factory: sessionmaker[Session]) -> Iterator[Connection]:
    """A connection in a read-only transaction (no write lock on SQLite), rolled back at the
    end. Half the cost of a session (``read_only_session``): for the hottest read paths,
    whose queries are Core statements."""
    bind = factory.kw["bind"]
    with bind.connect().execution_options(**{READ_ONLY_OPTION: True}) as connection:
        connection.begin()
        try:
            yield connection
        finally:
            session = connection.info.pop(_SESSION_KEY, None)
            if session is not None:
                session.close()
            connection.rollback()


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed once at the end, or rolled back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()

"""The composition root: the one place that builds adapters from settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, MetaData
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Settings
from app.core.db import Base, make_engine, make_session_factory


@dataclass(frozen=True)
class Container:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    secret_key: str


def build(settings: Settings, *, engine: Engine | None = None) -> Container:
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = engine or make_engine(settings.effective_database_url)
    return Container(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        secret_key=settings.resolved_secret_key(),
    )


def metadata() -> MetaData:
    """Every table, for Alembic and the model/migration agreement check."""
    from app.applications import models as _applications  # noqa: F401
    from app.audit import models as _audit  # noqa: F401
    from app.auth import models as _auth  # noqa: F401
    from app.permits import models as _permits  # noqa: F401

    return Base.metadata

"""The migrations build the schema from empty, agree with the models, and downgrade."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.command import downgrade, upgrade
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from app.bootstrap import metadata
from app.core.db import make_engine

ROOT = Path(__file__).resolve().parent.parent


def test_models_and_migrations_agree(engine: Engine) -> None:
    """`engine` was built by running every migration on an empty database."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata())
    assert diff == [], f"models and migrations disagree; write a migration for: {diff}"


def test_every_model_table_exists(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(metadata().tables) <= tables
    assert "alembic_version" in tables


def test_downgrade_to_empty_and_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    config = Config(str(ROOT / "alembic.ini"))
    engine = make_engine(url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        upgrade(config, "head")
        downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        upgrade(config, "head")
    assert set(metadata().tables) <= set(inspect(engine).get_table_names())
    engine.dispose()

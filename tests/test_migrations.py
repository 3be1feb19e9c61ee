"""Migrations are tested like code (pytest-alembic's checks), on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from catalog import db
from catalog.schema import Base

TABLES = {
    "alembic_version", "crawl_runs", "fetched_pages", "models", "offering_presence",
    "offerings", "page_problems", "prices", "providers", "related_links",
}


def test_single_head():
    script = ScriptDirectory.from_config(db._alembic_config(None))
    assert len(script.get_heads()) == 1


def test_every_revision_has_a_downgrade_and_is_not_empty():
    script = ScriptDirectory.from_config(db._alembic_config(None))
    for rev in script.walk_revisions():
        source = open(rev.path).read()
        assert "def downgrade" in source and "op." in source.split("def downgrade", 1)[1], rev.path
        assert "op." in source.split("def upgrade", 1)[1].split("def downgrade", 1)[0], rev.path


def test_upgrade_from_empty_then_down_and_up_again(db_url):
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    assert set(inspect(engine).get_table_names()) == TABLES
    assert db.current_revision(engine) == db.head_revision()
    db.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert db.current_revision(engine) is None
    db.upgrade(engine)
    assert set(inspect(engine).get_table_names()) == TABLES
    engine.dispose()


def test_models_match_migrations(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_ensure_schema_is_idempotent(engine):
    db.ensure_schema(engine)
    assert db.current_revision(engine) == db.head_revision()

"""Migrations are tested like code (pytest-alembic's checks), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
from argparse import Namespace
from decimal import Decimal

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.config import main as alembic_main
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from catalog import db
from catalog.records import DatedPrices
from catalog.schema import Base, Price
from tests.source_records import DAY, T0, entry, refresh

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
    assert inspect(engine).get_view_names() == ["current_prices"]
    assert db.current_revision(engine) == db.head_revision()
    db.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert inspect(engine).get_view_names() == []
    assert db.current_revision(engine) is None
    db.upgrade(engine)
    assert set(inspect(engine).get_table_names()) == TABLES
    engine.dispose()


def test_models_match_migrations(engine):
    assert_models_match(engine)


def assert_models_match(engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_ensure_schema_is_idempotent(engine):
    db.ensure_schema(engine)
    assert db.current_revision(engine) == db.head_revision()


def test_an_unknown_start_goes_on_downgrade_and_has_its_place_again_on_upgrade(engine):
    """0004: a history interval whose start the source does not publish is kept with valid_from NULL;
    going back to 0003 (valid_from NOT NULL) deletes it and keeps every other price, the view and
    the open-price indexes; upgrading again allows it once more."""
    since = T0 - 30 * DAY
    record = entry("openai/o3", "openai", input_per_mtok="2", since=since,
                   history=[DatedPrices(start=None, prices={"input_per_mtok": Decimal("10")})])
    refresh(engine, "genai-prices", T0, record)

    def state():
        with Session(engine) as session:
            spans = session.execute(
                select(Price.valid_from, Price.valid_to, Price.amount).order_by(Price.id)).all()
            view = session.execute(text("SELECT model_id, input_per_mtok FROM current_prices")).all()
        columns = {c["name"]: c["nullable"] for c in inspect(engine).get_columns("prices")}
        indexes = {i["name"] for i in inspect(engine).get_indexes("prices")}
        view = [(model, Decimal(str(amount))) for model, amount in view]
        return [tuple(s) for s in spans], view, columns["valid_from"], indexes

    every_index = {"uq_prices_open", "ix_prices_open_tiers", "ix_prices_offering_component"}
    current = (since, None, Decimal(2))
    assert state() == ([(None, since, Decimal(10)), current], [("openai/o3", Decimal(2))], True, every_index)
    db.downgrade(engine, "0003")
    assert state() == ([current], [("openai/o3", Decimal(2))], False, every_index)
    db.upgrade(engine)
    assert state() == ([current], [("openai/o3", Decimal(2))], True, every_index)
    assert_models_match(engine)


def test_view_migration_follows_the_initial_schema():
    script = ScriptDirectory.from_config(db._alembic_config(None))
    assert [(rev.revision, rev.down_revision) for rev in script.walk_revisions("base", "0002")] == [
        ("0002", "0001"), ("0001", None)
    ]


@pytest.fixture
def alembic_dir(tmp_path):
    """A copy of alembic.ini and migrations/ in TMP_PATH (new revisions are written there)."""
    shutil.copytree(db.MIGRATIONS, tmp_path / "migrations", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(db.MIGRATIONS.parent / "alembic.ini", tmp_path / "alembic.ini")
    return tmp_path


def revision_ids(path) -> tuple[str, str]:
    """(revision, down_revision) as written in the revision file at PATH."""
    source = path.read_text()
    return (re.search(r"^revision: str = '(.*)'$", source, re.M).group(1),
            re.search(r"^down_revision: str \| None = '(.*)'$", source, re.M).group(1))


def test_new_revisions_continue_the_numbering(alembic_dir):
    url = f"sqlite:///{alembic_dir / 'at-head.sqlite3'}"
    config = Config(alembic_dir / "alembic.ini")
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")
    versions = alembic_dir / "migrations" / "versions"
    before = {p.name for p in versions.glob("*.py")}

    head = db.SCHEMA_REVISION
    first, second = (f"{int(head) + n:04d}" for n in (1, 2))
    script = command.revision(config, message="add thing")
    assert {p.name for p in versions.glob("*.py")} - before == {f"{first}_add_thing.py"}
    assert (script.revision, script.down_revision) == (first, head)
    assert revision_ids(versions / f"{first}_add_thing.py") == (first, head)

    # the alembic command line numbers too, and keeps an id the user chose (--rev-id, rev_id=)
    cli = ["-c", str(alembic_dir / "alembic.ini"), "-x", f"url={url}", "revision", "-m"]
    alembic_main(argv=[*cli, "then more"])
    alembic_main(argv=[*cli, "mine", "--rev-id", "custom"])
    command.revision(config, message="given", rev_id="0100")
    assert {p.name for p in versions.glob("*.py")} - before == {
        f"{first}_add_thing.py", f"{second}_then_more.py", "custom_mine.py", "0100_given.py"
    }
    assert revision_ids(versions / f"{second}_then_more.py") == (second, first)
    assert revision_ids(versions / "custom_mine.py") == ("custom", second)
    assert revision_ids(versions / "0100_given.py") == ("0100", "custom")


def test_offline_upgrade_writes_the_sql():
    config = Config(output_buffer=io.StringIO())
    config.set_main_option("script_location", str(db.MIGRATIONS))
    config.set_main_option("sqlalchemy.url", "postgresql+psycopg://nobody@db.invalid/catalog")
    command.upgrade(config, "head", sql=True)
    sql = config.output_buffer.getvalue()
    assert "CREATE TABLE offerings (" in sql
    assert "CREATE UNIQUE INDEX uq_prices_open ON prices (offering_id, component) WHERE closed_run_id IS NULL;" in sql
    assert ("CREATE UNIQUE INDEX uq_prices_open ON prices (offering_id, component, tier_start) "
            "WHERE closed_run_id IS NULL;") in sql
    assert "ALTER TABLE prices ALTER COLUMN valid_from DROP NOT NULL;" in sql
    assert sql.count("CREATE VIEW current_prices AS") == 3  # 0002 makes it, 0003 and 0004 rebuild it
    assert sql.rstrip().endswith(
        "UPDATE alembic_version SET version_num='0004' WHERE alembic_version.version_num = '0003';\n\nCOMMIT;")


def test_offline_sql_builds_the_schema_it_describes(db_url):
    """The script of `alembic -x url=URL upgrade head --sql`, run by the database's own client
    library, leaves a database at head that matches the models and has the view."""
    config = Config(output_buffer=io.StringIO(), cmd_opts=Namespace(x=[f"url={db_url}"]))
    config.set_main_option("script_location", str(db.MIGRATIONS))
    command.upgrade(config, "head", sql=True)
    script = config.output_buffer.getvalue()
    engine = db.make_engine(db_url)
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(make_url(db_url).database) as connection:
            connection.executescript(script)
    else:
        with engine.connect() as connection:
            connection.exec_driver_sql(script)
            connection.commit()
    assert db.current_revision(engine) == db.head_revision()
    assert set(inspect(engine).get_table_names()) == TABLES
    assert inspect(engine).get_view_names() == ["current_prices"]
    assert_models_match(engine)
    engine.dispose()

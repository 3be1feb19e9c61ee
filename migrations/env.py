"""Alembic environment: batch mode for SQLite, the models' metadata as the target, numbered
revisions (0001, 0002, ...), and offline (--sql) scripts."""

from __future__ import annotations

from alembic import context
from alembic.script import ScriptDirectory

from catalog import db
from catalog.schema import Base

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    """-x url=..., else sqlalchemy.url, else catalog's own (--db's fallbacks: $CATALOG_DATABASE_URL,
    then the default SQLite file)."""
    given = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    return db.resolve_url(given or None)


def _rev_id_given(migration_context) -> bool:
    """Whether the user chose the new revision's id (--rev-id, or command.revision(rev_id=...))."""
    if config.cmd_opts is not None:  # the alembic command line
        return getattr(config.cmd_opts, "rev_id", None) is not None
    # Called from Python: Alembic shows env.py no public copy of command.revision's arguments;
    # they are on the revision context it hands the EnvironmentContext.
    environment = migration_context.environment_context
    revision_context = environment.context_opts.get("revision_context") if environment else None
    return revision_context is not None and revision_context.command_args.get("rev_id") is not None


def number_revisions(migration_context, _revision, directives) -> None:
    """Give a new revision the next number after the head (0002 -> 0003) instead of a random id,
    so that alembic.ini's file_template names it 0003_<slug>.py."""
    if not directives or _rev_id_given(migration_context):
        return
    head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:
        directives[0].rev_id = "0001"
    elif head.isdigit():
        directives[0].rev_id = f"{int(head) + 1:0{len(head)}d}"


def run_migrations(connection) -> None:
    # SQLite's batch mode copies a table and drops the old one, which other tables' foreign keys
    # name: with foreign keys enforced (catalog.db turns them on) the DROP fails. They are off for
    # the migration (the pragma is a no-op inside a transaction: this is the first statement),
    # checked after it, and on again.
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        _run(connection)
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the migration left rows whose foreign keys point nowhere: {broken[:3]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        compare_server_default=True,
        process_revision_directives=number_revisions,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = db.make_engine(database_url())
    with engine.connect() as connection:
        run_migrations(connection)
        connection.commit()


def run_migrations_offline() -> None:
    """Write the SQL to standard output (or config.output_buffer) instead of running it."""
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
        process_revision_directives=number_revisions,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""a history interval whose start the source does not publish

prices.valid_from may be NULL: the closed interval of a source's undated earlier prices (genai-prices'
step before its first start_date) keeps an unknown start instead of an invented one. Downgrading
deletes those intervals (the schema before had no place for them) and makes the column NOT NULL again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

import catalog.coltypes

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text('closed_run_id IS NULL')
OPEN_TIERS = sa.text('tier_start > 0 AND closed_run_id IS NULL')
WHEN = catalog.coltypes.UTCDateTime(timezone=True)


def _prices_table(*, valid_from_nullable: bool) -> sa.Table:
    """The prices table as 0003 left it (valid_from as given), without its partial indexes (dropped
    and made again around the copy): what batch mode copies when it cannot reflect the live table
    (offline, `alembic upgrade --sql` on SQLite)."""

    def run(name: str, nullable: bool = False) -> sa.Column:
        key = sa.ForeignKey('crawl_runs.id', name=f'fk_prices_{name}_crawl_runs')
        return sa.Column(name, sa.Integer(), key, nullable=nullable)

    return sa.Table(
        'prices', sa.MetaData(),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('offering_id', sa.Integer(),
                  sa.ForeignKey('offerings.id', name='fk_prices_offering_id_offerings'), nullable=False),
        sa.Column('component', sa.String(length=32), nullable=False),
        sa.Column('amount', catalog.coltypes.Money(length=48), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('unit', sa.String(length=64), nullable=False),
        sa.Column('suspect', sa.Boolean(), nullable=False),
        sa.Column('valid_from', WHEN, nullable=valid_from_nullable),
        sa.Column('valid_to', WHEN, nullable=True),
        sa.Column('last_seen_at', WHEN, nullable=False),
        run('opened_run_id'),
        run('last_run_id'),
        run('closed_run_id', nullable=True),
        sa.Column('source_url', sa.String(length=2048), nullable=False),
        sa.Column('fetched_at', WHEN, nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('tier_start', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('tier_basis', sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint('id', name='pk_prices'),
        sa.Index('ix_prices_offering_component', 'offering_id', 'component'),
    )


def _unbind_prices() -> None:
    """SQLite's batch mode rebuilds the table: the view that names it goes first, and its partial
    indexes are made again by hand after (a copy from reflection need not keep their WHERE)."""
    op.execute("DROP VIEW current_prices")
    op.drop_index('ix_prices_open_tiers', table_name='prices', sqlite_where=OPEN_TIERS,
                  postgresql_where=OPEN_TIERS)
    op.drop_index('uq_prices_open', table_name='prices', sqlite_where=OPEN, postgresql_where=OPEN)


def _rebind_prices() -> None:
    op.create_index('uq_prices_open', 'prices', ['offering_id', 'component', 'tier_start'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index('ix_prices_open_tiers', 'prices', ['offering_id'], sqlite_where=OPEN_TIERS,
                    postgresql_where=OPEN_TIERS)
    view = importlib.import_module("migrations.versions.0003_sources_model_keys_tiers")
    op.execute(f"CREATE VIEW current_prices AS\n{view.view_sql()}")


def upgrade() -> None:
    _unbind_prices()
    copy_from = _prices_table(valid_from_nullable=False) if context.is_offline_mode() else None
    with op.batch_alter_table('prices', schema=None, copy_from=copy_from) as batch_op:
        batch_op.alter_column('valid_from', existing_type=WHEN, nullable=True)
    _rebind_prices()


def downgrade() -> None:
    op.execute("DELETE FROM prices WHERE valid_from IS NULL")  # 0003 has no place for an unknown start
    _unbind_prices()
    copy_from = _prices_table(valid_from_nullable=True) if context.is_offline_mode() else None
    with op.batch_alter_table('prices', schema=None, copy_from=copy_from) as batch_op:
        batch_op.alter_column('valid_from', existing_type=WHEN, nullable=False)
    _rebind_prices()

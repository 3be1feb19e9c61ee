"""several sources, one model identity, long-context tiers

Offerings and refreshes gain the source they belong to (existing rows: modelslab) and the
canonical model and provider keys (catalog.identity); an offering is unique per (source,
provider, model). Price rows gain the long-context tier they belong to (tier_start 0 is the base
price) and its rule. The current_prices view is rebuilt with the source and model, the new
components, and base prices only.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 06:20:00.000000
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

import catalog.coltypes

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (view column, prices.component), in the view's column order: written out, not read from
#: catalog, so this migration always creates the same view
PRICE_COLUMNS = (
    ("input_per_mtok", "input_per_mtok"),
    ("output_per_mtok", "output_per_mtok"),
    ("cache_read_per_mtok", "cache_read_per_mtok"),
    ("cache_write_per_mtok", "cache_write_per_mtok"),
    ("batch_input_per_mtok", "batch_input_per_mtok"),
    ("batch_output_per_mtok", "batch_output_per_mtok"),
    ("per_image", "per_image"),
    ("per_second", "per_second"),
    ("per_call", "per_call"),
    ("headline_price", "headline"),
)
_COMPONENTS = tuple(component for _, component in PRICE_COLUMNS)


def _alias(component: str) -> str:
    return f"price_{component}"


def view_sql() -> str:
    """The SELECT behind current_prices: as in 0002 (one LEFT JOIN per component through the
    partial unique index; see its notes), with source and model, and base prices only."""
    amounts = ",\n".join(
        f"    CAST({_alias(component)}.amount AS NUMERIC) AS {column}" for column, component in PRICE_COLUMNS
    )
    currency = ", ".join(f"{_alias(c)}.currency" for c in sorted(_COMPONENTS, key=lambda c: c != "headline"))
    joins = "\n".join(
        f"LEFT JOIN prices AS {_alias(c)} ON {_alias(c)}.offering_id = o.id AND {_alias(c)}.component = '{c}'"
        f" AND {_alias(c)}.tier_start = 0 AND {_alias(c)}.closed_run_id IS NULL"
        for c in _COMPONENTS
    )
    return f"""SELECT
    o.source AS source,
    p.slug AS provider,
    p.name AS provider_name,
    m.model_id AS model_id,
    o.model_key AS model,
    o.name AS name,
    m.creator AS creator,
    o.category AS category,
    o.task AS task,
    o.open_source AS open_source,
    COALESCE({currency}) AS currency,
{amounts},
    {_alias("headline")}.unit AS headline_unit,
    o.date_added AS date_added,
    o.source_url AS source_url,
    o.first_seen_at AS first_seen,
    o.last_seen_at AS last_seen
FROM offerings AS o
JOIN providers AS p ON p.id = o.provider_id
JOIN models AS m ON m.id = o.model_ref_id
{joins}
WHERE o.removed_at IS NULL"""  # noqa: S608 (every interpolated name is a constant of this file)


def _offerings_before() -> sa.Table:
    """The offerings table as 0001 made it: what batch mode copies when it cannot reflect the live
    table (offline, `alembic upgrade --sql` on SQLite)."""
    when = catalog.coltypes.UTCDateTime(timezone=True)
    return sa.Table(
        'offerings', sa.MetaData(),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('provider_id', sa.Integer(), sa.ForeignKey('providers.id', name='fk_offerings_provider_id_providers'),
                  nullable=False),
        sa.Column('model_ref_id', sa.Integer(), sa.ForeignKey('models.id', name='fk_offerings_model_ref_id_models'),
                  nullable=False),
        sa.Column('name', sa.String(length=500)),
        sa.Column('category', sa.String(length=500)),
        sa.Column('task', sa.String(length=500)),
        sa.Column('open_source', sa.Boolean()),
        sa.Column('date_added', sa.Date()),
        sa.Column('description', sa.Text()),
        sa.Column('source_url', sa.String(length=2048), nullable=False),
        sa.Column('headline_spec_unit', sa.String(length=500)),
        sa.Column('headline_unit_conflict', sa.Boolean(), nullable=False),
        sa.Column('warnings', sa.Text()),
        sa.Column('generated_at', when),
        sa.Column('content_hash', sa.String(length=64)),
        sa.Column('stale_reason', sa.Text()),
        sa.Column('first_seen_at', when, nullable=False),
        sa.Column('last_seen_at', when, nullable=False),
        sa.Column('last_fetched_at', when),
        sa.Column('first_run_id', sa.Integer(),
                  sa.ForeignKey('crawl_runs.id', name='fk_offerings_first_run_id_crawl_runs'), nullable=False),
        sa.Column('last_seen_run_id', sa.Integer(),
                  sa.ForeignKey('crawl_runs.id', name='fk_offerings_last_seen_run_id_crawl_runs'), nullable=False),
        sa.Column('removed_at', when),
        sa.Column('removed_run_id', sa.Integer(),
                  sa.ForeignKey('crawl_runs.id', name='fk_offerings_removed_run_id_crawl_runs')),
        sa.PrimaryKeyConstraint('id', name='pk_offerings'),
        sa.UniqueConstraint('provider_id', 'model_ref_id', name='uq_offerings_provider_id_model_ref_id'),
        sa.Index('ix_offerings_model_ref_id', 'model_ref_id'),
        sa.Index('ix_offerings_source_url', 'source_url'),
    )


def upgrade() -> None:
    op.execute("DROP VIEW current_prices")  # SQLite's batch mode rebuilds tables the view names
    copy_from = _offerings_before() if context.is_offline_mode() else None
    with op.batch_alter_table('offerings', schema=None, copy_from=copy_from) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=32), server_default='modelslab', nullable=False))
        batch_op.add_column(sa.Column('model_key', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('provider_key', sa.String(length=255), nullable=True))
        batch_op.drop_constraint('uq_offerings_provider_id_model_ref_id', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_offerings_source_provider_id_model_ref_id'), ['source', 'provider_id', 'model_ref_id']
        )
        batch_op.create_index(batch_op.f('ix_offerings_model_key'), ['model_key'], unique=False)
    # columns with a default and indexes SQLite alters in place: no table copy (so offline too)
    op.add_column('crawl_runs', sa.Column('source', sa.String(length=32), server_default='modelslab', nullable=False))
    op.add_column('prices', sa.Column('tier_start', sa.Integer(), server_default=sa.text('0'), nullable=False))
    op.add_column('prices', sa.Column('tier_basis', sa.String(length=16), nullable=True))
    op.drop_index('uq_prices_open', table_name='prices', sqlite_where=sa.text('closed_run_id IS NULL'),
                  postgresql_where=sa.text('closed_run_id IS NULL'))
    op.create_index('uq_prices_open', 'prices', ['offering_id', 'component', 'tier_start'], unique=True,
                    sqlite_where=sa.text('closed_run_id IS NULL'), postgresql_where=sa.text('closed_run_id IS NULL'))
    # the few open long-context tiers, found without reading every price
    op.create_index('ix_prices_open_tiers', 'prices', ['offering_id'],
                    sqlite_where=sa.text('tier_start > 0 AND closed_run_id IS NULL'),
                    postgresql_where=sa.text('tier_start > 0 AND closed_run_id IS NULL'))
    op.execute(f"CREATE VIEW current_prices AS\n{view_sql()}")


def downgrade() -> None:
    op.execute("DROP VIEW current_prices")
    op.drop_index('ix_prices_open_tiers', table_name='prices',
                  sqlite_where=sa.text('tier_start > 0 AND closed_run_id IS NULL'),
                  postgresql_where=sa.text('tier_start > 0 AND closed_run_id IS NULL'))
    with op.batch_alter_table('prices', schema=None) as batch_op:
        batch_op.drop_index('uq_prices_open', sqlite_where=sa.text('closed_run_id IS NULL'),
                            postgresql_where=sa.text('closed_run_id IS NULL'))
        batch_op.execute("DELETE FROM prices WHERE tier_start <> 0")  # tiers have no place before 0003
        batch_op.create_index('uq_prices_open', ['offering_id', 'component'], unique=True,
                              sqlite_where=sa.text('closed_run_id IS NULL'),
                              postgresql_where=sa.text('closed_run_id IS NULL'))
        batch_op.drop_column('tier_basis')
        batch_op.drop_column('tier_start')
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.drop_column('source')
    with op.batch_alter_table('offerings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offerings_model_key'))
        batch_op.drop_constraint(batch_op.f('uq_offerings_source_provider_id_model_ref_id'), type_='unique')
        batch_op.create_unique_constraint('uq_offerings_provider_id_model_ref_id', ['provider_id', 'model_ref_id'])
        batch_op.drop_column('provider_key')
        batch_op.drop_column('model_key')
        batch_op.drop_column('source')
    previous = importlib.import_module("migrations.versions.0002_current_prices_view")
    op.execute(f"CREATE VIEW current_prices AS\n{previous.view_sql()}")

"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 20:42:53.512379
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import catalog.coltypes


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('crawl_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site', sa.String(length=2048), nullable=False),
    sa.Column('started_at', catalog.coltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', catalog.coltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('pages_fetched', sa.Integer(), nullable=False),
    sa.Column('pages_not_modified', sa.Integer(), nullable=False),
    sa.Column('pages_failed', sa.Integer(), nullable=False),
    sa.Column('bytes_downloaded', sa.Integer(), nullable=False),
    sa.Column('offerings_new', sa.Integer(), nullable=False),
    sa.Column('offerings_updated', sa.Integer(), nullable=False),
    sa.Column('offerings_unchanged', sa.Integer(), nullable=False),
    sa.Column('offerings_removed', sa.Integer(), nullable=False),
    sa.Column('price_changes', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crawl_runs'))
    )
    op.create_table('models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.String(length=255), nullable=False),
    sa.Column('creator', sa.String(length=255), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_models')),
    sa.UniqueConstraint('model_id', name=op.f('uq_models_model_id'))
    )
    op.create_table('providers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_providers')),
    sa.UniqueConstraint('slug', name=op.f('uq_providers_slug'))
    )
    op.create_table('fetched_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('canonical_url', sa.String(length=2048), nullable=True),
    sa.Column('http_status', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('etag', sa.String(length=512), nullable=True),
    sa.Column('last_modified', sa.String(length=64), nullable=True),
    sa.Column('fetched_at', catalog.coltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], name=op.f('fk_fetched_pages_run_id_crawl_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fetched_pages')),
    sa.UniqueConstraint('url', name=op.f('uq_fetched_pages_url'))
    )
    op.create_table('offerings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('model_ref_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=True),
    sa.Column('category', sa.String(length=500), nullable=True),
    sa.Column('task', sa.String(length=500), nullable=True),
    sa.Column('open_source', sa.Boolean(), nullable=True),
    sa.Column('date_added', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('source_url', sa.String(length=2048), nullable=False),
    sa.Column('headline_spec_unit', sa.String(length=500), nullable=True),
    sa.Column('headline_unit_conflict', sa.Boolean(), nullable=False),
    sa.Column('warnings', sa.Text(), nullable=True),
    sa.Column('generated_at', catalog.coltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('stale_reason', sa.Text(), nullable=True),
    sa.Column('first_seen_at', catalog.coltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', catalog.coltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_fetched_at', catalog.coltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_run_id', sa.Integer(), nullable=False),
    sa.Column('last_seen_run_id', sa.Integer(), nullable=False),
    sa.Column('removed_at', catalog.coltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('removed_run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['first_run_id'], ['crawl_runs.id'], name=op.f('fk_offerings_first_run_id_crawl_runs')),
    sa.ForeignKeyConstraint(['last_seen_run_id'], ['crawl_runs.id'], name=op.f('fk_offerings_last_seen_run_id_crawl_runs')),
    sa.ForeignKeyConstraint(['model_ref_id'], ['models.id'], name=op.f('fk_offerings_model_ref_id_models')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_offerings_provider_id_providers')),
    sa.ForeignKeyConstraint(['removed_run_id'], ['crawl_runs.id'], name=op.f('fk_offerings_removed_run_id_crawl_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offerings')),
    sa.UniqueConstraint('provider_id', 'model_ref_id', name=op.f('uq_offerings_provider_id_model_ref_id'))
    )
    with op.batch_alter_table('offerings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offerings_model_ref_id'), ['model_ref_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offerings_source_url'), ['source_url'], unique=False)

    op.create_table('page_problems',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], name=op.f('fk_page_problems_run_id_crawl_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_problems'))
    )
    with op.batch_alter_table('page_problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_problems_run_id'), ['run_id'], unique=False)

    op.create_table('offering_presence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('opened_run_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', catalog.coltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_run_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', catalog.coltypes.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['closed_run_id'], ['crawl_runs.id'], name=op.f('fk_offering_presence_closed_run_id_crawl_runs')),
    sa.ForeignKeyConstraint(['offering_id'], ['offerings.id'], name=op.f('fk_offering_presence_offering_id_offerings')),
    sa.ForeignKeyConstraint(['opened_run_id'], ['crawl_runs.id'], name=op.f('fk_offering_presence_opened_run_id_crawl_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offering_presence'))
    )
    with op.batch_alter_table('offering_presence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offering_presence_offering_id'), ['offering_id'], unique=False)
        batch_op.create_index('uq_offering_presence_open', ['offering_id'], unique=True, sqlite_where=sa.text('closed_run_id IS NULL'), postgresql_where=sa.text('closed_run_id IS NULL'))

    op.create_table('prices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('component', sa.String(length=32), nullable=False),
    sa.Column('amount', catalog.coltypes.Money(length=48), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('suspect', sa.Boolean(), nullable=False),
    sa.Column('valid_from', catalog.coltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('valid_to', catalog.coltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_seen_at', catalog.coltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('opened_run_id', sa.Integer(), nullable=False),
    sa.Column('last_run_id', sa.Integer(), nullable=False),
    sa.Column('closed_run_id', sa.Integer(), nullable=True),
    sa.Column('source_url', sa.String(length=2048), nullable=False),
    sa.Column('fetched_at', catalog.coltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['closed_run_id'], ['crawl_runs.id'], name=op.f('fk_prices_closed_run_id_crawl_runs')),
    sa.ForeignKeyConstraint(['last_run_id'], ['crawl_runs.id'], name=op.f('fk_prices_last_run_id_crawl_runs')),
    sa.ForeignKeyConstraint(['offering_id'], ['offerings.id'], name=op.f('fk_prices_offering_id_offerings')),
    sa.ForeignKeyConstraint(['opened_run_id'], ['crawl_runs.id'], name=op.f('fk_prices_opened_run_id_crawl_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prices'))
    )
    with op.batch_alter_table('prices', schema=None) as batch_op:
        batch_op.create_index('ix_prices_offering_component', ['offering_id', 'component'], unique=False)
        batch_op.create_index('uq_prices_open', ['offering_id', 'component'], unique=True, sqlite_where=sa.text('closed_run_id IS NULL'), postgresql_where=sa.text('closed_run_id IS NULL'))

    op.create_table('related_links',
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('provider', sa.String(length=255), nullable=False),
    sa.Column('model_id', sa.String(length=255), nullable=False),
    sa.Column('provider_label', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['offering_id'], ['offerings.id'], name=op.f('fk_related_links_offering_id_offerings')),
    sa.PrimaryKeyConstraint('offering_id', 'position', name=op.f('pk_related_links'))
    )


def downgrade() -> None:
    op.drop_table('related_links')
    with op.batch_alter_table('prices', schema=None) as batch_op:
        batch_op.drop_index('uq_prices_open', sqlite_where=sa.text('closed_run_id IS NULL'), postgresql_where=sa.text('closed_run_id IS NULL'))
        batch_op.drop_index('ix_prices_offering_component')

    op.drop_table('prices')
    with op.batch_alter_table('offering_presence', schema=None) as batch_op:
        batch_op.drop_index('uq_offering_presence_open', sqlite_where=sa.text('closed_run_id IS NULL'), postgresql_where=sa.text('closed_run_id IS NULL'))
        batch_op.drop_index(batch_op.f('ix_offering_presence_offering_id'))

    op.drop_table('offering_presence')
    with op.batch_alter_table('page_problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_problems_run_id'))

    op.drop_table('page_problems')
    with op.batch_alter_table('offerings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offerings_source_url'))
        batch_op.drop_index(batch_op.f('ix_offerings_model_ref_id'))

    op.drop_table('offerings')
    op.drop_table('fetched_pages')
    op.drop_table('providers')
    op.drop_table('models')
    op.drop_table('crawl_runs')

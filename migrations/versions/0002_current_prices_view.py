"""current_prices view: one row per current offering, prices as numbers, for other tools

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (view column, prices.component), in the view's column order. Written out here, not read from
#: catalog: a migration must create the same view whatever a later catalog's registry holds.
PRICE_COLUMNS = (
    ("input_per_mtok", "input_per_mtok"),
    ("output_per_mtok", "output_per_mtok"),
    ("cache_read_per_mtok", "cache_read_per_mtok"),
    ("per_image", "per_image"),
    ("per_second", "per_second"),
    ("per_call", "per_call"),
    ("headline_price", "headline"),
)

# One LEFT JOIN per component on the open price rows (closed_run_id IS NULL), each a lookup in
# the partial unique index uq_prices_open, rather than conditional aggregation (MAX(CASE ...)
# GROUP BY offering). Measured on bench/gen_db.py's 100,000-offering database (median of 5 runs;
# SQLite first, PostgreSQL in brackets):
#   query on the view                        joins           aggregate in a subquery   aggregate, GROUP BY all
#   SELECT * (every row)                     550 [809] ms    653 [623] ms              901 [748] ms
#   ORDER BY input_per_mtok DESC LIMIT 1      89 [162] ms    343 [177] ms              511 [313] ms
#   WHERE provider = ? AND model_id = ?       <1 [4] ms      271 [59] ms               <1 [1] ms
# SQLite, the default database, is fastest with joins on every query: it skips the joins a query
# does not read (each yields at most one row), and a filtered query touches only its rows, where
# the subquery aggregates every price first. PostgreSQL reads every row a little faster through
# the subquery but a single offering 15x slower; one view serves both.
# The currency is the first of the joined prices' (they share one in practice): a correlated
# MAX(currency) over the open prices cost another 110-150 ms on SELECT *.
#
# CAST(amount AS NUMERIC): PostgreSQL keeps amounts as NUMERIC already (a no-op there). SQLite
# keeps them as exact decimal TEXT (catalog/coltypes.py), which sorts "10.00" before "9.00"; the
# cast makes them SQLite INTEGER/REAL, which sort as numbers but hold only ~15 significant
# digits. The prices table and `catalog export` keep every digit.
#
# SQLite batch migrations that recreate offerings, prices, providers or models must drop this
# view first and create it again after (SQLite refuses to rename a table under a view that names
# a missing one; PostgreSQL refuses to drop a table a view depends on).

_COMPONENTS = tuple(component for _, component in PRICE_COLUMNS)


def _alias(component: str) -> str:
    return f"price_{component}"


def view_sql() -> str:
    """The SELECT behind current_prices."""
    amounts = ",\n".join(
        f"    CAST({_alias(component)}.amount AS NUMERIC) AS {column}"
        for column, component in PRICE_COLUMNS
    )
    # the headline's currency first: every priced page has a headline
    currency = ", ".join(f"{_alias(c)}.currency" for c in sorted(_COMPONENTS, key=lambda c: c != "headline"))
    joins = "\n".join(
        f"LEFT JOIN prices AS {_alias(component)} ON {_alias(component)}.offering_id = o.id"
        f" AND {_alias(component)}.component = '{component}' AND {_alias(component)}.closed_run_id IS NULL"
        for component in _COMPONENTS
    )
    return f"""SELECT
    p.slug AS provider,
    p.name AS provider_name,
    m.model_id AS model_id,
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


def upgrade() -> None:
    op.execute(f"CREATE VIEW current_prices AS\n{view_sql()}")


def downgrade() -> None:
    op.execute("DROP VIEW current_prices")

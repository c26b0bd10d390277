"""Read models: account summaries and statement lines (the AccountProjection).

Projections are rebuilt from the events, so an existing store needs
`manage.py rebuild-projections` after this upgrade to fill the new tables.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bank.store.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_summaries",
        sa.Column("account_id", sa.String(128), nullable=False),
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("balance_cents", sa.BigInteger(), nullable=False),
        sa.Column("overdraft_limit_cents", sa.BigInteger(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("transaction_count", sa.Integer(), nullable=False),
        sa.Column("last_transaction_at", UTCDateTime(), nullable=True),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name="pk_account_summaries"),
    )
    op.create_index(
        "ix_account_summaries_opened_at", "account_summaries", ["opened_at", "account_id"]
    )
    op.create_index(
        "ix_account_summaries_owner_id",
        "account_summaries",
        ["owner_id", "opened_at", "account_id"],
    )
    op.create_table(
        "statement_lines",
        sa.Column("account_id", sa.String(128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("balance_after_cents", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("transfer_id", sa.String(64), nullable=True),
        sa.Column("counterparty_account_id", sa.String(128), nullable=True),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "version", name="pk_statement_lines"),
    )


def downgrade() -> None:
    op.drop_table("statement_lines")
    op.drop_table("account_summaries")

"""Overrides: a risk exception (to apply above a fired immediate cap) and a start date.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tier_override") as batch:
        batch.add_column(sa.Column("risk_exception", sa.Text, nullable=True))
        batch.add_column(sa.Column("valid_from", sa.Date, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tier_override") as batch:
        batch.drop_column("valid_from")
        batch.drop_column("risk_exception")

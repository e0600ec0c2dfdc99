"""A run keeps its standard; per-customer results live in the published Parquet only.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tier_run") as batch:
        batch.add_column(sa.Column("standard", sa.JSON, nullable=True))
    op.drop_table("tier_result")


def downgrade() -> None:
    op.create_table(
        "tier_result",
        sa.Column("run_id", sa.String(36), sa.ForeignKey("tier_run.run_id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("customer_id", sa.String(40), primary_key=True),
        sa.Column("group_id", sa.String(40), nullable=True),
        sa.Column("score", sa.Numeric(12, 4), nullable=True),
        sa.Column("computed_tier", sa.String(40), nullable=False),
        sa.Column("applied_tier", sa.String(40), nullable=False),
        sa.Column("previous_tier", sa.String(40), nullable=True),
        sa.Column("migration", sa.String(10), nullable=False),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("dimension_scores", sa.JSON, nullable=False),
        sa.Column("needs_segment", sa.String(40), nullable=True),
        sa.Column("behaviour_state", sa.String(40), nullable=True),
        sa.Column("hysteresis", sa.JSON, nullable=False),
        sa.Column("override_id", sa.Integer, nullable=True),
        sa.Column("explanation", sa.JSON, nullable=False),
    )
    with op.batch_alter_table("tier_run") as batch:
        batch.drop_column("standard")

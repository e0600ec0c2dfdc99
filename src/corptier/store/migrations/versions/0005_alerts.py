"""Dynamics alerts: one live alert per rule and customer (a partial unique index).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LIVE = sa.text("state IN ('open', 'acknowledged')")


def upgrade() -> None:
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("rule_id", sa.String(40), nullable=False),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("assignee", sa.String(20), nullable=False),
        sa.Column("tier", sa.String(40), nullable=True),
        sa.Column("rm_id", sa.String(40), nullable=True),
        sa.Column("sub_branch", sa.String(80), nullable=True),
        sa.Column("title_zh", sa.Text, nullable=False),
        sa.Column("title_en", sa.Text, nullable=False),
        sa.Column("facts", sa.Text, nullable=False),
        sa.Column("first_period", sa.String(7), nullable=False),
        sa.Column("last_period", sa.String(7), nullable=False),
        sa.Column("holds", sa.Boolean, nullable=False),
        sa.Column("raised_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("escalate_at", sa.DateTime, nullable=False),
        sa.Column("escalated_at", sa.DateTime, nullable=True),
        sa.Column("acknowledged_by", sa.String(80), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime, nullable=True),
        sa.Column("closed_by", sa.String(80), nullable=True),
        sa.Column("closed_at", sa.DateTime, nullable=True),
        sa.Column("note", sa.Text, nullable=True),
    )
    op.create_index("ix_alert_customer", "alert", ["customer_id"])
    op.create_index("ix_alert_state_rm", "alert", ["state", "rm_id"])
    op.create_index("uq_alert_live", "alert", ["rule_id", "customer_id"], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade() -> None:
    op.drop_index("uq_alert_live", table_name="alert")
    op.drop_index("ix_alert_state_rm", table_name="alert")
    op.drop_index("ix_alert_customer", table_name="alert")
    op.drop_table("alert")

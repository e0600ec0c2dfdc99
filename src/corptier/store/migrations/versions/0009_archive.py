"""Customer archive: contacts (with a version for optimistic locking) and interactions.

Revision ID: 0009
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_contact",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("phone", sa.String(30), nullable=True),
        sa.Column("email", sa.String(120), nullable=True),
        sa.Column("position", sa.String(80), nullable=True),
        sa.Column("verified_on", sa.Date, nullable=True),
        sa.Column("is_primary", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String(80), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_customer_contact_customer", "customer_contact", ["customer_id", "role"])
    op.create_table(
        "customer_interaction",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("bank_participants", sa.Text, nullable=True),
        sa.Column("customer_participants", sa.Text, nullable=True),
        sa.Column("purpose", sa.Text, nullable=True),
        sa.Column("summary", sa.Text, nullable=True),
        sa.Column("needs", sa.JSON, nullable=False),
        sa.Column("needs_note", sa.Text, nullable=True),
        sa.Column("outcome", sa.Text, nullable=True),
        sa.Column("next_step", sa.Text, nullable=True),
        sa.Column("next_step_due", sa.Date, nullable=True),
        sa.Column("rm_id", sa.String(40), nullable=True),
        sa.Column("task_id", sa.Integer, nullable=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_customer_interaction_customer", "customer_interaction",
                    ["customer_id", "occurred_on"])
    op.create_index("ix_customer_interaction_rm", "customer_interaction", ["rm_id", "occurred_on"])


def downgrade() -> None:
    op.drop_table("customer_interaction")
    op.drop_table("customer_contact")

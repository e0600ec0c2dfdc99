"""Service plans: each period's plan run (with its catalogue), the per-customer plans and the
plan tasks with their completion.

Revision ID: 0006
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_plan_run",
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("catalogue_id", sa.String(80), nullable=False),
        sa.Column("catalogue_version", sa.String(40), nullable=False),
        sa.Column("catalogue_hash", sa.String(64), nullable=False),
        sa.Column("catalogue", sa.JSON, nullable=False),
        sa.Column("customers", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "service_plan",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("tier", sa.String(40), nullable=False),
        sa.Column("previous_tier", sa.String(40), nullable=True),
        sa.Column("migration", sa.String(20), nullable=False),
        sa.Column("rm_id", sa.String(40), nullable=True),
        sa.Column("sub_branch", sa.String(80), nullable=True),
        sa.UniqueConstraint("period", "customer_id", name="uq_service_plan"),
    )
    op.create_index("ix_service_plan_customer_id", "service_plan", ["customer_id"])
    op.create_table(
        "service_task",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("tier", sa.String(40), nullable=False),
        sa.Column("rm_id", sa.String(40), nullable=True),
        sa.Column("sub_branch", sa.String(80), nullable=True),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("done_on", sa.Date, nullable=True),
        sa.Column("done_at", sa.DateTime, nullable=True),
        sa.Column("done_by", sa.String(80), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("closed_in", sa.String(7), nullable=True),
        sa.UniqueConstraint("period", "customer_id", "kind", name="uq_service_task"),
    )
    op.create_index("ix_service_task_customer", "service_task", ["customer_id", "kind"])
    op.create_index("ix_service_task_rm", "service_task", ["rm_id", "status"])
    op.create_index("ix_service_task_status_due", "service_task", ["status", "due_date"])


def downgrade() -> None:
    op.drop_table("service_task")
    op.drop_table("service_plan")
    op.drop_table("service_plan_run")

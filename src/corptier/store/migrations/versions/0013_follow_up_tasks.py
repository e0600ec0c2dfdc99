"""Service tasks may come from an interaction's next step (a follow-up): `interaction_id`
names it, at most one task per interaction; the one-task-per-(period, customer, kind) rule
keeps holding for the tasks a close plans.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

PLANNED = sa.text("interaction_id IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("service_task", recreate="always") as batch:
        batch.drop_constraint("uq_service_task", type_="unique")
        batch.add_column(sa.Column("interaction_id", sa.Integer, nullable=True))
    op.create_index("uq_service_task_plan", "service_task", ["period", "customer_id", "kind"],
                    unique=True, sqlite_where=PLANNED, postgresql_where=PLANNED)
    op.create_index("uq_service_task_interaction", "service_task", ["interaction_id"],
                    unique=True)


def downgrade() -> None:
    op.execute("DELETE FROM service_task WHERE interaction_id IS NOT NULL")
    op.drop_index("uq_service_task_interaction", "service_task")
    op.drop_index("uq_service_task_plan", "service_task")
    with op.batch_alter_table("service_task", recreate="always") as batch:
        batch.drop_column("interaction_id")
        batch.create_unique_constraint("uq_service_task", ["period", "customer_id", "kind"])

"""RM assignment proposals (maker-checker) and their moves; approved moves are the RM
assignments that override the loaded RM of a customer from the proposal's next period.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_proposal",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("effective_from", sa.String(7), nullable=False),
        sa.Column("rules_version", sa.String(40), nullable=False),
        sa.Column("objective", sa.Float, nullable=False),
        sa.Column("moves", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("requested_by", sa.String(80), nullable=False),
        sa.Column("requested_at", sa.DateTime, nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.Column("decision_note", sa.Text, nullable=True),
    )
    op.create_table(
        "rm_move",
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("rm_proposal.id"),
                  primary_key=True),
        sa.Column("customer_id", sa.String(40), primary_key=True),
        sa.Column("tier", sa.String(40), nullable=False),
        sa.Column("from_rm", sa.String(40), nullable=True),
        sa.Column("to_rm", sa.String(40), nullable=True),
        sa.Column("reason", sa.String(20), nullable=False),
    )
    op.create_index("ix_rm_move_customer", "rm_move", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_rm_move_customer", "rm_move")
    op.drop_table("rm_move")
    op.drop_table("rm_proposal")

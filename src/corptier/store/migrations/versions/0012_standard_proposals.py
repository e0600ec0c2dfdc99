"""Standard proposals: adoption of a standard by maker-checker (propose, approve / reject).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "standard_proposal",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("standard_id", sa.String(80), nullable=False),
        sa.Column("standard_version", sa.String(40), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(120), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("start_period", sa.String(7), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("proposed_by", sa.String(80), nullable=False),
        sa.Column("proposed_at", sa.DateTime, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.Column("decision_note", sa.Text, nullable=True),
    )
    op.create_index("ix_standard_proposal_state", "standard_proposal", ["state"])


def downgrade() -> None:
    op.drop_index("ix_standard_proposal_state", table_name="standard_proposal")
    op.drop_table("standard_proposal")

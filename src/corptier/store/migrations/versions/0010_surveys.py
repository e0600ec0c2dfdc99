"""Needs surveys: campaigns, their target customers and the answers.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_campaign",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("questionnaire_id", sa.String(40), nullable=False),
        sa.Column("questionnaire_version", sa.String(20), nullable=False),
        sa.Column("questionnaire", sa.JSON, nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("target", sa.JSON, nullable=False),
        sa.Column("targeted", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_survey_campaign_period", "survey_campaign", ["period"])
    op.create_table(
        "survey_target",
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("survey_campaign.id"),
                  primary_key=True),
        sa.Column("customer_id", sa.String(40), primary_key=True),
        sa.Column("tier", sa.String(40), nullable=True),
        sa.Column("segment", sa.String(40), nullable=True),
        sa.Column("rm_id", sa.String(40), nullable=True),
    )
    op.create_table(
        "survey_answer",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("survey_campaign.id"),
                  nullable=False),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("question_id", sa.String(40), nullable=False),
        sa.Column("choice", sa.String(40), nullable=True),
        sa.Column("number", sa.Integer, nullable=True),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_survey_answer_campaign", "survey_answer", ["campaign_id", "customer_id"])


def downgrade() -> None:
    op.drop_table("survey_answer")
    op.drop_table("survey_target")
    op.drop_table("survey_campaign")

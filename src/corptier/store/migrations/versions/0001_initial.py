"""Initial schema: loads, indicator runs, tier runs and results, overrides, adoptions, audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY_SQLITE = """
CREATE TRIGGER audit_log_no_{op} BEFORE {OP} ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
"""
APPEND_ONLY_PG_FUNC = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql
"""
APPEND_ONLY_PG_TRIGGER = """
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
"""


def upgrade() -> None:
    op.create_table(
        "load_run",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("load_id", sa.String(36), nullable=False, index=True),
        sa.Column("period", sa.String(7), nullable=False, index=True),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("rows_accepted", sa.Integer, nullable=False),
        sa.Column("rows_rejected", sa.Integer, nullable=False),
        sa.Column("code_version", sa.String(40), nullable=False),
        sa.Column("loaded_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "indicator_run",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(7), nullable=False, index=True),
        sa.Column("engine", sa.String(20), nullable=False),
        sa.Column("input_fingerprint", sa.String(64), nullable=False),
        sa.Column("config_hash", sa.String(64), nullable=False),
        sa.Column("code_version", sa.String(40), nullable=False),
        sa.Column("customer_path", sa.Text, nullable=False),
        sa.Column("group_path", sa.Text, nullable=False),
        sa.Column("customers", sa.Integer, nullable=False),
        sa.Column("groups", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("period", "engine", name="uq_indicator_run_period_engine"),
    )
    op.create_table(
        "tier_run",
        sa.Column("run_id", sa.String(36), primary_key=True),
        sa.Column("period", sa.String(7), nullable=False, index=True),
        sa.Column("standard_id", sa.String(80), nullable=False),
        sa.Column("standard_version", sa.String(40), nullable=False),
        sa.Column("standard_hash", sa.String(64), nullable=False),
        sa.Column("input_fingerprint", sa.String(64), nullable=False),
        sa.Column("code_version", sa.String(40), nullable=False),
        sa.Column("engine", sa.String(20), nullable=False),
        sa.Column("customers", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "tier_result",
        sa.Column(
            "run_id",
            sa.String(36),
            sa.ForeignKey("tier_run.run_id", ondelete="CASCADE"),
            primary_key=True,
        ),
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
    op.create_table(
        "published_period",
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("run_id", sa.String(36), sa.ForeignKey("tier_run.run_id"), nullable=False),
        sa.Column("published_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "tier_override",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("customer_id", sa.String(40), nullable=False, index=True),
        sa.Column("tier", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=False),
        sa.Column("requested_by", sa.String(80), nullable=False),
        sa.Column("requested_at", sa.DateTime, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.Column("decision_note", sa.Text, nullable=True),
    )
    op.create_table(
        "standard_adoption",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("standard_id", sa.String(80), nullable=False),
        sa.Column("standard_version", sa.String(40), nullable=False),
        sa.Column("standard_hash", sa.String(64), nullable=False),
        sa.Column("adopted_period", sa.String(7), nullable=False),
        sa.Column("adopted_by", sa.String(80), nullable=False),
        sa.Column("adopted_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("entity", sa.String(60), nullable=False),
        sa.Column("entity_id", sa.String(80), nullable=False),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
    )
    op.create_index("ix_audit_entity", "audit_log", ["entity", "entity_id"])
    _append_only_audit_log()


def _append_only_audit_log() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("update", "delete"):
            op.execute(APPEND_ONLY_SQLITE.format(op=name, OP=name.upper()))
    elif dialect == "postgresql":
        op.execute(APPEND_ONLY_PG_FUNC)
        op.execute(APPEND_ONLY_PG_TRIGGER)


def downgrade() -> None:
    for table in (
        "audit_log",
        "standard_adoption",
        "tier_override",
        "published_period",
        "tier_result",
        "tier_run",
        "indicator_run",
        "load_run",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")

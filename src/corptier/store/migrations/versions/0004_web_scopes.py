"""Web users: the data scope of a user (RM id, team and its members, sub-branches), their
language, and the login lockout and session epoch of the web app.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = (
    ("rm_id", lambda: sa.Column("rm_id", sa.String(40), nullable=True)),
    ("team", lambda: sa.Column("team", sa.String(80), nullable=True)),
    ("team_members", lambda: sa.Column("team_members", sa.JSON, nullable=True)),
    ("sub_branches", lambda: sa.Column("sub_branches", sa.JSON, nullable=True)),
    ("language", lambda: sa.Column("language", sa.String(10), nullable=True)),
    ("failed_logins", lambda: sa.Column("failed_logins", sa.Integer, nullable=False,
                                        server_default="0")),
    ("locked_until", lambda: sa.Column("locked_until", sa.DateTime, nullable=True)),
    ("session_epoch", lambda: sa.Column("session_epoch", sa.Integer, nullable=False,
                                        server_default="0")),
)


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        for _, column in COLUMNS:
            batch.add_column(column())


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)

"""The audit log becomes a hash chain with a head row; TRUNCATE refused on PostgreSQL; users.

Existing entries are chained in id order when the migration runs (the log is trusted as it
stands at the upgrade).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from corptier.store.audit_chain import GENESIS, entry_hash

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete")
SQLITE_APPEND_ONLY = """
CREATE TRIGGER audit_log_no_{op} BEFORE {OP} ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
"""
SQLITE_HEAD_KEPT = """
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit_head is kept (append-only audit log)'); END
"""
PG_NO_TRUNCATE = """
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
"""
PG_HEAD_KEPT = """
CREATE TRIGGER audit_head_kept BEFORE DELETE OR TRUNCATE ON audit_head
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
"""

audit = sa.table(
    "audit_log",
    sa.column("id", sa.Integer), sa.column("at", sa.DateTime), sa.column("actor", sa.String),
    sa.column("action", sa.String), sa.column("entity", sa.String),
    sa.column("entity_id", sa.String), sa.column("before", sa.JSON),
    sa.column("after", sa.JSON), sa.column("seq", sa.Integer),
    sa.column("prev_hash", sa.String), sa.column("entry_hash", sa.String),
)


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("seq", sa.Integer, nullable=True))
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(64), nullable=True))
    op.add_column("audit_log", sa.Column("entry_hash", sa.String(64), nullable=True))
    op.create_index("uq_audit_log_seq", "audit_log", ["seq"], unique=True)
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    seq, last = _chain_existing_entries()
    op.execute(sa.text("INSERT INTO audit_head (id, seq, last_hash) VALUES (1, :s, :h)")
               .bindparams(s=seq, h=last))
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_NO_TRUNCATE)
        op.execute(PG_HEAD_KEPT)
    elif dialect == "sqlite":
        op.execute(SQLITE_HEAD_KEPT)
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def _chain_existing_entries() -> tuple[int, str]:
    """Chain the entries already there, with the append-only triggers lifted for the update."""
    bind = op.get_bind()
    rows = list(bind.execute(sa.select(audit).order_by(audit.c.id)))
    if not rows:
        return 0, GENESIS
    _append_only(False)
    prev = GENESIS
    for seq, row in enumerate(rows, start=1):
        digest = entry_hash(seq, row.at, row.actor, row.action, row.entity, row.entity_id,
                            row.before, row.after, prev)
        bind.execute(audit.update().where(audit.c.id == row.id)
                     .values(seq=seq, prev_hash=prev, entry_hash=digest))
        prev = digest
    _append_only(True)
    return len(rows), prev


def _append_only(on: bool) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"ALTER TABLE audit_log {'ENABLE' if on else 'DISABLE'} TRIGGER "
                   "audit_log_append_only")
    elif dialect == "sqlite":
        for name in ("update", "delete"):
            if on:
                op.execute(SQLITE_APPEND_ONLY.format(op=name, OP=name.upper()))
            else:
                op.execute(f"DROP TRIGGER audit_log_no_{name}")


def downgrade() -> None:
    op.drop_table("app_user")
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    op.drop_table("audit_head")
    op.drop_index("uq_audit_log_seq", "audit_log")
    _append_only(False)
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("entry_hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
    _append_only(True)

"""What people edit and the record of what each period published, as SQLAlchemy 2 models.

Per-customer results are not here: they are the published Parquet of each run
(`data/tiers/period=P/`), which the run record points at by period and run id.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sa_text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class LoadRun(Base):
    """One table of one period loaded: the reconciliation read = accepted + rejected."""

    __tablename__ = "load_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    load_id: Mapped[str] = mapped_column(String(36), index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_accepted: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)
    code_version: Mapped[str] = mapped_column(String(40))
    loaded_at: Mapped[datetime] = mapped_column(DateTime)


class IndicatorRun(Base):
    """An indicator snapshot written for a period, with what it was computed from."""

    __tablename__ = "indicator_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    engine: Mapped[str] = mapped_column(String(20))
    input_fingerprint: Mapped[str] = mapped_column(String(64))
    config_hash: Mapped[str] = mapped_column(String(64))
    code_version: Mapped[str] = mapped_column(String(40))
    customer_path: Mapped[str] = mapped_column(Text)
    group_path: Mapped[str] = mapped_column(Text)
    customers: Mapped[int] = mapped_column(Integer)
    groups: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("period", "engine", name="uq_indicator_run_period_engine"),)


class TierRun(Base):
    """One close of one period under one standard."""

    __tablename__ = "tier_run"
    run_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    standard_id: Mapped[str] = mapped_column(String(80))
    standard_version: Mapped[str] = mapped_column(String(40))
    standard_hash: Mapped[str] = mapped_column(String(64))
    input_fingerprint: Mapped[str] = mapped_column(String(64))
    code_version: Mapped[str] = mapped_column(String(40))
    engine: Mapped[str] = mapped_column(String(20))
    customers: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="running")
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    standard: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    """The standard the run applied (its parsed form): explanations, reports and evaluations
    of the run use it, whatever the workspace's active standard is now."""


class PublishedPeriod(Base):
    """Which run is the published result of a period; switched in one transaction."""

    __tablename__ = "published_period"
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("tier_run.run_id"))
    published_at: Mapped[datetime] = mapped_column(DateTime)


class Override(Base):
    """A manual tier set by a maker, applied only once a different checker approves it."""

    __tablename__ = "tier_override"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(40), index=True)
    tier: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    valid_until: Mapped[date] = mapped_column(Date)
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    risk_exception: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Why the override may apply above an immediate cap that fires (risk's sign-off)."""
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    """First day it applies; None: from its approval date."""


class StandardAdoption(Base):
    """The date a standard version was adopted: the pivot of before/after evaluation."""

    __tablename__ = "standard_adoption"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    standard_id: Mapped[str] = mapped_column(String(80))
    standard_version: Mapped[str] = mapped_column(String(40))
    standard_hash: Mapped[str] = mapped_column(String(64))
    adopted_period: Mapped[str] = mapped_column(String(7))
    adopted_by: Mapped[str] = mapped_column(String(80))
    adopted_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class StandardProposal(Base):
    """A candidate standard proposed for adoption (maker), adopted only once a different user
    approves it (checker); the file's content travels with the proposal."""

    __tablename__ = "standard_proposal"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    standard_id: Mapped[str] = mapped_column(String(80))
    standard_version: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(120))
    content: Mapped[str] = mapped_column(Text)
    start_period: Mapped[str] = mapped_column(String(7))
    reason: Mapped[str] = mapped_column(Text)
    proposed_by: Mapped[str] = mapped_column(String(80))
    proposed_at: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class AuditLog(Base):
    """Append-only: who did what, when, with the state before and after; each entry chained
    to the one before by `prev_hash` and `entry_hash` (`corptier.store.audit_chain`)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(80))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Position in the chain, 1, 2, 3…; NULL only on a row inserted outside corptier."""
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    entry_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),
                      Index("uq_audit_log_seq", "seq", unique=True))


class AuditHead(Base):
    """The one row naming the audit log's last entry: appends lock it (one writer at a time,
    so the chain cannot fork) and a deleted tail shows against it."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class AppUser(Base):
    """A person who acts in corptier: a normalised name, a role, an Argon2 password hash and
    the sha256 of their API token (the token itself is shown once and never stored)."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(Text, nullable=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    rm_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    """The relationship manager an `rm` user is (their book is this RM's customers)."""
    team: Mapped[str | None] = mapped_column(String(80), nullable=True)
    team_members: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    """The RM ids of a `team_head`'s team."""
    sub_branches: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    """The sub-branches a `branch_head` heads."""
    language: Mapped[str | None] = mapped_column(String(10), nullable=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    """Raised by a logout or a password change: every older web session stops working."""


LIVE_ALERT_STATES = ("open", "acknowledged")


class Alert(Base):
    """A dynamics alert: one live (open or acknowledged) alert per rule and customer, updated
    by each close while it lasts; resolved (with a note) or dismissed (with a reason)."""

    __tablename__ = "alert"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule_id: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20), default="open")
    severity: Mapped[str] = mapped_column(String(20))
    assignee: Mapped[str] = mapped_column(String(20))
    """Who the rule addresses: `rm` or `team_head`."""
    tier: Mapped[str | None] = mapped_column(String(40), nullable=True)
    rm_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    sub_branch: Mapped[str | None] = mapped_column(String(80), nullable=True)
    title_zh: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    facts: Mapped[str] = mapped_column(Text)
    """The values the rule's condition read at the last close it held (`name=value; …`)."""
    first_period: Mapped[str] = mapped_column(String(7))
    last_period: Mapped[str] = mapped_column(String(7))
    """The last closed period whose facts were evaluated for this alert."""
    holds: Mapped[bool] = mapped_column(Boolean, default=True)
    """Whether the condition held at the last evaluation (an alert stays until resolved)."""
    raised_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    escalate_at: Mapped[datetime] = mapped_column(DateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The resolution note or the dismissal reason."""
    __table_args__ = (
        Index("ix_alert_customer", "customer_id"),
        Index("ix_alert_state_rm", "state", "rm_id"),
        Index("uq_alert_live", "rule_id", "customer_id", unique=True,
              sqlite_where=sa_text("state IN ('open', 'acknowledged')"),
              postgresql_where=sa_text("state IN ('open', 'acknowledged')")),
    )
class ServicePlanRun(Base):
    """The service plans of one period: the close they follow and the catalogue they applied
    (kept whole, so a plan explains itself whatever the catalogue is now)."""

    __tablename__ = "service_plan_run"
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    run_id: Mapped[str] = mapped_column(String(36))
    catalogue_id: Mapped[str] = mapped_column(String(80))
    catalogue_version: Mapped[str] = mapped_column(String(40))
    catalogue_hash: Mapped[str] = mapped_column(String(64))
    catalogue: Mapped[dict[str, Any]] = mapped_column(JSON)
    customers: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ServicePlan(Base):
    """A customer's service plan of one period: its applied tier, the change from the last
    tier, and who serves it."""

    __tablename__ = "service_plan"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(String(7))
    customer_id: Mapped[str] = mapped_column(String(40), index=True)
    tier: Mapped[str] = mapped_column(String(40))
    previous_tier: Mapped[str | None] = mapped_column(String(40), nullable=True)
    migration: Mapped[str] = mapped_column(String(20))
    rm_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    sub_branch: Mapped[str | None] = mapped_column(String(80), nullable=True)
    __table_args__ = (UniqueConstraint("period", "customer_id", name="uq_service_plan"),)


class ServiceTask(Base):
    """A task of a service plan (a visit, an annual review, an onboarding step…): made by the
    close of `period`, done by a person, or superseded by a later tier change."""

    __tablename__ = "service_task"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(String(7))
    customer_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(30))
    tier: Mapped[str] = mapped_column(String(40))
    rm_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    sub_branch: Mapped[str | None] = mapped_column(String(80), nullable=True)
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    done_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    closed_in: Mapped[str | None] = mapped_column(String(7), nullable=True)
    """The period whose close superseded the task (a tier change)."""
    interaction_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The interaction whose next step made this follow-up task (None: a plan task)."""
    __table_args__ = (Index("uq_service_task_plan", "period", "customer_id", "kind", unique=True,
                            sqlite_where=sa_text("interaction_id IS NULL"),
                            postgresql_where=sa_text("interaction_id IS NULL")),
                      Index("uq_service_task_interaction", "interaction_id", unique=True),
                      Index("ix_service_task_customer", "customer_id", "kind"),
                      Index("ix_service_task_rm", "rm_id", "status"),
                      Index("ix_service_task_status_due", "status", "due_date"))


class Contact(Base):
    """A person at a customer the bank deals with, by role; edited with optimistic locking
    (`version` goes up by one with each change, a stale edit is refused)."""

    __tablename__ = "customer_contact"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(30), nullable=True)
    email: Mapped[str | None] = mapped_column(String(120), nullable=True)
    position: Mapped[str | None] = mapped_column(String(80), nullable=True)
    verified_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (Index("ix_customer_contact_customer", "customer_id", "role"),)


class Interaction(Base):
    """A visit, call, meeting, event or e-mail with a customer (走访与沟通)."""

    __tablename__ = "customer_interaction"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(40))
    occurred_on: Mapped[date] = mapped_column(Date)
    type: Mapped[str] = mapped_column(String(20))
    bank_participants: Mapped[str | None] = mapped_column(Text, nullable=True)
    customer_participants: Mapped[str | None] = mapped_column(Text, nullable=True)
    purpose: Mapped[str | None] = mapped_column(Text, nullable=True)
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Product categories the customer asked about (the data contract's categories)."""
    needs_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_step: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_step_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    rm_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    """The customer's RM when it was logged (from the latest loaded customers)."""
    task_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The service-plan visit task this interaction completed, if any."""
    source: Mapped[str] = mapped_column(String(200))
    """`cli`, or the import file's name and row (`visits.xlsx:12`)."""
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (Index("ix_customer_interaction_customer", "customer_id", "occurred_on"),
                      Index("ix_customer_interaction_rm", "rm_id", "occurred_on"))


class SurveyCampaign(Base):
    """A needs survey (需求调研) of one period: the questionnaire it asks (id, version and the
    questionnaire itself as it was), who it targets and who created it."""

    __tablename__ = "survey_campaign"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    questionnaire_id: Mapped[str] = mapped_column(String(40))
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    questionnaire: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The questionnaire as validated when the campaign was created (later edits of the file
    need a new version and a new campaign)."""
    period: Mapped[str] = mapped_column(String(7), index=True)
    target: Mapped[dict[str, Any]] = mapped_column(JSON)
    """{"tiers": [...], "segments": [...], "rms": [...], "customers": [...]}; empty = any."""
    targeted: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SurveyTarget(Base):
    """A customer a campaign asks, with its applied tier, needs segment and RM of the period
    (kept so that results by tier, segment and RM do not move when the book does)."""

    __tablename__ = "survey_target"
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaign.id"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tier: Mapped[str | None] = mapped_column(String(40), nullable=True)
    segment: Mapped[str | None] = mapped_column(String(40), nullable=True)
    rm_id: Mapped[str | None] = mapped_column(String(40), nullable=True)


class SurveyAnswer(Base):
    """One answer of a customer to a question: a choice (one row per choice of a multiple
    choice), a number (scale 1–5, NPS 0–10) or a text."""

    __tablename__ = "survey_answer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaign.id"))
    customer_id: Mapped[str] = mapped_column(String(40))
    question_id: Mapped[str] = mapped_column(String(40))
    choice: Mapped[str | None] = mapped_column(String(40), nullable=True)
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str] = mapped_column(String(200))
    """The import file's name and row (`调研.xlsx:12`)."""
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (Index("ix_survey_answer_campaign", "campaign_id", "customer_id"),)


class RmProposal(Base):
    """An RM assignment proposal of a closed period: pending until a checker other than its
    maker approves it (its moves then apply from `effective_from`) or rejects it."""

    __tablename__ = "rm_proposal"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(String(7))
    effective_from: Mapped[str] = mapped_column(String(7))
    """The period after `period`: the next close is the first to honour the moves."""
    rules_version: Mapped[str] = mapped_column(String(40))
    objective: Mapped[float] = mapped_column(Float)
    moves: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class RmMove(Base):
    """One customer of a proposal: its RM when proposed (`from_rm`) and the RM proposed
    (`to_rm`; None: no eligible RM had room, nothing is assigned)."""

    __tablename__ = "rm_move"
    proposal_id: Mapped[int] = mapped_column(ForeignKey("rm_proposal.id"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tier: Mapped[str] = mapped_column(String(40))
    from_rm: Mapped[str | None] = mapped_column(String(40), nullable=True)
    to_rm: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reason: Mapped[str] = mapped_column(String(20))
    __table_args__ = (Index("ix_rm_move_customer", "customer_id"),)

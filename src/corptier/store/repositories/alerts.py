"""Dynamics alerts as stored: raised and updated in bulk by a close, decided one by one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.store.models import LIVE_ALERT_STATES, Alert

BATCH = 5_000


class AlertRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, alert_id: int) -> Alert | None:
        return self.session.get(Alert, alert_id)

    def known(self, rule_ids: Iterable[str], period: str,
              customer_ids: Sequence[str] | None = None) -> list[tuple[Any, ...]]:
        """(id, rule_id, customer_id, state, last_period, holds, raised_at, escalate_at) of the
        live alerts of
        `rule_ids` and of those closed that were evaluated for `period` (a re-close does not
        raise them again); only those of `customer_ids` when given."""
        ids = sorted(set(rule_ids))
        if not ids:
            return []
        query = (sa.select(Alert.id, Alert.rule_id, Alert.customer_id, Alert.state,
                           Alert.last_period, Alert.holds, Alert.raised_at,
                           Alert.escalate_at)
                 .where(Alert.rule_id.in_(ids),
                        Alert.state.in_(LIVE_ALERT_STATES) | (Alert.last_period == period),
                        _of(customer_ids))
                 .execution_options(yield_per=BATCH))
        return [tuple(row) for row in self.session.execute(query)]

    def mark_not_holding(self, period: str, at: datetime, *,
                         rule_ids: Sequence[str] | None = None,
                         customer_ids: Sequence[str] | None = None) -> None:
        """Every live alert last evaluated at or before `period` (of `rule_ids` and
        `customer_ids` when given) reads as not holding for `period` (the alerts that still
        hold are set back by `update_many`)."""
        scope = sa.and_(_of(customer_ids), sa.true() if rule_ids is None
                        else Alert.rule_id.in_(list(rule_ids)))
        self.session.execute(
            sa.update(Alert)
            .where(Alert.state.in_(LIVE_ALERT_STATES), Alert.last_period <= period,
                   Alert.holds.is_(True), scope)
            .values(holds=False, updated_at=at)
            .execution_options(synchronize_session=False))
        self.session.execute(
            sa.update(Alert)
            .where(Alert.state.in_(LIVE_ALERT_STATES), Alert.last_period < period, scope)
            .values(last_period=period)
            .execution_options(synchronize_session=False))

    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert alerts in batches (one multi-row INSERT each)."""
        for start in range(0, len(rows), BATCH):
            self.session.execute(sa.insert(Alert), list(rows[start:start + BATCH]))

    def update_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Update alerts by id in batches (each row a dict with `id` and the new values)."""
        for start in range(0, len(rows), BATCH):
            self.session.execute(sa.update(Alert), list(rows[start:start + BATCH]),
                                 execution_options={"synchronize_session": False})

    def escalate_due(self, now: datetime) -> list[Alert]:
        """Stamp `escalated_at` on every open alert due for escalation; the alerts stamped."""
        due = list(self.session.scalars(
            sa.select(Alert).where(Alert.state == "open", Alert.escalated_at.is_(None),
                                   Alert.escalate_at <= now).order_by(Alert.id)))
        if due:
            self.session.execute(
                sa.update(Alert).where(Alert.id.in_([a.id for a in due]))
                .values(escalated_at=now).execution_options(synchronize_session=False))
            for alert in due:
                self.session.refresh(alert)
        return due

    def transition(self, alert_id: int, from_states: tuple[str, ...], **values: object) -> bool:
        """Set `values` only if the alert's state is still one of `from_states` (one
        conditional UPDATE); True when this call made the change. The copy is refreshed."""
        result = self.session.execute(
            sa.update(Alert).where(Alert.id == alert_id, Alert.state.in_(from_states))
            .values(**values).execution_options(synchronize_session=False))
        alert = self.session.get(Alert, alert_id)
        if alert is not None:
            self.session.refresh(alert)
        return getattr(result, "rowcount", 0) == 1

    def list(self, *, now: datetime, state: str | None = None, severity: str | None = None,
             period: str | None = None, customer_id: str | None = None,
             rm_ids: Sequence[str] | None = None, sub_branches: Sequence[str] | None = None,
             team_head: bool = False, limit: int | None = None) -> list[Alert]:
        """Alerts newest first. `rm_ids` / `sub_branches` restrict to those customers (None:
        no restriction); `team_head` keeps those addressed to a team head or escalated by
        `now`; `period` keeps those alive in that period."""
        query = sa.select(Alert).order_by(Alert.id.desc())
        if state is not None:
            query = query.where(Alert.state == state)
        if severity is not None:
            query = query.where(Alert.severity == severity)
        if period is not None:
            query = query.where(Alert.first_period <= period, Alert.last_period >= period)
        if customer_id is not None:
            query = query.where(Alert.customer_id == customer_id)
        scope = []
        if rm_ids is not None:
            scope.append(Alert.rm_id.in_(list(rm_ids)))
        if sub_branches is not None:
            scope.append(Alert.sub_branch.in_(list(sub_branches)))
        if scope:
            query = query.where(sa.or_(*scope))
        if team_head:
            query = query.where(sa.or_(
                Alert.assignee == "team_head", Alert.escalated_at.is_not(None),
                (Alert.state == "open") & (Alert.escalate_at <= now)))
        if limit is not None:
            query = query.limit(limit)
        return list(self.session.scalars(query))

    def period_counts(self, period: str, by: str) -> dict[str, Sequence[Any]]:
        """Per tier or RM (`by`: tier or rm) of the alerts first raised in `period`: raised,
        resolved, resolved by the escalation time, dismissed and still live (open or
        acknowledged). One aggregate query: the alerts themselves stay in the database."""
        key = {"tier": Alert.tier, "rm": Alert.rm_id}[by]
        resolved = Alert.state == "resolved"
        in_time = sa.and_(resolved, Alert.closed_at.is_not(None),
                          Alert.closed_at <= Alert.escalate_at)
        query = (sa.select(
            key.label("key"), sa.func.count(),
            sa.func.sum(sa.case((resolved, 1), else_=0)),
            sa.func.sum(sa.case((in_time, 1), else_=0)),
            sa.func.sum(sa.case((Alert.state == "dismissed", 1), else_=0)),
            sa.func.sum(sa.case((Alert.state.in_(LIVE_ALERT_STATES), 1), else_=0)))
            .where(Alert.first_period == period).group_by(key).order_by(key))
        names = ("key", "raised", "resolved", "resolved_in_time", "dismissed", "open")
        rows = self.session.execute(query).all()
        return {name: [row[i] for row in rows] for i, name in enumerate(names)}


def _of(customer_ids: Sequence[str] | None) -> sa.ColumnElement[bool]:
    """Alerts of `customer_ids` (every alert when None)."""
    return sa.true() if customer_ids is None else Alert.customer_id.in_(list(customer_ids))

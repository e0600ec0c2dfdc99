"""Dynamics alerts (动态跟踪): evaluated at every close, then acknowledged, resolved or dismissed.

A close evaluates the workspace's rule library (`standards/alerts.yaml`, else the shipped one)
in the engine over the period's customer snapshot and published tiers; the alerts that fire are
matched to the live ones (one open or acknowledged alert per rule and customer): new ones are
inserted in bulk, live ones updated, live ones whose condition no longer holds are kept (marked
as not holding) until someone resolves or dismisses them. An open alert not acknowledged within
its severity's hours is escalated to the team head (stamped at each close, read at each list).
Every change is in the audit log: a summary entry per evaluation, one entry per escalation and
per decision. Times are UTC; "now" is the injectable `clock`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from corptier.crm import alert_states as states
from corptier.crm.alert_evaluation import fired_alerts
from corptier.crm.alert_facts import alert_frame
from corptier.crm.alert_rules import (
    FILE_NAME,
    SEVERITIES,
    AlertRules,
    default_alert_rules_path,
    load_alert_rules,
)
from corptier.errors import AuthenticationError, NotFoundError, RequestError, StandardError
from corptier.periods import Period
from corptier.services.access import DataScope, principal
from corptier.services.overrides import AuditEntry
from corptier.services.published import published_run_record, standard_of
from corptier.services.recovery import writing
from corptier.services.users import acting_name
from corptier.store import UnitOfWork
from corptier.store.models import Alert
from corptier.tiering.conditions import condition_names
from corptier.workspace import CUSTOMER_INDICATORS, PUBLISHED_TIERS, Workspace

if TYPE_CHECKING:
    import pandas as pd

Clock = Callable[[], datetime]
SUMMARY_ENTITY = "alerts"
BATCH_ROWS = 50_000


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AlertView:
    """An alert as stored, with whether it is escalated at the moment it was read."""

    id: int
    rule_id: str
    customer_id: str
    state: str
    severity: str
    assignee: str
    tier: str | None
    rm_id: str | None
    sub_branch: str | None
    title_zh: str
    title_en: str
    facts: str
    """The values the rule's condition read at the last close it held (`name=value; …`)."""
    first_period: str
    last_period: str
    holds: bool
    """Whether the condition still held at the last close."""
    raised_at: datetime
    escalate_at: datetime
    escalated: bool
    escalated_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    closed_by: str | None
    closed_at: datetime | None
    note: str | None

    def title(self, lang: str) -> str:
        return self.title_zh if lang.startswith("zh") else self.title_en


@dataclass(frozen=True)
class AlertEvaluation:
    """What one evaluation did: alerts raised, updated, no longer holding, escalated."""

    period: str
    rules_id: str
    rules_version: str
    raised: int
    updated: int
    no_longer_holding: int
    escalated: int


# --- rules -------------------------------------------------------------------------------------
def alert_rules_path(ws: Workspace, path: Path | str | None = None) -> Path:
    """`path`, else the workspace's `standards/alerts.yaml`, else the shipped rule library."""
    if path is not None:
        return Path(path)
    own = ws.standards_dir / FILE_NAME
    return own if own.is_file() else default_alert_rules_path()


def alert_rules(ws: Workspace, path: Path | str | None = None) -> AlertRules:
    """The rule library a close evaluates (see `alert_rules_path`)."""
    return load_alert_rules(alert_rules_path(ws, path))


def validate_alert_rules(path: Path | str) -> AlertRules:
    """Check an alert rules file; AlertRulesError names each problem's file, line and field."""
    return load_alert_rules(path)


# --- evaluation --------------------------------------------------------------------------------
def evaluate_alerts(ws: Workspace, period: str, *, rules_path: Path | str | None = None,
                    clock: Clock = utc_now, after_close: bool = False,
                    by: str = "system") -> AlertEvaluation:
    """Evaluate the alert rules on closed `period`: raise, update, escalate (idempotent).
    `by` is who the audit log names (the closing user when a close calls it)."""
    p = Period(period)
    now = _naive(clock())
    if not after_close and by != "system":
        by = acting_name(ws, by, "--by")
    try:
        rules = alert_rules(ws, rules_path)
    except StandardError as exc:
        if not after_close:
            raise
        raise StandardError("period {period} is published, but its alerts were not evaluated: "
                            "{error}\ncorrect the alert rules and run 'corptier alerts evaluate "
                            "--period {period}'", period=p, error=exc) from None
    with writing(ws, f"alerts {p}"):  # one evaluation at a time (a close already holds it)
        return _evaluate(ws, p, rules, now, by)


@dataclass(frozen=True)
class Scope:
    """An evaluation of some customers only (after an archive edit): the archive's facts as
    of `as_of` instead of the period end; only the alerts of these rules and customers move."""

    customer_ids: tuple[str, ...]
    as_of: date


def _evaluate(ws: Workspace, p: Period, rules: AlertRules, now: datetime,
              by: str, scope: Scope | None = None) -> AlertEvaluation:
    fired = _fired(ws, p, rules, scope)
    ids = [r.id for r in rules.enabled]
    customers = None if scope is None else list(scope.customer_ids)
    with UnitOfWork(ws.db) as uow:
        known = _known_table(uow.alerts.known(ids, p, customers))
        if scope is None:
            uow.alerts.mark_not_holding(p, now)
        else:
            uow.alerts.mark_not_holding(p, now, rule_ids=ids, customer_ids=customers)
        holding = known.filter(pc.and_(pc.fill_null(pc.is_in(known["state"],
                                                             pa.array(states.LIVE)), False),
                                       known["holds"]))
        no_longer = holding.join(fired, ["rule_id", "customer_id"], join_type="left anti")
        matched = fired.join(known.drop_columns(["holds"]), ["rule_id", "customer_id"],
                             join_type="left outer")
        new = matched.filter(pc.is_null(matched["id"]))
        live = pc.is_in(matched["state"], pa.array(states.LIVE))
        current = pc.less_equal(matched["last_period"], pa.scalar(str(p)))
        again = matched.filter(pc.and_(pc.fill_null(live, False), pc.fill_null(current, False)))
        uow.alerts.update_many([_updated(row, p, now, rules) for row in again.to_pylist()])
        uow.alerts.add_many([_raised(row, p, now, rules) for row in new.to_pylist()])
        escalated = uow.alerts.escalate_due(now) if scope is None else []
        for alert in escalated:
            uow.audit.record(now, "system", "escalate", states.ENTITY, str(alert.id),
                             after=_snapshot(alert))
        result = AlertEvaluation(p, rules.id, rules.version, new.num_rows, again.num_rows,
                                 no_longer.num_rows, len(escalated))
        summary = {"rules": rules.id, "version": rules.version, "raised": result.raised,
                   "updated": result.updated, "no_longer_holding": result.no_longer_holding,
                   "escalated": result.escalated}
        if scope is not None:
            summary.update(rule_ids=ids, customers=list(scope.customer_ids),
                           as_of=scope.as_of.isoformat())
        uow.audit.record(now, by, "evaluate", SUMMARY_ENTITY, str(p), after=summary)
    return result


def _fired(ws: Workspace, p: Period, rules: AlertRules, scope: Scope | None = None
           ) -> pa.Table:
    """The (rule, customer) pairs that fire on `p` (of the scope's customers), computed by
    the engine."""
    from corptier.engine import connect
    from corptier.services.alert_archive import archive_tables

    with UnitOfWork(ws.db) as uow:
        standard = standard_of(published_run_record(uow, p))
        previous_run = uow.runs.published(p.shift(-1))
    used = {n for rule in rules.enabled for n in condition_names(rule.when)}
    archive = archive_tables(ws, p, list(standard.tier_codes), used,
                             as_of=None if scope is None else scope.as_of,
                             customer_ids=None if scope is None else scope.customer_ids)
    previous = ws.partition_file(CUSTOMER_INDICATORS, p.shift(-1))
    previous_tiers = ws.partition_file(PUBLISHED_TIERS, p.shift(-1))
    with connect(ws) as con:
        indicators = con.read_parquet(ws.partition_file(CUSTOMER_INDICATORS, p))
        if scope is not None:
            indicators = indicators.filter(
                indicators.customer_id.cast("string").isin(list(scope.customer_ids)))
        frame = alert_frame(
            indicators,
            con.read_parquet(ws.partition_file(PUBLISHED_TIERS, p)),
            con.read_parquet(previous) if previous.is_file() else None,
            con.read_parquet(previous_tiers)
            if previous_run is not None and previous_tiers.is_file() else None,
            standard.tier_codes, archive)
        expr = fired_alerts(frame, rules)
        if expr is None:
            return _empty_fired()
        table = con.batches(expr, BATCH_ROWS).read_all()
    return table.cast(_empty_fired().schema)


def _empty_fired() -> pa.Table:
    names = ("rule_id", "customer_id", "tier", "rm_id", "sub_branch", "severity", "facts")
    return pa.table({n: pa.array([], pa.string()) for n in names})


def _known_table(rows: list[tuple[Any, ...]]) -> pa.Table:
    columns: list[tuple[Any, ...]] = (list(zip(*rows, strict=True)) if rows
                                      else [()] * 8)
    return pa.table({"id": pa.array(columns[0], pa.int64()),
                     "rule_id": pa.array(columns[1], pa.string()),
                     "customer_id": pa.array(columns[2], pa.string()),
                     "state": pa.array(columns[3], pa.string()),
                     "last_period": pa.array(columns[4], pa.string()),
                     "holds": pa.array(columns[5], pa.bool_()),
                     "raised_at": pa.array(columns[6], pa.timestamp("us")),
                     "escalate_at": pa.array(columns[7], pa.timestamp("us"))})


def _updated(row: dict[str, Any], p: Period, now: datetime, rules: AlertRules) -> dict[str, Any]:
    """A live alert found again: new facts; escalated sooner if its severity rose."""
    due = row["raised_at"] + timedelta(hours=rules.escalation_hours[row["severity"]])
    return {"id": row["id"], "holds": True, "last_period": str(p), "updated_at": now,
            "escalate_at": min(row["escalate_at"], due),
            "severity": row["severity"], "tier": row["tier"], "rm_id": row["rm_id"],
            "sub_branch": row["sub_branch"], "facts": row["facts"]}


def _raised(row: dict[str, Any], p: Period, now: datetime, rules: AlertRules) -> dict[str, Any]:
    rule = rules.rule(row["rule_id"])
    assert rule is not None  # fired by one of `rules`
    return {"rule_id": rule.id, "customer_id": row["customer_id"], "state": "open",
            "severity": row["severity"], "assignee": rule.assignee, "tier": row["tier"],
            "rm_id": row["rm_id"], "sub_branch": row["sub_branch"],
            "title_zh": rule.description_zh, "title_en": rule.description_en,
            "facts": row["facts"], "first_period": str(p), "last_period": str(p),
            "holds": True, "raised_at": now, "updated_at": now,
            "escalate_at": now + timedelta(hours=rules.escalation_hours[row["severity"]]),
            "escalated_at": None, "acknowledged_by": None, "acknowledged_at": None,
            "closed_by": None, "closed_at": None, "note": None}


# --- reading -----------------------------------------------------------------------------------
def list_alerts(ws: Workspace, *, mine: str | None = None, state: str | None = None,
                severity: str | None = None, period: str | None = None,
                customer_id: str | None = None, scope: DataScope | None = None,
                limit: int | None = None, clock: Clock = utc_now) -> list[AlertView]:
    """Alerts newest first, filtered. `mine` is a user name: an RM's alerts of their customers,
    a team head's alerts of their team addressed to them or escalated. `scope` restricts to a
    data scope (the web app's book scope)."""
    states.check_filter(state, states.STATES, "state")
    states.check_filter(severity, SEVERITIES, "severity")
    now = _naive(clock())
    rm_ids, branches = _scope_filter(scope)
    team_head = False
    if mine is not None:
        mine_ids, team_head = _mine(ws, mine)
        rm_ids = mine_ids if rm_ids is None else sorted(set(rm_ids) & set(mine_ids))
    with UnitOfWork(ws.db) as uow:
        found = uow.alerts.list(now=now, state=state, severity=severity,
                                period=None if period is None else Period(period),
                                customer_id=customer_id, rm_ids=rm_ids, sub_branches=branches,
                                team_head=team_head, limit=limit)
        return [_view(a, now) for a in found]


ALERT_COUNT_BY = ("tier", "rm")


def alert_counts(ws: Workspace, period: str, by: str = "tier") -> pd.DataFrame:
    """Alerts first raised in `period` per tier or RM (a pandas frame): raised, resolved,
    resolved within the escalation time, dismissed, still open, and the in-time share of the
    resolved (empty while none is resolved)."""
    import pandas as pd

    if by not in ALERT_COUNT_BY:
        raise RequestError("unknown grouping '{by}'; use one of {groupings}", by=by,
                           groupings=", ".join(ALERT_COUNT_BY))
    p = Period(period)
    with UnitOfWork(ws.db) as uow:
        columns = uow.alerts.period_counts(p, by)
    frame = pd.DataFrame(columns).rename(columns={"key": by})
    for name in ("raised", "resolved", "resolved_in_time", "dismissed", "open"):
        frame[name] = frame[name].fillna(0).astype("int64")
    frame["in_time_share"] = frame["resolved_in_time"] / frame["resolved"].where(
        frame["resolved"] > 0)
    return frame


def get_alert(ws: Workspace, alert_id: int, *, clock: Clock = utc_now) -> AlertView:
    with UnitOfWork(ws.db) as uow:
        return _view(_get(uow, alert_id), _naive(clock()))


def alert_history(ws: Workspace, alert_id: int) -> list[AuditEntry]:
    """The audit entries of one alert, oldest first."""
    with UnitOfWork(ws.db) as uow:
        _get(uow, alert_id)
        return [AuditEntry(r.at, r.actor, r.action, r.before, r.after)
                for r in uow.audit.for_entity(states.ENTITY, str(alert_id))]


def _scope_filter(scope: DataScope | None) -> tuple[list[str] | None, list[str] | None]:
    """The RM ids and sub-branches a scope restricts to (None: no restriction)."""
    if scope is None or scope.bank_wide:
        return None, None
    if scope.empty:
        return [], None
    return (list(scope.rm_ids) if scope.rm_ids else None,
            list(scope.sub_branches) if scope.sub_branches else None)


def _mine(ws: Workspace, name: str) -> tuple[list[str], bool]:
    """The RM ids whose alerts are `name`'s and whether they see them as a team head."""
    try:
        who = principal(ws, name)
    except AuthenticationError:
        raise RequestError("--mine: {name} is not an enabled user of this workspace; add users "
                           "and link each RM to their RM id (corptier user grant NAME --role rm "
                           "--rm RM_ID)", name=name) from None
    if who.role == "rm" and who.rm_id:
        return [who.rm_id], False
    if who.role == "team_head":
        return list(who.scope.rm_ids), True
    raise RequestError("--mine: user {name} ({role}) is neither a relationship manager linked to "
                       "an RM id nor a team head; grant them one (corptier user grant)",
                       name=who.name, role=who.role)


# --- decisions ---------------------------------------------------------------------------------
def acknowledge_alert(ws: Workspace, alert_id: int, by: str, note: str | None = None, *,
                      clock: Clock = utc_now) -> AlertView:
    """Acknowledge an open alert (it stops counting towards escalation)."""
    return _act(ws, alert_id, by, note, "acknowledge", clock)


def resolve_alert(ws: Workspace, alert_id: int, by: str, note: str | None, *,
                  clock: Clock = utc_now) -> AlertView:
    """Resolve an open or acknowledged alert; a note saying what was done is required."""
    return _act(ws, alert_id, by, note, "resolve", clock)


def dismiss_alert(ws: Workspace, alert_id: int, by: str, note: str | None, *,
                  clock: Clock = utc_now) -> AlertView:
    """Dismiss an open or acknowledged alert (e.g. a false alarm); a reason is required."""
    return _act(ws, alert_id, by, note, "dismiss", clock)


def _act(ws: Workspace, alert_id: int, by: str, note: str | None, action: str,
         clock: Clock) -> AlertView:
    now = _naive(clock())
    by = acting_name(ws, by, "--by")
    allowed, target = states.ACTIONS[action]
    with UnitOfWork(ws.db) as uow:
        alert = _get(uow, alert_id)
        text = states.check_action(alert.id, alert.state, action, note)
        before = _snapshot(alert)
        values: dict[str, object] = {"state": target}
        if action == "acknowledge":
            values.update(acknowledged_by=by, acknowledged_at=now)
        else:
            values.update(closed_by=by, closed_at=now, note=text)
        if not uow.alerts.transition(alert.id, allowed, **values):
            raise RequestError("alert {id} was {state} by someone else in the meantime; nothing "
                               "was changed", id=alert.id, state=alert.state)
        after = _snapshot(alert)
        if action == "acknowledge" and text is not None:
            after["note"] = text
        uow.audit.record(now, by, action, states.ENTITY, str(alert.id), before=before,
                         after=after)
        return _view(alert, now)


def _get(uow: UnitOfWork, alert_id: int) -> Alert:
    alert = uow.alerts.get(alert_id)
    if alert is None:
        raise NotFoundError("alert {id} does not exist", id=alert_id)
    return alert


def _snapshot(alert: Alert) -> dict[str, Any]:
    return {"rule_id": alert.rule_id, "customer_id": alert.customer_id, "state": alert.state,
            "severity": alert.severity, "rm_id": alert.rm_id, "note": alert.note,
            "escalated_at": None if alert.escalated_at is None
            else alert.escalated_at.isoformat()}


def _view(a: Alert, now: datetime) -> AlertView:
    escalated = a.escalated_at is not None or (a.state == "open" and a.escalate_at <= now)
    return AlertView(
        id=a.id, rule_id=a.rule_id, customer_id=a.customer_id, state=a.state,
        severity=a.severity, assignee=a.assignee, tier=a.tier, rm_id=a.rm_id,
        sub_branch=a.sub_branch, title_zh=a.title_zh, title_en=a.title_en, facts=a.facts,
        first_period=a.first_period, last_period=a.last_period, holds=bool(a.holds),
        raised_at=a.raised_at, escalate_at=a.escalate_at, escalated=escalated,
        escalated_at=a.escalated_at, acknowledged_by=a.acknowledged_by,
        acknowledged_at=a.acknowledged_at, closed_by=a.closed_by, closed_at=a.closed_at,
        note=a.note)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment

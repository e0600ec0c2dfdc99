"""The report's relationship-management sections (issues #13 and #14), assembled from the
services that own them: dynamics alerts, service delivery, relationship managers, needs
surveys and the archive's completeness. Only aggregates reach Python: each service sums its
customers in SQL or the engine.
"""

from __future__ import annotations

import pandas as pd

from corptier.errors import NotFoundError
from corptier.periods import Period
from corptier.report.model import Relationship, SurveySection
from corptier.services.alerts import alert_counts
from corptier.services.campaign_results import ResultGroup, survey_results
from corptier.services.report_recommendations import recommendation_sections
from corptier.services.report_staff import staff_portfolios
from corptier.services.service_tasks import planned_tasks, service_kpis
from corptier.services.staff import staff_roster, staff_rules_path, training_gaps
from corptier.services.surveys import list_campaigns
from corptier.workspace import Workspace

GAP_ACTIONS = ("assign", "reassign", "train", "renew")
SURVEY_COLUMNS = ["tier", "targeted", "responded", "response_rate", "satisfaction", "nps"]


def relationship_sections(ws: Workspace, period: Period, lang: str,
                          tier_order: tuple[str, ...]) -> Relationship:
    """The four sections of `period`; a section whose source is empty stays None (or no
    survey), which the report shows as one "no data" line."""
    alerts_by_tier = _nonempty(_in_order(alert_counts(ws, period, "tier"), "tier", tier_order))
    staff, over, gaps = _staff(ws, period, tier_order)
    return Relationship(
        alerts_by_tier=alerts_by_tier,
        alerts_by_rm=None if alerts_by_tier is None else alert_counts(ws, period, "rm"),
        service_by_tier=_service(ws, period, tier_order),
        staff=staff, over_capacity=over, coverage_gaps=gaps,
        surveys=_surveys(ws, period, lang, tier_order),
        completeness=_completeness(ws, period, tier_order),
        **staff_portfolios(ws, period),
        **recommendation_sections(ws, period),
    )


def _completeness(ws: Workspace, period: Period, order: tuple[str, ...]
                  ) -> dict[str, pd.DataFrame] | None:
    """The average completeness score per tier (in the standard's order), RM and sub-branch;
    None when the period has no customers loaded. Invalid rules still raise their error."""
    from corptier.services.completeness import completeness_groups

    try:
        groups = completeness_groups(ws, period)
    except NotFoundError:
        return None
    return groups | {"tier": _in_order(groups["tier"], "tier", order)}


def _nonempty(frame: pd.DataFrame) -> pd.DataFrame | None:
    return frame if len(frame) else None


def _in_order(frame: pd.DataFrame, column: str, order: tuple[str, ...]) -> pd.DataFrame:
    """Rows in the standard's tier order; tiers it does not know (and none) after them."""
    rank = {t: i for i, t in enumerate(order)}
    key = frame[column].map(lambda t: rank.get(t, len(rank))) if len(frame) else frame[column]
    return frame.assign(_rank=key).sort_values(["_rank", column], na_position="last",
                                               kind="stable").drop(columns="_rank") \
        .reset_index(drop=True)


def _service(ws: Workspace, period: Period, order: tuple[str, ...]) -> pd.DataFrame | None:
    """Per tier: the tasks this period's close planned, and the delivery of those due in the
    period (service_kpis); None when there are neither."""
    due = service_kpis(ws, period, "tier")
    frame = planned_tasks(ws, period).merge(due, on="tier", how="outer")
    counts = ["planned", "tasks", "done", "on_time", "due", "overdue"]
    frame[counts] = frame[counts].fillna(0).astype("int64")
    return _nonempty(_in_order(frame, "tier", order))


def _staff(ws: Workspace, period: Period, order: tuple[str, ...]
           ) -> tuple[dict | None, pd.DataFrame | None, pd.DataFrame | None]:
    """Totals, RMs over capacity and coverage gaps by tier; all None without staff rules or
    without a roster (or customers) for the period. Invalid rules still raise their error."""
    if not staff_rules_path(ws).is_file():
        return None, None, None
    try:
        roster = staff_roster(ws, period)
        gaps = training_gaps(ws, period)
    except NotFoundError:
        return None, None, None
    over = pd.DataFrame(
        [(r.rm_id, r.name, r.grade, r.customers, r.load, r.capacity, r.utilisation)
         for r in roster.rows if r.over_capacity],
        columns=["rm_id", "name", "grade", "customers", "load", "capacity", "utilisation"])
    counts: dict[str, dict[str, int]] = {}
    for g in gaps.gaps:
        by_action = counts.setdefault(g.tier, dict.fromkeys(GAP_ACTIONS, 0))
        by_action[g.action] = by_action.get(g.action, 0) + g.customers
    by_tier = _in_order(pd.DataFrame([{"tier": t, **c} for t, c in counts.items()],
                                     columns=["tier", *GAP_ACTIONS]), "tier", order)
    totals = {"customers": gaps.customers, "eligible": gaps.eligible,
              "ineligible": gaps.ineligible, "unassigned": gaps.unassigned,
              "expiring": gaps.expiring, "rms": len(roster.rows)}
    return totals, over, by_tier


def _surveys(ws: Workspace, period: Period, lang: str, order: tuple[str, ...]
             ) -> tuple[SurveySection, ...]:
    """One section per campaign of the period: its groups by tier, then its total."""
    out = []
    for campaign in list_campaigns(ws, str(period)):
        results = survey_results(ws, campaign.id, lang=lang)
        groups = [*results.by.get("tier", ()), results.total]
        frame = pd.DataFrame([_survey_row(g) for g in groups], columns=SURVEY_COLUMNS)
        tiers = _in_order(frame[frame["tier"].notna()], "tier", order)
        out.append(SurveySection(campaign.name, pd.concat(
            [tiers, frame[frame["tier"].isna()]], ignore_index=True)))
    return tuple(out)


def _survey_row(g: ResultGroup) -> list:
    return [g.key, g.targeted, g.responded, g.response_rate, g.satisfaction, g.nps]

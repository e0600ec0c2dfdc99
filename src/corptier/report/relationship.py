"""The relationship-management sections as tables of raw values with a format kind per column,
which the HTML report formats and the workbook writes as numbers: dynamics alerts, service
delivery, relationship managers and needs surveys (issues #13 and #14)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from corptier.i18n import N_, Translator
from corptier.report.model import ReportData

NOT_RECORDED = N_("(not recorded)")
LIFT_USEFUL = 1.1
"""Below this lift the report says the recommendations do not beat the popularity baseline."""
TITLES = {
    "alerts": N_("Dynamics alerts"),
    "service": N_("Service delivery"),
    "staff": N_("Relationship managers"),
    "portfolios": N_("Relationship managers' portfolios"),
    "recommendations": N_("Product recommendations"),
    "surveys": N_("Needs surveys"),
    "completeness": N_("Archive completeness"),
}
EMPTY = {
    "alerts": N_("No dynamics alert was raised in this period."),
    "service": N_("No service-plan task was planned by this close or falls due in this "
                  "period."),
    "staff": N_("No staff rules or no roster of relationship managers for this period."),
    "surveys": N_("No answer has been recorded for this campaign yet."),
    "completeness": N_("No customers are loaded for this period."),
    "recommendations": N_("No recommendation: the period's indicators lack the product "
                          "holdings the recommendation settings name."),
}


@dataclass(frozen=True)
class Grid:
    """One table: a key (the workbook's table name), a title, (label, kind) columns, rows."""

    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[list[object]] = field(default_factory=list)


@dataclass(frozen=True)
class Part:
    """One section: its title, sentences, tables, and the line shown when it has no data."""

    key: str
    title: str
    lines: list[str] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    empty: str | None = None


def relationship_parts(data: ReportData, t: Translator) -> list[Part]:
    """The sections in reading order; needs surveys only when a campaign exists."""
    parts = [_alerts(data, t), _service(data, t), _staff(data, t), portfolio_part(data, t),
             recommendations_part(data, t)]
    rel = data.relationship
    for survey in rel.surveys:
        parts.append(_survey(survey.campaign, survey.by_tier, t))
    parts.append(_completeness(data, t))
    return parts


def _completeness(data: ReportData, t: Translator) -> Part:
    groups = data.relationship.completeness
    title = t(TITLES["completeness"])
    if groups is None:
        return Part("completeness", title, empty=t(EMPTY["completeness"]))
    names = data.group_labels.get("rm_id", {})
    labels = {"tier": lambda x: _tier(x, t),
              "rm": lambda x: t(NOT_RECORDED) if x is None else names.get(x, str(x)),
              "sub_branch": lambda x: t(NOT_RECORDED) if x is None else str(x)}
    heads = {"tier": (t("Tier"), t("Archive completeness by tier")),
             "rm": (t("Relationship manager"), t("Archive completeness by RM")),
             "sub_branch": (t("Sub-branch"), t("Archive completeness by sub-branch"))}
    grids = []
    for by, frame in groups.items():
        head, grid_title = heads[by]
        grids.append(Grid(f"completeness_{by}", grid_title, [
            (head, "text"), (t("Customers"), "count"), (t("Average score"), "number"),
            (t("Complete archives"), "count")],
            [[labels[by](r[by]), int(r["customers"]), r["average"], int(r["complete"])]
             for r in frame.to_dict("records")]))
    line = t("The archive's completeness score (0–100) per customer of %(period)s: the "
             "profile fields, a verified contact for each role its tier requires, a visit "
             "within the tier's visit cadence and a survey answer within the months set in "
             "standards/completeness.yaml; each item that applies counts the same.") % {
        "period": data.period}
    return Part("completeness", title, [line], grids)


ALERT_COUNTS = ("raised", "resolved", "resolved_in_time", "dismissed", "open")


def _alert_columns(t: Translator, first: str) -> list[tuple[str, str]]:
    return [(first, "text"), (t("Raised"), "count"), (t("Resolved"), "count"),
            (t("Resolved within the escalation time"), "count"), (t("Dismissed"), "count"),
            (t("Still open"), "count"), (t("Resolved in time / resolved"), "share")]


def _alert_rows(frame: pd.DataFrame, key: str, label) -> list[list[object]]:
    rows = [[label(r[key]), *[int(r[c]) for c in ALERT_COUNTS], r["in_time_share"]]
            for r in frame.to_dict("records")]
    totals = frame[list(ALERT_COUNTS)].sum()
    resolved = int(totals["resolved"])
    rows.append([None, *[int(totals[c]) for c in ALERT_COUNTS],
                 totals["resolved_in_time"] / resolved if resolved else None])
    return rows


def _alerts(data: ReportData, t: Translator) -> Part:
    rel = data.relationship
    title = t(TITLES["alerts"])
    if rel.alerts_by_tier is None:
        return Part("alerts", title, empty=t(EMPTY["alerts"]))
    names = data.group_labels.get("rm_id", {})
    by_tier = _alert_rows(rel.alerts_by_tier, "tier", lambda x: _tier(x, t))
    by_tier[-1][0] = t("Total")
    grids = [Grid("alerts_tier", t("Alerts by tier"), _alert_columns(t, t("Tier")), by_tier)]
    if rel.alerts_by_rm is not None and len(rel.alerts_by_rm):
        by_rm = _alert_rows(rel.alerts_by_rm, "rm",
                            lambda x: t(NOT_RECORDED) if x is None else names.get(x, str(x)))
        by_rm[-1][0] = t("Total")
        grids.append(Grid("alerts_rm", t("Alerts by relationship manager"),
                          _alert_columns(t, t("Relationship manager")), by_rm))
    line = t("Alerts first raised in %(period)s and where they stand now; resolved within the "
             "escalation time means closed as resolved before the alert was due to escalate "
             "to the team head.") % {"period": data.period}
    return Part("alerts", title, [line], grids)


def _service(data: ReportData, t: Translator) -> Part:
    rel = data.relationship
    title = t(TITLES["service"])
    frame = rel.service_by_tier
    if frame is None:
        return Part("service", title, empty=t(EMPTY["service"]))
    counts = data.tier_counts
    columns = [(t("Tier"), "text"), (t("Customers"), "count"), (t("Tasks planned"), "count"),
               (t("Tasks planned per customer"), "number"), (t("Tasks due"), "count"),
               (t("Done"), "count"), (t("Done on time"), "count"), (t("Overdue"), "count"),
               (t("Plan completion"), "share"), (t("SLA compliance"), "share")]
    rows: list[list[object]] = []
    for r in frame.to_dict("records"):
        customers = int(counts.get(r["tier"], 0)) if isinstance(r["tier"], str) else None
        rows.append([_tier(r["tier"], t), customers, int(r["planned"]),
                     r["planned"] / customers if customers else None, int(r["tasks"]),
                     int(r["done"]), int(r["on_time"]), int(r["overdue"]), r["completion"],
                     r["sla_compliance"]])
    line = t("By the customer's tier: the service-plan tasks the close of %(period)s planned "
             "(higher tiers should get more per customer), and the delivery of the tasks due "
             "in %(period)s: plan completion = done / due tasks, SLA compliance = done on time "
             "/ tasks done or past due.") % {"period": data.period}
    return Part("service", title, [line],
                [Grid("service_tier", t("Service delivery by tier"), columns, rows)])


def _staff(data: ReportData, t: Translator) -> Part:
    rel = data.relationship
    title = t(TITLES["staff"])
    if rel.staff is None:
        return Part("staff", title, empty=t(EMPTY["staff"]))
    s = rel.staff
    lines = [t("%(rms)s relationship managers; of %(customers)s customers, %(eligible)s are "
               "served by an RM eligible for their tier, %(ineligible)s by an RM who is not, "
               "and %(unassigned)s by no RM on the roster.") % {
        k: t.count(v) for k, v in s.items()}]
    grids = []
    over = rel.over_capacity
    if over is None or not len(over):
        lines.append(t("No relationship manager is over capacity."))
    else:
        grids.append(Grid("rm_over_capacity", t("Relationship managers over capacity"),
                          [(t("Relationship manager"), "text"), (t("Name"), "text"),
                           (t("Grade"), "text"), (t("Customers"), "count"),
                           (t("Weighted load"), "number"), (t("Capacity"), "count"),
                           (t("Utilisation"), "share")],
                          [[r["rm_id"], r["name"], r["grade"], int(r["customers"]), r["load"],
                            r["capacity"], r["utilisation"]] for r in over.to_dict("records")]))
    gaps = rel.coverage_gaps
    if gaps is None or not len(gaps):
        lines.append(t("Every customer is served by an RM eligible for their tier."))
    else:
        grids.append(Grid("coverage_gaps", t("Coverage gaps by tier"), [
            (t("Tier"), "text"), (t("No RM on the roster"), "count"),
            (t("RM grade below the tier's"), "count"), (t("Certification missing"), "count"),
            (t("Certification expiring"), "count")],
            [[_tier(r["tier"], t), *[int(r[a]) for a in ("assign", "reassign", "train",
                                                        "renew")]]
             for r in gaps.to_dict("records")]))
    return Part("staff", title, lines, grids)


def portfolio_part(data: ReportData, t: Translator) -> Part:
    """Each RM's portfolio: book, load against capacity, tier migration of the book,
    contribution growth of the same customers, task SLA and NPS (services.rm_portfolio)."""
    rel = data.relationship
    title = t(TITLES["portfolios"])
    frame = rel.portfolios
    if frame is None:
        return Part("portfolios", title, empty=t(EMPTY["staff"]))
    columns = [(t("Relationship manager"), "text"), (t("Name"), "text"),
               (t("Customers"), "count"), (t("Weighted load"), "number"),
               (t("Capacity"), "count"), (t("Utilisation"), "share"),
               (t("Upgraded"), "count"), (t("Downgraded"), "count"), (t("Same tier"), "count"),
               (t("New"), "count"), (t("Contribution"), "money"),
               (t("Contribution growth"), "share"), (t("Tasks due"), "count"),
               (t("SLA compliance"), "share"), (t("NPS answers"), "count"), (t("NPS"), "number")]
    keys = ["rm_id", "name", "customers", "load", "capacity", "utilisation", "upgraded",
            "downgraded", "kept", "new", "contribution", "contribution_growth", "tasks_due",
            "sla", "nps_answers", "nps"]
    rows = [[None if pd.isna(r[k]) else r[k] for k in keys] for r in frame.to_dict("records")]
    base = rel.portfolio_base
    line = (t("Per relationship manager: the book's tier migration against the previous "
              "period; contribution growth compares the contribution of the same customers "
              "with %(base)s; SLA compliance = tasks done on time / tasks due in %(period)s; "
              "NPS of each customer's latest answer.") % {"base": base, "period": data.period}
            if base else
            t("Per relationship manager: the book's tier migration against the previous "
              "period; no earlier contribution to compare with; SLA compliance = tasks done "
              "on time / tasks due in %(period)s; NPS of each customer's latest answer.")
            % {"period": data.period})
    return Part("portfolios", title, [line],
                [Grid("rm_portfolios", t("Portfolio of each relationship manager"), columns,
                      rows)])


def recommendations_part(data: ReportData, t: Translator) -> Part:
    """Next best products by tier (customers with a gap, top categories, expected gain) and
    the backtest's precision and lift, stated as measured, a lift near 1 included."""
    rel = data.relationship
    title = t(TITLES["recommendations"])
    frame = rel.recommendations
    if frame is None:
        return Part("recommendations", title, empty=t(EMPTY["recommendations"]))
    if not len(frame):
        return Part("recommendations", title,
                    [t("No customer has a next best product in this period (every gap lacks "
                       "enough similar customers who hold the product)."),
                     _backtest_line(rel.reco_backtest, t)])
    counts = data.tier_counts
    totals = frame[frame["category"].isna()].set_index("tier")
    rows: list[list[object]] = []
    for tier in [x for x in data.tier_order if x in totals.index]:
        mine = frame[(frame["tier"] == tier) & frame["category"].notna()].sort_values(
            ["customers", "gain", "category"], ascending=[False, False, True]).head(3)
        top = ", ".join(f"{t(label)} ({t.count(n)})"
                        for label, n in zip(mine["label"], mine["customers"], strict=True))
        customers = int(counts.get(tier, 0))
        gap = int(totals["customers"].get(tier, 0))
        rows.append([t.tier(tier), customers, gap, gap / customers if customers else None,
                     top, totals.loc[tier, "gain"]])
    columns = [(t("Tier"), "text"), (t("Customers"), "count"),
               (t("Customers with a recommendation"), "count"), (t("Share"), "share"),
               (t("Top categories (customers)"), "text"), (t("Expected gain"), "money")]
    lines = [t("The next best products of each customer (the top picks of its product gap "
               "among similar customers); the expected gain is the difference of median "
               "contribution between the peers who hold the product and those who do not, "
               "summed over the picks: an indication, not a forecast.")]
    lines.append(_backtest_line(rel.reco_backtest, t))
    return Part("recommendations", title, lines,
                [Grid("recommendations_tier", t("Next best products by tier"), columns, rows)])


def _backtest_line(test: dict | None, t: Translator) -> str:
    if test is None or test["precision"] is None:
        return t("No month up to this period can be backtested yet (a month needs the "
                 "indicator snapshots of the following months).")
    values = {"top": test["top"], "months": t.count(test["months"]),
              "horizon": test["horizon"], "precision": t.share(test["precision"]),
              "popular": t.share(test["popular_precision"]),
              "lift": "–" if test["lift"] is None else t.number(test["lift"]),
              "base": t.share(test["base_rate"])}
    line = t("Backtest over %(months)s months: of the top %(top)s recommendations, "
             "%(precision)s were adopted within %(horizon)s months (precision@%(top)s), "
             "against %(popular)s for the most popular products not held (lift %(lift)s; "
             "base rate %(base)s).") % values
    if test["lift"] is None or test["lift"] < LIFT_USEFUL:
        line += " " + t("The recommendations do not beat offering the most popular products: "
                        "use them as a checklist of the customer's gaps, not as a prediction.")
    return line


def _survey(campaign: str, frame: pd.DataFrame, t: Translator) -> Part:
    title = t("Needs survey: %(campaign)s") % {"campaign": campaign}
    total = frame[frame["tier"].isna()]
    if not len(total) or not int(total["responded"].iloc[0]):
        return Part("surveys", title, empty=t(EMPTY["surveys"]))
    columns = [(t("Tier"), "text"), (t("Customers surveyed"), "count"),
               (t("Responded"), "count"), (t("Response rate"), "share"),
               (t("Satisfaction (1–5)"), "number"), (t("NPS"), "number")]
    rows = [[t("Total") if r["tier"] is None or pd.isna(r["tier"]) else _tier(r["tier"], t),
             int(r["targeted"]), int(r["responded"]), r["response_rate"], r["satisfaction"],
             r["nps"]] for r in frame.to_dict("records")]
    line = t("Satisfaction is the mean of the 1–5 answers; NPS is the share of promoters "
             "(9–10) minus the share of detractors (0–6) among the customers who answered the "
             "0–10 question, in points.")
    return Part("surveys", title, [line], [Grid("survey_tier", t("Survey results by tier"),
                                                columns, rows)])


def _tier(code: object, t: Translator) -> str:
    return t(NOT_RECORDED) if code is None or (isinstance(code, float) and pd.isna(code)) \
        else t.tier(str(code))

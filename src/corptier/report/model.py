"""Everything the report of one period shows, as plain data the renderers take.

Assembled from the workspace by `corptier.services.report_data.build_report_data`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from corptier.evaluation.concentration import Concentration
from corptier.evaluation.findings import Finding
from corptier.evaluation.kpis import KpiSpec
from corptier.evaluation.migration import MigrationMatrix
from corptier.evaluation.psi import PSIResult
from corptier.evaluation.stability import StabilityReport
from corptier.i18n import Translator


@dataclass(frozen=True)
class Comparison:
    """A migration matrix against an earlier period."""

    period: str
    matrix: MigrationMatrix


@dataclass(frozen=True)
class Quarantine:
    """Rejected input rows of the period: counts by table, column and reason, and load runs."""

    by_reason: pd.DataFrame
    """table, column, reason, rows."""
    load_runs: pd.DataFrame
    """table, source, rows_read, rows_accepted, rows_rejected, loaded_at."""
    warnings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["table", "column", "reason", "rows"]))
    """Accepted rows with a consistency warning: table, column, reason, rows."""

    @property
    def rejected(self) -> int:
        return int(self.by_reason["rows"].sum()) if len(self.by_reason) else 0

    @property
    def warned(self) -> int:
        return int(self.warnings["rows"].sum()) if len(self.warnings) else 0


@dataclass(frozen=True)
class SurveySection:
    """One needs-survey campaign of the period: response, satisfaction and NPS by tier."""

    campaign: str
    """The campaign's name."""
    by_tier: pd.DataFrame
    """tier (missing on the total row, last), targeted, responded, response_rate, satisfaction,
    nps."""


@dataclass(frozen=True)
class Relationship:
    """The relationship-management sections: each frame None when its source is empty (no
    alert, no task, no staff rules or roster), so the report says so in one line."""

    alerts_by_tier: pd.DataFrame | None = None
    """tier, raised, resolved, resolved_in_time, dismissed, open, in_time_share."""
    alerts_by_rm: pd.DataFrame | None = None
    """rm, and the same counts."""
    service_by_tier: pd.DataFrame | None = None
    """tier, planned (tasks the period's close planned), and of the tasks due in the period:
    tasks, done, on_time, due, overdue, completion, sla_compliance."""
    staff: dict | None = None
    """customers, eligible, ineligible, unassigned, expiring (training_gaps' totals)."""
    over_capacity: pd.DataFrame | None = None
    """rm_id, name, grade, customers, load, capacity, utilisation of each RM over capacity."""
    coverage_gaps: pd.DataFrame | None = None
    """tier, assign, reassign, train, renew: customers by what closes their gap."""
    completeness: dict[str, pd.DataFrame] | None = None
    """"tier", "rm", "sub_branch" → (that key, customers, average, complete): the archive
    completeness score averaged per group; None when the period has no customers loaded."""
    surveys: tuple[SurveySection, ...] = ()
    portfolios: pd.DataFrame | None = None
    """rm_id, name, customers, load, capacity, utilisation, upgraded, downgraded, kept, new,
    contribution, contribution_growth, tasks_due, sla, nps_answers, nps: one row per RM
    (services.rm_portfolio)."""
    portfolio_base: str | None = None
    """The period the portfolios' contribution growth compares with."""
    recommendations: pd.DataFrame | None = None
    """tier, category (None: the tier's total), customers, gain of the next best products
    (services.recommendations.recommendations_by_tier)."""
    reco_backtest: dict | None = None
    """top, horizon, months, recommendations, hits, precision, popular_precision, lift,
    base_rate of the recommendation backtest up to the period."""


@dataclass(frozen=True)
class ReportData:
    period: str
    lang: str
    workspace_name: str
    tier_order: tuple[str, ...]
    tiers: pd.DataFrame
    """Published tiers of the period joined with name and key indicators."""
    kpis: pd.DataFrame
    specs: list[KpiSpec]
    trend: pd.DataFrame
    concentration: Concentration
    quarantine: Quarantine
    previous: Comparison | None = None
    year_ago: Comparison | None = None
    psi_previous: PSIResult | None = None
    stability: StabilityReport | None = None
    adoption: dict | None = None
    before_after: pd.DataFrame | None = None
    run: dict | None = None
    tier_labels: Mapping[str, str] | None = None
    findings: tuple[Finding, ...] = ()
    hurdle_rate: float | None = None
    money_unit: str = "yuan"
    """yuan, wan (万元) or yi (亿元): `[report] unit`."""
    breakdowns: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    """Dimension → one row per group (evaluation.breakdowns.summarise), every group."""
    breakdowns_top: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    """The same with the top `top_n` groups by contribution and one "others" row."""
    destroyers: pd.DataFrame | None = None
    """Customers with negative contribution (the largest loss first) with their register."""
    group_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Dimension → group code → name shown beside it (industry sections, managers)."""
    top_n: int = 10
    behaviour_model: dict | None = None
    """The close's BG/NBD silent-attrition fit (r, alpha, a, b, n, converged, informative,
    reason; the export's metadata), None when none was fitted."""
    relationship: Relationship = field(default_factory=Relationship)
    """Dynamics alerts, service delivery, relationship managers and needs surveys."""
    generated_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))

    def translator(self) -> Translator:
        """Labels, tier names and number formats of the report's language and money unit."""
        return Translator(self.lang, self.tier_labels, self.money_unit)

    @property
    def tier_counts(self) -> pd.Series:
        return self.tiers["applied_tier"].value_counts().reindex(self.tier_order, fill_value=0)

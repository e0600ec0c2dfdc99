"""Evaluation of tiering: migration, stability, PSI, concentration, calibration, effect KPIs.

Pure functions over pandas frames and arrays; the report sub-package (`corptier.evaluation.report`)
reads the workspace and renders HTML, PDF and Excel.
"""

from corptier.evaluation.backtest import Backtest, backtest
from corptier.evaluation.calibration import (
    METHODS,
    CutoffSuggestion,
    assign_tiers,
    suggest_cutoffs,
)
from corptier.evaluation.compare import Comparison, compare_assignments
from corptier.evaluation.concentration import Concentration, concentration, gini, lorenz_curve
from corptier.evaluation.kpis import (
    KPI_PROVIDERS,
    TOTAL,
    KpiContext,
    KpiProvider,
    KpiSpec,
    before_after,
    kpi_specs,
    kpi_trend,
    kpis_by_tier,
    register_kpi_provider,
)
from corptier.evaluation.migration import EXITED, NEW, MigrationMatrix, migration_matrix
from corptier.evaluation.psi import PSIResult, psi, psi_verdict
from corptier.evaluation.stability import Flapping, StabilityReport, flapping, stability

__all__ = [
    "EXITED",
    "KPI_PROVIDERS",
    "METHODS",
    "NEW",
    "TOTAL",
    "Backtest",
    "Comparison",
    "Concentration",
    "CutoffSuggestion",
    "Flapping",
    "KpiContext",
    "KpiProvider",
    "KpiSpec",
    "MigrationMatrix",
    "PSIResult",
    "StabilityReport",
    "assign_tiers",
    "backtest",
    "before_after",
    "compare_assignments",
    "concentration",
    "flapping",
    "gini",
    "kpi_specs",
    "kpi_trend",
    "kpis_by_tier",
    "lorenz_curve",
    "migration_matrix",
    "psi",
    "psi_verdict",
    "register_kpi_provider",
    "stability",
    "suggest_cutoffs",
]

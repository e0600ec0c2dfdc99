"""The report's staff sub-section (issue #14): each RM's portfolio KPIs from
`services.rm_portfolio`, as a frame of raw values (kept apart from the other
relationship sections so that each grows on its own)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from corptier.errors import NotFoundError
from corptier.periods import Period
from corptier.services.rm_portfolio import staff_portfolio
from corptier.services.staff import staff_rules_path
from corptier.workspace import Workspace

PORTFOLIO_COLUMNS = ["rm_id", "name", "customers", "load", "capacity", "utilisation",
                     "upgraded", "downgraded", "kept", "new", "contribution",
                     "contribution_growth", "tasks_due", "sla", "nps_answers", "nps"]


def staff_portfolios(ws: Workspace, period: Period) -> dict[str, Any]:
    """{portfolios, portfolio_base} of the report's Relationship: None without staff rules or
    a roster for the period."""
    if not staff_rules_path(ws).is_file():
        return {"portfolios": None, "portfolio_base": None}
    try:
        found = staff_portfolio(ws, str(period))
    except NotFoundError:
        return {"portfolios": None, "portfolio_base": None}
    frame = pd.DataFrame([[getattr(r, c) for c in PORTFOLIO_COLUMNS] for r in found.rows],
                         columns=PORTFOLIO_COLUMNS)
    return {"portfolios": frame if len(frame) else None, "portfolio_base": found.base_period}

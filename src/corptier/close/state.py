"""The state a close carries from the last one, and the overrides in force."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from corptier.close.inputs import PreviousClose
from corptier.tiering import Standard
from corptier.tiering.hysteresis import STATE_SCHEMA, state_from_published
from corptier.tiering.overrides import active_overrides
from corptier.workspace import Workspace


def previous_state(previous: PreviousClose | None, standard: Standard) -> pa.Table:
    """Hysteresis state from the last close: the tier hysteresis applied, before any override,
    so that a customer falls back to its own tier when an override expires."""
    if previous is None:
        return STATE_SCHEMA.empty_table()
    rows = [
        {**row, "applied_tier": (row["hysteresis"] or {}).get("tier", row["applied_tier"])}
        for row in previous.rows
    ]
    return state_from_published(rows, standard.tier_codes)


def active_override_tiers(
    ws: Workspace, as_of: date, standard: Standard
) -> dict[str, tuple[int, str]]:
    """Approved, unexpired overrides on `as_of` whose tier the standard knows:
    customer id → (override id, tier code)."""
    found = active_overrides(ws.db, as_of)
    return {
        customer: (o.id, o.tier)
        for customer, o in sorted(found.items())
        if o.tier in standard.tier_codes
    }

"""Policy models shared by the standard and the hysteresis rules (kept here to avoid import cycles).

`HysteresisPolicy` is the `hysteresis:` section of a standard (当期升级，延期降级): upgrades apply
at once; a customer whose computed tier falls below its applied tier keeps the applied tier until
it has been below for `downgrade_after_periods[tier]` consecutive periods, and then moves to
the tier `downgrade_to` names. A cap that fires with `immediate: true` is not buffered (see
`corptier.tiering.hysteresis`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class HysteresisPolicy(BaseModel):
    """When a computed tier change becomes the applied service tier."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    upgrade: Literal["immediate"] = Field(
        "immediate", description="Upgrades take effect in the period they are computed."
    )
    downgrade_after_periods: dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict,
        description=(
            "Per applied tier code: consecutive periods the computed tier must stay below the "
            "applied tier before the downgrade applies (0 or absent = at once)."
        ),
    )
    downgrade_to: Literal["computed", "best_of_last_n"] = Field(
        "computed",
        description=(
            "Where a downgrade lands after the buffer: 'computed' = the tier computed in the "
            "period the downgrade applies; 'best_of_last_n' = the best tier computed during the "
            "N periods below."
        ),
    )

    keep_state_absent_periods: int = Field(
        3, ge=0, le=24,
        description=(
            "A customer absent from the previous close but in one of this many closes before "
            "it has returned: it keeps its hysteresis state and previous tier (migration "
            "'returned') instead of starting afresh as new."
        ),
    )

    def periods_before_downgrade(self, tier: str) -> int:
        """Buffer of a tier; 0 (downgrade at once) when the tier has none."""
        return self.downgrade_after_periods.get(tier, 0)

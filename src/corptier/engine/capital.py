"""Economic capital: the Basel IRB formula for corporate exposures (BCBS CRE31), as a proxy.

K depends on PD, LGD, the asset correlation R (lowered for small and medium firms by their
revenue) and the effective maturity M. K is linear in M: K = k_a + k_b·M. So the normal CDF and
its inverse, which DuckDB and Spark spell differently, are evaluated here (scipy) once per
rating grade and revenue step (a few thousand rows), and the engine only adds k_a × EAD and
k_b × Σ balance × remaining term — exact decimal arithmetic, the same cents on every engine.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr, ndtri

CONFIDENCE = 0.999


def irb_correlation(pd: float, size_adjustment: float = 0.0) -> float:
    """Asset correlation R = 0.12·f + 0.24·(1 − f) + size adjustment (≤ 0),
    f = (1 − e^(−50·PD)) / (1 − e^(−50))."""
    f = (1.0 - math.exp(-50.0 * pd)) / (1.0 - math.exp(-50.0))
    return 0.12 * f + 0.24 * (1.0 - f) + size_adjustment


def sme_size_adjustment(s: float, floor: float, cap: float, reduction: float) -> float:
    """The firm-size adjustment of R for revenue S (in the rule's unit): −reduction × (1 − (S −
    floor) / (cap − floor)) with S below `floor` taken as `floor`; 0 from `cap` on. China's 2023
    capital rules: S in 千万元, floor 3, cap 30, reduction 0.04; Basel: EUR million, 5, 50."""
    if s >= cap:
        return 0.0
    return -reduction * (1.0 - (max(s, floor) - floor) / (cap - floor))


def maturity_adjustment(pd: float, maturity_years: float) -> float:
    """(1 + (M − 2.5)·b) / (1 − 1.5·b), b = (0.11852 − 0.05478·ln PD)²."""
    b = (0.11852 - 0.05478 * math.log(pd)) ** 2
    return (1.0 + (maturity_years - 2.5) * b) / (1.0 - 1.5 * b)


def irb_k(pd: float, lgd: float, maturity_years: float, size_adjustment: float = 0.0) -> float:
    """Capital requirement K per unit of EAD:
    K = LGD·[N((G(PD) + √R·G(0.999)) / √(1 − R)) − PD]·MA(PD, M).  RWA = 12.5·K·EAD."""
    k_a, k_b = irb_k_parts(pd, lgd, size_adjustment)
    return k_a + k_b * maturity_years


def irb_k_parts(pd: float, lgd: float, size_adjustment: float = 0.0) -> tuple[float, float]:
    """(k_a, k_b) with K(M) = k_a + k_b·M: MA(PD, M) = (1 + (M − 2.5)·b) / (1 − 1.5·b) is
    linear in M, so k_a = c·(1 − 2.5·b), k_b = c·b, c = LGD·(N(…) − PD) / (1 − 1.5·b)."""
    k_a, k_b = irb_k_parts_array(pd, lgd, np.array([size_adjustment]))
    return float(k_a[0]), float(k_b[0])


def irb_k_parts_array(
    pd: float, lgd: float, size_adjustments: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """`irb_k_parts` for one grade and many size adjustments at once (the capital lookup)."""
    if not 0.0 < pd < 1.0:
        raise ValueError(f"PD must be strictly between 0 and 1; got {pd}")
    r = irb_correlation(pd) + size_adjustments
    stressed = ndtr((ndtri(pd) + np.sqrt(r) * ndtri(CONFIDENCE)) / np.sqrt(1.0 - r))
    b = (0.11852 - 0.05478 * math.log(pd)) ** 2
    c = lgd * (stressed - pd) / (1.0 - 1.5 * b)
    return c * (1.0 - 2.5 * b), c * b


def loan_contribution_annual(
    amount: float, client_rate: float, ftp_rate: float, interest_tax: float, credit_cost: float
) -> float:
    """Annual contribution of one loan as in the domain notes' worked example:
    amount × (client rate − FTP − client rate × tax on interest − credit cost).

    In the engine the same pieces are loan NII = amount × (client rate − FTP) and EL = amount ×
    PD × LGD (the credit cost); a tax on interest income (the pre-2016 business tax) is not part
    of contribution, because interest is no longer taxed that way (see docs/indicators.md).
    """
    return amount * (client_rate - ftp_rate - client_rate * interest_tax - credit_cost)

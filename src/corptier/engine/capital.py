"""Economic capital: the Basel IRB formula for corporate exposures (BCBS CRE31), as a proxy.

K depends only on PD, LGD and maturity, so it is computed here once per rating grade (a few rows)
with numpy/scipy and joined to the customers; the engine expressions then only multiply
K × EAD. That keeps the normal CDF and its inverse out of the engine SQL, where DuckDB and Spark
have no common spelling for them.
"""

from __future__ import annotations

import math

from scipy.stats import norm

CONFIDENCE = 0.999


def irb_correlation(pd: float) -> float:
    """Asset correlation R = 0.12·f + 0.24·(1 − f), f = (1 − e^(−50·PD)) / (1 − e^(−50))."""
    f = (1.0 - math.exp(-50.0 * pd)) / (1.0 - math.exp(-50.0))
    return 0.12 * f + 0.24 * (1.0 - f)


def maturity_adjustment(pd: float, maturity_years: float) -> float:
    """(1 + (M − 2.5)·b) / (1 − 1.5·b), b = (0.11852 − 0.05478·ln PD)²."""
    b = (0.11852 - 0.05478 * math.log(pd)) ** 2
    return (1.0 + (maturity_years - 2.5) * b) / (1.0 - 1.5 * b)


def irb_k(pd: float, lgd: float, maturity_years: float) -> float:
    """Capital requirement K per unit of EAD:
    K = LGD·[N((G(PD) + √R·G(0.999)) / √(1 − R)) − PD]·MA(PD, M).  RWA = 12.5·K·EAD."""
    if not 0.0 < pd < 1.0:
        raise ValueError(f"PD must be strictly between 0 and 1; got {pd}")
    r = irb_correlation(pd)
    stressed = norm.cdf((norm.ppf(pd) + math.sqrt(r) * norm.ppf(CONFIDENCE)) / math.sqrt(1.0 - r))
    return float(lgd * (stressed - pd) * maturity_adjustment(pd, maturity_years))


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

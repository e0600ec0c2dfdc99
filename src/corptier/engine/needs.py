"""Needs: the product categories a customer holds at period end (open accounts of the category
or a loan of a product in it), how many, and payroll and cash-management use."""

from __future__ import annotations

import ibis.expr.types as ir

from corptier.contract.schema import PRODUCT_CATEGORIES


def needs_metrics(m: ir.Table) -> dict[str, ir.Value]:
    now = m.lag == 0
    out: dict[str, ir.Value] = {}
    for c in PRODUCT_CATEGORIES:
        held = (m[f"acc_{c}"] + m[f"loan_{c}"]).sum(where=now).coalesce(0)
        out[f"has_{c}"] = (held > 0).ifelse(1, 0).cast("int64")
    out["cash_mgmt_accounts"] = m.acc_cash_management.sum(where=now).coalesce(0)
    return out


def needs_derived(t: ir.Table) -> dict[str, ir.Value]:
    coverage = sum((t[f"has_{c}"] for c in PRODUCT_CATEGORIES[1:]), start=t.has_settlement)
    return {"product_coverage": coverage.cast("int64")}

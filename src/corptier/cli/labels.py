"""Labels the command line shows for codes: tiers, migrations, override states, PSI verdicts."""

from __future__ import annotations

from collections.abc import Mapping

from corptier.cli.language import translator

MIGRATION_LABELS = {
    "new": "New",
    "same": "Same tier",
    "up": "Upgraded",
    "down": "Downgraded",
}
STATE_LABELS = {
    "pending": "Pending",
    "approved": "Approved",
    "rejected": "Rejected",
    "revoked": "Revoked",
    "expired": "Expired",
    "enabled": "Enabled",
    "disabled": "Disabled",
}
DECISION_LABELS = {
    "pending": "requested",
    "approved": "approved",
    "rejected": "rejected",
    "revoked": "revoked",
}
"""An override's state as the verb of a decision line ("override 3 … approved by bob")."""
VERDICT_LABELS = {
    "stable": "Stable",
    "moderate": "Moderate shift",
    "significant": "Significant shift",
}
TABLE_LABELS = {
    "customers": "Customers",
    "accounts": "Accounts",
    "balances": "Daily balances",
    "transactions": "Transactions",
    "loans": "Loans",
    "facilities": "Off-balance-sheet facilities",
    "fee_income": "Fee income",
    "products": "Product holdings",
    "relationship_managers": "Relationship managers",
    "rm_certifications": "RM certifications",
    "training_records": "RM training records",
    "ftp_rates": "FTP rates",
    "fx_rates": "Exchange rates",
    "rating_scale": "Rating master scale",
    "guarantees": "Guarantees",
}
"""The input tables of the data contract (contract/schema.py TABLES)."""
ALERT_STATE_LABELS = {
    "open": "Open",
    "acknowledged": "Acknowledged",
    "resolved": "Resolved",
    "dismissed": "Dismissed",
}
ALERT_DECISION_LABELS = {
    "acknowledged": "acknowledged",
    "resolved": "resolved",
    "dismissed": "dismissed",
}
"""An alert's state as the verb of a decision line ("alert 3 … resolved by bob")."""
SEVERITY_LABELS = {
    "critical": "Critical",
    "high": "High",
    "medium": "Medium",
    "low": "Low",
}
ROLE_LABELS = {
    "admin": "Administrator",
    "branch_head": "Branch head",
    "team_head": "Team head",
    "rm": "Relationship manager",
    "analyst": "Analyst",
    "risk": "Risk officer",
    "auditor": "Auditor",
    "user": "Command-line user",
}
LABELS = {"migration": MIGRATION_LABELS, "role": ROLE_LABELS, "state": STATE_LABELS,
          "decision": DECISION_LABELS, "verdict": VERDICT_LABELS,
          "table": TABLE_LABELS, "alert_state": ALERT_STATE_LABELS,
          "alert_decision": ALERT_DECISION_LABELS, "severity": SEVERITY_LABELS}


def label(code: str, kind: str) -> str:
    """The label of `code` (a tier, migration, state or verdict) in the current language; an
    unknown code as it is."""
    tr = translator()
    if kind == "tier":
        return tr.tier(code)
    text = LABELS[kind].get(code)
    return code if text is None else tr.gettext(text)


def indicator(name: str) -> str:
    """An indicator's label in the current language with its code, e.g. "存款日均 (dep_avg)"."""
    from corptier.services.messages import indicator_label

    return indicator_label(name, translator().lang)


def counts_line(counts: Mapping[str, int], kind: str) -> str:
    """"Strategic 12, Core 40, …": each code's label and its count."""
    return ", ".join(f"{label(code, kind)} {n:,}" for code, n in counts.items())

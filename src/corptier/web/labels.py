"""Labels of the codes the pages show (roles, flags, migrations, override and run states, fields,
product categories, contact roles, interaction types, service tasks, master-data fields),
marked for the Babel catalogue; `label(t, kind, code)` translates one."""

from __future__ import annotations

from corptier.i18n import MISSING, N_, Translator

LABELS: dict[str, dict[str, str]] = {
    "role": {"admin": N_("Administrator"), "branch_head": N_("Branch head"),
             "team_head": N_("Team head"), "rm": N_("Relationship manager"),
             "analyst": N_("Analyst"), "risk": N_("Risk officer"), "auditor": N_("Auditor"),
             "user": N_("Command-line user")},
    "flag": {"potential": N_("Potential"), "risk_watch": N_("Risk watch"),
             "inclusive_sme": N_("Inclusive small and micro")},
    "migration": {"up": N_("Upgraded"), "down": N_("Downgraded"), "same": N_("Unchanged"),
                  "new": N_("New")},
    "state": {"pending": N_("Pending"), "approved": N_("Approved"), "rejected": N_("Rejected"),
              "revoked": N_("Revoked"), "expired": N_("Expired")},
    "alert_state": {"open": N_("Open"), "acknowledged": N_("Acknowledged"),
                    "resolved": N_("Resolved"), "dismissed": N_("Dismissed")},
    "severity": {"critical": N_("Critical"), "high": N_("High"), "medium": N_("Medium"),
                 "low": N_("Low")},
    "field": {"customer_id": N_("Customer id"), "name": N_("Name"), "score": N_("Score"),
              "contribution": N_("Contribution"), "dep_avg": N_("Deposits (avg. daily)"),
              "loan_avg": N_("Loans (avg. daily)"), "rm_id": N_("Relationship manager"),
              "sub_branch": N_("Sub-branch"), "industry_section": N_("Industry section"),
              "enterprise_size": N_("Enterprise size"), "needs_segment": N_("Needs segment"),
              "behaviour_state": N_("Behaviour state"), "group_id": N_("Group"),
              "applied_tier": N_("Applied tier")},
    "category": {"settlement": N_("Settlement"), "financing": N_("Financing"),
                 "trade": N_("Trade finance"), "cash_management": N_("Cash management"),
                 "investment_banking": N_("Investment banking"), "payroll": N_("Payroll"),
                 "wealth": N_("Wealth management"), "ebanking": N_("E-banking")},
    "contact_role": {"legal_representative": N_("Legal representative"),
                     "actual_controller": N_("Actual controller"),
                     "finance_head": N_("Finance head"),
                     "treasurer": N_("Treasurer / cashier"), "operator": N_("Operator"),
                     "other": N_("Other")},
    "interaction_type": {"visit": N_("Visit"), "call": N_("Call"), "meeting": N_("Meeting"),
                         "event": N_("Event"), "email": N_("E-mail")},
    "task_kind": {"visit": N_("Visit"), "annual_review": N_("Annual review"),
                  "needs_survey": N_("Needs survey"), "assign_rm": N_("Assign a qualified RM"),
                  "welcome_visit": N_("Welcome visit"),
                  "onboarding_survey": N_("Onboarding needs survey"),
                  "transition": N_("Transition plan"), "follow_up": N_("Follow-up")},
    "size": {"large": N_("Large enterprises"), "medium": N_("Medium enterprises"),
             "small": N_("Small enterprises"), "micro": N_("Micro enterprises"),
             "unclassified": N_("Size not classified")},
    "behaviour": {"new": N_("new"), "dormant": N_("dormant"), "declining": N_("declining"),
                  "growing": N_("growing"), "active": N_("active")},
    "run_status": {"running": N_("Running"), "published": N_("Published"),
                   "superseded": N_("Superseded")},
    "task_status": {"open": N_("Open"), "done": N_("Done"), "superseded": N_("Superseded")},
    "service_model": {"team": N_("1+N team"), "dedicated": N_("Dedicated RM"),
                      "pooled": N_("Pooled team"), "remote": N_("Remote service")},
    "cert_status": {"valid": N_("Valid"), "expiring": N_("Expiring"), "expired": N_("Expired"),
                    "not_yet": N_("Not yet valid")},
    "gap_action": {"assign": N_("Assign an RM"), "reassign": N_("Reassign (grade too low)"),
                   "train": N_("Train"), "renew": N_("Renew certification")},
    "master": {"name": N_("Name"), "uscc": N_("USCC"), "industry_code": N_("Industry"),
               "enterprise_size": N_("Enterprise size"), "rating": N_("Rating"),
               "rm_id": N_("Relationship manager"), "sub_branch": N_("Sub-branch"),
               "group_id": N_("Group"), "status": N_("Status")},
}
LABELS["product"] = {**LABELS["category"],
                     "supply_chain_finance": N_("Supply-chain finance"),
                     "bond_underwriting": N_("Bond underwriting"),
                     "fx_hedging": N_("FX hedging"), "inclusive_loan": N_("Inclusive loan")}
"""Products a service catalogue offers proactively: the categories and a few named products."""


def label(t: Translator, kind: str, code: str | None) -> str:
    """The label of `code` in the user's language; the code itself when it has none."""
    if code is None or code == "":
        return MISSING
    message = LABELS[kind].get(code)
    return t(message) if message else code

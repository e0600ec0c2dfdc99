"""Every endpoint of the web app with the permission it needs: the one source of the role
matrix in `docs/web.md` and of the table-driven role test."""

from __future__ import annotations

from dataclasses import dataclass

from corptier.services.access import PERMISSIONS, ROLES

PUBLIC = "public"
SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    action: str
    """A permission of `corptier.services.access.PERMISSIONS`, or PUBLIC, or SIGNED_IN."""
    what: str


ENDPOINTS = (
    Endpoint("GET", "/login", PUBLIC, "login page"),
    Endpoint("POST", "/login", PUBLIC, "log in"),
    Endpoint("POST", "/logout", SIGNED_IN, "log out (ends every session of the user)"),
    Endpoint("POST", "/language", SIGNED_IN, "switch language (zh-CN / en)"),
    Endpoint("GET", "/", "read_book", "dashboard"),
    Endpoint("GET", "/customers", "read_book", "customer list, filters, search"),
    Endpoint("GET", "/customers/export.xlsx", "export_book", "export the list to Excel"),
    Endpoint("GET", "/customers/{customer_id}", "read_book", "customer 360"),
    Endpoint("POST", "/customers/{customer_id}/overrides", "request_override",
             "request an override"),
    Endpoint("GET", "/customers/{customer_id}/recommendations", "read_book",
             "next best products of a customer (loaded into the 360 page)"),
    Endpoint("POST", "/customers/{customer_id}/contacts/full", "view_contacts",
             "show a customer's contacts unmasked (audited)"),
    Endpoint("POST", "/customers/{customer_id}/interactions", "edit_archive",
             "log an interaction with a customer"),
    Endpoint("POST", "/customers/{customer_id}/tasks/{task_id}/done", "complete_task",
             "mark a service-plan task done"),
    Endpoint("GET", "/workbench", "read_book", "RM workbench"),
    Endpoint("GET", "/service", "read_service_kpis",
             "service dashboard: delivery KPIs by tier, RM and sub-branch (bank-wide)"),
    Endpoint("GET", "/overrides", "read_book", "overrides: queue and history"),
    Endpoint("POST", "/overrides/{override_id}/approve", "decide_override",
             "approve an override"),
    Endpoint("POST", "/overrides/{override_id}/reject", "decide_override",
             "reject an override"),
    Endpoint("POST", "/overrides/{override_id}/revoke", "revoke_override",
             "revoke an override"),
    Endpoint("GET", "/staff", "read_staff",
             "staff: roster with load, certifications, training gaps, pending proposals"),
    Endpoint("POST", "/staff/proposals/{proposal_id}/approve", "decide_assignment",
             "approve an RM assignment proposal (its moves apply from the next period)"),
    Endpoint("POST", "/staff/proposals/{proposal_id}/reject", "decide_assignment",
             "reject an RM assignment proposal"),
    Endpoint("GET", "/alerts", "read_book", "dynamics alerts of the user's book"),
    Endpoint("POST", "/alerts/{alert_id}/{action}", "handle_alert",
             "acknowledge, resolve or dismiss an alert"),
    Endpoint("GET", "/reports", "read_reports",
             "effect reports per period (whole-bank data: bank-wide roles)"),
    Endpoint("GET", "/reports/{period}/{lang}/{fmt}", "read_reports",
             "open a report's HTML, download its PDF or Excel"),
    Endpoint("POST", "/reports/generate", "generate_report",
             "generate a period's report (audited)"),
    Endpoint("GET", "/data", "read_loads", "loads with their reconciliation, closes and runs"),
    Endpoint("GET", "/data/{period}/quarantine/{table}", "read_loads",
             "quarantine rows of a table (scoped: the rows of the user's customers)"),
    Endpoint("GET", "/audit", "read_audit", "audit log, filtered"),
    Endpoint("GET", "/audit/export.csv", "export_audit", "export the filtered audit log (CSV)"),
    Endpoint("GET", "/admin/users", "admin_users", "users, roles and scopes"),
    Endpoint("POST", "/admin/users/{name}/grant", "admin_users", "grant a role and scope"),
    Endpoint("GET", "/standards", "read_standards",
             "active standard as tables, adoption history, proposals"),
    Endpoint("POST", "/standards/candidates", "evaluate_standard",
             "upload a candidate standard (checked; errors with their lines)"),
    Endpoint("GET", "/standards/candidates/{key}", "evaluate_standard",
             "a candidate against a period's run: tier counts, migration, movers (bank-wide)"),
    Endpoint("GET", "/standards/candidates/{key}/backtest", "evaluate_standard",
             "backtest a candidate over published periods (bank-wide)"),
    Endpoint("POST", "/standards/candidates/{key}/propose", "propose_standard",
             "propose a candidate for adoption (maker)"),
    Endpoint("POST", "/standards/proposals/{proposal_id}/approve", "decide_standard",
             "approve a proposal and adopt its standard (checker ≠ maker)"),
    Endpoint("POST", "/standards/proposals/{proposal_id}/reject", "decide_standard",
             "reject a proposal (checker ≠ maker)"),
    Endpoint("GET", "/api/v1/openapi.json", PUBLIC, "OpenAPI schema"),
    Endpoint("GET", "/api/v1/runs", "read_book", "API: closed periods and their runs"),
    Endpoint("GET", "/api/v1/tiers", "read_book", "API: tier counts of a period"),
    Endpoint("GET", "/api/v1/customers", "read_book", "API: customer list"),
    Endpoint("GET", "/api/v1/customers/{customer_id}", "read_book", "API: one customer"),
    Endpoint("GET", "/api/v1/customers/{customer_id}/explanation", "read_book",
             "API: explanation of a customer's tier"),
    Endpoint("GET", "/api/v1/overrides", "read_book", "API: overrides"),
    Endpoint("POST", "/api/v1/overrides", "request_override", "API: request an override"),
    Endpoint("POST", "/api/v1/overrides/{override_id}/approve", "decide_override",
             "API: approve an override"),
    Endpoint("POST", "/api/v1/overrides/{override_id}/reject", "decide_override",
             "API: reject an override"),
    Endpoint("GET", "/api/v1/standards/active", "read_standards",
             "API: the active standard as data"),
    Endpoint("GET", "/api/v1/standards/adoptions", "read_standards",
             "API: adoption history of standards"),
    Endpoint("GET", "/api/v1/standards/proposals", "read_standards",
             "API: proposals to adopt a standard"),
    Endpoint("POST", "/api/v1/standards/proposals", "propose_standard",
             "API: propose a candidate for adoption (maker)"),
    Endpoint("POST", "/api/v1/standards/proposals/{proposal_id}/approve", "decide_standard",
             "API: approve a proposal and adopt its standard (checker ≠ maker)"),
    Endpoint("POST", "/api/v1/standards/proposals/{proposal_id}/reject", "decide_standard",
             "API: reject a proposal (checker ≠ maker)"),
)


def allowed(endpoint: Endpoint, role: str) -> bool:
    """Whether a signed-in user of `role` may use `endpoint`."""
    if endpoint.action in (PUBLIC, SIGNED_IN):
        return True
    return role in PERMISSIONS[endpoint.action]


def role_matrix_markdown() -> str:
    """The role matrix as the Markdown table `docs/web.md` holds."""
    head = "| endpoint | what | " + " | ".join(ROLES) + " |"
    rule = "| --- | --- | " + " | ".join("---" for _ in ROLES) + " |"
    rows = [f"| `{e.method} {e.path}` | {e.what} | "
            + " | ".join("✓" if allowed(e, r) else "–" for r in ROLES) + " |"
            for e in ENDPOINTS]
    return "\n".join([head, rule, *rows])

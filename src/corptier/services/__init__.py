"""The use cases: the one door the CLI, the web app and Python users come through.

Each function takes a `Workspace` and plain values, runs in one unit of work, returns a frozen
result object and raises `CorptierError` subclasses whose messages name the problem. Modules are
imported on first use, so that a command that only looks something up starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "init_workspace": "workspaces", "open_workspace": "workspaces",
    "synthesize_bank": "synthesis",
    "load_period": "loading",
    "init_profile": "profiles", "check_profile": "profiles", "ProfileFiles": "profiles",
    "compute_indicators": "indicators", "export_snapshot": "indicators",
    "close_period": "closing", "CloseResult": "closing",
    "published_run": "published", "read_published": "published",
    "published_tiers": "published", "export_tiers": "published",
    "explain_customer": "published", "Explanation": "published",
    "validate_standard": "standards", "active_standard": "standards",
    "adopt_standard": "standards", "run_standard": "standards",
    "suggest_standard": "calibration", "compare_standards": "calibration",
    "backtest_standard": "calibration", "write_changes_csv": "calibration",
    "request_override": "overrides", "approve_override": "overrides",
    "reject_override": "overrides", "revoke_override": "overrides",
    "list_overrides": "overrides", "get_override": "overrides",
    "override_history": "overrides", "OverrideView": "overrides",
    "write_report": "reports", "ReportPaths": "reports",
    "LoadReport": "loading", "SynthSummary": "synthesis", "IndicatorResult": "indicators",
    "RunInfo": "published", "Published": "published",
    "SuggestResult": "calibration", "CompareResult": "calibration",
    "BacktestResult": "calibration",
    "StandardSummary": "standards", "Adoption": "standards", "AuditEntry": "overrides",
    "run_demo": "demo", "DemoResult": "demo",
    "add_user": "users", "disable_user": "users", "new_token": "users", "list_users": "users",
    "UserView": "users", "NewToken": "users",
    "grant_user": "users", "reset_password": "users",
    "verify_audit_log": "audit", "AuditVerification": "audit",
    "evaluate_alerts": "alerts", "list_alerts": "alerts", "get_alert": "alerts",
    "acknowledge_alert": "alerts", "resolve_alert": "alerts", "dismiss_alert": "alerts",
    "alert_history": "alerts", "alert_rules": "alerts", "AlertView": "alerts",
    "validate_alert_rules": "alerts",
    "AlertEvaluation": "alerts",
    "backup_workspace": "backup", "restore_workspace": "backup",
    "BackupResult": "backup", "RestoreResult": "backup",
    "check_service_catalogue": "service_catalogue", "CatalogueSummary": "service_catalogue",
    "service_plan": "service_plans", "ServicePlanView": "service_plans",
    "ServiceTaskView": "service_plans", "list_service_tasks": "service_tasks",
    "complete_service_task": "service_tasks", "service_kpis": "service_tasks",
    "completeness_scores": "completeness", "customer_completeness": "completeness",
    "completeness_by": "completeness", "Completeness": "completeness",
    "reevaluate_archive_alerts": "archive_alerts",
    "customer_archive": "archive", "master_data_history": "archive",
    "master_history_table": "archive",
    "customer_relationships": "relationships", "Relationships": "relationships",
    "import_contacts": "contact_import", "ContactImport": "contact_import",
    "CustomerArchive": "archive", "MasterVersion": "archive", "MasterChange": "archive",
    "list_contacts": "contacts", "export_contacts": "contacts", "add_contact": "contacts",
    "edit_contact": "contacts", "remove_contact": "contacts", "ContactView": "contacts",
    "log_interaction": "interactions", "list_interactions": "interactions",
    "import_interactions": "interactions", "InteractionView": "interactions",
    "InteractionImport": "interactions",
    "check_questionnaire": "surveys",
    "list_questionnaires": "surveys",
    "find_questionnaire": "surveys",
    "create_campaign": "surveys",
    "list_campaigns": "surveys",
    "import_answers": "surveys",
    "survey_results": "campaign_results",
    "needs_gap": "stated_needs",
    "write_stated_needs": "stated_needs",
    "CampaignView": "surveys",
    "SurveyImport": "surveys",
    "SurveyResults": "campaign_results",
    "ResultGroup": "campaign_results",
    "Detractor": "campaign_results",
    "recommend_customer": "recommendations", "recommend_book": "recommendations",
    "backtest_recommendations": "recommendations",
    "recommendation_settings": "recommendations",
    "CustomerRecommendations": "recommendations", "BookRecommendations": "recommendations",
    "RecommendationBacktest": "recommendations",
    "staff_roster": "staff", "training_gaps": "staff", "check_staff_rules": "staff",
    "StaffRoster": "staff", "TrainingGaps": "staff", "StaffRulesSummary": "staff",
    "propose_assignments": "staff_assignment", "AssignmentProposal": "staff_assignment",
    "record_proposal": "rm_assignments", "approve_proposal": "rm_assignments",
    "reject_proposal": "rm_assignments", "get_proposal": "rm_assignments",
    "list_proposals": "rm_assignments", "assigned_rms": "rm_assignments",
    "ProposalView": "rm_assignments",
    "staff_portfolio": "rm_portfolio", "StaffPortfolio": "rm_portfolio",
}

__all__ = [
    "Adoption",
    "AlertEvaluation",
    "AlertView",
    "AssignmentProposal",
    "AuditEntry",
    "AuditVerification",
    "BacktestResult",
    "BackupResult",
    "BookRecommendations",
    "CampaignView",
    "CatalogueSummary",
    "CloseResult",
    "CompareResult",
    "Completeness",
    "ContactImport",
    "ContactView",
    "CustomerArchive",
    "CustomerRecommendations",
    "DemoResult",
    "Detractor",
    "Explanation",
    "IndicatorResult",
    "InteractionImport",
    "InteractionView",
    "LoadReport",
    "MasterChange",
    "MasterVersion",
    "NewToken",
    "OverrideView",
    "ProfileFiles",
    "ProposalView",
    "Published",
    "RecommendationBacktest",
    "Relationships",
    "ReportPaths",
    "RestoreResult",
    "ResultGroup",
    "RunInfo",
    "ServicePlanView",
    "ServiceTaskView",
    "StaffPortfolio",
    "StaffRoster",
    "StaffRulesSummary",
    "StandardSummary",
    "SuggestResult",
    "SurveyImport",
    "SurveyResults",
    "SynthSummary",
    "TrainingGaps",
    "UserView",
    "acknowledge_alert",
    "active_standard",
    "add_contact",
    "add_user",
    "adopt_standard",
    "alert_history",
    "alert_rules",
    "approve_override",
    "approve_proposal",
    "assigned_rms",
    "backtest_recommendations",
    "backtest_standard",
    "backup_workspace",
    "check_profile",
    "check_questionnaire",
    "check_service_catalogue",
    "check_staff_rules",
    "close_period",
    "compare_standards",
    "complete_service_task",
    "completeness_by",
    "completeness_scores",
    "compute_indicators",
    "create_campaign",
    "customer_archive",
    "customer_completeness",
    "customer_relationships",
    "disable_user",
    "dismiss_alert",
    "edit_contact",
    "evaluate_alerts",
    "explain_customer",
    "export_contacts",
    "export_snapshot",
    "export_tiers",
    "find_questionnaire",
    "get_alert",
    "get_override",
    "get_proposal",
    "grant_user",
    "import_answers",
    "import_contacts",
    "import_interactions",
    "init_profile",
    "init_workspace",
    "list_alerts",
    "list_campaigns",
    "list_contacts",
    "list_interactions",
    "list_overrides",
    "list_proposals",
    "list_questionnaires",
    "list_service_tasks",
    "list_users",
    "load_period",
    "log_interaction",
    "master_data_history",
    "master_history_table",
    "needs_gap",
    "new_token",
    "open_workspace",
    "override_history",
    "propose_assignments",
    "published_run",
    "published_tiers",
    "read_published",
    "recommend_book",
    "recommend_customer",
    "recommendation_settings",
    "record_proposal",
    "reevaluate_archive_alerts",
    "reject_override",
    "reject_proposal",
    "remove_contact",
    "request_override",
    "reset_password",
    "resolve_alert",
    "restore_workspace",
    "revoke_override",
    "run_demo",
    "run_standard",
    "service_kpis",
    "service_plan",
    "staff_portfolio",
    "staff_roster",
    "suggest_standard",
    "survey_results",
    "synthesize_bank",
    "training_gaps",
    "validate_alert_rules",
    "validate_standard",
    "verify_audit_log",
    "write_changes_csv",
    "write_report",
    "write_stated_needs",
]

if TYPE_CHECKING:
    from corptier.contract.reconcile import LoadReport
    from corptier.engine import IndicatorResult
    from corptier.report import ReportPaths
    from corptier.services.alerts import (
        AlertEvaluation,
        AlertView,
        acknowledge_alert,
        alert_history,
        alert_rules,
        dismiss_alert,
        evaluate_alerts,
        get_alert,
        list_alerts,
        resolve_alert,
        validate_alert_rules,
    )
    from corptier.services.archive import (
        CustomerArchive,
        MasterChange,
        MasterVersion,
        customer_archive,
        master_data_history,
        master_history_table,
    )
    from corptier.services.archive_alerts import reevaluate_archive_alerts
    from corptier.services.audit import AuditVerification, verify_audit_log
    from corptier.services.backup import (
        BackupResult,
        RestoreResult,
        backup_workspace,
        restore_workspace,
    )
    from corptier.services.calibration import (
        BacktestResult,
        CompareResult,
        SuggestResult,
        backtest_standard,
        compare_standards,
        suggest_standard,
        write_changes_csv,
    )
    from corptier.services.campaign_results import (
        Detractor,
        ResultGroup,
        SurveyResults,
        survey_results,
    )
    from corptier.services.closing import CloseResult, close_period
    from corptier.services.completeness import (
        Completeness,
        completeness_by,
        completeness_scores,
        customer_completeness,
    )
    from corptier.services.contact_import import ContactImport, import_contacts
    from corptier.services.contacts import (
        ContactView,
        add_contact,
        edit_contact,
        export_contacts,
        list_contacts,
        remove_contact,
    )
    from corptier.services.demo import DemoResult, run_demo
    from corptier.services.indicators import compute_indicators, export_snapshot
    from corptier.services.interactions import (
        InteractionImport,
        InteractionView,
        import_interactions,
        list_interactions,
        log_interaction,
    )
    from corptier.services.loading import load_period
    from corptier.services.overrides import (
        AuditEntry,
        OverrideView,
        approve_override,
        get_override,
        list_overrides,
        override_history,
        reject_override,
        request_override,
        revoke_override,
    )
    from corptier.services.profiles import ProfileFiles, check_profile, init_profile
    from corptier.services.published import (
        Explanation,
        Published,
        RunInfo,
        explain_customer,
        export_tiers,
        published_run,
        published_tiers,
        read_published,
    )
    from corptier.services.recommendations import (
        BookRecommendations,
        CustomerRecommendations,
        RecommendationBacktest,
        backtest_recommendations,
        recommend_book,
        recommend_customer,
        recommendation_settings,
    )
    from corptier.services.relationships import Relationships, customer_relationships
    from corptier.services.reports import write_report
    from corptier.services.rm_assignments import (
        ProposalView,
        approve_proposal,
        assigned_rms,
        get_proposal,
        list_proposals,
        record_proposal,
        reject_proposal,
    )
    from corptier.services.rm_portfolio import StaffPortfolio, staff_portfolio
    from corptier.services.service_catalogue import CatalogueSummary, check_service_catalogue
    from corptier.services.service_plans import ServicePlanView, ServiceTaskView, service_plan
    from corptier.services.service_tasks import (
        complete_service_task,
        list_service_tasks,
        service_kpis,
    )
    from corptier.services.staff import (
        StaffRoster,
        StaffRulesSummary,
        TrainingGaps,
        check_staff_rules,
        staff_roster,
        training_gaps,
    )
    from corptier.services.staff_assignment import AssignmentProposal, propose_assignments
    from corptier.services.standards import (
        Adoption,
        StandardSummary,
        active_standard,
        adopt_standard,
        run_standard,
        validate_standard,
    )
    from corptier.services.stated_needs import needs_gap, write_stated_needs
    from corptier.services.surveys import (
        CampaignView,
        SurveyImport,
        check_questionnaire,
        create_campaign,
        find_questionnaire,
        import_answers,
        list_campaigns,
        list_questionnaires,
    )
    from corptier.services.synthesis import synthesize_bank
    from corptier.services.users import (
        NewToken,
        UserView,
        add_user,
        disable_user,
        grant_user,
        list_users,
        new_token,
        reset_password,
    )
    from corptier.services.workspaces import init_workspace, open_workspace
    from corptier.synth import SynthSummary


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'corptier.services' has no attribute {name!r}")
    value = getattr(import_module(f"corptier.services.{module}"), name)
    globals()[name] = value
    return value

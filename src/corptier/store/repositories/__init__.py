"""Every query of the app database, one repository per kind of record.

A repository is handed out by the unit of work (`corptier.store.UnitOfWork`) and works inside
its transaction; nothing else in corptier writes SQL against the app database.
"""

from corptier.store.repositories.adoptions import AdoptionRepository
from corptier.store.repositories.alerts import AlertRepository
from corptier.store.repositories.audit import AuditRepository
from corptier.store.repositories.contacts import ContactRepository
from corptier.store.repositories.indicator_runs import IndicatorRunRepository
from corptier.store.repositories.interactions import InteractionRepository
from corptier.store.repositories.loads import LoadRepository
from corptier.store.repositories.overrides import OverrideRepository
from corptier.store.repositories.proposals import ProposalRepository
from corptier.store.repositories.rm_assignments import RmAssignmentRepository
from corptier.store.repositories.runs import RunRepository
from corptier.store.repositories.service_plans import ServicePlanRepository
from corptier.store.repositories.surveys import SurveyRepository
from corptier.store.repositories.users import UserRepository

__all__ = [
    "AdoptionRepository",
    "AlertRepository",
    "AuditRepository",
    "ContactRepository",
    "IndicatorRunRepository",
    "InteractionRepository",
    "LoadRepository",
    "OverrideRepository",
    "ProposalRepository",
    "RmAssignmentRepository",
    "RunRepository",
    "ServicePlanRepository",
    "SurveyRepository",
    "UserRepository",
]

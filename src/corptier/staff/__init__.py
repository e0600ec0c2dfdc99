"""Relationship managers (客户经理): eligibility rules, their training catalogue, and the roster
and training-gap expressions (pure).

`load_staff_rules` reads `standards/staff.yaml`, naming file, line and field in every error.
"""

from corptier.staff.loader import StaffRulesError, load_staff_rules
from corptier.staff.rules import StaffRules

__all__ = ["StaffRules", "StaffRulesError", "load_staff_rules"]

"""The tier service catalogue, its compliance rules and the service-plan expressions (pure).

`load_catalogue` reads a catalogue (`standards/service.yaml`) and checks it against its
compliance rules (`standards/service_rules.yaml`), naming file, line, field and rule.
"""

from corptier.service.catalogue import Catalogue, TierService
from corptier.service.loader import CatalogueValidationError, load_catalogue, load_rules
from corptier.service.rules import RuleSet

__all__ = ["Catalogue", "CatalogueValidationError", "RuleSet", "TierService", "load_catalogue",
           "load_rules"]

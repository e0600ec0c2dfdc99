"""The input data contract: schemas, readers, validation, quarantine, and the load service."""

from corptier.contract.load import load_period
from corptier.contract.reconcile import LoadReport, LoadWarning, TableReport
from corptier.contract.schema import TABLES, Column, TableSpec, table

__all__ = [
    "TABLES",
    "Column",
    "LoadReport",
    "LoadWarning",
    "TableReport",
    "TableSpec",
    "load_period",
    "table",
]

"""The input data contract: schemas, readers, validation, quarantine and staging of a load."""

from corptier.contract.reconcile import LoadReport, LoadWarning, TableReport
from corptier.contract.schema import TABLES, Column, TableSpec, table

__all__ = [
    "TABLES",
    "Column",
    "LoadReport",
    "LoadWarning",
    "TableReport",
    "TableSpec",
    "table",
]

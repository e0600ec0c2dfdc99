"""The input data contract: schemas, readers, validation, quarantine."""

from corptier.contract.schema import TABLES, Column, TableSpec, table

__all__ = ["TABLES", "Column", "TableSpec", "table"]

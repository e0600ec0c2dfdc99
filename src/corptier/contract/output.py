"""Accepted rows to Parquet, typed exactly as the contract, with the same bytes every time."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from corptier.contract.schema import CUSTOMER_DERIVED, TableSpec
from corptier.private_files import make_private
from corptier.workspace import PARTITION_FILE

ROW_GROUP = 1 << 20
# few distinct values: dictionary-encode them (ids, names and amounts would only waste time)
LOW_CARDINALITY = frozenset({
    "product_code", "currency", "rating", "rm_id", "sub_branch", "grade", "counterparty_bank",
    "industry_code", "region_code", "industry_section", "enterprise_size", "size_reason",
    "group_id",
})


def dictionary_columns(spec: TableSpec) -> list[str]:
    """Columns worth dictionary encoding: allowed-value lists, months, dates, known codes."""
    names = [
        c.name for c in spec.columns
        if c.allowed or c.dtype in ("month", "date") or c.name in LOW_CARDINALITY
    ]
    if spec.name == "customers":
        names += [c.name for c in CUSTOMER_DERIVED]
    return names


def output_schema(spec: TableSpec) -> pa.Schema:
    """The contract's Arrow schema; customers get the derived columns after their own."""
    schema = spec.arrow_schema
    if spec.name == "customers":
        for col in CUSTOMER_DERIVED:
            schema = schema.append(pa.field(col.name, col.arrow_type, nullable=col.nullable))
    return schema


def write_parquet(
    con: duckdb.DuckDBPyConnection, sql: str, spec: TableSpec, folder: Path
) -> int:
    """Stream the rows of `sql` (columns in schema order) into `folder/part-0.parquet`.

    Row groups are cut every ROW_GROUP rows whatever DuckDB's batch sizes, so equal input gives
    equal bytes.
    """
    schema, target = output_schema(spec), Path(folder) / PARTITION_FILE
    written, pending, pending_rows = 0, [], 0
    reader = con.sql(sql).to_arrow_reader(ROW_GROUP)
    options = {"compression": "zstd", "use_dictionary": dictionary_columns(spec)}
    with pq.ParquetWriter(target, schema, **options) as writer:
        for batch in reader:
            pending.append(pa.Table.from_batches([batch]).rename_columns(schema.names))
            pending_rows += batch.num_rows
            while pending_rows >= ROW_GROUP:
                table = pa.concat_tables(pending)
                writer.write_table(table.slice(0, ROW_GROUP).cast(schema), ROW_GROUP)
                pending = [table.slice(ROW_GROUP)]
                pending_rows -= ROW_GROUP
                written += ROW_GROUP
        if pending_rows or written == 0:
            table = pa.concat_tables(pending) if pending else schema.empty_table()
            writer.write_table(table.cast(schema), ROW_GROUP)
            written += table.num_rows
    make_private(target)
    return written

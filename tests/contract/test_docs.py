"""docs/data-contract.md documents every table and column of the contract, generated from it."""

from __future__ import annotations

from pathlib import Path

from contract_docs import generated_part, render_tables

from corptier.contract.schema import CUSTOMER_DERIVED, TABLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-contract.md"


def test_generated_tables_are_up_to_date():
    assert generated_part(DOC) == render_tables(), (
        "run: python tests/contract/contract_docs.py docs/data-contract.md"
    )


def test_every_column_is_documented_in_its_table_section():
    text = DOC.read_text(encoding="utf-8")
    for name, spec in TABLES.items():
        section = text.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0]
        columns = list(spec.column_names)
        if name == "customers":
            columns += [c.name for c in CUSTOMER_DERIVED]
        missing = [c for c in columns if f"| `{c}` |" not in section]
        assert not missing, f"{name}: undocumented columns {missing}"


def test_doc_explains_formats_quarantine_and_reconciliation():
    text = DOC.read_text(encoding="utf-8")
    for phrase in ("GBK / GB18030", "UTF-8", ".xlsx", "Parquet", "quarantine/<period>/<table>.csv",
                   "read = accepted + rejected", "fatal"):
        assert phrase in text

"""The column tables of `docs/data-contract.md`, generated from the schema.

    python tests/contract/contract_docs.py docs/data-contract.md   # rewrite the generated part

Everything between the BEGIN/END markers is replaced; the prose around it is kept.
"""

from __future__ import annotations

import sys
from pathlib import Path

from corptier.contract.schema import CUSTOMER_DERIVED, TABLES, Column, TableSpec
from corptier.contract.validation import PATTERN_HINTS
from sample_data import sample_rows

BEGIN = "<!-- BEGIN GENERATED TABLES (python tests/contract/contract_docs.py) -->"
END = "<!-- END GENERATED TABLES -->"
TYPES = {
    "string": "text",
    "int": "whole number",
    "money": "money: yuan (元), at most 2 decimals",
    "rate": "rate: decimal fraction, at most 6 decimals (0.0435 = 4.35 %)",
    "date": "date YYYY-MM-DD",
    "month": "month YYYY-MM",
}
UNITS = {"employees": "persons (人)", "days_overdue": "days", "rank": "1 = best"}


def render_tables() -> str:
    """Markdown of every table, in load order."""
    examples = sample_rows("2026-09")
    parts = [_table(spec, examples[spec.name]) for spec in TABLES.values()]
    return "\n".join(parts).rstrip() + "\n"


def _table(spec: TableSpec, rows: list[dict[str, str | None]]) -> str:
    lines = [
        f"### `{spec.name}`",
        "",
        spec.description,
        "",
        f"- File: `{spec.name}.csv`, `{spec.name}.parquet` or `{spec.name}.xlsx`",
        f"- Key (unique): {', '.join(f'`{k}`' for k in spec.key)}",
        f"- Stored sorted by: {', '.join(f'`{k}`' for k in spec.sort_by) or 'file order'}",
        "",
        "| column | type | required | allowed values / rule | refers to | example | meaning |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for col in spec.columns:
        example = next((r.get(col.name) for r in rows if r.get(col.name)), "")
        lines.append(_row(col, example))
    if spec.name == "customers":
        lines += ["", "Added by the loader to every accepted customer (not in the file):", "",
                  "| column | type | meaning |", "| --- | --- | --- |"]
        lines += [f"| `{c.name}` | {TYPES[c.dtype]} | {c.description} |" for c in CUSTOMER_DERIVED]
    return "\n".join(lines) + "\n"


def _row(col: Column, example: str | None) -> str:
    kind = TYPES[col.dtype] + (f"; {UNITS[col.name]}" if col.name in UNITS else "")
    required = "no (may be empty)" if col.nullable else "yes"
    if col.default is not None:
        required = f"yes; a file without the column: `{col.default}`"
    refers = f"`{col.references[0]}.{col.references[1]}`" if col.references else ""
    cells = [f"`{col.name}`", kind, required, _rule(col), refers,
             f"`{example}`" if example else "", col.description]
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _rule(col: Column) -> str:
    rules = []
    if col.allowed:
        rules.append("one of " + ", ".join(f"`{a}`" for a in col.allowed))
    if col.pattern:
        rules.append(PATTERN_HINTS.get(col.pattern, f"matches `{col.pattern}`"))
    if col.min is not None and col.max is not None:
        rules.append(f"{col.min} to {col.max}")
    elif col.min is not None:
        rules.append(f"at least {col.min}")
    if col.name == "month":
        rules.append("must be the loaded period")
    if col.name == "txn_date":
        rules.append("must fall in the loaded period")
    if col.name == "uscc":
        rules.append("valid GB 32100 code (check character)")
    if col.name == "industry_code":
        rules.append("existing GB/T 4754-2017 division")
    return "; ".join(rules)


def update(path: Path) -> bool:
    """Rewrite the generated part of `path`; True if it changed."""
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n\n{render_tables()}\n{END}{tail}"
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def generated_part(path: Path) -> str:
    """The text between the markers, as it is in the file."""
    text = path.read_text(encoding="utf-8")
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip() + "\n"


if __name__ == "__main__":  # run from the repository root
    for arg in sys.argv[1:] or ["docs/data-contract.md"]:
        print(f"{arg}: {'updated' if update(Path(arg)) else 'up to date'}")

"""Every indicator column is documented in docs/indicators.md with its name."""

from __future__ import annotations

from pathlib import Path

from corptier.engine import GROUP_SCHEMA, INDICATOR_COLUMNS
from corptier.tiering.indicator_names import FALLBACK_INDICATORS

DOC = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"


def test_every_column_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    names = [c.name for c in INDICATOR_COLUMNS] + GROUP_SCHEMA.names
    missing = [n for n in names if f"`{n}`" not in text and n not in text]
    assert not missing, f"not in docs/indicators.md: {missing}"


def test_the_brief_s_names_all_exist() -> None:
    produced = {c.name for c in INDICATOR_COLUMNS}
    assert set(FALLBACK_INDICATORS) <= produced
    assert produced - set(FALLBACK_INDICATORS) == {"group_head_id"}

"""Done when: a GBK export with Chinese headers, YYYYMMDD dates, thousands separators and 万元
amounts, loaded through the shipped profile, gives the same tiers as the canonical files."""

from __future__ import annotations

import re

import pytest

from corptier.services import (
    close_period,
    init_workspace,
    load_period,
    published_tiers,
    synthesize_bank,
)

PERIOD = "2026-09"


@pytest.mark.slow
def test_a_profiled_gbk_export_gives_the_same_tiers_as_the_canonical_files(tmp_path):
    synthesize_bank(tmp_path / "canonical", customers=40, months=1, start=PERIOD, fmt="csv")
    synthesize_bank(tmp_path / "bank", customers=40, months=1, start=PERIOD,
                    profile="cn_core_banking")
    exported = next((tmp_path / "bank" / PERIOD).glob("对公客户信息_*.csv")).read_bytes()
    text = exported.decode("gbk")  # GBK, not UTF-8
    with pytest.raises(UnicodeDecodeError):
        exported.decode("utf-8")
    assert text.startswith("客户编号,客户名称,统一社会信用代码")
    assert re.search(r",(19|20)\d{6},", text)  # YYYYMMDD dates
    assert re.search(r'"\d{1,3}(,\d{3})+\.\d{6}"', text)  # 万元 with thousands separators

    plain, mapped = init_workspace(tmp_path / "a"), init_workspace(tmp_path / "b")
    load_period(plain, PERIOD, tmp_path / "canonical" / PERIOD)
    report = load_period(mapped, PERIOD, tmp_path / "bank" / PERIOD, profile="cn_core_banking")
    assert report.rejected == 0
    a, b = close_period(plain, PERIOD), close_period(mapped, PERIOD)
    assert a.customers == b.customers == 40
    assert a.tier_counts == b.tier_counts
    columns = ["customer_id", "computed_tier", "applied_tier", "score"]
    left, right = published_tiers(plain, PERIOD), published_tiers(mapped, PERIOD)
    assert left[columns].equals(right[columns])
    assert left["applied_tier"].nunique() > 1  # a real spread of tiers, not all the same

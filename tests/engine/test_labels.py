"""Every indicator column has a label in Chinese and in English, shown beside its code."""

from __future__ import annotations

from corptier.engine.columns import INDICATOR_COLUMNS
from corptier.engine.labels import INDICATOR_LABELS, indicator_label


def test_every_indicator_has_a_chinese_and_an_english_label() -> None:
    names = {c.name for c in INDICATOR_COLUMNS}
    assert names == set(INDICATOR_LABELS)
    for zh, en in INDICATOR_LABELS.values():
        assert zh.strip() and en.strip()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in en)


def test_labels_are_distinct_within_a_language() -> None:
    for position in (0, 1):
        texts = [labels[position] for labels in INDICATOR_LABELS.values()]
        assert len(texts) == len(set(texts))


def test_a_label_is_shown_beside_its_code() -> None:
    assert indicator_label("dep_avg_r3", "zh-CN") == "存款日均（近3月） (dep_avg_r3)"
    assert indicator_label("fee_payroll", "en") == "fee income: payroll (fee_payroll)"
    assert indicator_label("not_an_indicator", "zh-CN") == "not_an_indicator"

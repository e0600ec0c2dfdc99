"""The archive's pure rules: contact masks (for any phone or address, the mask shows no more
than the first three and last four digits), contact checks naming the field, and interaction
checks and visit-log headers in Chinese or English."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corptier.crm.contacts import check_contact, mask_email, mask_phone, parse_role
from corptier.crm.interactions import (
    InteractionProblem,
    check_interaction,
    map_headers,
    parse_needs,
)
from corptier.errors import RequestError

TODAY = date(2026, 4, 10)


def test_masks_of_a_mobile_a_landline_and_an_address() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "+86 138****5678"
    assert mask_phone("028-8765432") == "028***5432"
    assert mask_phone("123456") == "****56"
    assert mask_email("zhangsan@example.com") == "z***@example.com"
    assert mask_phone(None) is None and mask_email(None) is None


@given(st.text(alphabet="0123456789", min_size=8, max_size=20))
def test_a_masked_phone_keeps_only_its_ends(digits: str) -> None:
    masked = mask_phone(digits)
    assert masked is not None and len(masked) == len(digits)
    assert masked[:3] == digits[:3] and masked[-4:] == digits[-4:]
    assert set(masked[3:-4]) <= {"*"}


def test_contact_checks_name_the_field() -> None:
    ok = check_contact({"role": "财务负责人", "name": " 王芳 ", "phone": "13812345678",
                        "verified_on": "2026-04-01", "primary": True}, TODAY)
    assert ok == {"role": "finance_head", "name": "王芳", "phone": "13812345678",
                  "email": None, "position": None, "verified_on": date(2026, 4, 1),
                  "primary": True}
    assert parse_role("资金主管/出纳") == "treasurer" and parse_role("Operator") == "operator"
    for values, field in (({"role": "boss", "name": "x", "phone": "1"}, "role"),
                          ({"role": "other", "name": "", "phone": "13812345678"}, "name"),
                          ({"role": "other", "name": "x", "phone": "call me"}, "phone"),
                          ({"role": "other", "name": "x", "email": "a@b"}, "email"),
                          ({"role": "other", "name": "x", "phone": "13812345678",
                            "verified_on": "2026-05-01"}, "verified_on"),
                          ({"role": "other", "name": "x"}, "phone")):
        with pytest.raises(RequestError, match=f"^{field}: "):
            check_contact(values, TODAY)


def test_an_interaction_reads_chinese_types_and_needs() -> None:
    got = check_interaction({"customer_id": "C1", "date": "2026-04-02", "type": "走访",
                             "needs": "现金管理、代发工资, trade", "next_step": "报价",
                             "next_step_due": "2026-04-30"}, TODAY)
    assert (got["type"], got["needs"], got["next_step_due"]) == (
        "visit", ["cash_management", "payroll", "trade"], date(2026, 4, 30))
    assert parse_needs(None) == [] and parse_needs(["wealth", "财富管理"]) == ["wealth"]


@pytest.mark.parametrize(("values", "field"), [
    ({"date": "2026-04-02", "type": "visit"}, "customer_id"),
    ({"customer_id": "C1", "type": "visit"}, "date"),
    ({"customer_id": "C1", "date": "2026-04-11", "type": "visit"}, "date"),
    ({"customer_id": "C1", "date": "02/04/2026", "type": "visit"}, "date"),
    ({"customer_id": "C1", "date": "2026-04-02", "type": "lunch"}, "type"),
    ({"customer_id": "C1", "date": "2026-04-02", "type": "call", "needs": "crypto"}, "needs"),
    ({"customer_id": "C1", "date": "2026-04-02", "type": "call", "next_step": "x",
      "next_step_due": "2026-04-01"}, "next_step_due"),
    ({"customer_id": "C1", "date": "2026-04-02", "type": "call",
      "next_step_due": "2026-04-20"}, "next_step"),
    ({"customer_id": "C1", "date": "2026-04-02", "type": "call", "purpose": "x" * 401},
     "purpose"),
])
def test_an_interaction_that_does_not_fit_names_its_field(values: dict[str, str],
                                                          field: str) -> None:
    with pytest.raises(InteractionProblem) as caught:
        check_interaction(values, TODAY)
    assert caught.value.field == field


def test_headers_in_chinese_or_english_map_to_fields() -> None:
    assert map_headers(["客户编号", "走访日期", "方式", "备注", "Next Step", "next_step_due"]) == {
        0: "customer_id", 1: "date", 2: "type", 4: "next_step", 5: "next_step_due"}
    assert map_headers(["customer", "customer_id"]) == {0: "customer_id"}

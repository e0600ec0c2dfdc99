"""Interactions with customers (走访与沟通), pure: the types, the controlled list of needs (the
data contract's product categories), the checks of one interaction, and the headers a visit
log may use in Chinese or English."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from corptier.contract.schema import PRODUCT_CATEGORIES

ENTITY = "interaction"
TYPES = ("visit", "call", "meeting", "event", "email")
TYPE_ALIASES = {"走访": "visit", "拜访": "visit", "上门拜访": "visit", "电话": "call",
                "会议": "meeting", "会谈": "meeting", "活动": "event", "邮件": "email",
                "电子邮件": "email", "e-mail": "email"}
NEEDS = PRODUCT_CATEGORIES
NEED_ALIASES = {"结算": "settlement", "融资": "financing", "国际贸易": "trade",
                "贸易融资": "trade", "现金管理": "cash_management",
                "投资银行": "investment_banking", "投行": "investment_banking",
                "代发工资": "payroll", "代发": "payroll",
                "财富管理": "wealth", "电子银行": "ebanking"}
VISIT_TYPES = ("visit",)
"""The types that count as a visit (they complete a due visit task of the service plan)."""
TEXT_LIMITS = {"bank_participants": 400, "customer_participants": 400, "purpose": 400,
               "summary": 4000, "needs_note": 1000, "outcome": 1000, "next_step": 1000}
HEADERS: dict[str, tuple[str, ...]] = {
    "customer_id": ("customer_id", "customer", "客户编号", "客户号", "客户编码"),
    "date": ("date", "interaction_date", "日期", "走访日期", "沟通日期"),
    "type": ("type", "kind", "类型", "方式", "沟通方式"),
    "bank_participants": ("bank_participants", "bank_side", "我行参与人", "我行人员"),
    "customer_participants": ("customer_participants", "customer_side", "客户参与人",
                              "客户方人员"),
    "purpose": ("purpose", "目的", "走访目的"),
    "summary": ("summary", "纪要", "摘要", "内容", "沟通内容"),
    "needs": ("needs", "needs_raised", "需求", "产品需求"),
    "needs_note": ("needs_note", "需求说明", "其他需求"),
    "outcome": ("outcome", "result", "结果", "成果"),
    "next_step": ("next_step", "下一步", "后续安排"),
    "next_step_due": ("next_step_due", "due", "下一步期限", "截止日期", "完成期限"),
}
"""Each field and the headers that name it (compared without case, spaces or underscores)."""
REQUIRED = ("customer_id", "date", "type")
_SPLIT = re.compile(r"[,;，；、|/\s]+")


class InteractionProblem(ValueError):
    """A field of an interaction that does not fit, with the field's name."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def header_key(text: object) -> str:
    return re.sub(r"[\s_\-]+", "", str(text or "")).lower()


def map_headers(headers: list[object]) -> dict[int, str]:
    """Column index → field for the headers that name a field (the first one wins)."""
    known = {header_key(h): field for field, names in HEADERS.items() for h in names}
    out: dict[int, str] = {}
    for i, h in enumerate(headers):
        field = known.get(header_key(h))
        if field is not None and field not in out.values():
            out[i] = field
    return out


def check_interaction(values: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The interaction's fields cleaned, or InteractionProblem naming the field."""
    raw = values.get("customer_id")
    if isinstance(raw, float) and raw.is_integer():   # a spreadsheet's number cell
        raw = int(raw)
    customer = _text(raw)
    if customer is None:
        raise InteractionProblem("customer_id", "the customer id is required")
    on = _day(values.get("date"), "date")
    if on is None:
        raise InteractionProblem("date", "the date is required")
    if on > today:
        raise InteractionProblem("date", f"{on.isoformat()} is after today")
    raw_type = _text(values.get("type")) or ""
    kind = TYPE_ALIASES.get(raw_type, raw_type.lower())
    if kind not in TYPES:
        raise InteractionProblem("type", f"unknown type '{raw_type}'; use one of "
                                         f"{', '.join(TYPES)} (or 走访, 电话, 会议, 活动, 邮件)")
    out: dict[str, Any] = {"customer_id": customer, "date": on, "type": kind,
                           "needs": parse_needs(values.get("needs"))}
    for field, limit in TEXT_LIMITS.items():
        text = _text(values.get(field))
        if text is not None and len(text) > limit:
            raise InteractionProblem(field, f"at most {limit} characters; got {len(text)}")
        out[field] = text
    due = _day(values.get("next_step_due"), "next_step_due")
    if due is not None and due < on:
        raise InteractionProblem("next_step_due", f"{due.isoformat()} is before the "
                                                  f"interaction's date {on.isoformat()}")
    if due is not None and out["next_step"] is None:
        raise InteractionProblem("next_step", "a due date needs the next step it is for")
    out["next_step_due"] = due
    return out


def parse_needs(value: Any) -> list[str]:
    """Product categories from codes or Chinese names, separated by commas, 、 or spaces."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else _SPLIT.split(str(value))
    found: list[str] = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        code = NEED_ALIASES.get(item, item.lower())
        if code not in NEEDS:
            raise InteractionProblem("needs", f"unknown product category '{item}'; use "
                                              f"{', '.join(NEEDS)}")
        if code not in found:
            found.append(code)
    return found


def snapshot(i: Any) -> dict[str, Any]:
    """An interaction as the audit log keeps it."""
    due = i.next_step_due
    return {"id": i.id, "customer_id": i.customer_id, "date": i.occurred_on.isoformat(),
            "type": i.type, "purpose": i.purpose, "needs": i.needs,
            "next_step": i.next_step, "next_step_due": None if due is None else due.isoformat(),
            "source": i.source}


def _day(value: Any, field: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text.replace("/", "-")[:10])
    except ValueError:
        raise InteractionProblem(field, f"a date is written YYYY-MM-DD; got '{text}'") from None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None

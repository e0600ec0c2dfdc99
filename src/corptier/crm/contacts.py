"""Customer contacts (pure): the roles, the checks of a contact's fields, and the masks that
hide personal data in lists and exports (`138****5678`, `z***@example.com`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from corptier.errors import RequestError

ENTITY = "contact"
ROLES = ("legal_representative", "actual_controller", "finance_head", "treasurer", "operator",
         "other")
ROLE_ALIASES = {"法定代表人": "legal_representative", "法人代表": "legal_representative",
                "实际控制人": "actual_controller", "财务负责人": "finance_head",
                "资金主管": "treasurer", "出纳": "treasurer", "资金主管/出纳": "treasurer",
                "经办人": "operator", "其他": "other"}
"""Chinese names a user may type for a role."""
FIELDS = ("role", "name", "phone", "email", "position", "verified_on", "primary")
HEADERS: dict[str, tuple[str, ...]] = {
    "customer_id": ("customer_id", "customer", "客户编号", "客户号", "客户编码"),
    "role": ("role", "角色", "联系人角色", "联系人类型"),
    "name": ("name", "姓名", "联系人", "联系人姓名"),
    "phone": ("phone", "电话", "手机", "联系电话", "手机号码"),
    "email": ("email", "e-mail", "邮箱", "电子邮箱"),
    "position": ("position", "职务", "职位"),
    "verified_on": ("verified_on", "verified", "核实日期", "最近核实日期"),
    "primary": ("primary", "主要联系人", "是否主要联系人"),
}
"""Each field of a contacts file and the headers that name it (compared like interactions')."""
REQUIRED_HEADERS = ("customer_id", "role", "name")
TRUE_TEXTS = ("1", "true", "yes", "y", "是", "√")
MAX_NAME = 80
MAX_POSITION = 80
MAX_EMAIL = 120
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,22}[0-9]$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def parse_role(value: str) -> str:
    """The role code of `value` (a code or its Chinese name); RequestError otherwise."""
    text = (value or "").strip()
    code = ROLE_ALIASES.get(text, text.lower())
    if code not in ROLES:
        raise RequestError("role: unknown contact role '{text}'; use one of {roles} (or "
                           "法定代表人, 实际控制人, 财务负责人, 资金主管/出纳, 经办人, 其他)",
                           text=text, roles=", ".join(ROLES))
    return code


def check_contact(values: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The contact fields cleaned (blank → None), or RequestError naming the field."""
    out: dict[str, Any] = {"role": parse_role(str(values.get("role") or ""))}
    name = _text(values.get("name"))
    if name is None:
        raise RequestError("name: the contact's name is required")
    out["name"] = _limit(name, MAX_NAME, "name")
    phone = _text(values.get("phone"))
    if phone is not None and not PHONE.match(phone):
        raise RequestError("phone: '{phone}' is not a phone number (digits, spaces, '-', an "
                           "optional leading '+')", phone=phone)
    out["phone"] = phone
    email = _text(values.get("email"))
    if email is not None and (len(email) > MAX_EMAIL or not EMAIL.match(email)):
        raise RequestError("email: '{email}' is not an e-mail address", email=email[:MAX_EMAIL])
    out["email"] = email
    position = _text(values.get("position"))
    out["position"] = None if position is None else _limit(position, MAX_POSITION, "position")
    verified = values.get("verified_on")
    if isinstance(verified, str):
        verified = parse_day(verified, "verified_on") if verified.strip() else None
    if verified is not None and verified > today:
        raise RequestError("verified_on: {verified} is after today", verified=verified.isoformat())
    out["verified_on"] = verified
    out["primary"] = bool(values.get("primary"))
    if out["phone"] is None and out["email"] is None:
        raise RequestError("phone: a contact needs a phone number or an e-mail address")
    return out


def parse_flag(value: Any) -> bool:
    """A yes/no cell of a file (1, true, yes, 是 → True; anything else, blank → False)."""
    return str(value if value is not None else "").strip().lower() in TRUE_TEXTS


def mask_phone(phone: str | None) -> str | None:
    """The first three and last four digits, the rest as `*` (`138****5678`); a `+86`
    country code is kept in front (`+86 138****5678`)."""
    if phone is None:
        return None
    if phone.strip().startswith("+86"):
        return "+86 " + (mask_phone(phone.strip()[3:]) or "")
    digits = re.sub(r"\D", "", phone)
    if len(digits) <= 7:
        return "****" + digits[-2:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_email(email: str | None) -> str | None:
    """The first character of the local part, then `***@` and the domain."""
    if email is None:
        return None
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def snapshot(contact: Any) -> dict[str, Any]:
    """A contact as the audit log keeps it (before/after of every change)."""
    verified = contact.verified_on
    return {"id": contact.id, "customer_id": contact.customer_id, "role": contact.role,
            "name": contact.name, "phone": contact.phone, "email": contact.email,
            "position": contact.position,
            "verified_on": None if verified is None else verified.isoformat(),
            "primary": contact.is_primary, "version": contact.version}


def parse_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise RequestError("{field}: a date is written YYYY-MM-DD; got '{value}'", field=field,
                           value=value) from None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _limit(text: str, limit: int, field: str) -> str:
    if len(text) > limit:
        raise RequestError("{field}: at most {limit} characters; got {count}", field=field,
                           limit=limit, count=len(text))
    return text

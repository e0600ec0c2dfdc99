"""Every label of the web pages is in both catalogues, with a Chinese translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

SRC = Path(__file__).resolve().parents[2] / "src" / "corptier"
LOCALES = SRC / "locales"


def web_messages() -> set[str]:
    found = set()
    for folder in (SRC / "web", SRC / "services"):
        found |= {m[2] for m in extract_from_dir(
            str(folder),
            method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract")],
            options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
            keywords={**DEFAULT_KEYWORDS, "t": None},
        ) if isinstance(m[2], str)}
    return found


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with (LOCALES / locale / "LC_MESSAGES" / "corptier.po").open("rb") as handle:
        return read_po(handle)


def test_every_web_label_has_a_chinese_translation() -> None:
    catalog = _catalog("zh_CN")
    messages = web_messages()
    assert {"Dashboard", "Log in", "Risk watch"} <= messages
    assert sorted(m for m in messages if not (catalog.get(m) and catalog.get(m).string)) == []


def test_the_english_catalogue_lists_the_web_labels() -> None:
    ids = {m.id for m in _catalog("en") if m.id}
    assert sorted(web_messages() - ids) == []


def test_refusals_and_invalid_input_are_said_in_the_workspaces_chinese(app_of) -> None:
    import html

    from fastapi.testclient import TestClient

    from web_bank import PASSWORD, csrf_of

    client = TestClient(app_of())  # the web bank's workspace is zh-CN
    token = csrf_of(client.get("/login").text)
    wrong = client.post("/login", data={"name": "ana", "password": PASSWORD + "x",
                                        "csrf_token": token})
    assert wrong.status_code == 401
    assert "用户不存在、密码错误，或用户已停用或被锁定。" in html.unescape(wrong.text)
    assert "wrong password" not in wrong.text
    token = csrf_of(client.get("/login").text)
    long_name = client.post("/login", data={"name": "a" * 201, "password": "x",
                                            "csrf_token": token})
    assert long_name.status_code == 422
    assert "body.name: 文本至多应有 200 个字符" in html.unescape(long_name.text)
    api = client.get("/api/v1/tiers", headers={"Authorization": "Bearer ct_nope"})
    assert api.status_code == 401 and api.json()["error"]["code"] == "AuthenticationError"
    assert api.json()["error"]["message"] == "API 令牌无效或其用户已停用", api.json()
    anonymous = client.post("/customers/C001/overrides", data={"csrf_token": "x"})
    assert anonymous.status_code == 401 and "请登录" in html.unescape(anonymous.text)


def test_the_customer_page_shows_labels_not_codes(client_as) -> None:
    import html
    import re

    page = html.unescape(client_as("ana").get("/customers/C001").text)
    profile = page.split("<dl>", 1)[1].split("</dl>", 1)[0]
    for code in ("micro", "small", "medium", "large", "active", "dormant", "declining",
                 "growing"):
        assert not re.search(rf"<dd>{code}</dd>", profile), code

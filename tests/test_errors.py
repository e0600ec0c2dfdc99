"""Every error class has its own exit code and an HTTP status, and the README lists them."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import corptier
from corptier.errors import ERRORS, CorptierError

README = Path(__file__).resolve().parents[1] / "README.md"


def _all_subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found | {sub for c in found for sub in _all_subclasses(c)}


def _import_everything() -> None:
    for module in pkgutil.walk_packages(corptier.__path__, "corptier."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)


def test_exit_codes_are_unique_per_error_class() -> None:
    _import_everything()
    own = [c for c in _all_subclasses(CorptierError) | {CorptierError}
           if "exit_code" in vars(c)]
    codes = [c.exit_code for c in own]
    assert len(codes) == len(set(codes)), sorted((c.exit_code, c.__name__) for c in own)
    assert 2 not in codes  # click's usage error
    assert set(own) == set(ERRORS), "every class with its own exit code is listed in ERRORS"


def test_every_error_has_an_http_status() -> None:
    _import_everything()
    for cls in _all_subclasses(CorptierError):
        assert 400 <= cls.http_status < 600, cls


def test_readme_lists_every_exit_code() -> None:
    text = README.read_text(encoding="utf-8")
    for cls in ERRORS:
        assert f"| {cls.exit_code} | `{cls.__name__}` | {cls.http_status} |" in text, cls


def test_an_error_says_its_message_in_the_users_language() -> None:
    from corptier.errors import ApprovalError, NotFoundError

    missing = NotFoundError("override {id} does not exist", id=42)
    assert str(missing) == "override 42 does not exist"
    assert missing.say("zh-CN") == "人工调整 42 不存在"
    assert missing.say("en") == missing.say("xx") == "override 42 does not exist"
    # a value that looks like a template is shown as it is, never formatted again
    raced = ApprovalError("override {id} was {state} by someone else in the meantime; nothing "
                          "was changed", id=7, state="{id}")
    assert raced.say("zh-CN") == "人工调整 7 已被他人{id}，本次未作任何更改"
    # a plain message (no template values) and one the catalogue lacks stay as written
    assert NotFoundError("no such thing").say("zh-CN") == "no such thing"


def test_every_translated_error_template_keeps_its_placeholders() -> None:
    import re
    import string

    from babel.messages.pofile import read_po

    root = Path(corptier.__file__).parent / "locales"
    fields = string.Formatter()
    for po in root.glob("*/LC_MESSAGES/corptier.po"):
        with po.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
        for message in catalog:
            if not message.id or not message.string or not isinstance(message.id, str):
                continue
            want = {f for _, f, _, _ in fields.parse(message.id) if f}
            got = {f for _, f, _, _ in fields.parse(str(message.string)) if f}
            want -= {"expected_plural"} - got  # pydantic's English plural "s"
            assert got == want, (po.parent.parent.name, message.id,
                                 re.sub(r"\s+", " ", str(message.string)))


def test_service_errors_are_said_in_chinese(tmp_path: Path) -> None:
    from corptier.errors import NotFoundError, RequestError, WorkspaceError
    from corptier.workspace import Workspace

    # a converted raise site: the template and its values travel with the error
    root = tmp_path.resolve()
    with pytest.raises(WorkspaceError) as caught:
        Workspace.open(root)
    exc = caught.value
    assert exc.template.startswith("{root} is not a corptier workspace")
    assert exc.values == {"root": root, "config": "corptier.toml"}
    assert str(exc) == (f"{root} is not a corptier workspace (no corptier.toml); create one "
                        f"with 'corptier init {root}' or pass --workspace")
    assert exc.say("zh-CN") == (f"{root} 不是 corptier 工作区（没有 corptier.toml）；"
                                f"请用“corptier init {root}”创建，或指定 --workspace")
    assert exc.say("en") == str(exc)
    # a number format in the template survives translation
    note = RequestError("--note: at most {limit:,} characters; got {count:,}",
                        limit=2000, count=12345)
    assert str(note) == "--note: at most 2,000 characters; got 12,345"
    assert note.say("zh-CN") == "--note：最多 2,000 个字符；收到 12,345 个"
    closed = NotFoundError("period {period} has not been closed; close it first",
                           period="2025-01")
    assert closed.say("zh-CN") == "期次 2025-01 尚未关账；请先关账"


def test_every_refusal_is_one_whole_translated_sentence() -> None:
    from babel.messages.pofile import read_po

    from corptier.services.access import FORBIDDEN, PERMISSIONS
    from corptier.services.users import ADMIN_ONLY

    assert set(FORBIDDEN) == set(PERMISSIONS)
    po = Path(corptier.__file__).parent / "locales" / "zh_CN" / "LC_MESSAGES" / "corptier.po"
    with po.open("rb") as handle:
        zh = {m.id: m.string for m in read_po(handle) if m.id}
    templates = [*FORBIDDEN.values(), *(t for pair in ADMIN_ONLY.values() for t in pair)]
    assert all(zh.get(t) for t in templates), [t for t in templates if not zh.get(t)]
    from corptier.errors import ForbiddenError

    refused = ForbiddenError(FORBIDDEN["view_contacts"], role="analyst")
    assert str(refused) == "the role analyst may not view contacts"
    assert refused.say("zh-CN") == "角色 analyst 无权查看联系人"

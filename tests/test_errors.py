"""Every error class has its own exit code and an HTTP status, and the README lists them."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

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

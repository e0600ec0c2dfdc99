"""`corptier.tiering` (like `engine`, `report` and `reference`) exports lazily: a command that
only needs the override rules must not import Ibis, pandas and scipy. No submodule may bear the
name of an export, or importing that submodule replaces the export with the module."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import corptier.tiering as tiering

LAZY = ("corptier.tiering", "corptier.engine", "corptier.report", "corptier.reference")


@pytest.mark.parametrize("name", LAZY)
def test_no_module_of_a_lazy_package_is_named_like_an_export(name: str) -> None:
    package = importlib.import_module(name)
    modules = {m.name for m in pkgutil.iter_modules(package.__path__)}
    assert modules & set(package.__all__) == set()
    assert all(getattr(package, export) is not None for export in package.__all__)


def test_every_export_resolves_and_explain_stays_a_function() -> None:
    import corptier.tiering.explanations  # noqa: F401

    assert all(getattr(tiering, name) is not None for name in tiering.__all__)
    assert callable(tiering.explain) and tiering.explain.__name__ == "explain"


def test_the_override_rules_import_no_engine() -> None:
    code = ("import sys, corptier.tiering.overrides, corptier.services.overrides; "
            "print(sorted({'ibis', 'pandas', 'scipy'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"

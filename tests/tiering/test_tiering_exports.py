"""`corptier.tiering` exports lazily (a command that only needs the override rules must not
import Ibis, pandas and scipy): no submodule may bear the name of an export."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import corptier.tiering as tiering


def test_no_tiering_module_is_named_like_an_export() -> None:
    modules = {m.name for m in pkgutil.iter_modules(tiering.__path__)}
    assert modules & set(tiering.__all__) == set()


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

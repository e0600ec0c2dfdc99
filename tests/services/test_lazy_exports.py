"""`corptier.services` exports its functions lazily by name: no submodule may bear the name of
an export, or importing that submodule replaces the function with the module."""

from __future__ import annotations

import pkgutil

import corptier.services as services


def test_no_services_module_is_named_like_an_export() -> None:
    modules = {m.name for m in pkgutil.iter_modules(services.__path__)}
    assert modules & set(services.__all__) == set()


def test_an_export_stays_a_function_after_its_module_is_imported() -> None:
    import corptier.services.campaign_results  # noqa: F401

    assert callable(services.survey_results) and services.survey_results.__name__ == (
        "survey_results")

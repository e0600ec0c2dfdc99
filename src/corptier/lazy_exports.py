"""Package exports imported on first use (PEP 562), so that a command pays only for the modules
it touches. A package keeps `_EXPORTS` (name → its module) and sets
`__getattr__ = lazy_exports(__name__, _EXPORTS, globals())`; no submodule may bear the name of an
export, or importing that submodule would replace the export with the module."""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from importlib import import_module
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str],
                 namespace: MutableMapping[str, Any]) -> Callable[[str], Any]:
    """The package's `__getattr__`: import the export's module, keep the value in the package."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    return __getattr__

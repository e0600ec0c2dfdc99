"""`python -m bench` (make bench): run every bench/*_bench.py that has a main(), in name order."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    sys.path.insert(0, str(HERE))
    for path in sorted(HERE.glob("*_bench.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        entry = getattr(module, "main", None)
        if callable(entry):
            print(f"\n== {path.name} ==", flush=True)
            entry([]) if _takes_argv(entry) else entry()


def _takes_argv(func) -> bool:
    import inspect

    return bool(inspect.signature(func).parameters)


if __name__ == "__main__":
    main()

"""Access to the CSV files packaged in `corptier/reference/data`."""

from importlib.resources import files


def read_data_text(name: str) -> str:
    """Text of a packaged data file, decoded as UTF-8."""
    return (files("corptier.reference") / "data" / name).read_text(encoding="utf-8")

"""Skip a test whose engine or store is missing here, or fail it under CI (the `CI` variable
set), where a silent skip would hide a missing engine (used by conftest.py's fixtures)."""

from __future__ import annotations

import os
import shutil

import pytest


def unavailable(reason: str) -> None:
    """Skip the test, or fail it under CI: CI must run every engine and store it promises."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run these tests, not skip them)", pytrace=False)
    pytest.skip(reason)


def spark_available() -> object:
    """The pyspark module when Spark can start here (pyspark importable, java on PATH);
    otherwise skips, or fails under CI."""
    try:
        import pyspark
    except ImportError:
        unavailable("Spark tests need pyspark (pip install -e '.[spark]')")
    if shutil.which("java") is None:
        unavailable("Spark needs Java 17 (java not on PATH)")
    return pyspark


CHROMIUM = ("chromium", "chromium-browser")


def browser_available() -> tuple[str, str]:
    """The paths of Debian's Chromium and its chromedriver, with selenium importable (the
    browser tests, tests/e2e); otherwise skips, or fails under CI."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        unavailable("browser tests need selenium (pip install -e '.[dev]')")
    browser = next((p for p in map(shutil.which, CHROMIUM) if p), None)
    if browser is None:
        unavailable("browser tests need Chromium (chromium not on PATH; "
                    "scripts/system-deps.sh installs it)")
    driver = shutil.which("chromedriver")
    if driver is None:
        unavailable("browser tests need chromium-driver (chromedriver not on PATH)")
    assert browser is not None and driver is not None
    return browser, driver

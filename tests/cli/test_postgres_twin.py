"""A whole workspace on PostgreSQL gives byte-identical exports to its SQLite twin."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from corptier.cli import app

PERIODS = ("2025-01", "2025-02", "2025-03")


def _cli(*args: str | Path) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None, (result.output, result.exception)
    return result.stdout


@pytest.mark.postgres
@pytest.mark.slow
def test_postgresql_workspace_exports_the_same_bytes_as_sqlite(tmp_path: Path,
                                                               pg_schema_url: str) -> None:
    _cli("synth", tmp_path / "in", "--customers", "40", "--months", "3", "--seed", "7")
    exports: dict[str, dict[str, str]] = {}
    for name, url in (("sqlite", None), ("postgresql", pg_schema_url)):
        ws = tmp_path / name
        _cli("init", ws, "--language", "en", *(["--database-url", url] if url else []))
        for period in PERIODS:
            _cli("load", tmp_path / "in" / period, "--period", period, "--workspace", ws)
            _cli("close", "--period", period, "--workspace", ws)
        for period in PERIODS:
            for fmt in ("csv", "json"):
                out = tmp_path / f"{name}-{period}.{fmt}"
                _cli("tiers", "--period", period, "--format", fmt, "--out", out,
                     "--workspace", ws)
                exports.setdefault(f"{period}.{fmt}", {})[name] = out.read_text(encoding="utf-8")
    assert "postgresql" in (tmp_path / "postgresql" / "corptier.toml").read_text(encoding="utf-8")
    for key, both in exports.items():
        assert both["sqlite"] == both["postgresql"], key
    assert exports["2025-03.json"]["sqlite"].count('"customer_id"') > 30

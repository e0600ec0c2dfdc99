"""A real distributed engine: a Spark standalone cluster (one master, one worker on 127.0.0.1,
started from the pyspark distribution's own scripts) runs a close end to end and publishes the
same tiers as DuckDB."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corptier.cli import app

SRC = Path(__file__).resolve().parents[2] / "src"
PERIODS = ("2025-01",)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(log: Path, text: str, proc: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if log.is_file() and text in log.read_text(encoding="utf-8", errors="replace"):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    tail = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.is_file() else ""
    raise AssertionError(f"Spark did not log {text!r} in {seconds} s:\n{tail}")


@pytest.fixture
def cluster(tmp_path: Path, pyspark_module: object) -> Iterator[str]:
    """Master and worker processes of a standalone cluster; stopped (killed) at teardown."""
    home = Path(pyspark_module.__file__).parent  # type: ignore[attr-defined]
    spark_class = home / "bin" / "spark-class"
    port = _free_port()
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1",
           "PYSPARK_PYTHON": sys.executable, "SPARK_NO_DAEMONIZE": "1"}
    logs = tmp_path / "spark-logs"
    logs.mkdir()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        master_log = logs / "master.log"
        with master_log.open("wb") as out:
            procs.append(subprocess.Popen(
                [str(spark_class), "org.apache.spark.deploy.master.Master", "--host",
                 "127.0.0.1", "--port", str(port), "--webui-port", str(_free_port())],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
        _wait_for(master_log, "I have been elected leader", procs[0], 60)
        url = f"spark://127.0.0.1:{port}"
        worker_log = logs / "worker.log"
        with worker_log.open("wb") as out:
            procs.append(subprocess.Popen(
                [str(spark_class), "org.apache.spark.deploy.worker.Worker", url, "--host",
                 "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port",
                 str(_free_port()), "--work-dir", str(tmp_path / "spark-work")],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
        _wait_for(worker_log, "Successfully registered with master", procs[1], 60)
        yield url
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _cli(*args: str | Path) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None, (result.output, result.exception)
    return result.stdout


@pytest.mark.spark
@pytest.mark.slow
def test_a_standalone_cluster_closes_like_duckdb(cluster: str, tmp_path: Path) -> None:
    _cli("synth", tmp_path / "in", "--customers", "25", "--months", "1", "--seed", "3")
    for name in ("duckdb", "cluster"):
        ws = tmp_path / name
        _cli("init", ws, "--language", "en")
        for period in PERIODS:
            _cli("load", tmp_path / "in" / period, "--period", period, "--workspace", ws)
    toml = tmp_path / "cluster" / "corptier.toml"
    text = toml.read_text(encoding="utf-8")
    assert 'master = "local[2]"' in text
    toml.write_text(text.replace('master = "local[2]"', f'master = "{cluster}"')
                    .replace('driver_memory = "4g"', 'driver_memory = "1g"'), encoding="utf-8")
    for period in PERIODS:
        _cli("close", "--period", period, "--workspace", tmp_path / "duckdb")
        # a process of its own: the SparkSession it creates is the cluster's, not a local one
        env = {**os.environ, "PYTHONPATH": str(SRC), "PYSPARK_PYTHON": sys.executable}
        done = subprocess.run(
            [str(Path(sys.executable).with_name("corptier")), "close", "--period", period,
             "--engine", "spark", "--workspace", str(tmp_path / "cluster")],
            capture_output=True, text=True, env=env, timeout=600, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
    worker_apps = list((tmp_path / "spark-work").glob("app-*"))
    assert worker_apps, "the close ran no executor on the cluster's worker"
    for period in PERIODS:
        duck = _cli("tiers", "--period", period, "--workspace", tmp_path / "duckdb")
        spark = _cli("tiers", "--period", period, "--workspace", tmp_path / "cluster")
        assert duck.count("\n") > 20
        assert spark == duck, period

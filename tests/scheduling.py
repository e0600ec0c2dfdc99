"""How `pytest -n` shares the test files between workers: the costliest file first (longest
processing time first, from the seconds recorded in `durations.json`), and every module that
starts Spark in one unit, so that one worker runs one JVM instead of each worker its own.

Record new seconds after a full run with `--durations=0`:
    python -m pytest -n auto --durations=0 -q > run.log; python tests/scheduling.py run.log
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from functools import cache
from pathlib import Path

from xdist.scheduler import LoadFileScheduling

ROOT = Path(__file__).resolve().parents[1]
DURATIONS = Path(__file__).with_name("durations.json")
SPARK = "spark"
UNKNOWN_SECONDS = 5.0
STARTS_SPARK = re.compile(r"\b(spark|pyspark_module)\b")


@cache
def starts_spark(file: str) -> bool:
    """True for a test module that uses a Spark fixture or engine (read from its source)."""
    path = ROOT / file
    return path.is_file() and bool(STARTS_SPARK.search(path.read_text(encoding="utf-8")))


@cache
def recorded_seconds() -> dict[str, float]:
    return json.loads(DURATIONS.read_text(encoding="utf-8")) if DURATIONS.is_file() else {}


class CostFirstScheduling(LoadFileScheduling):
    """`--dist loadfile`, with the Spark modules as one unit and the costliest unit sent first."""

    def _split_scope(self, nodeid: str) -> str:
        file = nodeid.split("::", 1)[0]
        return SPARK if starts_spark(file) else file

    def _cost(self, scope: str) -> float:
        seconds = recorded_seconds()
        if scope == SPARK:
            return sum(s for f, s in seconds.items() if starts_spark(f)) or UNKNOWN_SECONDS
        return seconds.get(scope, UNKNOWN_SECONDS)

    def _assign_work_unit(self, node: object) -> None:
        costliest = max(self.workqueue, key=self._cost)
        self.workqueue.move_to_end(costliest, last=False)
        super()._assign_work_unit(node)  # type: ignore[arg-type]


def record(log: Path) -> dict[str, float]:
    """Seconds per test file (setup + call + teardown) from a `--durations=0` report."""
    seconds: Counter[str] = Counter()
    for line in log.read_text(encoding="utf-8").splitlines():
        found = re.match(r"([\d.]+)s (?:call|setup|teardown)\s+(\S+?)::", line)
        if found:
            seconds[found.group(2)] += float(found.group(1))
    return {file: round(s, 1) for file, s in sorted(seconds.items())}


if __name__ == "__main__":
    DURATIONS.write_text(json.dumps(record(Path(sys.argv[1])), indent=0) + "\n",
                         encoding="utf-8")

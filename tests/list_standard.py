"""The three-tier standard (gold, silver, bronze) whose tiers come from named lists, shared by the
override tests: no score reaches gold or silver, so only the lists' gates and overrides do."""

from __future__ import annotations

HEAD = """\
id: {id}
version: "1"
effective_from: 2026-01-01
tiers:
  - {{code: gold, name_zh: 金, name_en: Gold}}
  - {{code: silver, name_zh: 银, name_en: Silver}}
  - {{code: bronze, name_zh: 铜, name_en: Bronze}}
dimensions:
  value:
    name_zh: 价值
    name_en: Value
    weight: 1
    indicators:
      dep_avg_r3: {{weight: 1, method: log, lo: 10000, hi: 500000000, missing: zero}}
cutoffs:
  method: absolute
  points: {{gold: 100, silver: 99}}   # no score reaches them
gates:
{gates}
hysteresis:
  upgrade: immediate
  downgrade_after_periods: {{gold: 3, silver: 2}}
  downgrade_to: best_of_last_n
"""


def list_standard(standard_id: str, gates: str) -> str:
    """The YAML of the list standard `standard_id` with the `gates:` block body `gates`."""
    return HEAD.format(id=standard_id, gates=gates.rstrip("\n"))

"""The recommendation settings (standards/recommendations.yaml): the shipped file is valid and
every problem of a bad one names its file, line and field."""

from __future__ import annotations

import pytest

from corptier.service.recommendation_settings import (
    RecommendationSettingsError,
    default_settings_path,
    load_recommendation_settings,
    parse_recommendation_settings,
)

GOOD = """\
id: mine
version: 2026.1
categories: [financing, trade]
peer_groups:
  - [needs_segment, enterprise_size]
  - []
min_peers: 25
min_adoption: 0.4
"""


def test_the_shipped_settings_are_valid() -> None:
    s = load_recommendation_settings(default_settings_path())
    assert s.peer_groups[0] == ("needs_segment", "industry_section", "enterprise_size")
    assert (s.min_peers, s.top, s.horizon_months, s.contribution) == (
        30, 3, 6, "contribution_r12")
    assert "settlement" not in s.categories


def test_defaults_fill_what_is_left_out() -> None:
    s = parse_recommendation_settings(GOOD, "r.yaml")
    assert (s.version, s.statuses, s.top, s.stated_need_bonus) == ("2026.1", ("active",), 3,
                                                                    0.25)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("min_peers: 25", "min_peers: 0", "r.yaml:7: min_peers: Input should be greater than or "
                                      "equal to 1"),
    ("  - []", "  - [needs_segment, enterprise_size]", "r.yaml:6: peer_groups[1]: this level "
                                                        "repeats an earlier one"),
    ("[needs_segment, enterprise_size]", "[needs_segment, sector]",
     "r.yaml:5: peer_groups[0][1]: Input should be 'needs_segment'"),
    ("[financing, trade]", "[financing, financing]",
     "r.yaml:3: categories[1]: 'financing' is listed twice"),
    ("min_adoption: 0.4", "min_adoption: 0.4\nmin_adopton: 1",
     "r.yaml:9: min_adopton: unknown field (check the spelling against docs/service.md)"),
])
def test_each_problem_names_file_line_and_field(old: str, new: str, expected: str) -> None:
    with pytest.raises(RecommendationSettingsError) as caught:
        parse_recommendation_settings(GOOD.replace(old, new), "r.yaml")
    assert expected in str(caught.value)

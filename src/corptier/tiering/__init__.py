"""The tiering standard and its application: scores, cut-offs, gates, group rule, segments,
explanations (and, from their own modules, hysteresis, overrides and behaviour states).

    >>> from corptier.tiering import load_standard, score_and_tier
    >>> standard = load_standard("standards/default.yaml")
    >>> result = score_and_tier(indicators, standard, named_lists={"strategic": ["C0001"]})
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corptier.lazy_exports import lazy_exports

# --- standard, scoring, cut-offs, gates, group rule, segments, explanations ----------------------
# imported on first use (PEP 562): `from corptier.tiering import overrides` must not pay for Ibis,
# pandas and scipy, which the standard and its application need
_EXPORTS = {
    "output_columns": "apply",
    "score_and_tier": "apply",
    "ConditionError": "conditions",
    "compile_condition": "conditions",
    "parse_condition": "conditions",
    "explain": "explanations",
    "explain_all": "explanations",
    "named_list_names": "gates",
    "known_indicators": "indicator_names",
    "HysteresisPolicy": "policy",
    "ClusterProfile": "segments",
    "NeedsSegmenter": "segments",
    "cluster_profiles": "segments",
    "Standard": "standard",
    "Issue": "yaml_loader",
    "StandardValidationError": "yaml_loader",
    "default_standard_path": "yaml_loader",
    "load_default_standard": "yaml_loader",
    "load_standard": "yaml_loader",
    "parse_standard": "yaml_loader",
}


__all__ = [
    "ClusterProfile",
    "ConditionError",
    "HysteresisPolicy",
    "Issue",
    "NeedsSegmenter",
    "Standard",
    "StandardValidationError",
    "cluster_profiles",
    "compile_condition",
    "default_standard_path",
    "explain",
    "explain_all",
    "known_indicators",
    "load_default_standard",
    "load_standard",
    "named_list_names",
    "output_columns",
    "parse_condition",
    "parse_standard",
    "score_and_tier",
]


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())


if TYPE_CHECKING:
    from corptier.tiering.apply import output_columns, score_and_tier
    from corptier.tiering.conditions import ConditionError, compile_condition, parse_condition
    from corptier.tiering.explanations import explain, explain_all
    from corptier.tiering.gates import named_list_names
    from corptier.tiering.indicator_names import known_indicators
    from corptier.tiering.policy import HysteresisPolicy
    from corptier.tiering.segments import ClusterProfile, NeedsSegmenter, cluster_profiles
    from corptier.tiering.standard import Standard
    from corptier.tiering.yaml_loader import (
        Issue,
        StandardValidationError,
        default_standard_path,
        load_default_standard,
        load_standard,
        parse_standard,
    )

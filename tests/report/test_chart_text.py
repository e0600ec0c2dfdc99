"""Chart text is plain text: a tier name with `$…$` is drawn as written, never parsed as TeX."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from corptier.evaluation.migration import migration_matrix
from corptier.i18n import Translator
from corptier.report.charts import chart_style, migration_heatmap, tier_pyramid, to_svg

LABELS = {"a": r"$\bad{$", "b": "$x$ 客户", "c": "plain"}


def test_a_tier_name_with_tex_renders_as_text():
    t = Translator("en", LABELS)
    with chart_style("en"):
        fig = tier_pyramid(pd.Series({"a": 3, "b": 2, "c": 1}), t)
        svg = to_svg(fig)
        labels = [x.get_text() for x in fig.axes[0].get_yticklabels()]
        plt.close(fig)
    assert svg.startswith("<svg")
    assert labels == [r"$\bad{$", "$x$ 客户", "plain"]


def test_a_migration_heatmap_with_tex_tier_names_renders():
    t = Translator("en", LABELS)
    before = pd.Series({"C1": "a", "C2": "b", "C3": "c"})
    after = pd.Series({"C1": "b", "C2": "b", "C3": "a"})
    matrix = migration_matrix(before, after, ["a", "b", "c"])
    with chart_style("en"):
        fig = migration_heatmap(matrix, t, "Migration $\\oops{$")
        assert to_svg(fig).startswith("<svg")
        plt.close(fig)

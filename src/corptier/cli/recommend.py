"""`corptier recommend CUSTOMER` and `corptier recommend backtest`: a customer's next best
products with their reasons, and the backtest of the recommendations over the history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corptier.cli.base import CorptierGroup, JsonOpt, WorkspaceOpt, app, console, grid, pct, say
from corptier.cli.language import _, translator

if TYPE_CHECKING:
    from corptier.services.recommendations import CustomerRecommendations, ProductSuggestion

CUSTOMER_COMMAND = "customer"


class RecommendGroup(CorptierGroup):
    """`recommend CUSTOMER …` runs the `customer` command; `recommend backtest …` the backtest
    (a customer id that is also a command name is given as `recommend customer ID`)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = [CUSTOMER_COMMAND, *args]
        result: list[str] = super().parse_args(ctx, args)
        return result


recommend_app = typer.Typer(cls=RecommendGroup, no_args_is_help=True, add_completion=False,
                            rich_markup_mode=None,
                            help="Next best products per customer (from its peers' product "
                                 "gap) and their backtest.")
app.add_typer(recommend_app, name="recommend")
SettingsOpt = Annotated[Path | None, typer.Option(
    "--settings", help="Recommendation settings YAML (default: the workspace's "
                       "standards/recommendations.yaml, else the shipped one).")]


def _share(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def _rows(items: tuple[ProductSuggestion, ...]) -> list[list[str]]:
    return [[str(s.rank), s.label, _share(s.adoption), "—" if s.peers is None else str(s.peers),
             s.gain_text, _("yes") if s.stated else "", s.reason] for s in items]


def _doc(r: CustomerRecommendations) -> dict[str, Any]:
    def item(s: ProductSuggestion) -> dict[str, Any]:
        return {"rank": s.rank, "category": s.category, "label": s.label, "score": s.score,
                "adoption": s.adoption, "peers": s.peers, "peer_group": list(s.peer_group),
                "expected_gain": s.expected_gain, "stated": s.stated, "in_gap": s.in_gap,
                "reason": s.reason}

    return {"customer_id": r.customer_id, "period": r.period, "run_id": r.run_id,
            "settings": {"id": r.settings_id, "version": r.settings_version},
            "needs_segment": r.needs_segment, "industry_section": r.industry_section,
            "enterprise_size": r.enterprise_size, "held": list(r.held),
            "next_best": [item(s) for s in r.next_best], "gap": [item(s) for s in r.gap]}


@recommend_app.command(CUSTOMER_COMMAND)
def recommend_customer_cmd(
    customer: Annotated[str, typer.Argument(metavar="CUSTOMER", help="Customer id.")],
    period: Annotated[str | None, typer.Option(
        "--period", "-p", help="Period, YYYY-MM (default: the latest closed).")] = None,
    settings: SettingsOpt = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """A customer's next best products and product gap, each with its reason."""
    from corptier.services import open_workspace, recommend_customer

    ws = open_workspace(workspace)
    r = recommend_customer(ws, customer, period, lang=translator().lang, settings_path=settings)
    if as_json:
        from corptier.cli.base import print_json

        print_json(_doc(r))
        return
    say(_("Next best products of {customer} ({period})").format(customer=r.customer_id,
                                                                period=r.period))
    say(_("Categories held: {held}").format(held=_held_labels(r) or "—"))
    headers = [_("rank"), _("product"), _("peers holding"), _("peers"), _("expected gain"),
               _("stated need"), _("reason")]
    if not r.next_best:
        say(_("No product to recommend: the customer holds what its peers commonly hold."))
    else:
        console.print(grid(_("Next best products ({n})").format(n=len(r.next_best)), headers,
                           _rows(r.next_best)))
    rest = r.gap[len(r.next_best):]
    if rest:
        console.print(grid(_("Rest of the product gap ({n})").format(n=len(rest)), headers,
                           _rows(rest)))


def _held_labels(r: CustomerRecommendations) -> str:
    from corptier.services.recommendations import CATEGORY_LABELS

    joint = "、" if translator().lang.startswith("zh") else ", "
    return joint.join(_(CATEGORY_LABELS.get(c, c)) for c in r.held)


@recommend_app.command("backtest")
def recommend_backtest_cmd(
    start: Annotated[str | None, typer.Option("--from", help="First month t, YYYY-MM.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last month t, YYYY-MM.")] = None,
    settings: SettingsOpt = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Precision@3 of the recommendations made at each month against the adoptions of the
    following months, and the lift over recommending the most popular products."""
    from corptier.services import backtest_recommendations, open_workspace

    ws = open_workspace(workspace)
    result = backtest_recommendations(ws, start=start, end=end, settings_path=settings)
    if as_json:
        from corptier.cli.base import print_json

        print_json(result.as_dict())
        return
    say(_("Recommendations made at month t, adoptions looked for in t+1 … t+{h}; settings "
          "{id} {version}").format(h=result.horizon, id=result.settings_id,
                                   version=result.settings_version))
    rows = [[m.period, f"{m.customers:,}", f"{m.recommendations:,}", f"{m.hits:,}",
             pct(m.precision), pct(m.popular_precision)] for m in result.months]
    console.print(grid(_("Backtest by month"), [
        _("month"), _("customers"), _("recommendations"), _("adopted"),
        _("precision@{k}").format(k=result.top),
        _("most popular: precision@{k}").format(k=result.top)], rows))
    lift = "—" if result.lift is None else f"{result.lift:.2f}"
    say(_("precision@{k}: {p}; most popular products: {q}; lift {lift}; base rate (any "
          "category not held) {base}").format(k=result.top, p=pct(result.precision),
                                              q=pct(result.popular_precision), lift=lift,
                                              base=pct(result.base_rate)))
    if result.skipped:
        say(_("Months not backtested (not closed, or fewer than {h} later months loaded): "
              "{months}").format(h=result.horizon, months=", ".join(result.skipped)))

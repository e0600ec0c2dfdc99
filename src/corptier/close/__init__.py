"""The period close: apply the standard to a period and publish the result as one run."""

from corptier.close.published import explanation, export_tiers, published_results
from corptier.close.run import CloseResult, close_period

__all__ = ["CloseResult", "close_period", "explanation", "export_tiers", "published_results"]

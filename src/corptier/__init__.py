"""corptier: tiered management of a commercial bank's corporate customers (对公客户分层管理)."""

__version__ = "0.1.0"


def __getattr__(name: str):
    """`corptier.close_period` without importing the engines at package import."""
    if name == "close_period":
        from corptier.close import close_period

        return close_period
    raise AttributeError(f"module 'corptier' has no attribute {name!r}")

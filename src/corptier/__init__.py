"""corptier: tiered management of a commercial bank's corporate customers (对公客户分层管理)."""

__version__ = "0.1.0"

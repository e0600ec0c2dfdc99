"""Fixtures of the tiering tests (helpers live in tiering_helpers.py)."""

from tiering_helpers import *  # noqa: F403

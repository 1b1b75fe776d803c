"""Hypothesis budgets: the full one in dev/test, a quick one for dev/unit.

Tests that set their own ``max_examples`` pass it through :func:`examples`, so the quick
loop runs every property a few times and dev/test (and CI) runs the full number.
"""
from __future__ import annotations

import os

from hypothesis import settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "full")
QUICK_SHARE = 15  # the quick loop runs about 1/15 of each test's examples

settings.register_profile("full", settings())
settings.register_profile("quick", settings(max_examples=10))
settings.load_profile(PROFILE if PROFILE in ("full", "quick") else "full")


def examples(full: int) -> int:
    """This profile's number of examples for a test that asks for ``full`` of them."""
    return max(5, full // QUICK_SHARE) if PROFILE == "quick" else full

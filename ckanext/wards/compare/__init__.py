"""The comparison of wards and the collection of other portals' standard reports.

- ``comparison``: one row per ward (local or collected), averages, national reference, CSV;
- ``snapshots``: dated reports (table ``wards_compare_snapshot``), the newest per source and
  the trend;
- ``collect``: fetching the peers' reports (``ckanext.wards.peers``) through the safe
  fetcher, validating them and keeping the last good one.

Two ways to know a ward: local, an organisation of this portal (``vocab.organizations``),
its report computed live from the stored scores (``report``); peer, a report URL that
``collect`` fetches. ``ckanext.wards.compare.collect_job`` stays the background job's name.
"""
from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # The documented job name (``ckan jobs``, cron set-ups); loaded on first use, so that
    # importing the package imports none of its modules.
    if name == "collect_job":
        from ckanext.wards.compare.collect import collect_job
        return collect_job
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Quality scores of datasets and resources (the wards_scoring plugin): data.europa.eu's
MQA (405 points) and our Japan dimension.

- ``spec``: the metrics as data (``schemas/metrics.yaml`` plus IWardsScoring plugins'),
  bands, points, texts;
- ``checks/<dimension>.py``: one function per metric, named by the metric's ``check``;
- ``subject`` (what a check sees), ``facts`` (licence, stars, conformance, freshness);
- ``engine``: ``score_dataset`` / ``score_resource`` and the totals;
- ``extensions``: what IWardsScoring plugins add (``ckanext/wards/interfaces.py``);
- ``store`` (the score tables' reads and writes), ``datasets`` (dataset dicts from the
  database), ``bulk`` (``rescore``), ``jobs`` (the re-score job), ``linkcheck``,
  ``index`` (Solr fields), ``scorecard``.

Modules inside the package import each other by their submodule path; the names below
are re-exported, loaded on first use, for code outside it (``spec`` is the submodule:
``scoring.spec.spec()`` is the parsed metrics.yaml).
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "score_dataset": "engine", "score_resource": "engine", "ranked_fixes": "engine",
    "metrics": "spec", "metric_by_id": "spec", "rating": "spec",
    "max_points": "spec", "text": "spec",
    "rescore": "bulk", "org_summary_rows": "store",
}
_RENAMED = {"org_summary_rows": "org_rows"}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.{_EXPORTS[name]}")
    return getattr(module, _RENAMED.get(name, name))

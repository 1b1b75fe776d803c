"""The metrics' checks, one module per dimension of ``schemas/metrics.yaml``.

The lookup rule: a metric id → its ``dimension`` and ``check`` in metrics.yaml → the
function named ``check`` in ``ckanext/wards/scoring/checks/<dimension>.py``
(``tests/test_scoring_layout.py`` holds it). Metrics that IWardsScoring plugins add name
a check of the plugin's ``wards_checks()`` instead.

A check is called as ``check(subject, index)`` (``subject.Subject``; ``index`` is the
resource's position for a distribution metric, None for a dataset metric) and returns the
share that passes, 0.0 to 1.0, or ``NotAssessed(reason)`` when it could not be assessed
(a reason code of ``not_assessed_reasons`` in metrics.yaml, chosen from the subject). A
plugin's check may still return None: not assessed, reason ``states.GENERIC_REASON``
(``check_failed`` when it raised).
"""
from __future__ import annotations

import importlib
from typing import Any, Callable, Optional, Union

from ckanext.wards.scoring.states import NotAssessed

Check = Callable[[Any, Optional[int]], Union[float, NotAssessed, None]]

__all__ = ["Check", "NotAssessed", "own_check"]

DIMENSION_MODULE = "ckanext.wards.scoring.checks.{dimension}"


def own_check(metric: dict[str, Any]) -> Check:
    """The function of a metrics.yaml metric; AttributeError or ImportError if it has none."""
    module = importlib.import_module(DIMENSION_MODULE.format(dimension=metric["dimension"]))
    return getattr(module, metric["check"])

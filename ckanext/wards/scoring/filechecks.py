"""A resource's file check (the conformance checker of ``wards_standard_check``) as the
assessments the scores store: ``conformance_ok`` and ``rules_score``.

wards_schema's ``IWardsScoring.wards_assess_resource`` calls ``assess`` with the checker's
``run_check`` and ``declared_standard``, so this module imports no checker code.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Optional

import ckan.plugins.toolkit as tk

from ckanext.wards.formats import classify as formats

log = logging.getLogger(__name__)

# Files the checker reads (by the resource's classified format).
CHECKED_FORMATS = frozenset({"CSV", "XLSX"})
# wards_standard_check's default (conformance.result.MAX_EXAMPLES, a test holds them
# equal): the job and the action then share stored results, kept per number of examples.
MAX_EXAMPLES = 20
NOT_ASSESSED = {"conformance_ok": None, "rules_score": None}


def checkable(resource: dict[str, Any]) -> bool:
    return formats.classify(resource)["code"] in CHECKED_FORMATS


def assess(dataset: dict[str, Any], resource: dict[str, Any],
           run_check: Callable[[dict, Optional[str], int], tuple[dict, dict]],
           declared_standard: Callable[[dict, dict], Optional[str]]) -> dict[str, Any]:
    """Check the resource's file (uploaded, or fetched through the safe fetcher) against
    the standard it declares; a file that is no CSV/XLSX, missing or cannot be fetched is
    not assessed (None), never failed."""
    if not checkable(resource):
        return dict(NOT_ASSESSED)
    standard_id = declared_standard(resource, dataset)
    try:
        result, _pointer = run_check(resource, standard_id, MAX_EXAMPLES)
    except (tk.ValidationError, tk.ObjectNotFound) as error:
        log.info("wards: file of resource %s not checked: %s", resource.get("id"), error)
        return dict(NOT_ASSESSED)
    return {"conformance_ok": result.get("conforms"), "rules_score": rules_score(result)}


def rules_score(result: dict[str, Any]) -> Optional[float]:
    """The government machine-readability rules score of a check result, 0–100: its
    weakest level (a FATAL rule makes a level 0), None when no rule could be evaluated."""
    scores = [level["score"] for level in result.get("levels") or () if level.get("score") is not None]
    return float(min(scores)) if scores else None

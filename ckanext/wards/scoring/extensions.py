"""What the plugins implementing ``IWardsScoring`` add: metrics, checks, assessments.

Every call goes through ``_call``: an implementation that raises is logged and gives
nothing, so what it would have assessed counts as not assessed and scoring goes on.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Optional

from ckan.plugins import PluginImplementations

from ckanext.wards.interfaces import IWardsScoring

log = logging.getLogger(__name__)

# What the stored score keeps of the assessments (columns of the score tables).
DATASET_ASSESSMENTS = ("dcat_compliant",)
RESOURCE_ASSESSMENTS = ("conformance_ok", "rules_score")


def plugins() -> tuple[Any, ...]:
    """The plugins implementing IWardsScoring, in ``ckan.plugins`` order."""
    return tuple(PluginImplementations(IWardsScoring))


def _call(plugin: Any, method: str, *args: Any) -> tuple[bool, Any]:
    """(succeeded, result) of one implementation's method."""
    try:
        return True, getattr(plugin, method)(*args)
    except Exception:  # a broken implementation must not stop scoring
        log.exception("wards: %s.%s failed; counted as not assessed", type(plugin).__name__, method)
        return False, None


def added_metrics(implementations: tuple[Any, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for plugin in implementations:
        ok, metrics = _call(plugin, "wards_metrics")
        if ok and isinstance(metrics, (list, tuple)):
            out.extend(m for m in metrics if isinstance(m, dict))
        elif ok and metrics:
            log.error("wards: %s.wards_metrics() is no list of metrics; ignored", type(plugin).__name__)
    return out


def added_checks(implementations: tuple[Any, ...]) -> dict[str, Callable[..., Any]]:
    out: dict[str, Callable[..., Any]] = {}
    for plugin in implementations:
        ok, checks = _call(plugin, "wards_checks")
        if ok and isinstance(checks, dict):
            out.update({name: fn for name, fn in checks.items() if name not in out and callable(fn)})
        elif ok and checks:
            log.error("wards: %s.wards_checks() is no dict of check functions; ignored", type(plugin).__name__)
    return out


def _assess(method: str, keys: tuple[str, ...], args: tuple[Any, ...],
            implementations: Optional[Iterable[Any]]) -> dict[str, Any]:
    """The results of every implementation, merged: for each key the first plugin's
    non-None result. When one failed, the keys no other plugin answered are None (not
    assessed), so a stale stored result is not kept as if it were fresh."""
    found: dict[str, Any] = {}
    failed = False
    for plugin in plugins() if implementations is None else implementations:
        ok, result = _call(plugin, method, *args)
        failed = failed or not ok or not isinstance(result, dict)
        for key, value in (result.items() if isinstance(result, dict) else ()):
            if key in keys and found.get(key) is None:
                found[key] = value
    if failed:
        for key in keys:
            found.setdefault(key, None)
    return found


def assess_dataset(pkg: dict[str, Any], implementations: Optional[Iterable[Any]] = None) -> dict[str, Any]:
    """``dcat_compliant`` (when a plugin assesses it) of one dataset dict, from the loaded
    IWardsScoring plugins (or ``implementations``)."""
    return _assess("wards_assess_dataset", DATASET_ASSESSMENTS, (pkg,), implementations)


def assess_resource(pkg: dict[str, Any], res: dict[str, Any],
                    implementations: Optional[Iterable[Any]] = None) -> dict[str, Any]:
    """``conformance_ok`` and ``rules_score`` (when a plugin assesses them) of one resource."""
    return _assess("wards_assess_resource", RESOURCE_ASSESSMENTS, (pkg, res), implementations)


def assesses(method: str, implementations: Optional[Iterable[Any]] = None) -> bool:
    """Whether any plugin (of ``implementations``, default the loaded ones) overrides
    ``method`` (``wards_assess_dataset`` or ``wards_assess_resource``): otherwise a job
    need not fetch anything for it, and what it would assess is "not enabled"."""
    base = getattr(IWardsScoring, method)
    found = plugins() if implementations is None else implementations
    return any(getattr(type(plugin), method, base) is not base for plugin in found)

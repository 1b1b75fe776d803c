"""Where is metric X computed? The rule of schemas/metrics.yaml: a metric id names its
``dimension`` and ``check``, and the function ``check`` of
``ckanext/wards/scoring/checks/<dimension>.py`` computes it (no stack needed)."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from ckanext.wards.scoring import checks, spec

METRICS = spec.spec()["metrics"]


def _check_modules() -> dict[str, object]:
    return {info.name: importlib.import_module(f"{checks.__name__}.{info.name}")
            for info in pkgutil.iter_modules(checks.__path__)}


def _functions(module) -> dict[str, object]:
    """The check functions a module defines (not the helpers it imports)."""
    return {name: fn for name, fn in inspect.getmembers(module, inspect.isfunction)
            if fn.__module__ == module.__name__ and not name.startswith("_")}


@pytest.mark.parametrize("metric", METRICS, ids=[m["id"] for m in METRICS])
def test_every_metric_resolves_to_exactly_one_function(metric):
    modules = _check_modules()
    assert metric["dimension"] in modules, f"no checks/{metric['dimension']}.py"
    fn = checks.own_check(metric)
    assert fn.__module__ == f"ckanext.wards.scoring.checks.{metric['dimension']}"
    assert fn.__name__ == metric["check"]
    defined = [name for name, module in modules.items() if metric["check"] in _functions(module)]
    assert defined == [metric["dimension"]], f"{metric['check']} is defined in {defined}"


def test_one_module_per_dimension_and_no_unused_check():
    modules = _check_modules()
    assert set(modules) == set(spec.spec()["dimensions"])
    used = {(m["dimension"], m["check"]) for m in METRICS}
    defined = {(name, fn) for name, module in modules.items() for fn in _functions(module)}
    assert defined - used == set(), "check functions no metric names"
    assert len(used) == len(METRICS), "two metrics share one check"


def test_the_package_re_exports_its_entry_points():
    from ckanext.wards import scoring
    from ckanext.wards.scoring import bulk, engine, store
    assert scoring.score_dataset is engine.score_dataset and scoring.rescore is bulk.rescore
    assert scoring.org_summary_rows is store.org_rows and scoring.rating is spec.rating
    with pytest.raises(AttributeError):
        scoring.register_hook  # noqa: B018 (replaced by IWardsScoring)

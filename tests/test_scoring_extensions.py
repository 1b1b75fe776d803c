"""What IWardsScoring implementations add is screened before it reaches the scores: an entry
or a return value that could break scoring is logged and left out (no stack: the functions
take the implementations as arguments)."""
from __future__ import annotations

import logging

import pytest

from ckanext.wards.scoring import extensions, spec

GOOD = {"id": "ex:good", "dimension": "japan", "scope": "dataset", "points": 5, "check": "ex_good",
        "label": {"en": "Good", "ja": "良"}}


class Plugin:
    def __init__(self, metrics=None, checks=None):
        self._metrics, self._checks = metrics, checks

    def wards_metrics(self):
        return self._metrics

    def wards_checks(self):
        return self._checks


@pytest.mark.parametrize("bad, reason", [
    ({"id": "ex:x", "dimension": "findability", "check": "c", "points": 1}, "scope"),
    ({"id": "ex:x", "dimension": "findability", "scope": "dataset", "check": "c"}, "points"),
    ({"id": "ex:x", "dimension": "findability", "scope": "dataset", "points": "5", "check": "c"}, "points"),
    ({"id": "ex:x", "dimension": "findability", "scope": "dataset", "points": True, "check": "c"}, "points"),
    ({"id": "ex:x", "dimension": "findability", "scope": "dataset", "points": 5}, "check"),
    ({"id": "ex:x", "dimension": "nowhere", "scope": "dataset", "points": 5, "check": "c"}, "dimension"),
    ({"id": "pv:keywordAvailability", "dimension": "findability", "scope": "dataset", "points": 5,
      "check": "c"}, "taken"),
    ({"dimension": "findability", "scope": "dataset", "points": 5, "check": "c"}, "id"),
])
def test_an_unusable_metric_is_left_out_and_the_rest_scored(bad, reason, caplog, monkeypatch):
    monkeypatch.setattr(extensions.log, "disabled", False)  # CKAN's test.ini logging may disable it
    with caplog.at_level(logging.ERROR, logger=extensions.log.name):
        plan = spec.plan((Plugin(metrics=[bad, GOOD]),))
    ids = [m["id"] for m in plan.metrics]
    assert "ex:good" in ids and ids.count("pv:keywordAvailability") == 1
    assert (bad.get("id") not in ids) or bad.get("id") == "pv:keywordAvailability"
    assert plan.max_points["japan"] == spec.plan(()).max_points["japan"] + 5
    assert reason in caplog.text


@pytest.mark.parametrize("returned", [5, "metrics", {"id": "ex:good"}])
def test_metrics_that_are_no_list_are_ignored(returned):
    assert extensions.added_metrics((Plugin(metrics=returned), Plugin(metrics=[GOOD]))) == [GOOD]


@pytest.mark.parametrize("returned", [[("ex_good", len)], "checks", 3])
def test_checks_that_are_no_dict_are_ignored(returned):
    def ex_good(subject, index):
        return 1.0
    found = extensions.added_checks((Plugin(checks=returned), Plugin(checks={"ex_good": ex_good, "no": 1})))
    assert found == {"ex_good": ex_good}

"""The file check as stored assessments (scoring/filechecks.py), with the checker's
functions passed in as wards_schema passes them (no stack needed)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.wards.scoring import filechecks

CSV = {"id": "r1", "url": "https://x.lg.jp/t.csv", "format": "CSV"}


def _declared(resource, dataset):
    return "13_public_toilet"


def test_the_rules_score_is_the_weakest_evaluated_level():
    levels = [{"level": 1, "score": 100}, {"level": 2, "score": 70}, {"level": 3, "score": None}]
    assert filechecks.rules_score({"levels": levels}) == 70.0
    assert filechecks.rules_score({"levels": [{"level": 1, "score": None}]}) is None
    assert filechecks.rules_score({}) is None


def test_a_checked_file_gives_both_assessments():
    calls = []

    def run_check(resource, standard_id, max_examples):
        calls.append((resource["id"], standard_id, max_examples))
        return {"conforms": True, "levels": [{"level": 1, "score": 90}]}, {}
    assert filechecks.assess({}, CSV, run_check, _declared) == {"conformance_ok": True, "rules_score": 90.0}
    assert calls == [("r1", "13_public_toilet", filechecks.MAX_EXAMPLES)]


def test_files_not_checked_are_not_assessed():
    def unreachable(resource, standard_id, max_examples):
        raise tk.ValidationError({"url": ["The file could not be fetched."]})

    def never(resource, standard_id, max_examples):
        raise AssertionError("a PDF is not fetched")
    assert filechecks.assess({}, CSV, unreachable, _declared) == filechecks.NOT_ASSESSED
    pdf = dict(CSV, url="https://x.lg.jp/t.pdf", format="PDF")
    assert filechecks.assess({}, pdf, never, _declared) == filechecks.NOT_ASSESSED


def test_the_job_asks_for_as_many_examples_as_the_action():
    from ckanext.wards.conformance import result as standard_check
    assert filechecks.MAX_EXAMPLES == standard_check.MAX_EXAMPLES

"""Checks of our Japan dimension (metrics.yaml ``dimension: japan``, a separate total):
5-star level, machine readability by the government's rules, standard conformance, the
file rules, open licence, freshness and format match."""
from __future__ import annotations

from ckanext.wards.scoring import facts, states
from ckanext.wards.scoring.states import NotAssessed


def five_stars(s, i):
    return facts.dataset_stars(s) / 5.0


def machine_readable(s, i):
    if any(c["machine_readable_strict"] for c in s.classes):
        return 1.0
    return 0.5 if any(c["machine_readable_broad"] for c in s.classes) else 0.0


def standard_conformance(s, i):
    """None declared, or none the checker knows (a mistyped id): failed (the steward can
    declare one, or fix the id); declared: the checker's verdict on the files, not assessed
    while no file was checked against it."""
    declared, checked = facts.conformance(s)
    if not declared or not facts.known_standards(declared):
        return 0.0
    if checked is None:
        return NotAssessed(states.files_reason(s))
    return 1.0 if checked else 0.2


def readability_rules(s, i):
    """The best stored ``rules_score`` (0–100) of the resources' files; not assessed if no
    file was ruled."""
    scores = [st.get("rules_score") for st in (s.resource_store(r) for r in s.resources)
              if st.get("rules_score") is not None]
    if not scores:
        return NotAssessed(states.files_reason(s))
    return max(0.0, min(1.0, max(scores) / 100.0))


def open_licence(s, i):
    return float(facts.licence_is_open(facts.licence_id(s.pkg)))


def updated_as_declared(s, i):
    return facts.freshness(s.pkg, s.now)


def format_matches(s, i):
    """No recognised declared format: failed (the steward declares one); no file type
    detected (sniffed or from the URL): not assessed."""
    c = s.classes[i]
    if not c["declared_code"]:
        return 0.0
    if not c["detected_code"]:
        return NotAssessed(states.file_reason(s, s.resources[i]))
    return 0.0 if c["format_mismatch"] else 1.0

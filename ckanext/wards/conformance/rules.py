"""The 2026 government machine-readability rules (行政データにおける機械可読性に関するルール,
levels L1-L3) as data, and their scores.

``schemas/machine-readability-rules.csv`` holds the 30 rules with the reference scorer's
severity and deduction; ``schemas/machine-readability-checks.yaml`` what the checks need
(patterns, character ranges, choice synonyms). The checker evaluates the rules on a file;
this module scores them per level as the Digital Agency's reference scorer (Harunobu,
``harunobu/core/scorer.py``) does: rules not evaluated on this file are left out; a level
with none is ``None``; a failed FATAL rule forces the level to 0; otherwise
``max(0, 100 - sum of the fixed deductions of the failed rules)``.
"""
from __future__ import annotations

import csv
import functools
import re

import yaml

from ckanext.wards.conformance.messages import message
from ckanext.wards.lib.text import fold
from ckanext.wards.paths import schema_file

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
RULE_FILES = ("machine-readability-rules.csv", "machine-readability-checks.yaml")


def choice_key(value: str) -> str:
    """How choices are compared (rule L2-04): NFKC, case and spaces ignored."""
    return fold(value, spaces=False)


@functools.lru_cache(maxsize=None)
def load_rules() -> list[dict]:
    """The 30 rules, with the reference scorer's severity and deduction."""
    with open(schema_file(RULE_FILES[0]), encoding="utf-8", newline="") as f:
        rules = list(csv.DictReader(f))
    for rule in rules:
        rule["level"] = int(rule["level"])
        rule["auto_check"] = rule["auto_check"].split()
        ded = rule["deduction_reference_impl"]
        rule["deduction"] = None if ded == "force_zero" else abs(int(ded))
    return rules


@functools.lru_cache(maxsize=None)
def load_settings() -> dict:
    with open(schema_file(RULE_FILES[1]), encoding="utf-8") as f:
        settings = yaml.load(f, Loader=_YAML_LOADER)
    with open(schema_file("standard-datasets", "_types.yaml"), encoding="utf-8") as f:
        settings["types"] = yaml.load(f, Loader=_YAML_LOADER)
    ranges = settings["platform_dependent_characters"]
    tolerated = settings["tolerated_characters"]
    char_class = "".join(f"\\U{r['from']:08x}-\\U{r['to']:08x}" for r in ranges)
    settings["platform_re"] = re.compile(f"[{char_class}]")
    settings["tolerated"] = set(tolerated)
    settings["ranges"] = ranges
    for key in ("number_with_junk_pattern", "meaningless_header_pattern", "period_header_pattern",
                "era_date_pattern", "western_year_pattern", "note_row_pattern",
                "other_with_detail_pattern"):
        flags = re.IGNORECASE if key in ("meaningless_header_pattern", "note_row_pattern") else 0
        settings[key.replace("_pattern", "_re")] = re.compile(settings[key], flags)
    synonyms = {}
    for group in settings["choice_synonyms"]:
        for word in group:
            synonyms[choice_key(word)] = choice_key(group[0])
    settings["synonyms"] = synonyms
    settings["ditto"] = set(settings["ditto_marks"])
    return settings



def score_rules(states: dict[str, dict], file_format: str) -> tuple[list[dict], list[dict]]:
    """Per-rule results and per-level scores, as the reference scorer computes them."""
    rules_out = []
    by_level: dict[int, list[dict]] = {1: [], 2: [], 3: []}
    for rule in load_rules():
        evaluated = rule["id"] in states and file_format in rule["auto_check"]
        state = states.get(rule["id"], {"failed": 0, "examples": []})
        entry = {
            "id": rule["id"], "level": rule["level"], "name_ja": rule["short_name_ja"],
            "name_en": rule["short_name_en"], "severity": rule["severity_reference_impl"],
            "deduction": rule["deduction"] if rule["deduction"] is not None else "force_zero",
            "evaluated": evaluated,
            "passed": (state["failed"] == 0) if evaluated else None,
            "count": state["failed"] if evaluated else 0,
            "examples": state["examples"] if evaluated else [],
        }
        rules_out.append(entry)
        if evaluated:
            by_level[rule["level"]].append(entry | {"_deduction": rule["deduction"]})
    levels = []
    for level, entries in by_level.items():
        if not entries:
            levels.append({"level": level, "score": None, "passed": 0, "total": 0,
                           "forced_zero": False, "failed": []})
            continue
        failed = [e for e in entries if not e["passed"]]
        fatal = [e["id"] for e in failed if e["severity"] == "FATAL"]
        score = 0 if fatal else max(0, 100 - sum(e["_deduction"] or 0 for e in failed))
        levels.append({"level": level, "score": score, "passed": len(entries) - len(failed),
                       "total": len(entries), "forced_zero": bool(fatal), "failed": [e["id"] for e in failed]})
    return rules_out, levels


def excel_rules(result: dict, counts: dict) -> None:
    """Add the Excel-only rules (objects, merged cells, hidden rows/columns, formulas) and re-score."""
    states = {r["id"]: {"failed": r["count"], "examples": r["examples"]}
              for r in result["rules"] if r["evaluated"]}
    checks = {"L1-10": ("objects", {}), "L1-12": ("merged", {}), "L1-13": ("hidden", {}), "L2-06": ("formulas", {})}
    for rule_id, (key, _) in checks.items():
        state = states.setdefault(rule_id, {"failed": 0, "examples": []})
        if counts[key]:
            en, ja = message(rule_id, count=counts[key])
            state["failed"] += counts[key]
            state["examples"].append({"message": en, "message_ja": ja})
    result["rules"], result["levels"] = score_rules(states, "xlsx")
    result["summary"]["rules_failed"] = [r["id"] for r in result["rules"] if r["passed"] is False]

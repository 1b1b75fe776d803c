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
    ignore_case = ("meaningless_header_pattern", "note_row_pattern", "proper_name_header_pattern",
                   "unitless_header_pattern", "region_header_pattern")
    for key in [k for k in settings if k.endswith("_pattern")]:
        flags = re.IGNORECASE if key in ignore_case else 0
        settings[key.replace("_pattern", "_re")] = re.compile(settings[key], flags)
    names = settings["proper_name_ranges"]
    settings["proper_name_chars_re"] = re.compile(
        "[" + "".join(f"\\U{r['from']:08x}-\\U{r['to']:08x}" for r in names) + "]")
    synonyms = {}
    for group in settings["choice_synonyms"]:
        for word in group:
            synonyms[choice_key(word)] = choice_key(group[0])
    settings["synonyms"] = synonyms
    settings["ditto"] = set(settings["ditto_marks"])
    settings["prefecture_set"] = set(settings["prefectures"])
    # 東京 for 東京都, 大阪 for 大阪府, 神奈川 for 神奈川県 (北海道 has no shorter official form).
    settings["prefecture_short"] = {p[:-1]: p for p in settings["prefectures"] if p[-1] in "都府県"}
    return settings


def not_assessed_reason(rule_id: str) -> dict | None:
    """Why a rule the file alone cannot settle is not assessed (code, en, ja), or None."""
    reason = load_settings()["not_assessed_rules"].get(rule_id)
    if not reason:
        return None
    return {"code": reason["code"], "message": reason["en"], "message_ja": reason["ja"]}


def format_consistency(versions: list[tuple[str, list[str]]]) -> dict:
    """Rule L3-07 across files: the headers of the years of one dataset, as
    ``[(label, headers), ...]`` (oldest first). Fails when two years share too few column
    names (Jaccard below ``format_consistency_min_jaccard``), when the number of columns
    changes by more than ``format_consistency_max_column_change``, or when the shared
    columns change order. Fewer than two versions with headers: not assessed."""
    settings = load_settings()
    usable = [(label, [fold(h) for h in headers if h.strip()]) for label, headers in versions]
    usable = [(label, headers) for label, headers in usable if headers]
    if len(usable) < 2:
        reason = not_assessed_reason("L3-07")
        return {"id": "L3-07", "evaluated": False, "passed": None, "examples": [], "not_assessed": reason}
    examples = []
    for (label_a, a), (label_b, b) in zip(usable, usable[1:]):
        set_a, set_b = set(a), set(b)
        jaccard = len(set_a & set_b) / len(set_a | set_b)
        if jaccard < settings["format_consistency_min_jaccard"]:
            en, ja = message("L3-07", a=label_a, b=label_b, what=f"columns shared {jaccard:.2f}",
                             what_ja=f"共通の項目の割合 {jaccard:.2f}")
            examples.append({"message": en, "message_ja": ja})
        if abs(len(a) - len(b)) > settings["format_consistency_max_column_change"]:
            en, ja = message("L3-07", a=label_a, b=label_b, what=f"{len(a)} → {len(b)} columns",
                             what_ja=f"項目数 {len(a)} → {len(b)}")
            examples.append({"message": en, "message_ja": ja})
        shared = set_a & set_b
        if [h for h in a if h in shared] != [h for h in b if h in shared]:
            en, ja = message("L3-07", a=label_a, b=label_b, what="shared columns reordered",
                             what_ja="共通の項目の並びが変わっています")
            examples.append({"message": en, "message_ja": ja})
    return {"id": "L3-07", "evaluated": True, "passed": not examples, "count": len(examples),
            "examples": examples[:20]}



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
        if not evaluated and (reason := not_assessed_reason(rule["id"])):
            entry["not_assessed"] = reason
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


def excel_rules(result: dict, counts: dict, formatting: list[dict] | None = None, max_examples: int = 20) -> None:
    """Add the Excel-only rules (objects, formatting that carries meaning, merged cells,
    hidden rows/columns, formulas) and re-score. ``formatting`` is what
    ``reading.xlsx_formatting`` found per column (None: not read, L1-11 not assessed)."""
    states = {r["id"]: {"failed": r["count"], "examples": r["examples"]}
              for r in result["rules"] if r["evaluated"]}
    checks = {"L1-10": "objects", "L1-12": "merged", "L1-13": "hidden", "L2-06": "formulas"}
    for rule_id, key in checks.items():
        state = states.setdefault(rule_id, {"failed": 0, "examples": []})
        if counts[key]:
            en, ja = message(rule_id, count=counts[key])
            state["failed"] += counts[key]
            state["examples"].append({"message": en, "message_ja": ja})
    if formatting is not None:
        state = states.setdefault("L1-11", {"failed": 0, "examples": []})
        for finding in formatting:
            en, ja = message("L1-11", **finding)
            state["failed"] += 1
            if len(state["examples"]) < max_examples:
                state["examples"].append({"column": finding["column"], "message": en, "message_ja": ja})
    result["rules"], result["levels"] = score_rules(states, "xlsx")
    result["summary"]["rules_failed"] = [r["id"] for r in result["rules"] if r["passed"] is False]

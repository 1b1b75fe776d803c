"""The readability corpus (tests/fixtures/readability/): every fixture's level scores and
per-rule outcomes against the expected results written from the rule text
(``expected.yaml``). No stack: runs in dev/unit."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ckanext.wards.conformance import checker
from ckanext.wards.conformance.rules import format_consistency, not_assessed_reason

CORPUS = Path(__file__).parent / "fixtures" / "readability"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
# Rules no single file settles (the reference scorer leaves them out too).
NOT_ASSESSED = ("L3-02", "L3-03", "L3-07", "L3-08")


def _rules(result: dict) -> dict:
    return {r["id"]: r for r in result["rules"]}


def test_every_fixture_has_an_expectation():
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/*") if p.suffix in (".csv", ".xlsx")}
    assert files == set(EXPECTED)
    assert len([f for f in files if f.startswith("real/")]) >= 3


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_levels_and_rules(name):
    expected = EXPECTED[name]
    result = checker.check_file(CORPUS / name)
    rules = _rules(result)
    assert [lv["score"] for lv in result["levels"]] == expected["levels"], [
        (r["id"], r["examples"][:2]) for r in result["rules"] if r["passed"] is False]
    failed = sorted(r["id"] for r in result["rules"] if r["passed"] is False)
    assert failed == sorted(expected["failed"]), [(r, rules[r]["examples"][:2]) for r in failed]
    for rule_id in expected["failed"]:
        example = rules[rule_id]["examples"][0]
        assert example["message"] and example["message_ja"]
        assert rules[rule_id]["count"] >= 1
    for rule_id in expected.get("passed", []):
        assert rules[rule_id]["evaluated"] and rules[rule_id]["passed"] is True, rule_id
    for rule_id in NOT_ASSESSED:
        assert rules[rule_id]["evaluated"] is False and rules[rule_id]["passed"] is None
        assert rules[rule_id]["not_assessed"]["code"] == not_assessed_reason(rule_id)["code"]
        assert rules[rule_id]["not_assessed"]["message_ja"]
    fmt = result["file"]["format"]
    for rule_id in (("L1-14", "L1-15") if fmt == "xlsx" else ("L1-10", "L1-11", "L1-12", "L1-13", "L2-06")):
        assert rules[rule_id]["evaluated"] is False, rule_id


def test_examples_are_capped_and_counts_complete(tmp_path):
    rows = ["名称,位置"] + [f"施設{i},35.{i:04d},139.7536" for i in range(60)]
    path = tmp_path / "many.csv"
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    result = checker.check_file(path, max_examples=5)
    assert result["levels"][0]["score"] == 0  # the unquoted pairs widen every row: L1-15
    quoted = tmp_path / "quoted.csv"
    quoted.write_text("名称,位置\r\n" + "".join(f'施設{i},"35.{i:04d},139.7536"\r\n' for i in range(60)),
                      encoding="utf-8")
    rule = _rules(checker.check_file(quoted, max_examples=5))["L1-07"]
    assert rule["count"] == 60 and len(rule["examples"]) == 5


def test_format_consistency_across_years():
    same = format_consistency([("2022", ["名称", "区名", "人数"]), ("2023", ["名称", "区名", "人数"])])
    assert same["evaluated"] and same["passed"] is True
    changed = format_consistency([("2022", ["名称", "区名", "人数"]), ("2023", ["施設名", "地区", "利用者数", "備考"])])
    assert changed["passed"] is False and changed["examples"][0]["message_ja"]
    reordered = format_consistency([("2022", ["名称", "区名", "人数"]), ("2023", ["区名", "名称", "人数"])])
    assert reordered["passed"] is False
    births = checker.check_file(CORPUS / "real" / "takamatsu_births_deaths_2022.csv")["file"]["headers"]
    assert births[:2] == ["#property", "month"]
    assert format_consistency([("2021", births), ("2022", births)])["passed"] is True
    alone = format_consistency([("2023", ["名称"])])
    assert alone["evaluated"] is False and alone["not_assessed"]["code"] == "needs_other_years"


def test_crafted_files_are_what_the_script_writes(tmp_path, monkeypatch):
    """The crafted CSV files in the repository are the generator's output (no hand edits
    drift from make_crafted.py); workbooks carry timestamps, so only their names are compared."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_crafted", CORPUS / "make_crafted.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.main()
    written = {p.name for p in tmp_path.iterdir()}
    assert written == {p.name for p in (CORPUS / "crafted").iterdir()}
    for name in sorted(n for n in written if n.endswith(".csv")):
        assert (tmp_path / name).read_bytes() == (CORPUS / "crafted" / name).read_bytes(), name

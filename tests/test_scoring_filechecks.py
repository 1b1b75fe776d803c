"""The file check's pure parts (scoring/filechecks.py): what a checker result becomes in
``wards_file_check`` (no stack needed; the checker runs on files written here)."""
from __future__ import annotations

from pathlib import Path

from ckanext.wards.conformance import checker
from ckanext.wards.conformance.reading import Limits
from ckanext.wards.scoring import filechecks

TOILET_CSV = Path(__file__).parent / "fixtures" / "standard" / "131016_public_toilet.csv"


def test_the_rules_score_is_the_weakest_evaluated_level():
    levels = [{"level": 1, "score": 100}, {"level": 2, "score": 70}, {"level": 3, "score": None}]
    assert filechecks.rules_score({"levels": levels}) == 70.0
    assert filechecks.rules_score({"levels": [{"level": 1, "score": None}]}) is None
    assert filechecks.rules_score({}) is None


def test_a_checked_file_keeps_levels_rules_and_the_verdict():
    result = checker.check_file(TOILET_CSV, "13_public_toilet")
    row = filechecks.result_columns(result, "13_public_toilet")
    assert row["file_state"] == "checked" and row["file_reason"] is None
    assert row["conformance_ok"] is result["conforms"] is True
    assert row["level_scores"] == {f"L{lv['level']}": lv["score"] for lv in result["levels"]}
    assert row["rules_score"] == filechecks.rules_score(result)
    # evaluated rules and rules not assessed with a reason are kept; nothing else
    kept = [r for r in result["rules"] if r["passed"] is not None or r.get("not_assessed")]
    assert [r["id"] for r in row["rules"]] == [r["id"] for r in kept]
    assert any(r["passed"] is None and r["not_assessed"]["code"] for r in row["rules"])
    # Without a declared standard there is no verdict to keep, only the rules.
    assert filechecks.result_columns(checker.check_file(TOILET_CSV), None)["conformance_ok"] is None


def test_examples_are_capped_in_the_stored_rules(tmp_path):
    path = tmp_path / "platform-characters.csv"  # 機種依存文字 (L1-08) in 30 rows
    path.write_text("名称,人数\n" + "".join(f"施設{i},{i}\n" for i in range(40)) + "①,3\n" * 30, encoding="utf-8")
    row = filechecks.result_columns(checker.check_file(path), None)
    failed = [r for r in row["rules"] if r["passed"] is False]
    assert failed and all(len(r["examples"]) <= filechecks.STORED_EXAMPLES for r in failed)
    assert any(r["count"] > filechecks.STORED_EXAMPLES for r in failed)  # totals stay complete


def test_files_the_checker_cannot_judge_are_not_assessed(tmp_path):
    line = tmp_path / "one-line.csv"
    line.write_bytes(b"x," * 5000)
    beyond = checker.check_file(line, limits=Limits(max_record_chars=1000))
    assert filechecks.result_columns(beyond, None)["file_reason"] == "file_too_large"
    ods = tmp_path / "t.ods"
    import zipfile
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    unsupported = filechecks.result_columns(checker.check_file(ods), None)
    assert (unsupported["file_state"], unsupported["file_reason"]) == ("not_assessed", "not_tabular")


def test_the_job_asks_for_as_many_examples_as_the_action():
    from ckanext.wards.conformance import result as standard_check
    assert filechecks.MAX_EXAMPLES == standard_check.MAX_EXAMPLES


def test_edits_queue_file_checks_only_for_files():
    from ckanext.wards.scoring import jobs
    assert jobs._file_like({"url": "https://x.lg.jp/t.csv", "format": "CSV"})
    assert jobs._file_like({"url": "t.csv", "url_type": "upload", "format": "CSV"})
    assert not jobs._file_like({"url": "https://api.x.lg.jp/aed", "format": "JSON", "is_api": True})
    assert not jobs._file_like({"url": "ftp://x.lg.jp/t.csv"}) and not jobs._file_like({"url": ""})

"""Reference row, tile map and change column of the comparison (plain functions)."""
from ckanext.wards.compare import comparison
from ckanext.wards.vocab import wards as ward_list


def test_reference_row_has_only_comparable_figures_and_the_rest_is_context():
    ref = comparison.reference_figures()
    row = comparison.national_row(ref)
    assert row == {"datasets": 286, "machine_readable_strict": 48.7}
    context = {f["key"]: f for f in comparison.national_context(ref)}
    assert set(context) == {"api", "standard_conformance"}
    assert context["api"]["label"]["en"] == "API coverage of ward systems"
    assert ref["targets"] == {"machine_readable_strict": 90, "standard_conformance": 90}


def test_tile_positions_cover_the_23_wards_once():
    pos = comparison.tile_positions()
    assert set(pos) == {w["lg_code"] for w in ward_list.wards()}
    assert len({(p["col"], p["row"]) for p in pos.values()}) == 23


def test_tiles_colour_classes_follow_the_values():
    rows = [{"code": c, "api": float(i)} for i, c in enumerate(sorted(comparison.tile_positions()))]
    rows[0]["api"] = None
    out = comparison.tiles(rows, "api")
    assert len(out["tiles"]) == 23
    by_code = {t["code"]: t for t in out["tiles"]}
    assert by_code[rows[0]["code"]]["cls"] is None
    assert by_code[rows[1]["code"]]["cls"] == 0 and by_code[rows[-1]["code"]]["cls"] == 4
    assert len(out["legend"]) == 5


def test_change_is_newest_minus_previous_or_none():
    trend = {"a": [{"api": 2.0}, {"api": 3.5}, {"api": 5.0}], "b": [{"api": 4.0}]}
    assert comparison.changes(trend, "api") == {"a": 1.5, "b": None}

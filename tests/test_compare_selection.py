"""Which comparison rows are shown (``compare.selection``): pure, no stack."""
from __future__ import annotations

from ckanext.wards.compare import selection
from ckanext.wards.vocab import local_governments as lgs


def _rows(codes, kind="collected"):
    return [{"code": c, "kind": kind, "csv": float(i)} for i, c in enumerate(codes)]


def test_default_view_is_the_23_wards_and_this_portals_own():
    wards = [lg["lg_code"] for lg in lgs.select(kind_ids=["special_ward"])]
    others = ["011002", "141003", "132012"]  # 札幌市, 横浜市, 八王子市
    rows = _rows(wards + others) + [{"code": "262013", "kind": "local", "csv": 1.0}]  # 京都市, local
    chosen = selection.select(rows)
    assert chosen["total"] == 24 and chosen["all"] == 27
    assert {r["code"] for r in chosen["rows"]} == set(wards) | {"262013"}
    assert chosen["rows"][0]["prefecture_ja"] == "東京都"


def test_filters_by_prefecture_and_kind():
    codes = ["011002", "011011", "012025", "131016", "132012", "133035"]
    rows = _rows(codes)
    assert [r["code"] for r in selection.select(rows, prefecture="01", kinds=["all"])["rows"]] == \
        ["011002", "011011", "012025"]
    assert [r["code"] for r in selection.select(rows, kinds=["city", "designated_city"])["rows"]] == \
        ["011002", "012025", "132012"]
    assert [r["code"] for r in selection.select(rows, prefecture="13", kinds=["town"])["rows"]] == ["133035"]
    assert selection.select(rows, prefecture="47", kinds=["all"])["total"] == 0


def test_pages():
    codes = [lg["lg_code"] for lg in lgs.select(kind_ids=["town"])][:120]
    chosen = selection.select(_rows(codes), kinds=["town"], page=3, per_page=50)
    assert (chosen["page"], chosen["pages"], chosen["total"], len(chosen["rows"])) == (3, 3, 120, 20)
    assert [r["code"] for r in chosen["rows"]] == codes[100:]
    assert selection.select(_rows(codes), kinds=["town"], page=9, per_page=50)["page"] == 3  # clamped
    assert len(selection.select(_rows(codes), kinds=["town"], per_page=50)["selected"]) == 120


def test_similar_to_one_municipality():
    codes = [lg["lg_code"] for lg in lgs.select(kind_ids=["special_ward"])] + ["011002", "132012"]
    chosen = selection.select(_rows(codes), similar_to="13101", similar_limit=4)
    got = [r["code"] for r in chosen["rows"]]
    assert got[0] == "131016" and len(got) == 5
    assert all(lgs.local_government(c)["kind"] == "special_ward" for c in got)


def test_unlisted_code_has_no_kind_and_is_left_out_of_a_kind_filter():
    rows = _rows(["999990"])
    chosen = selection.select(rows, kinds=["all"])
    assert chosen["rows"][0]["lg_kind"] is None and chosen["total"] == 1
    assert selection.select(rows, kinds=["city"])["total"] == 0

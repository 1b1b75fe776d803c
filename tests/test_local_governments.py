"""The list of every local government (``schemas/local-governments.csv``,
``vocab.local_governments``) and the script that builds it; no stack."""
from __future__ import annotations

import collections
import importlib.util
import os

import pytest

from ckanext.wards.vocab import local_governments as lgs
from ckanext.wards.vocab.wards import lg_code_ok, wards

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _build_script():
    spec = importlib.util.spec_from_file_location(
        "build_local_governments", os.path.join(ROOT, "dev", "data", "build_local_governments.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_local_government_once_with_a_valid_code():
    rows = lgs.local_governments()
    codes = [r["lg_code"] for r in rows]
    assert len(codes) == len(set(codes))
    assert all(lg_code_ok(c) for c in codes), [c for c in codes if not lg_code_ok(c)][:5]
    counts = collections.Counter(r["kind"] for r in rows)
    # 1,741 municipalities (1,718 市町村 + 23 特別区), 47 prefectures, 175 行政区 of 20 cities
    assert counts["prefecture"] == 47
    assert counts["special_ward"] == 23
    assert counts["designated_city"] == 20
    assert counts["city_ward"] == 175
    assert counts["designated_city"] + counts["city"] + counts["town"] + counts["village"] == 1718
    assert set(counts) == {k["id"] for k in lgs.kinds()}


def test_the_23_wards_are_the_ward_table():
    specials = {r["lg_code"]: r for r in lgs.local_governments() if r["kind"] == "special_ward"}
    assert set(specials) == {w["lg_code"] for w in wards()}
    for w in wards():
        row = specials[w["lg_code"]]
        assert (row["name_ja"], row["name_kana"], row["name_en"], row["prefecture_code"]) == \
            (w["name_ja"], w["name_kana"], w["name_en_conventional"], "13")


def test_city_wards_belong_to_a_designated_city_of_their_prefecture():
    by_code = {r["lg_code"]: r for r in lgs.local_governments()}
    wards_of = collections.Counter()
    for r in lgs.local_governments():
        if r["kind"] == "city_ward":
            parent = by_code[r["parent_lg_code"]]
            assert parent["kind"] == "designated_city"
            assert parent["prefecture_code"] == r["prefecture_code"]
            assert r["name_ja"].startswith(parent["name_ja"]) and r["name_ja"].endswith("区")
            wards_of[parent["name_ja"]] += 1
        else:
            assert r["parent_lg_code"] == ""
    assert wards_of["横浜市"] == 18 and wards_of["大阪市"] == 24 and len(wards_of) == 20


def test_lookup_by_code_in_either_form():
    assert lgs.local_government("131016")["name_ja"] == "千代田区"
    assert lgs.local_government("13101")["lg_code"] == "131016"  # the check digit added
    assert lgs.local_government("１３１０１６")["name_ja"] == "千代田区"  # NFKC
    assert lgs.local_government("131017") is None  # wrong check digit
    assert lgs.local_government("abc") is None
    assert lgs.local_government(None) is None
    assert lgs.local_government("011002")["name_en"] == "Sapporo City"
    assert lgs.local_government("141011")["name_en"] == "Tsurumi Ward, Yokohama City"


def test_select_by_prefecture_and_kind():
    tokyo_towns = lgs.select(prefecture="13", kind_ids=["town", "village"])
    assert {r["name_ja"] for r in tokyo_towns} >= {"瑞穂町", "檜原村", "小笠原村"}
    assert all(r["prefecture_code"] == "13" for r in tokyo_towns)
    assert len(lgs.select(kind_ids=lgs.DEFAULT_KINDS)) == 23
    assert [r["lg_code"] for r in lgs.select(["131016", "011002"])] == ["011002", "131016"]


def test_similar_is_the_same_kind_nearest_first():
    wards_codes = [w["lg_code"] for w in wards()]
    near = lgs.similar("131016", wards_codes + ["011002"], limit=3)
    assert len(near) == 3 and all(r["kind"] == "special_ward" for r in near)
    assert "131024" in {r["lg_code"] for r in near}  # 中央区 is next to 千代田区
    assert lgs.similar("999999", wards_codes) == []
    # a town: towns first in its own prefecture
    hokkaido_towns = [r["lg_code"] for r in lgs.select(prefecture="01", kind_ids=["town"])]
    other = [r["lg_code"] for r in lgs.select(prefecture="02", kind_ids=["town"])]
    got = lgs.similar(hokkaido_towns[0], other + hokkaido_towns[1:], limit=5)
    assert all(r["prefecture_code"] == "01" for r in got)


def test_kind_labels_ja_en():
    assert lgs.kind_label("special_ward", "ja") == "特別区"
    assert lgs.kind_label("city_ward", "en") == "City ward"
    assert lgs.kind_label("nonsense", "ja") == "nonsense"


@pytest.mark.parametrize("kana, roman", [
    ("とうきょう", "Tokyo"), ("しんじゅく", "Shinjuku"), ("にっこう", "Nikko"),
    ("ちゃたん", "Chatan"), ("はちおうじ", "Hachioji"), ("きょうと", "Kyoto"),
    ("おおさか", "Osaka"), ("べっぷ", "Beppu"), ("まっちゃ", "Matcha"),
])
def test_romanisation_of_the_build_script(kana, roman):
    assert _build_script().romanise(kana) == roman


def test_the_built_file_is_what_the_script_makes_of_its_names():
    build = _build_script()
    # every English name but the 23 wards' comes from the kana: rebuilt from the row itself
    for r in lgs.local_governments():
        if r["kind"] in ("city", "town", "village", "designated_city"):
            assert r["name_en"] == build.english(r["name_ja"], r["name_kana"])

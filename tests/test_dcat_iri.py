"""IPv6 hosts in IRIs: the stock IRI cleaning percent-encodes the brackets of an IP literal."""
import pytest

from ckanext.wards.dcat.graphs import ip_literal_iri


@pytest.mark.parametrize("given, expected", [
    ("http://%5B::1%5D:8080/x", "http://[::1]:8080/x"),
    ("https://%5B2001:db8::1%5D/a.csv", "https://[2001:db8::1]/a.csv"),
    ("http://user@%5Bfe80::1%5D/", "http://user@[fe80::1]/"),
    ("http://example.jp/a%5B1%5D.csv", "http://example.jp/a%5B1%5D.csv"),  # a path keeps its quoting
    ("http://example.jp/", "http://example.jp/"),
])
def test_ip_literal_brackets_are_restored_only_in_the_host(given, expected):
    assert ip_literal_iri(given) == expected


def test_a_plain_text_contact_becomes_what_the_stock_profile_iterates():
    """An installed portal's stored contact may be plain text: the stock profile calls .get on
    every item, so ?profiles=euro_dcat_ap_3 answered 500 on such a dataset."""
    from ckanext.wards.dcat.prepare import contact_dicts, for_stock_profiles
    assert contact_dicts("千代田区 防災課") == [{"name": "千代田区 防災課"}]
    assert contact_dicts("mailto:bousai@city.chiyoda.lg.jp") == [{"email": "bousai@city.chiyoda.lg.jp"}]
    assert contact_dicts("https://www.city.chiyoda.lg.jp/") == [{"url": "https://www.city.chiyoda.lg.jp/"}]
    assert contact_dicts([{"name": "a"}, "b@c.jp"]) == [{"name": "a"}, {"email": "b@c.jp"}]
    assert contact_dicts("") is None and contact_dicts(None) is None
    d = {"name": "x", "contact": "防災課"}
    assert for_stock_profiles(d)["contact"] == [{"name": "防災課"}] and d["contact"] == "防災課"


@pytest.fixture
def site(monkeypatch):
    from ckan.plugins import toolkit as tk
    monkeypatch.setitem(tk.config, "ckan.site_url", "https://data.city.example.lg.jp/")
    return "https://data.city.example.lg.jp"


@pytest.mark.parametrize("code", ["131017", "13101", "1310166", "１３１０１６", "13101x", "", None, 131016,
                                  "131016/../x", "131016#a"])
def test_no_iri_is_built_from_an_invalid_code(site, code):
    """A report from a peer may carry any text as its code: only a 6-digit 全国地方公共団体コード
    with its check digit reaches an IRI (a bad one made a report page answer 500)."""
    from ckanext.wards.dcat.uris import publisher_uri, spatial_uri
    assert publisher_uri(code) is None and spatial_uri(code) is None


def test_a_valid_code_names_the_ward_here_and_its_area_at_e_stat(site):
    from ckanext.wards.dcat.uris import publisher_uri, spatial_uri
    assert publisher_uri("131016") == f"{site}/wards/lg/131016"
    assert spatial_uri("131016") == "http://data.e-stat.go.jp/lod/sac/C13101-19700401"
    assert spatial_uri("131237") == "http://data.e-stat.go.jp/lod/sac/C13123-19700401"  # 江戸川区


@pytest.mark.parametrize("text, code", [("千代田区", "131016"), ("東京都千代田区", "131016"),
                                        ("Chiyoda City", "131016"), ("江戸川区", "131237")])
def test_a_place_that_names_a_ward_gets_its_standard_area_code_iri(site, text, code):
    from ckanext.wards.dcat.prepare import spatial_items
    from ckanext.wards.dcat.uris import spatial_uri
    assert spatial_items([{"text": text}]) == [{"text": text, "uri": spatial_uri(code)}]


def test_other_places_and_own_iris_are_kept(site):
    from ckanext.wards.dcat.prepare import spatial_items
    assert spatial_items([{"text": "皇居周辺"}]) == [{"text": "皇居周辺"}]
    own = {"text": "千代田区", "uri": "https://example.jp/area/1"}
    assert spatial_items([own]) == [own]
    assert spatial_items("千代田区") == [{"text": "千代田区", "uri": "http://data.e-stat.go.jp/lod/sac/C13101-19700401"}]
    assert spatial_items(None) is None


def test_licence_types_follow_the_licence_id_or_its_iri():
    from ckanext.wards.dcat.catalogue import licence_types
    assert licence_types("CC-BY-4.0", "") == ["Attribution"]
    assert licence_types("cc-by", "") == ["Attribution"]  # an alias
    assert licence_types(None, "http://publications.europa.eu/resource/authority/licence/CC0") == ["PublicDomain"]
    assert licence_types("other-closed", "") == ["UnknownIPR"]
    assert licence_types(None, "https://example.jp/terms") == []

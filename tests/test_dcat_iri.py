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

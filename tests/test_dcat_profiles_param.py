"""The ``profiles`` parameter of the catalogue actions and the validators' time, without the stack."""
import datetime as dt

import pytest
from ckan.lib.navl.dictization_functions import Invalid

from ckanext.wards.dcat.http import newest
from ckanext.wards.logic.schema import installed_profiles, rdf_profiles


def test_installed_profiles_include_ours_and_the_stock_ones():
    assert {"wards_dcat_ap_3", "euro_dcat_ap_3", "euro_dcat_ap_2"} <= set(installed_profiles())


@pytest.mark.parametrize("given, expected", [
    (None, None), ("", None), (",", None), ([" ", ""], None),
    ("euro_dcat_ap_3", ["euro_dcat_ap_3"]),
    (" euro_dcat_ap_2 , euro_dcat_ap_2,wards_dcat_ap_3", ["euro_dcat_ap_2", "wards_dcat_ap_3"]),
    (["wards_dcat_ap_3", "euro_dcat_ap_3"], ["wards_dcat_ap_3", "euro_dcat_ap_3"]),
])
def test_profile_names_are_cleaned(given, expected):
    assert rdf_profiles(given) == expected


@pytest.mark.parametrize("given", ["nope", "EURO_DCAT_AP_3", "euro_dcat_ap_3,nope", "x" * 5000, "日本語",
                                   "a\x00", [1], {"a": 1}, 5, ",".join(f"p{i}" for i in range(20))])
def test_wrong_profile_names_are_invalid(given):
    with pytest.raises(Invalid):
        rdf_profiles(given)


def test_newest_reads_iso_text_and_datetimes_as_naive_utc():
    assert newest("2025-03-31T10:00:00.123456", dt.datetime(2025, 3, 31, 11), None, "") == dt.datetime(2025, 3, 31, 11)
    assert newest("2025-03-31T12:00:00+09:00", "2025-03-31T02:00:00") == dt.datetime(2025, 3, 31, 3)
    assert newest(None, "not a date") is None

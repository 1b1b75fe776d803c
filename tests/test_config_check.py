"""Options that would only fail at the first fetch or link check stop CKAN's start-up
instead (``plugin._shared.check_config``, called from ``IConfigurable.configure``), with
the option named; parsed by the same functions that use them."""
from __future__ import annotations

import pytest
from ckan.exceptions import CkanConfigurationException

from ckanext.wards.plugin import _shared


@pytest.mark.parametrize("option, value", [
    ("ckanext.wards.fetch.allowed_networks", "not a network!"),
    ("ckanext.wards.fetch.allowed_networks", "2130706433"),
    ("ckanext.wards.fetch.allowed_ports", "http"),
    ("ckanext.wards.fetch.allowed_ports", "70000"),
    ("ckanext.wards.fetch.timeout", "-1"),
    ("ckanext.wards.fetch.timeout", -1),  # as CKAN's declaration has converted it
    ("ckanext.wards.fetch.max_bytes", "lots"),
    ("ckanext.wards.fetch.max_redirects", "-2"),
    ("ckanext.wards.fetch.per_host_concurrency", "0"),
    ("ckanext.wards.linkcheck.host_interval", "soon"),
    ("ckanext.wards.linkcheck.host_interval", "-1"),
    ("ckanext.wards.linkcheck.host_interval", "inf"),
])
def test_a_bad_fetch_or_link_check_option_stops_the_start_up_naming_it(option, value):
    with pytest.raises(CkanConfigurationException) as e:
        _shared.check_config({option: value})
    assert option in str(e.value)


def test_good_fetch_and_link_check_options_start():
    _shared.check_config({
        "ckanext.wards.fetch.allowed_networks": "10.0.0.0/8 files.intra.example",
        "ckanext.wards.fetch.allowed_ports": "8080", "ckanext.wards.fetch.timeout": 7,
        "ckanext.wards.fetch.max_redirects": "0", "ckanext.wards.linkcheck.host_interval": "0",
    })
    _shared.check_config({})

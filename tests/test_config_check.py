"""Options that would only fail at the first fetch or link check stop CKAN's start-up
instead (``config.checks.check_config``, called from ``IConfigurable.configure``), with
the option named; parsed by the same functions that use them."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ckan.exceptions import CkanConfigurationException

from ckanext.wards.config import checks, declarations

ROOT = Path(__file__).resolve().parent.parent


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
        checks.check_config({option: value})
    assert option in str(e.value)


def test_good_fetch_and_link_check_options_start():
    checks.check_config({
        "ckanext.wards.fetch.allowed_networks": "10.0.0.0/8 files.intra.example",
        "ckanext.wards.fetch.allowed_ports": "8080", "ckanext.wards.fetch.timeout": 7,
        "ckanext.wards.fetch.max_redirects": "0", "ckanext.wards.linkcheck.host_interval": "0",
    })
    checks.check_config({})


ONE_PLUGIN = {"wards_schema": "wards_schema", "wards_scoring": "wards_scoring",
              "wards_compare": "wards_compare", "wards_dcat": "dcat wards_dcat"}


def _ckan(tmp_path, plugins: str, *args: str) -> subprocess.CompletedProcess:
    """``ckan`` on test.ini with only ``plugins`` enabled (the run's database, Solr, Redis)."""
    ini = tmp_path / "one-plugin.ini"
    ini.write_text(f"[app:main]\nuse = config:{ROOT / 'test.ini'}\nckan.plugins = {plugins}\n", encoding="utf-8")
    return subprocess.run([str(Path(sys.executable).parent / "ckan"), "-c", str(ini), *args],
                          capture_output=True, text=True, timeout=300, env=dict(os.environ))


@pytest.mark.stack
@pytest.mark.parametrize("plugin", sorted(ONE_PLUGIN))
def test_one_plugin_alone_starts_and_declares_what_it_reads(plugin, tmp_path):
    """Enabled alone (ckanext-dcat beside wards_dcat), a plugin starts, ``ckan config describe``
    lists the common options and its own, none of another wards plugin, and nothing it reads
    is undeclared."""
    result = _ckan(tmp_path, ONE_PLUGIN[plugin], "config", "describe", plugin)
    assert result.returncode == 0, result.stderr
    for key in declarations.declared_keys("common") + declarations.declared_keys(plugin):
        assert key in result.stdout
    for other in set(ONE_PLUGIN) - {plugin}:
        assert not any(key in result.stdout for key in declarations.declared_keys(other)), other
    assert "is not declared" not in result.stderr


@pytest.mark.stack
def test_the_command_group_starts_with_one_plugin(tmp_path):
    result = _ckan(tmp_path, "wards_scoring", "wards", "--help")
    assert result.returncode == 0, result.stderr
    assert "validate-dcat" in result.stdout and "scorecard" in result.stdout

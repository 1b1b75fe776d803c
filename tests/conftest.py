"""Fixtures shared by the ckanext-wards test suite.

Integration tests run against the real stack started by ``dev/test``: PostgreSQL,
Redis and Apache Solr (CKAN reads their URLs from CKAN_SQLALCHEMY_URL, CKAN_SOLR_URL and
CKAN_REDIS_URL). CKAN's own pytest plugin provides ``clean_db``, ``clean_index``,
``with_plugins``, ``app`` and the factories.
"""
from __future__ import annotations

import os

import pytest

from ckan.tests import factories

WARDS_PLUGINS = "activity dcat wards_schema wards_scoring wards_compare wards_dcat"

# Plugins whose own alembic migrations must be applied after CKAN drops and
# recreates its core tables (the first clean_db of a session drops every table).
PLUGINS_WITH_MIGRATIONS = ("activity", "wards_scoring", "wards_compare")


def _has_migrations(plugin: str) -> bool:
    if plugin == "activity":
        return True
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.exists(os.path.join(here, "ckanext", "wards", "migration", plugin, "alembic.ini"))


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):
    """CKAN's clean_db, plus the migrations of activity and the wards plugins.

    It needs the plugins loaded (with_plugins) to find their migration folders.
    """
    import ckan.plugins as p

    reset_db()
    for plugin in PLUGINS_WITH_MIGRATIONS:
        if p.plugin_loaded(plugin) and _has_migrations(plugin):
            migrate_db_for(plugin)


@pytest.fixture
def sysadmin():
    """A sysadmin, with an API token (``sysadmin["token"]``) for calls over HTTP."""
    return factories.SysadminWithToken()


@pytest.fixture
def org():
    """An organisation for the tests' datasets (Chiyoda's, without a ward code)."""
    return factories.Organization(name="chiyoda", title="千代田区")


@pytest.fixture
def allow_fetch(ckan_config, monkeypatch):
    """``allow_fetch(base_url, ...)`` lets the safe fetcher reach these loopback test servers,
    and nothing else that is not public: their addresses (/32) and their ports only."""
    from urllib.parse import urlsplit

    networks: set[str] = set()
    ports: set[str] = set()

    def allow(*bases: str) -> None:
        for base in bases:
            parts = urlsplit(base)
            networks.add(f"{parts.hostname}/{128 if ':' in parts.hostname else 32}")
            ports.add(str(parts.port))
        monkeypatch.setitem(ckan_config, "ckanext.wards.fetch.allowed_networks", " ".join(sorted(networks)))
        monkeypatch.setitem(ckan_config, "ckanext.wards.fetch.allowed_ports", " ".join(sorted(ports)))
    return allow


@pytest.fixture
def clean_standard_checks():
    """No stored standard check results or rate counters from earlier tests (Redis)."""
    from ckan.lib.redis import connect_to_redis

    conn = connect_to_redis()
    for key in conn.scan_iter("ckanext-wards:standard-check:*"):  # logic/standard_check.KEY_PREFIX
        conn.delete(key)

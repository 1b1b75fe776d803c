"""Fixtures shared by the ckanext-wards test suite.

Integration tests run against the real stack started by ``dev/test``: PostgreSQL,
Redis and Apache Solr (CKAN reads their URLs from CKAN_SQLALCHEMY_URL, CKAN_SOLR_URL and
CKAN_REDIS_URL). CKAN's own pytest plugin provides ``clean_db``, ``clean_index``,
``with_plugins``, ``app`` and the factories.
"""
from __future__ import annotations

import os

import pytest

# Fixtures that need the real stack (CKAN's pytest plugin, PostgreSQL, Solr, Redis). A test
# that asks for any of them is marked ``stack``; dev/unit deselects those and runs with
# CKAN's pytest plugin off, so the pure tests run in seconds.
STACK_FIXTURES = frozenset({
    "app", "cli", "ckan_config", "clean_db", "clean_index", "clean_redis", "clean_queues",
    "reset_db", "reset_index", "reset_redis", "reset_queues", "reset_db_once", "non_clean_db",
    "migrate_db_for", "with_plugins", "with_request_context", "test_request_context",
    "with_test_worker", "with_extended_cli", "create_with_upload", "reset_storages",
    "provide_plugin", "make_app", "mail_server", "sysadmin", "org",
})
STACK_MARKS = frozenset({"ckan_config", "usefixtures"})
# Modules that start whole private stacks or Chromium.
BROWSER_MODULES = frozenset({"test_compare_browser", "test_security_xss", "test_standards_browser"})
SLOW_MODULES = frozenset({"test_faults", "test_install_path", "test_packaging"})
# Modules whose every test needs the stack: a run that deselects ``stack`` (dev/unit) does
# not even import them (CKAN's test helpers, factories and Playwright cost seconds). A full
# run checks the list: a test here that is not marked ``stack`` stops the run.
STACK_MODULES = BROWSER_MODULES | SLOW_MODULES | frozenset({
    "test_access_rights", "test_collect", "test_compare", "test_dcat", "test_dcat_http", "test_dcat_migrated", "test_demo",
    "test_file_checks", "test_harvest", "test_licences",
    "test_migrate_install", "test_report", "test_schema_form", "test_schema_migrate",
    "test_schema_stack", "test_scoring", "test_search_facets_stack", "test_scoring_interface", "test_scoring_states_stack",
    "test_security_catalogue",
    "test_security_exports", "test_security_headers", "test_security_import",
    "test_security_input", "test_security_matrix", "test_security_ssrf", "test_stack",
    "test_standard_check_action", "test_standards_pages", "test_ward_identity",
})


def _deselects_stack(config) -> bool:
    expression = " ".join((config.getoption("markexpr", "") or "").split())
    return "not stack" in expression


def pytest_ignore_collect(collection_path, config):
    if collection_path.suffix == ".py" and collection_path.stem in STACK_MODULES and _deselects_stack(config):
        return True
    return None


def pytest_configure(config):
    for name, text in (
        ("stack", "needs PostgreSQL, Solr and Redis (CKAN's pytest plugin); deselected by dev/unit"),
        ("browser", "drives Debian's Chromium through Playwright"),
        ("slow", "starts private stacks or installs packages; minutes, not seconds"),
    ):
        config.addinivalue_line("markers", f"{name}: {text}")


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        marks = {mark.name for mark in item.iter_markers()}
        if module in BROWSER_MODULES:
            item.add_marker(pytest.mark.browser)
        if module in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
        uses_stack = STACK_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if uses_stack or marks & STACK_MARKS or module in BROWSER_MODULES | SLOW_MODULES:
            item.add_marker(pytest.mark.stack)
        elif module in STACK_MODULES:
            raise pytest.UsageError(
                f"{item.nodeid} needs no stack, but its module is in tests/conftest.py's "
                "STACK_MODULES, which dev/unit does not import: move the test or the module")

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
    from ckan.tests import factories  # imported here: the unit loop never loads CKAN's factories

    return factories.SysadminWithToken()


@pytest.fixture
def org():
    """An organisation for the tests' datasets (Chiyoda's, without a ward code)."""
    from ckan.tests import factories

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
    for key in conn.scan_iter("ckanext-wards:standard-check:*"):  # conformance/store.KEY_PREFIX
        conn.delete(key)

"""The DCAT catalogue shows public active datasets only, to everyone, through its Redis cache.

Issue 11 H1: ``fq=+state:draft`` switched CKAN's own active filter off; a sysadmin's (or
member's) request filled the page cache and an anonymous request of the same URL got the
draft. Now every catalogue search is run as anonymous with ``+state:active`` and
``+capacity:public`` as separate filter queries. Five roles (anonymous, a user of no
organisation, an editor and an admin of the organisation, a sysadmin), real Solr and Redis,
the cache on (600 s). Also the catalogue's bad input: 409 with a message, never a 500.
"""
from __future__ import annotations

from urllib.parse import quote

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "wards_dcat_ap_3"),
    pytest.mark.ckan_config("ckanext.wards.dcat.catalog_cache_ttl", "600"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

PUBLIC, PRIVATE, DRAFT = "pubmark-h1a", "privmark-h1b", "draftmark-h1c"
# sysadmin first: its request would fill the cache the others then read
ROLES = ("sysadmin", "admin", "editor", "user", "anonymous")
WIDENING_FQ = ["+state:draft", "state:(draft OR active)", "+state:(draft OR active)", "capacity:private",
               "+capacity:private", "-capacity:public", "state:draft OR capacity:private",
               "+state:draft +capacity:private", "*:* OR state:draft"]
WIDENING_Q = [DRAFT, PRIVATE, "state:draft", "capacity:private", f"name:{DRAFT}"]


def _flush_catalogue_cache():
    from ckan.lib.redis import connect_to_redis
    from ckanext.wards.dcat import cache
    redis = connect_to_redis()
    for key in redis.scan_iter(cache.PREFIX + "*"):
        redis.delete(key)


@pytest.fixture
def world():
    _flush_catalogue_cache()
    users = {"sysadmin": factories.Sysadmin(), "admin": factories.User(),
             "editor": factories.User(), "user": factories.User()}
    org = factories.Organization(name="h1-ward", users=[
        {"name": users["admin"]["name"], "capacity": "admin"},
        {"name": users["editor"]["name"], "capacity": "editor"}])
    for marker, extra in ((PUBLIC, {}), (PRIVATE, {"private": True}), (DRAFT, {"state": "draft"})):
        helpers.call_action(
            "package_create", context={"user": users["editor"]["name"]}, name=marker,
            title=f"{marker.upper()} title", owner_org=org["id"], license_id="cc-by",
            resources=[{"url": f"https://example.lg.jp/{marker}.csv", "format": "CSV"}], **extra)
    tokens = {role: factories.APIToken(user=u["name"])["token"] for role, u in users.items()}
    tokens["anonymous"] = None
    return tokens


def _get(app, token, url, status=None):
    resp = app.get(url, headers={"Authorization": token} if token else {}, status=status)
    return resp.status_code, resp.get_data(as_text=True)


def _assert_only_public(body, where):
    """No title and no file URL of the draft or the private dataset (the query itself is
    echoed in the paging links, so the bare marker may appear)."""
    for marker in (DRAFT, PRIVATE):
        assert marker.upper() not in body and f"{marker}.csv" not in body, (where, body[:1500])


def test_no_role_and_no_fq_shows_drafts_or_private_datasets(app, world):
    """Before the fix: the sysadmin's and the editor's ``+state:draft`` pages held the draft,
    and the anonymous request after them got it from the cache."""
    urls = [f"/catalog.ttl?fq={quote(fq)}" for fq in WIDENING_FQ] + [f"/catalog.ttl?q={quote(q)}" for q in WIDENING_Q]
    urls += [f"/catalog.jsonld?fq={quote(WIDENING_FQ[0])}", f"/catalog.ttl?q=*:*&fq={quote(WIDENING_FQ[1])}",
             f"/catalog.ttl?q={quote('+state:draft')}&fq={quote('+state:draft')}"]
    for url in urls:
        for role in ROLES:
            status, body = _get(app, world[role], url)
            assert status == 200, (url, role, status, body[:300])
            _assert_only_public(body, (url, role))
    # not vacuous: a query the public dataset matches shows it to every role
    for role in ROLES:
        status, body = _get(app, world[role], "/catalog.ttl?fq=state:(draft OR active)")
        assert PUBLIC.upper() in body and f"{PUBLIC}.csv" in body, role


def test_anonymous_after_sysadmin_gets_no_draft_title(app, world):
    url = "/catalog.ttl?fq=%2Bstate:draft"
    _get(app, world["sysadmin"], url)
    from ckan.lib.redis import connect_to_redis
    from ckanext.wards.dcat import cache
    assert list(connect_to_redis().scan_iter(cache.PREFIX + "*")), "the sysadmin's page was cached"
    status, body = _get(app, None, url)
    assert status == 200 and DRAFT.upper() not in body and DRAFT not in body


def test_the_page_does_not_depend_on_who_asks(app, world):
    """Why the cache key has no user in it: with the cache off, every role's page of the
    same URL lists the same datasets, and the cache key is one for all."""
    from rdflib import Graph
    from rdflib.namespace import DCAT, RDF
    pages = {}
    with helpers.changed_config("ckanext.wards.dcat.catalog_cache_ttl", "0"):
        for role in ROLES:
            _status, body = _get(app, world[role], "/catalog.ttl?fq=state:(draft OR active)")
            pages[role] = sorted(Graph().parse(data=body, format="turtle").subjects(RDF.type, DCAT.Dataset))
    assert len(pages["anonymous"]) == 1
    assert all(p == pages["anonymous"] for p in pages.values()), pages


BAD_CATALOGUE = [
    "/catalog.ttl?fq=(((", "/catalog.ttl?fq=a:[1 TO",
    "/catalog.ttl?page=99999999", "/catalog.ttl?page=0", "/catalog.ttl?page=-1", "/catalog.ttl?page=abc",
    "/catalog.ttl?page=1.5", "/catalog.ttl?modified_since=not-a-date", "/catalog.xyz",
    "/catalog.ttl?q=%00", "/catalog.ttl?fq=%00",
]


@pytest.mark.parametrize("url", BAD_CATALOGUE)
def test_bad_catalogue_input_is_a_409_with_a_message(app, world, url):
    status, body = _get(app, None, url)
    assert status in (400, 404, 409), (url, status, body[:300])
    assert "Traceback" not in body and len(body.strip()) > 10, body[:300]


def test_unknown_dataset_format_is_not_a_500(app, world):
    pkg = helpers.call_action("package_show", id=PUBLIC)
    status, body = _get(app, None, f"/dataset/{pkg['id']}.xyz")
    assert status in (400, 404, 409), (status, body[:300])
    assert "ttl" in body  # the message names the formats that exist


def test_catalogue_messages_in_japanese(app, world):
    status, body = _get(app, None, "/ja/catalog.ttl?page=0")
    assert status == 409
    assert "整数" in body, body[:300]
    status, body = _get(app, None, "/ja/catalog.ttl?fq=(((")
    assert status == 409 and "検索" in body, body[:300]


@pytest.mark.parametrize("params", [{"q": 5}, {"fq": ["a"]}, {"page": {"x": 1}}, {"q": "\ud800"},
                                    {"page": float("inf")}, {"format": "xyz"}])
def test_catalogue_action_parameters_are_checked(world, params):
    with pytest.raises(tk.ValidationError):
        helpers.call_action("dcat_catalog_show", **{"format": "ttl", **params})

"""Conditional GETs on ckanext-dcat's RDF pages (ETag, Last-Modified, 304) and ``?profiles=``
that never answers 500, on the real stack (PostgreSQL, Solr, Redis).

Issue 13, item 6: no validators on catalogue pages; ``?profiles=euro_dcat_ap_3`` beside a
dataset whose contact is plain text was a 500.
"""
from __future__ import annotations

import datetime as dt
import json
from email.utils import format_datetime, parsedate_to_datetime

import pytest
import rdflib

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.wards.scoring import jobs
from ckanext.wards.lib.dates import read_datetime
from tests.conftest import WARDS_PLUGINS
from tests.test_dcat import RDFLIB_FORMATS, create, full_dataset, minimal_dataset

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "wards_dcat_ap_3"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

FORMATS = ("ttl", "rdf", "xml", "jsonld")
CATALOGUE_URLS = ["/catalog.ttl", "/catalog.rdf", "/catalog.jsonld", "/catalog.xml", "/catalog.ttl?page=1",
                  "/catalog.ttl?q=AED", "/catalog.ttl?modified_since=2020-01-01",
                  "/catalog.ttl?profiles=euro_dcat_ap_3", "/catalog.jsonld?profiles=euro_dcat_ap_2"]
PLAIN_CONTACT = "千代田区 防災課"


@pytest.fixture
def ward(sysadmin):
    return helpers.call_action("organization_create", context={"user": sysadmin["name"]},
                               name="chiyoda", title="千代田区")


@pytest.fixture
def flush_catalogue_cache():
    from ckan.lib.redis import connect_to_redis
    from ckanext.wards.dcat import cache
    redis = connect_to_redis()
    for key in redis.scan_iter(cache.PREFIX + "*"):
        redis.delete(key)


def _get(app, url, token=None, **headers):
    if token:
        headers["Authorization"] = token
    return app.get(url, headers=headers)


def _last_modified(response) -> dt.datetime:
    value = response.headers["Last-Modified"]
    assert value.endswith(" GMT"), value  # RFC 9110 IMF-fixdate
    return parsedate_to_datetime(value).replace(tzinfo=None)


def _second(value) -> dt.datetime:
    return read_datetime(value).replace(microsecond=0)


def _newest_score():
    import sqlalchemy as sa
    import ckan.model as model
    from ckanext.wards import model as wards_model
    return model.Session.execute(sa.select(sa.func.max(wards_model.DatasetScore.__table__.c.scored_at))).scalar()


def _scored_at(package_id):
    from ckanext.wards.dcat.quality import stored_scores
    return stored_scores(package_id)["dataset"]["scored_at"]


def _edit(sysadmin, pkg, **changes):
    return helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=pkg["id"], **changes)


def _assert_validators(response):
    assert response.status_code == 200, response.body[:300]
    etag = response.headers["ETag"]
    assert etag.startswith('W/"') and etag.endswith('"') and len(etag) > 20, etag
    _last_modified(response)
    return etag


# --- catalogue -----------------------------------------------------------------------------------

@pytest.mark.usefixtures("flush_catalogue_cache")
def test_catalogue_pages_have_an_etag_and_answer_304_on_repeat(app, sysadmin, ward):
    pkg = create(sysadmin, full_dataset(ward))
    jobs.rescore_dataset(pkg["id"])
    etags = {}
    for url in CATALOGUE_URLS:
        first = _get(app, url)
        etag = _assert_validators(first)
        etags[url] = etag
        again = _get(app, url, **{"If-None-Match": etag})
        assert again.status_code == 304, (url, again.status_code)
        assert again.body == "" and again.headers["ETag"] == etag
        # werkzeug drops Last-Modified from a 304, as RFC 9110 15.4.5 allows beside an ETag
        # a list of tags, one of them ours; a strong form of ours (weak comparison)
        assert _get(app, url, **{"If-None-Match": f'"x", {etag}'}).status_code == 304
        assert _get(app, url, **{"If-None-Match": etag[2:]}).status_code == 304
        assert _get(app, url, **{"If-None-Match": '"someone-else"'}).status_code == 200
    assert len(set(etags.values())) == len(CATALOGUE_URLS), "two different pages shared an ETag"
    # naming the profile in effect is the same page
    same = _get(app, "/catalog.ttl?profiles=wards_dcat_ap_3")
    assert same.headers["ETag"] == etags["/catalog.ttl"] and same.body == _get(app, "/catalog.ttl").body


@pytest.mark.usefixtures("flush_catalogue_cache")
def test_catalogue_last_modified_is_the_newest_edit_or_score(app, sysadmin, ward):
    older = create(sysadmin, minimal_dataset(ward, "older"))
    pkg = create(sysadmin, full_dataset(ward))
    page = _get(app, "/catalog.ttl")
    _assert_validators(page)
    newest_edit = _second(helpers.call_action("package_show", id=pkg["id"])["metadata_modified"])
    scored = _newest_score()
    assert _last_modified(page) == max(newest_edit, _second(scored)) if scored else newest_edit
    jobs.rescore_dataset(older["id"])  # a score newer than every edit
    page = _get(app, "/catalog.ttl")
    assert _last_modified(page) == _second(_scored_at(older["id"]))


@pytest.mark.usefixtures("flush_catalogue_cache")
@pytest.mark.ckan_config("ckanext.wards.dcat.catalog_cache_ttl", "0")
def test_catalogue_304_is_answered_without_writing_the_page(app, sysadmin, ward, monkeypatch):
    from ckanext.dcat.processors import RDFSerializer
    create(sysadmin, full_dataset(ward))
    etag = _assert_validators(_get(app, "/catalog.ttl"))
    monkeypatch.setattr(RDFSerializer, "serialize_catalog",
                        lambda *a, **k: pytest.fail("the page was written for a 304"))
    assert _get(app, "/catalog.ttl", **{"If-None-Match": etag}).status_code == 304


@pytest.mark.usefixtures("flush_catalogue_cache")
@pytest.mark.parametrize("ttl", ["0", "600"])
def test_catalogue_etag_changes_after_an_edit_and_after_a_rescore(app, sysadmin, ward, ckan_config, monkeypatch, ttl):
    monkeypatch.setitem(ckan_config, "ckanext.wards.dcat.catalog_cache_ttl", ttl)
    pkg = create(sysadmin, full_dataset(ward))
    jobs.rescore_dataset(pkg["id"])
    first = _assert_validators(_get(app, "/catalog.ttl"))
    _edit(sysadmin, pkg, title_en="AED locations (2025)")
    edited = _get(app, "/catalog.ttl", **{"If-None-Match": first})
    second = _assert_validators(edited)
    assert second != first and "AED locations (2025)" in edited.body
    assert _get(app, "/catalog.ttl", **{"If-None-Match": second}).status_code == 304
    before = _scored_at(pkg["id"])
    jobs.rescore_dataset(pkg["id"])
    assert _scored_at(pkg["id"]) > before
    rescored = _get(app, "/catalog.ttl", **{"If-None-Match": second})
    third = _assert_validators(rescored)
    assert third not in (first, second)
    assert _get(app, "/catalog.ttl", **{"If-None-Match": third}).status_code == 304


@pytest.mark.usefixtures("flush_catalogue_cache")
def test_catalogue_if_modified_since(app, sysadmin, ward):
    create(sysadmin, full_dataset(ward))
    page = _get(app, "/catalog.ttl")
    last = page.headers["Last-Modified"]
    assert _get(app, "/catalog.ttl", **{"If-Modified-Since": last}).status_code == 304
    later = format_datetime(_last_modified(page).replace(tzinfo=dt.timezone.utc) + dt.timedelta(hours=1), usegmt=True)
    assert _get(app, "/catalog.ttl", **{"If-Modified-Since": later}).status_code == 304
    earlier = format_datetime(_last_modified(page).replace(tzinfo=dt.timezone.utc) - dt.timedelta(seconds=1), usegmt=True)
    assert _get(app, "/catalog.ttl", **{"If-Modified-Since": earlier}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.1.3)
    assert _get(app, "/catalog.ttl", **{"If-Modified-Since": last, "If-None-Match": '"other"'}).status_code == 200
    assert _get(app, "/catalog.ttl", **{"If-Modified-Since": "not a date"}).status_code == 200


@pytest.mark.usefixtures("flush_catalogue_cache")
def test_bad_catalogue_parameters_keep_their_409_and_get_no_validators(app, sysadmin, ward):
    create(sysadmin, minimal_dataset(ward))
    for url in ("/catalog.ttl?page=0", "/catalog.ttl?profiles=nope", "/catalog.ttl?modified_since=x"):
        response = _get(app, url, **{"If-None-Match": "*"})
        assert response.status_code == 409, url
        assert "ETag" not in response.headers


# --- dataset pages -------------------------------------------------------------------------------

def test_dataset_page_validators_304_and_changes(app, sysadmin, ward):
    pkg = create(sysadmin, full_dataset(ward))
    jobs.rescore_dataset(pkg["id"])
    url = f"/dataset/{pkg['id']}.ttl"
    page = _get(app, url)
    etag = _assert_validators(page)
    shown = helpers.call_action("package_show", id=pkg["id"])
    assert _last_modified(page) == max(_second(shown["metadata_modified"]), _second(_scored_at(pkg["id"])))
    again = _get(app, url, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.body == ""
    assert _get(app, url, **{"If-Modified-Since": page.headers["Last-Modified"]}).status_code == 304
    head = app.client.head(url, headers={"If-None-Match": etag})
    assert head.status_code == 304 and head.headers["ETag"] == etag
    assert app.client.head(url).headers["ETag"] == etag
    # other formats and profiles are other pages
    others = {_assert_validators(_get(app, f"/dataset/{pkg['id']}.{fmt}")) for fmt in FORMATS}
    others.add(_assert_validators(_get(app, url + "?profiles=euro_dcat_ap_3")))
    assert etag in others and len(others) == len(FORMATS) + 1
    _edit(sysadmin, pkg, notes_en="Where the AEDs are, updated.")
    edited = _get(app, url, **{"If-None-Match": etag})
    assert _assert_validators(edited) != etag and "updated." in edited.body
    second = edited.headers["ETag"]
    jobs.rescore_dataset(pkg["id"])
    rescored = _get(app, url, **{"If-None-Match": second})
    assert _assert_validators(rescored) not in (etag, second)


def test_private_dataset_never_answers_304_to_those_who_may_not_read_it(app, sysadmin, ward):
    member = factories.UserWithToken()
    outsider = factories.UserWithToken()
    helpers.call_action("organization_member_create", context={"user": sysadmin["name"]}, id=ward["id"],
                        username=member["name"], role="editor")
    pkg = create(sysadmin, {**minimal_dataset(ward, "private-one"), "private": True})
    url = f"/dataset/{pkg['id']}.ttl"
    page = _get(app, url, member["token"])
    etag = _assert_validators(page)
    assert "private" in page.headers["Cache-Control"] and "public" not in page.headers["Cache-Control"]
    assert _get(app, url, member["token"], **{"If-None-Match": etag}).status_code == 304
    last = page.headers["Last-Modified"]
    for token in (None, outsider["token"]):
        for headers in ({"If-None-Match": etag}, {"If-Modified-Since": last}, {"If-None-Match": "*"}):
            response = _get(app, url, token, **headers)
            assert response.status_code in (403, 404), (token, headers, response.status_code)
            assert "ETag" not in response.headers and "Last-Modified" not in response.headers
    assert pkg["id"] not in _get(app, "/catalog.ttl", member["token"]).body


# --- ?profiles= never 500 ------------------------------------------------------------------------

def _with_plain_text_contact(sysadmin, ward):
    """A dataset whose stored contact is plain text, as an installed portal may hold one: the
    JSON text of a string in the database (our validator refuses it through the API) and the
    same value in its search index entry, which catalogue pages and package_show read."""
    import ckan.model as model
    from ckan import logic
    pkg = create(sysadmin, full_dataset(ward, "plain-contact"))
    jobs.rescore_dataset(pkg["id"])
    context = {"ignore_auth": True, "use_cache": False, "validate": False}
    default, custom = logic.package_show_default_and_custom_schemas(context, pkg["id"])
    stored = model.Package.get(pkg["id"])
    stored.extras = {**stored.extras, "contact": json.dumps(PLAIN_CONTACT)}
    model.Session.commit()
    logic.index_update_package_dicts((default, {**custom, "contact": PLAIN_CONTACT}))
    assert helpers.call_action("package_show", id=pkg["id"])["contact"] == PLAIN_CONTACT
    return pkg


def _with_ipv6_resource(sysadmin, ward):
    data = full_dataset(ward, "ipv6-resource")
    data["resources"][0].update(url="http://[2001:db8::1]:8080/aed.csv", download_url="http://[2001:db8::1]:8080/aed.csv")
    return create(sysadmin, data)


STOCK = ["euro_dcat_ap_3", "euro_dcat_ap_2", "schemaorg"]
VALID_PROFILES = ["", ",", "wards_dcat_ap_3", *STOCK, "euro_dcat_ap_3,euro_dcat_ap_3",
                  "wards_dcat_ap_3,euro_dcat_ap_3", "euro_dcat_ap_3,wards_dcat_ap_3", "schemaorg,wards_dcat_ap_3",
                  " euro_dcat_ap_2 , ", "euro_dcat_ap_3,euro_dcat_ap_2,schemaorg"]
BAD_PROFILES = ["nope", "euro_dcat_ap_3,nope", "x" * 5000, "日本語プロファイル", "wards_dcat_ap_3\x00",
                "EURO_DCAT_AP_3", ",".join(["euro_dcat_ap_3"] * 3 + [f"p{i}" for i in range(20)])]


@pytest.mark.usefixtures("flush_catalogue_cache")
def test_profiles_never_answer_500(app, sysadmin, ward):
    from importlib.metadata import entry_points
    installed = {ep.name for ep in entry_points(group="ckan.rdf.profiles")}
    assert set(STOCK) <= installed
    plain = _with_plain_text_contact(sysadmin, ward)
    ipv6 = _with_ipv6_resource(sysadmin, ward)
    paths = ["/catalog.{fmt}", f"/dataset/{plain['id']}.{{fmt}}", f"/dataset/{ipv6['id']}.{{fmt}}"]
    for fmt in FORMATS:
        for path in paths:
            url = path.format(fmt=fmt)
            for profiles in VALID_PROFILES:
                response = app.get(url, query_string={"profiles": profiles})
                assert response.status_code == 200, (url, profiles, response.status_code)
                g = rdflib.Graph().parse(data=response.body, format=RDFLIB_FORMATS[fmt])
                assert len(g) > 10, (url, profiles)
                if url.startswith("/catalog") and profiles in ("", ",", "wards_dcat_ap_3"):
                    # the stock profiles' own IRI cleaning still writes %5B...%5D (not ours to change)
                    assert "[2001:db8::1]" in response.body and "%5B2001" not in response.body, (url, profiles)
            for profiles in BAD_PROFILES:
                response = app.get(url, query_string={"profiles": profiles})
                assert response.status_code == 409, (url, profiles[:40], response.status_code)
                assert "Traceback" not in response.body
            # text the paging links once copied into their IRIs as typed
            response = app.get(url, query_string={"q": "AED locations <x>", "profiles": "euro_dcat_ap_2"})
            assert response.status_code == 200, (url, response.status_code)
            # the same parameter repeated: the first is the one read
            response = app.get(url + "?profiles=euro_dcat_ap_3&profiles=nope")
            assert response.status_code == 200


def test_an_unknown_profile_is_named_in_the_message(app, sysadmin, ward):
    pkg = create(sysadmin, minimal_dataset(ward))
    for url in ("/catalog.ttl?profiles=nope", f"/dataset/{pkg['id']}.ttl?profiles=nope,euro_dcat_ap_3"):
        response = app.get(url)
        assert response.status_code == 409
        assert "Unknown RDF profile: nope" in response.body and "euro_dcat_ap_3" in response.body


def test_the_profiles_parameter_of_the_actions(app, sysadmin, ward):
    import ckan.plugins.toolkit as tk
    create(sysadmin, minimal_dataset(ward))
    with app.flask_app.test_request_context("/catalog.ttl"):  # the paging links read the request
        out = helpers.call_action("dcat_catalog_show", format="ttl", profiles="euro_dcat_ap_3, euro_dcat_ap_3")
        assert "dcat:Catalog" in out
        for bad in (["nope"], [1], {"a": 1}, "x" * 2000):
            with pytest.raises(tk.ValidationError):
                helpers.call_action("dcat_catalog_show", format="ttl", profiles=bad)

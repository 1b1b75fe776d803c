"""A real harvest between two portals (issue 13, item 5).

The source is this test run's own CKAN app, served over HTTP on loopback; the harvesting
portal is a second CKAN with its own PostgreSQL cluster, Redis and Solr
(tests/isolated_stack.py) running ckanext-harvest and ckanext-dcat's ``dcat_rdf``
harvester with our ``wards_dcat_ap_3`` profile. It harvests the source's ``/catalog.ttl``
(``ckan harvester run-test``, synchronous) and every field of the shared schema must arrive
intact; a second run after one edit at the source updates only that dataset
(``wards_harvest``). The stock ``euro_dcat_ap_3`` profile must parse our catalogue too.
"""
from __future__ import annotations

import json
import re

import pytest
import rdflib
from rdflib.namespace import DCAT, RDF

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.dcat.processors import RDFParser
from ckanext.wards import demo
from tests.browser import served  # noqa: F401 (a fixture)
from tests.conftest import WARDS_PLUGINS
from tests.isolated_stack import IsolatedStack
from tests.test_dcat import HYDRA, _shared_fields, create, full_dataset

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "wards_dcat_ap_3"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

# The harvesting portal: the shared schema (wards_schema) and our profile's parse; no scoring.
HARVESTER_PLUGINS = "activity harvest dcat dcat_rdf_harvester wards_schema wards_dcat wards_harvest"
SOURCE = "chiyoda-portal"


def source_datasets(org) -> list[dict]:
    """Three datasets, each filling every field of the shared schema, with different values."""
    aed = full_dataset(org, name="aed-locations")
    shelters = full_dataset(org, name="evacuation-sites")
    shelters.update(
        title="指定緊急避難場所一覧", title_en="Designated emergency evacuation sites",
        notes="区が指定する緊急避難場所です。", notes_en="Emergency evacuation sites designated by the ward.",
        tag_string="防災,避難", theme=["GOVE", "ENVI"], conforms_to=["03_evacuation_space"],
        license_id="CC0-1.0", access_rights="RESTRICTED", frequency="monthly", language=["ja"],
        contact=[{"name": "千代田区 防災課", "email": "hinan@city.chiyoda.lg.jp"}],
        url="https://www.city.chiyoda.lg.jp/hinan.html")
    shelters["resources"] = [
        {**shelters["resources"][0], "url": "https://www.city.chiyoda.lg.jp/opendata/131016_hinan.csv",
         "download_url": "https://www.city.chiyoda.lg.jp/opendata/131016_hinan.csv",
         "name": "避難場所（CSV, Shift_JIS）", "character_encoding": "Shift_JIS",
         "conforms_to": "03_evacuation_space", "license": "CC-BY-4.0"},
        {"url": "https://www.city.chiyoda.lg.jp/opendata/hinan.xlsx", "name": "避難場所（Excel）",
         "description": "Excel形式", "format": "XLSX",
         "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "size": 8192, "issued": "2024-06-01", "modified": "2025-01-15", "is_api": False,
         "access_url": "https://www.city.chiyoda.lg.jp/hinan.html",
         "download_url": "https://www.city.chiyoda.lg.jp/opendata/hinan.xlsx",
         "rights": "地図の位置情報：千代田区", "rights_en": "Locations: Chiyoda City"},
    ]
    population = full_dataset(org, name="population")
    population.update(
        title="町丁別世帯数及び人口", title_en="Households and population by district",
        theme=["SOCI"], conforms_to=["04_population"], license_id="PDL-1.0", access_rights="PUBLIC",
        tag_string="人口,population")
    population["resources"] = [{**population["resources"][0], "format": "JSON",
                                "url": "https://www.city.chiyoda.lg.jp/opendata/jinko.json",
                                "download_url": "https://www.city.chiyoda.lg.jp/opendata/jinko.json",
                                "mimetype": "application/json", "character_encoding": "UTF-8",
                                "conforms_to": "04_population"}]
    return [aed, shelters, population]


def effective(pkg: dict) -> dict:
    """``pkg`` with each resource's values as the DCAT says them: a resource without a
    standard or licence of its own has the dataset's, and without dates of its own CKAN's (the stock
    profile writes ``created`` and ``metadata_modified`` as dct:issued and dct:modified)."""
    standards = pkg.get("conforms_to") or []
    resources = []
    for res in pkg.get("resources") or []:
        res = dict(res)
        if not res.get("conforms_to") and standards:
            res["conforms_to"] = standards[0]
        res["license"] = res.get("license") or pkg.get("license_id")
        res["issued"] = res.get("issued") or res.get("created")
        res["modified"] = res.get("modified") or res.get("metadata_modified")
        resources.append(res)
    return {**pkg, "resources": resources}


def comparable(pkg: dict) -> dict:
    """The shared fields, with spatial coverage by its label and area code: the profile's
    spatial IRIs are changing (e-Stat SAC resources), the place they name is not. Themes,
    standards, publisher and licence are ids after parsing already."""
    out = _shared_fields(effective(pkg))
    if "spatial_coverage" in out:
        out["spatial_coverage"] = sorted(
            (s.get("text"), (re.search(r"\d{5}", s.get("uri") or "") or [None])[0])
            for s in out["spatial_coverage"])
    return out


def differences(got: dict, expected: dict) -> dict:
    got, expected = dict(got), dict(expected)
    out = {}
    got_res, exp_res = got.pop("resources"), expected.pop("resources")
    out["resource count"] = (len(got_res), len(exp_res)) if len(got_res) != len(exp_res) else None
    for g, e in zip(got_res, exp_res):
        out.update({f"resource {e['url']} {k}": (g.get(k), v) for k, v in e.items() if g.get(k) != v})
        out.update({f"resource {e['url']} {k} (extra)": g[k] for k in set(g) - set(e)})
    out.update({k: (got.get(k), v) for k, v in expected.items() if got.get(k) != v})
    out.update({f"{k} (extra)": got[k] for k in set(got) - set(expected)})
    return {k: v for k, v in out.items() if v is not None}


@pytest.fixture(scope="module")
def harvester():
    with IsolatedStack(workers=1, plugins=HARVESTER_PLUGINS,
                       extra_config={"ckanext.dcat.rdf.profiles": "wards_dcat_ap_3"}) as stack:
        stack.token = stack.sysadmin_token()
        status, body = stack.action("organization_create", {"name": "chiyoda-harvested",
                                                            "title": "千代田区（収集）"}, stack.token)
        assert status == 200, body
        stack.org = body["result"]
        yield stack


def _run(stack) -> dict:
    """One synchronous harvest run; the job's stats (added, updated, not modified, errored...)."""
    # ckanext-harvest 1.6.3 re-indexes the source after a job with its unvalidated dict as
    # CKAN 2.12's validated copy, so harvest_source_show (which run-test reads) then has no
    # source_type; CKAN's own re-index of the source puts the validated dict back. (The
    # queue consumers of a portal read the source's table, not package_show.)
    stack.ckan("search-index", "rebuild", SOURCE)
    out = stack.ckan("harvester", "run-test", SOURCE, timeout=600, check=False)
    assert out.returncode == 0, (out.stdout[-2000:], out.stderr[-6000:])
    status, body = stack.action("harvest_source_show", {"id": SOURCE}, stack.token)
    assert status == 200, body
    job = body["result"]["status"]["last_job"]
    assert job["status"] == "Finished", (job, out.stdout[-2000:], out.stderr[-4000:])
    status, report = stack.action("harvest_job_report", {"id": job["id"]}, stack.token)
    assert status == 200, report
    errors = report["result"]
    assert not errors["gather_errors"] and not errors["object_errors"], json.dumps(errors, ensure_ascii=False)[:4000]
    return job["stats"]


def _harvested(stack) -> dict[str, dict]:
    """package_show of every harvested dataset (HTTP API), by title."""
    status, body = stack.action("package_search", {"fq": f"owner_org:{stack.org['id']}", "rows": 100},
                                stack.token)
    assert status == 200, body
    out = {}
    for hit in body["result"]["results"]:
        status, shown = stack.action("package_show", {"id": hit["id"]}, stack.token)
        assert status == 200, shown
        out[shown["result"]["title"]] = shown["result"]
    return out


@pytest.mark.slow
def test_a_second_portal_harvests_every_shared_field_and_then_only_what_changed(
        app, sysadmin, org, served, harvester):  # noqa: F811 (served: the fixture)
    sources = [create(sysadmin, data) for data in source_datasets(org)]
    status, body = harvester.action("harvest_source_create", {
        "name": SOURCE, "title": "千代田区オープンデータ", "url": f"{served}/catalog.ttl",
        "source_type": "dcat_rdf", "owner_org": harvester.org["id"], "frequency": "MANUAL",
    }, harvester.token)
    assert status == 200, body

    stats = _run(harvester)
    assert (stats.get("added"), stats.get("errored", 0)) == (3, 0), stats
    harvested = _harvested(harvester)
    assert sorted(harvested) == sorted(s["title"] for s in sources)
    for source in sources:
        expected = comparable(helpers.call_action("package_show", id=source["id"]))
        got = comparable(harvested[source["title"]])
        assert differences(got, expected) == {}, source["name"]
        # what the comparison reads is really there, in both languages
        assert got["title_en"] and got["notes_en"] and got["theme"] and got["conforms_to"]
        assert all(r.get("format") for r in got["resources"])

    # One edit at the source; the second run updates that dataset only.
    edited = helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=sources[1]["id"],
                                 notes_en="Evacuation sites designated by the ward (revised).",
                                 theme=["GOVE", "ENVI", "HEAL"])
    stats = _run(harvester)
    assert (stats.get("updated", 0), stats.get("not modified", 0), stats.get("added", 0),
            stats.get("errored", 0), stats.get("deleted", 0)) == (1, 2, 0, 0, 0), stats
    again = _harvested(harvester)
    assert sorted(again) == sorted(harvested)
    for title, before in harvested.items():
        after = again[title]
        assert after["id"] == before["id"]
        if title == edited["title"]:
            assert after["metadata_modified"] > before["metadata_modified"]
            assert differences(comparable(after), comparable(edited)) == {}
        else:
            assert after["metadata_modified"] == before["metadata_modified"], title
            assert differences(comparable(after), comparable(before)) == {}

    # A third run with no edit at all changes nothing.
    stats = _run(harvester)
    assert (stats.get("updated", 0), stats.get("not modified", 0)) == (0, 3), stats
    assert {t: p["metadata_modified"] for t, p in _harvested(harvester).items()} == \
        {t: p["metadata_modified"] for t, p in again.items()}


def _uri(parsed: dict) -> str:
    """The dataset's IRI (the stock parse keeps it in an extra)."""
    return parsed.get("uri") or next(e["value"] for e in parsed.get("extras") or [] if e["key"] == "uri")


def _catalogue_pages(app):
    url = "/catalog.ttl"
    while url:
        response = app.get(url)
        assert response.status_code == 200, response.body[:500]
        yield response.body
        g = rdflib.Graph().parse(data=response.body, format="turtle")
        paging = next(g.subjects(RDF.type, HYDRA.PagedCollection), None)
        nxt = g.value(paging, HYDRA.next) if paging is not None else None
        url = str(nxt).replace("http://test.ckan.net", "") if nxt is not None else None


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "25")
def test_the_stock_dcat_ap_3_profile_parses_our_demo_catalogue(app, sysadmin, ckan_config, monkeypatch, tmp_path):
    """The demo's wards (scored, with DQV) and datasets filling every field: the stock
    profile reads every page without failing and finds every dataset."""
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path / "storage"))
    user = factories.Sysadmin()
    loaded = demo.load(seed=2026, n_wards=2, scale=0.05, user=user["name"])
    # an organisation that is none of the demo's wards
    ours = [create(sysadmin, data) for data in source_datasets(factories.Organization(name="other-portal"))]
    public = helpers.call_action("package_search", rows=0)["count"]
    assert public >= loaded["datasets"] // 2 + len(ours)

    seen, pages = [], 0
    for body in _catalogue_pages(app):
        pages += 1
        parser = RDFParser(profiles=["euro_dcat_ap_3"])
        parser.parse(body, _format="turtle")
        parsed = list(parser.datasets())
        assert parsed and all(d.get("title") and d.get("resources") is not None for d in parsed)
        seen.extend(_uri(d) for d in parsed)
        # every dcat:Dataset of the page is one parsed dataset
        g = rdflib.Graph().parse(data=body, format="turtle")
        assert len(parsed) == len(set(g.subjects(RDF.type, DCAT.Dataset)))
    assert pages >= 2
    assert len(seen) == len(set(seen)) == public
    assert {f"http://test.ckan.net/dataset/{p['id']}" for p in ours} <= set(seen)

"""Migrated datasets in DCAT (issue 16, item 5): one valid dcat:contactPoint whatever core
fields were kept beside ``contact``, and no SHACL violation."""
from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import DCAT

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.wards.dcat import shacl
from ckanext.wards.schema import migrate
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "wards_dcat_ap_3"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

PEOPLE = {
    "maintainer and author": dict(maintainer="情報政策課", maintainer_email="opendata@city.chiyoda.lg.jp",
                                  author="財政課", author_email="zaisei@city.chiyoda.lg.jp"),
    "author only": dict(author="財政課", author_email="zaisei@city.chiyoda.lg.jp"),
    "maintainer name only": dict(maintainer="情報政策課"),
    "author e-mail only": dict(author_email="zaisei@city.chiyoda.lg.jp"),
    "nobody": {},
}


def _migrated(name, people):
    org = factories.Organization(name="chiyoda", title="千代田区")
    pkg = model.Package(name=name, title="予算書", owner_org=org["id"], type="dataset", state="active",
                        private=False, license_id="cc-by", version="2024", **people)
    model.Session.add(pkg)
    pkg.extras = {"更新頻度": "月次", "備考": "年1回"}
    model.Session.flush()
    resource = model.Resource(package_id=pkg.id, url="https://www.city.chiyoda.lg.jp/yosan.csv", format="ＣＳＶ")
    resource.position = 0
    model.Session.add(resource)
    model.repo.commit_and_remove()
    package_id = model.Package.get(name).id
    [report] = migrate.migrate([package_id], {"user": factories.Sysadmin()["name"], "ignore_auth": True},
                               dry_run=False)
    assert report["applied"], report
    return package_id


@pytest.mark.parametrize("case", list(PEOPLE))
def test_a_migrated_dataset_has_at_most_one_contact_point_and_passes_the_shapes(app, case):
    package_id = _migrated("budget", PEOPLE[case])
    response = app.get(f"/dataset/{package_id}.ttl")
    assert response.status_code == 200
    g = rdflib.Graph().parse(data=response.body, format="turtle")
    points = list(g.objects(None, DCAT.contactPoint))
    assert len(points) == (0 if case == "nobody" else 1), points
    assert [shacl.describe(r) for r in shacl.validate_graph(g) if r["severity"] == "Violation"] == []


def test_a_shared_schema_contact_wins_over_the_kept_maintainer(app, org, sysadmin):
    helpers.call_action("package_create", context={"user": sysadmin["name"]}, name="two", owner_org=org["id"],
                        maintainer="旧担当", maintainer_email="old@city.chiyoda.lg.jp",
                        contact=[{"name": "情報政策課", "email": "opendata@city.chiyoda.lg.jp"}])
    g = rdflib.Graph().parse(data=app.get("/dataset/two.ttl").body, format="turtle")
    [point] = list(g.objects(None, DCAT.contactPoint))
    assert "opendata@city.chiyoda.lg.jp" in {str(o).replace("mailto:", "") for o in g.objects(point, None)}
    assert [shacl.describe(r) for r in shacl.validate_graph(g) if r["severity"] == "Violation"] == []

"""Who sees private and draft datasets on our surfaces: a table of roles x surfaces.

Fixture data (built once for the module, on the real stack): the ward organisation
``chiyoda`` (131016) with one public, one PRIVATE and one DRAFT dataset, each carrying a
unique marker in its name, title and resource name. The draft also has a stored score
row (as if scored before it became a draft), so the "active only" filters are exercised,
not just the absence of data.

Roles: anonymous, logged-in non-member, organisation member (capacity ``member``),
editor, admin, sysadmin. Every HTTP call goes through the app; logged-in roles use
API tokens (``Authorization`` header), exactly as an external program would.

Decisions (read from the code and issue 7):

- **Scorecard surfaces** (page, ``.csv``, ``.json``, ``wards_scorecard`` with
  ``include_private``): private datasets are shown to organisation members of any
  capacity and to sysadmins (the same people CKAN lets read them), to nobody else.
  ``wards_scorecard`` without ``include_private`` lists public datasets only, for all.
  Drafts are shown to NOBODY: the scorecard is an organisation list, and CKAN's own
  organisation and search listings leave drafts out.
- **Reports and comparison** (``wards_report``, ``wards_compare``, ``/wards/report/<org>``
  ``.json|.csv|.ttl``, the オープンデータ一覧 CSV, ``/wards/<org>``, ``/wards/compare``
  and its ``csv``/``json``): public datasets only, for everyone including sysadmins;
  counts are public only (1 dataset, 1 resource, 1 checked file, 1 declared standard here).
- **DCAT catalogue** (``/catalog.ttl``, also with ``q``/``fq`` tricks and the Redis page
  cache on): public datasets only, for everyone.
- **Per-dataset surfaces** (``wards_dataset_score``, ``wards_resource_score``,
  ``/dataset/<id>.ttl``) follow CKAN's ``package_show`` permission exactly: private and
  draft datasets of an organisation are readable by its members of any capacity and by
  sysadmins (CKAN 2.12's permission labels), and by no one else.
"""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

import ckan.model as cm
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from tests.conftest import PLUGINS_WITH_MIGRATIONS, WARDS_PLUGINS, _has_migrations

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.ckan_config("ckanext.wards.dcat.catalog_cache_ttl", "600"),
]

ORG = "chiyoda"
PUBLIC = "pubmark-k7d2"
PRIVATE = "privmark-q81z"
DRAFT = "draftmark-zk42"

ROLES = ("sysadmin", "admin", "editor", "member", "nonmember", "anonymous")
MEMBERS = {"sysadmin", "admin", "editor", "member"}

_WORLD: dict = {}


# --- the fixture data, built once -----------------------------------------------------------

def _dataset(ctx, org_id, marker, **extra):
    return helpers.call_action(
        "package_create", context=dict(ctx), name=marker, title=f"{marker.upper()} データ",
        owner_org=org_id, license_id="cc-by", notes=f"about {marker}",
        conforms_to=["13_public_toilet"], resources=[{"url": f"https://example.lg.jp/{marker}.csv", "format": "CSV",
                    "name": f"{marker}-resource"}], **extra)


def _build_world():
    from ckan.lib import search
    from ckanext.wards.scoring import bulk

    users = {"sysadmin": factories.Sysadmin()}
    for role in ("admin", "editor", "member", "nonmember"):
        users[role] = factories.User()
    org = factories.Organization(name=ORG, title="千代田区", users=[
        {"name": users[c]["name"], "capacity": c} for c in ("admin", "editor", "member")])
    ctx = {"user": users["sysadmin"]["name"]}
    public = _dataset(ctx, org["id"], PUBLIC)
    private = _dataset(ctx, org["id"], PRIVATE, private=True)
    draft = _dataset(ctx, org["id"], DRAFT, state="draft")
    assert helpers.call_action("package_show", context=dict(ctx), id=draft["id"])["state"] == "draft"
    # every resource's file checked and conforming (a stored check, as the file-check job
    # writes it), so the file-level counts too would show a private or draft one
    from ckanext.wards.scoring import filestore
    for pkg in (public, private, draft):
        filestore.write({"resource_id": pkg["resources"][0]["id"], "package_id": pkg["id"],
                         "url": pkg["resources"][0]["url"], "file_state": "checked",
                         "sniffed_code": "CSV", "standard_id": "13_public_toilet", "conformance_ok": True,
                         "level_scores": {"L1": 100, "L2": 100, "L3": 100}, "rules_score": 100.0})
    cm.Session.commit()
    bulk.rescore(org_id=org["id"])
    # a stored score for the draft too (scored while active, say): the surfaces' own
    # "active only" filters must keep it out, not the mere lack of a row
    pkg = cm.Package.get(draft["id"])
    pkg.state = "active"
    cm.Session.commit()
    bulk.rescore(package_ids=[draft["id"]])
    pkg = cm.Package.get(draft["id"])
    pkg.state = "draft"
    cm.Session.commit()
    search.rebuild(draft["id"])
    from ckanext.wards.scoring import store
    assert store.dataset_score_row(draft["id"]) is not None
    tokens = {role: factories.APIToken(user=u["name"])["token"] for role, u in users.items()}
    tokens["anonymous"] = None
    return {"users": users, "tokens": tokens, "org": org,
            "ids": {"public": public["id"], "private": private["id"], "draft": draft["id"]},
            "resources": {"public": public["resources"][0]["id"],
                          "private": private["resources"][0]["id"],
                          "draft": draft["resources"][0]["id"]}}


@pytest.fixture
def world(with_plugins, reset_db, migrate_db_for, reset_index):
    """The data of the module, built on the first test (database and index reset then)."""
    import ckan.plugins as p
    if "data" not in _WORLD:
        reset_db()
        for plugin in PLUGINS_WITH_MIGRATIONS:
            if p.plugin_loaded(plugin) and _has_migrations(plugin):
                migrate_db_for(plugin)
        reset_index()
        _WORLD["data"] = _build_world()
    return _WORLD["data"]


# --- surfaces ------------------------------------------------------------------------------------
# Each returns (status, body text) for one role; ``kind`` is public/private/draft for the
# per-dataset surfaces (ignored by list surfaces).

def _get(app, world, role, url):
    token = world["tokens"][role]
    headers = {"Authorization": token} if token else {}
    resp = app.get(url, headers=headers)
    return resp.status_code, resp.get_data(as_text=True)


def _api(action, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return lambda app, world, role, kind: _get(app, world, role, f"/api/3/action/{action}?{query}")


def _page(url):
    return lambda app, world, role, kind: _get(app, world, role, url)


def _dataset_api(action, key):
    def fetch(app, world, role, kind):
        return _get(app, world, role, f"/api/3/action/{action}?id={world[key][kind]}")
    return fetch


def _dataset_ttl(app, world, role, kind):
    return _get(app, world, role, f"/dataset/{world['ids'][kind]}.ttl")


# surface -> (group, fetch)
SURFACES = {
    "scorecard page": ("scorecard", _page(f"/organization/{ORG}/scorecard")),
    "scorecard.csv": ("scorecard", _page(f"/organization/{ORG}/scorecard.csv")),
    "scorecard.json": ("scorecard", _page(f"/organization/{ORG}/scorecard.json")),
    "wards_scorecard include_private": ("scorecard",
                                        _api("wards_scorecard", organization=ORG, include_private="true")),
    "wards_scorecard": ("public-list", _api("wards_scorecard", organization=ORG)),
    "wards_report": ("report", _api("wards_report", organization=ORG)),
    "report.json": ("report", _page(f"/wards/report/{ORG}.json")),
    "report.csv": ("report", _page(f"/wards/report/{ORG}.csv")),
    "report.ttl": ("report", _page(f"/wards/report/{ORG}.ttl")),
    "open-data-list.csv": ("public-list", _page(f"/wards/report/{ORG}/open-data-list.csv")),
    "ward page": ("report", _page(f"/wards/{ORG}")),
    "wards_compare": ("report", _api("wards_compare")),
    "compare page": ("report", _page("/wards/compare")),
    "compare csv": ("report", _page("/wards/compare?format=csv")),
    "compare json": ("report", _page("/wards/compare?format=json")),
    "catalog.ttl": ("public-list", _page("/catalog.ttl")),
    "catalog.jsonld": ("public-list", _page("/catalog.jsonld")),
    "catalog.ttl?q=marker": ("catalogue-query", None),
    "catalog.ttl?fq=private": ("catalogue-query", None),
    "wards_dataset_score": ("per-dataset", _dataset_api("wards_dataset_score", "ids")),
    "wards_resource_score": ("per-dataset", _dataset_api("wards_resource_score", "resources")),
    "dataset.ttl": ("per-dataset", _dataset_ttl),
}


def _catalogue_query(surface):
    def fetch(app, world, role, kind):
        marker = {"private": PRIVATE, "draft": DRAFT}[kind]
        if surface.endswith("q=marker"):
            return _get(app, world, role, f"/catalog.ttl?q={marker}")
        # try to widen the search past CKAN's public/active filters
        # (no spaces: ckanext-dcat puts fq into its pagination URIs unencoded)
        widen = {"private": "capacity:private", "draft": "state:draft"}[kind]
        return _get(app, world, role, f"/catalog.ttl?fq={widen}")
    return fetch


def may_see(surface: str, role: str, kind: str) -> bool:
    """The decision table of the module docstring."""
    group = SURFACES[surface][0]
    if group == "scorecard":
        return kind == "private" and role in MEMBERS
    if group == "per-dataset":
        return role in MEMBERS
    return False


def _marker(kind):
    return {"private": PRIVATE, "draft": DRAFT}[kind]


CELLS = [(s, r) for s in SURFACES for r in ROLES]


@pytest.fixture
def client(world, make_app):
    """One test app for the module: building it per cell would dominate the run."""
    if "app" not in _WORLD:
        _WORLD["app"] = make_app()
    return _WORLD["app"]


@pytest.mark.parametrize("surface, role", CELLS, ids=[f"{s}|{r}" for s, r in CELLS])
def test_roles_x_surfaces(client, world, surface, role):
    """One cell: what this role gets from this surface, for the private and the draft dataset."""
    for kind in ("private", "draft"):
        check_cell(client, world, surface, role, kind)


def check_cell(app, world, surface, role, kind):
    group, fetch = SURFACES[surface]
    fetch = fetch or _catalogue_query(surface)
    status, body = fetch(app, world, role, kind)
    allowed = may_see(surface, role, kind)
    where = f"{surface} as {role}, {kind}"
    if group == "per-dataset":
        # the whole answer is about the one dataset: seeing it = a 200 answer
        assert (status == 200) == allowed, (where, status, body[:300])
        if not allowed:
            assert status in (403, 404), where
            assert _marker(kind) not in body.lower(), where
        elif surface == "dataset.ttl":
            assert _marker(kind) in body.lower(), where
        return
    if surface == "wards_scorecard include_private" and role not in MEMBERS:
        assert status == 403, (where, status)  # refused outright, not silently narrowed
        assert _marker(kind) not in body.lower(), where
        return
    assert status == 200, (where, status, body[:500])
    assert (_marker(kind) in body.lower()) == allowed, (where, body[:2000])
    # the negative is not vacuous: the public dataset is on every listing surface
    if group in ("scorecard", "public-list"):
        assert PUBLIC in body.lower(), where
    if group == "report":
        assert_public_counts(surface, body)


# --- counts: public only -----------------------------------------------------------------------

def _result(body):
    return json.loads(body)["result"]


def assert_public_counts(surface: str, body: str) -> None:
    """Reports and the comparison count the public dataset (1) and its resource (1) only."""
    if surface in ("wards_report", "report.json"):
        doc = _result(body) if surface == "wards_report" else json.loads(body)
        assert doc["counts"] == {"datasets": 1, "resources": 1, "tabular_resources_checked": 1,
                                 "standards_declared": 1}
        assert sum(r["numerator"] for r in doc["ratings"]) == 1
        assert all(s["denominator"] == 1 for s in doc["shares"].values())
    elif surface in ("wards_compare", "compare json"):
        doc = _result(body) if surface == "wards_compare" else json.loads(body)
        row = next(r for r in doc["rows"] if r["organization"] == ORG)
        assert (row["datasets"], row["resources"]) == (1, 1)
        assert sum(row["ratings"].values()) == 1
    elif surface == "compare csv":
        row = next(r for r in csv.DictReader(io.StringIO(body.lstrip("\ufeff"))) if r["organization"] == ORG)
        assert (row["datasets"], row["resources"]) == ("1", "1")
    elif surface == "report.csv":
        rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))}
        counts = {m: r["value"] for m, r in rows.items() if m in ("datasetCount", "resourceCount")}
        assert counts and all(float(v) == 1 for v in counts.values()), counts
        assert {r["denominator"] for r in rows.values() if r["denominator"]} == {"1"}
    elif surface == "report.ttl":
        from rdflib import Graph, Namespace
        g = Graph().parse(data=body, format="turtle")
        wm = Namespace("http://test.ckan.net/wards/metrics#")
        assert {int(d) for d in g.objects(None, wm.denominator)} == {1}
    elif surface == "ward page":
        flat = re.sub(r"\s+", " ", body)
        for metric in ("datasetCount", "resourceCount"):
            cell = re.search(rf'data-metric="{metric}">.*?</th>(.*?)</tr>', flat).group(1)
            assert re.findall(r">([^<]*)</td>", cell)[-1].strip() == "1", cell
        for cell in re.findall(r'data-metric="\w+Share">.*?</th>(.*?)</tr>', flat):
            assert re.findall(r">([^<]*)</td>", cell)[1].strip() in ("1", ""), cell  # denominators
    elif surface == "compare page":
        flat = re.sub(r"\s+", " ", body)
        row = re.search(r'<tr data-code="131016"[^>]*>(.*?)</tr>', flat).group(1)
        assert re.search(r'data-col="datasets">\s*1\s*<', row), row


def test_scorecard_totals_follow_the_rows(client, world):
    app = client
    """Totals count what the role may see: public only for outsiders, +private for
    members; never the draft."""
    for role, expected in (("anonymous", 1), ("nonmember", 1), ("member", 2), ("sysadmin", 2)):
        status, body = _get(app, world, role, f"/organization/{ORG}/scorecard.json")
        assert status == 200
        card = json.loads(body)
        assert card["totals"]["datasets"] == expected, role
        assert len(card["rows"]) == expected


def test_report_metric_names_cover_counts():
    """assert_public_counts reads these metric ids from the CSV: they must exist."""
    from ckanext.wards.report import measurements
    ids = {m["id"] for m in measurements.metric_spec()["metrics"]}
    assert {"datasetCount", "resourceCount"} <= ids, sorted(ids)

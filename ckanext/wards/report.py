"""The standard ward report: computed from stored scores, served as JSON, CSV and DQV.

A report describes one ward's *public* catalogue (``schemas/ward-report.schema.json``):
dataset and resource counts and, for every share, the numerator and the denominator.
Figures come from one SQL aggregate over CKAN's ``package``/``resource`` tables joined
with the scoring plugin's stored scores (``model.DatasetScore``/``ResourceScore``), so a
report for 23 wards x 10,000 datasets is one query, not 230,000 package_show calls.
Datasets not scored yet count in the denominators and in the ``unscored`` rating only.

Metric URIs: ``METRIC_NS`` (https://w3id.org/ckanext-wards/metric#) + the ids in
``schemas/ward-report-metrics.yaml``. The DCAT plugin reuses this namespace.

Also the national オープンデータ一覧 CSV (自治体標準オープンデータセット A-06), one row per
resource, columns from ``schemas/open-data-list.yaml``.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import json
from typing import Any, Iterable, Optional

import yaml

from ckanext.wards import paths
from ckanext.wards.schema import SchemaValueError, lg_code_ok, normalise_lg_code

SCHEMA_VERSION = "1.0"
METRIC_NS = "https://w3id.org/ckanext-wards/metric#"
DQV_NS = "http://www.w3.org/ns/dqv#"
DATASET_SHARES = ("csv", "api", "machine_readable_strict", "machine_readable_broad",
                  "open_licence", "standard_conformance")
RESOURCE_SHARES = ("resources_machine_readable_strict", "resources_machine_readable_broad")
RATING_BANDS = ("bad", "sufficient", "good", "excellent", "unscored")


# --- data ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def report_schema() -> dict[str, Any]:
    with open(paths.schema_file("ward-report.schema.json"), encoding="utf-8") as f:
        return json.load(f)


@functools.lru_cache(maxsize=None)
def metric_spec() -> dict[str, Any]:
    with open(paths.schema_file("ward-report-metrics.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


@functools.lru_cache(maxsize=None)
def open_data_list_spec() -> dict[str, Any]:
    with open(paths.schema_file("open-data-list.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


@functools.lru_cache(maxsize=None)
def wards() -> tuple[dict[str, str], ...]:
    """The 23 special wards (``schemas/wards.csv``): code, names, slug, website."""
    with open(paths.schema_file("wards.csv"), encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def ward_by_code(code: Optional[str]) -> Optional[dict[str, str]]:
    return next((w for w in wards() if w["lg_code"] == code), None) if code else None


def label(entry: dict[str, Any], lang: str) -> str:
    texts = entry.get("label") or {}
    return texts.get(lang) or texts.get("en") or entry.get("id", "")


# --- which ward an organisation is --------------------------------------------------------

def _org_extra(org: dict[str, Any], key: str) -> Optional[str]:
    if org.get(key):
        return str(org[key]).strip()
    for extra in org.get("extras") or ():
        if extra.get("key") == key and extra.get("value"):
            return str(extra["value"]).strip()
    return None


# How an organisation is known to be a ward, strongest first: its own ``ward_code`` (only
# sysadmins set it, validated), its name (``chiyoda``, ``chiyoda-city``), its title (千代田区,
# only with ckanext.wards.match_org_titles: anyone may create an organisation of any title).
BY_CODE, BY_NAME, BY_TITLE, AS_DEPARTMENT = range(4)


def own_ward_code(org: dict[str, Any]) -> Optional[str]:
    """An organisation's ``ward_code`` extra when it is a valid code (else None: an
    unvalidated or mistyped extra makes no ward)."""
    code = _org_extra(org, "ward_code")
    try:
        return normalise_lg_code(code) if code else None
    except SchemaValueError:
        return None


def portal_ward_code() -> Optional[str]:
    """``ckanext.wards.ward_code`` (checked at start-up), or None."""
    from ckan.plugins import toolkit as tk
    code = (tk.config.get("ckanext.wards.ward_code") or "").strip()
    return code if lg_code_ok(code) else None


def _ward_for_code(code: str, org: dict[str, Any]) -> dict[str, str]:
    """wards.csv's row, or one made from the organisation (another municipality)."""
    known = ward_by_code(code)
    if known:
        return known
    label = org.get("title") or org.get("name") or code
    return {"lg_code": code, "name_ja": label, "name_en": label, "slug": org.get("name") or "",
            "prefecture_ja": "", "website": ""}


def _ward_match(org: dict[str, Any]) -> Optional[tuple[dict[str, str], int]]:
    """(ward, how: BY_CODE, BY_NAME or BY_TITLE) an organisation claims by itself, or
    None; only ``group_wards`` weighs the claims against each other (ask ``ward_of``)."""
    from ckan.plugins import toolkit as tk
    code = own_ward_code(org)
    if code:
        return _ward_for_code(code, org), BY_CODE
    name = (org.get("name") or "").lower()
    for w in wards():
        slug = w["slug"]
        if name in (slug, f"{slug}-city", f"{slug}-ku", f"{slug}ku", w["tokyo_catalog_org_id"], w["lg_code"]):
            return w, BY_NAME
    if tk.asbool(tk.config.get("ckanext.wards.match_org_titles")):
        title = (org.get("title") or "").strip()
        for w in wards():
            if title in (w["name_ja"], w["name_en_conventional"], "東京都" + w["name_ja"]):
                return w, BY_TITLE
    return None


def portal_ward_organizations() -> list[str]:
    """``ckanext.wards.ward_organizations``: the organisations (names) that make up the
    portal's ward; empty = every organisation that is no other ward."""
    from ckan.plugins import toolkit as tk
    return tk.aslist(tk.config.get("ckanext.wards.ward_organizations"))


def group_wards(orgs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Organisations (oldest first) grouped into wards: ``[{ward, org, org_ids, matched_by}]``
    by code (``matched_by``: org id → BY_CODE, BY_NAME, BY_TITLE or AS_DEPARTMENT).

    The portal's own ward (``ckanext.wards.ward_code``) gathers every organisation that
    matches it and its departments: organisations that are no ward by themselves; when
    ``ckanext.wards.ward_organizations`` is set, exactly the listed ones and nothing else. Another code
    gathers the organisations that carry it as their own ``ward_code``; a code known only
    from names or titles goes to the one best match (code, then name, then title; oldest,
    then smallest id), so a later look-alike never takes a ward's row."""
    portal, listed = portal_ward_code(), portal_ward_organizations()
    candidates: dict[str, list[tuple[int, int, dict[str, Any], dict[str, str]]]] = {}
    for order, org in enumerate(orgs):
        match = _ward_match(org)
        if portal and listed:
            # The operator's list is the portal's ward, exactly: a look-alike by name, title
            # or code outside it joins nothing (another user may have created it).
            if org.get("name") in listed:
                own = match is not None and match[0]["lg_code"] == portal
                match = (_ward_for_code(portal, org), match[1] if own else AS_DEPARTMENT)
            elif match is not None and match[0]["lg_code"] == portal:
                match = None
        elif match is None and portal:
            match = (_ward_for_code(portal, org), AS_DEPARTMENT)
        if match:
            candidates.setdefault(match[0]["lg_code"], []).append((match[1], order, org, match[0]))
    out = []
    for code, found in candidates.items():
        found.sort(key=lambda c: (c[0], c[1], c[2]["id"]))
        if code == portal:
            members = found
            by_list = [c for name in listed for c in found if c[2].get("name") == name]
            first = (by_list or found)[0]
        else:
            members = [c for c in found if c[0] == BY_CODE] or found[:1]
            first = members[0]
        out.append({"ward": first[3], "org": first[2], "org_ids": [c[2]["id"] for c in members],
                    "matched_by": {c[2]["id"]: c[0] for c in members}})
    return sorted(out, key=lambda w: w["ward"]["lg_code"])


def add_figures(figures: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of several organisations as one (a ward's departments): counts add,
    means are weighted by the scored datasets."""
    total: dict[str, Any] = {}
    for key in figures[0]:
        if key.endswith("_mean"):
            weighted = [(f[key], f["datasets"] - f["rating_unscored"]) for f in figures if f[key] is not None]
            weight = sum(w for _, w in weighted)
            total[key] = sum(float(v) * w for v, w in weighted) / weight if weight else None
        else:
            total[key] = sum(f[key] for f in figures)
    return total


def ward_identity(ward: dict[str, str], org_name: Optional[str] = None) -> dict[str, str]:
    out = {"code": ward["lg_code"], "name_ja": ward["name_ja"],
           "name_en": ward.get("name_en_conventional") or ward.get("name_en") or ward["name_ja"]}
    if org_name:
        out["organization"] = org_name
    return out


# --- figures from stored scores ----------------------------------------------------------

def org_figures(org_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Per organisation id: public dataset/resource counts and share numerators, from one
    aggregate over ``package``/``resource`` and the stored scores (two queries in all)."""
    import sqlalchemy as sa
    import ckan.model as cm
    from ckanext.wards import model
    from ckanext.wards.scoring import store

    org_ids = list(org_ids)
    if not org_ids:
        return {}
    p = cm.package_table
    r = cm.resource_table
    s = model.DatasetScore.__table__
    rs = model.ResourceScore.__table__

    def n(cond):
        return sa.func.count().filter(cond)

    public = sa.and_(p.c.owner_org.in_(org_ids), p.c.state == "active",
                     p.c.type == "dataset", p.c.private.is_(False))
    conformant = store.standard_conformant(s)
    dataset_q = (
        sa.select(
            p.c.owner_org, sa.func.count().label("datasets"),
            n(s.c.has_csv.is_(True)).label("csv"),
            n(s.c.api_count > 0).label("api"),
            n(s.c.machine_readable_strict.is_(True)).label("machine_readable_strict"),
            n(s.c.machine_readable_broad.is_(True)).label("machine_readable_broad"),
            n(s.c.open_licence.is_(True)).label("open_licence"),
            n(conformant).label("standard_conformance"),
            *[n(s.c.stars == k).label(f"star{k}") for k in range(6)],
            *[n(s.c.rating == b).label(f"rating_{b}") for b in RATING_BANDS[:-1]],
            n(s.c.package_id.is_(None)).label("rating_unscored"),
            sa.func.avg(s.c.mqa_points).label("mqa_points_mean"),
            sa.func.avg(s.c.japan_points).label("japan_points_mean"),
        )
        .select_from(p.outerjoin(s, s.c.package_id == p.c.id))
        .where(public).group_by(p.c.owner_org)
    )
    resource_q = (
        sa.select(
            p.c.owner_org, sa.func.count().label("resources"),
            n(rs.c.machine_readable_strict.is_(True)).label("resources_machine_readable_strict"),
            n(rs.c.machine_readable_broad.is_(True)).label("resources_machine_readable_broad"),
        )
        .select_from(r.join(p, p.c.id == r.c.package_id).outerjoin(rs, rs.c.resource_id == r.c.id))
        .where(public, r.c.state == "active").group_by(p.c.owner_org)
    )
    empty = {"datasets": 0, "resources": 0, "mqa_points_mean": None, "japan_points_mean": None,
             **{k: 0 for k in DATASET_SHARES + RESOURCE_SHARES},
             **{f"star{k}": 0 for k in range(6)}, **{f"rating_{b}": 0 for b in RATING_BANDS}}
    out = {org_id: dict(empty) for org_id in org_ids}
    for row in cm.Session.execute(dataset_q).mappings():
        out[row["owner_org"]].update({k: v for k, v in row.items() if k != "owner_org"})
    for row in cm.Session.execute(resource_q).mappings():
        out[row["owner_org"]].update({k: v for k, v in row.items() if k != "owner_org"})
    return out


# --- a short-lived cache of the figures ---------------------------------------------------------
# The aggregate reads every dataset and resource of the wards (about a second for 23 x
# 10,000 datasets); the comparison page and the report API would run it on every request.
# A cached result is used while (1) no dataset of those organisations changed since (their
# latest metadata_modified, 23 index look-ups) and (2) it is younger than
# ckanext.wards.compare.cache_seconds, which bounds how late re-scores show up.

_CACHE: dict[tuple[str, ...], tuple[Any, float, str, dict[str, Any]]] = {}
_CACHE_MAX = 256


def _change_stamp(org_ids: list[str]) -> tuple:
    import sqlalchemy as sa
    import ckan.model as cm
    p = cm.package_table
    latest = [sa.select(sa.func.max(p.c.metadata_modified)).where(p.c.owner_org == oid).scalar_subquery()
              for oid in org_ids]
    return tuple(cm.Session.execute(sa.select(*latest)).one()) if latest else ()


def cached_org_figures(org_ids: Iterable[str]) -> tuple[dict[str, dict[str, Any]], str]:
    """(figures by organisation id, when they were computed), from the cache if still valid."""
    import time
    from ckan.plugins import toolkit as tk

    key = tuple(sorted(org_ids))
    ttl = float(tk.config.get("ckanext.wards.compare.cache_seconds") or 0)
    stamp = _change_stamp(list(key)) if ttl > 0 else None
    hit = _CACHE.get(key)
    if hit and ttl > 0 and hit[0] == stamp and time.monotonic() - hit[1] < ttl:
        return hit[3], hit[2]
    figures = org_figures(key)
    computed_at = now_utc()
    if ttl > 0:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = (stamp, time.monotonic(), computed_at, figures)
    return figures, computed_at


def now_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_report(ward: dict[str, str], figures: dict[str, Any], portal_url: str,
                 computed_at: Optional[str] = None, org_name: Optional[str] = None,
                 report_url: Optional[str] = None) -> dict[str, Any]:
    """The report document from an organisation's figures (``org_figures``)."""
    datasets = int(figures["datasets"])
    resources = int(figures["resources"])
    shares = {k: {"numerator": int(figures[k]), "denominator": datasets, "unit": "dataset"}
              for k in DATASET_SHARES}
    shares.update({k: {"numerator": int(figures[k]), "denominator": resources, "unit": "resource"}
                   for k in RESOURCE_SHARES})
    mean = figures.get("mqa_points_mean")
    japan_mean = figures.get("japan_points_mean")
    doc = {
        "schema_version": SCHEMA_VERSION,
        "ward": ward_identity(ward, org_name),
        "portal_url": portal_url,
        "computed_at": computed_at or now_utc(),
        "methodology": _methodology(),
        "counts": {"datasets": datasets, "resources": resources},
        "shares": shares,
        "star_levels": [{"level": k, "numerator": int(figures[f"star{k}"]), "denominator": datasets}
                        for k in range(6)],
        "ratings": [{"band": b, "numerator": int(figures[f"rating_{b}"]), "denominator": datasets}
                    for b in RATING_BANDS],
        "quality": {"mqa_points_mean": None if mean is None else round(float(mean), 1),
                    "mqa_points_max": 405,
                    "japan_score_mean": None if japan_mean is None else round(float(japan_mean), 1)},
    }
    if report_url:
        doc["report_url"] = report_url
    return doc


def _methodology() -> str:
    try:
        from ckanext.wards.scoring import spec
        return str(spec.spec().get("methodology") or "")
    except Exception:  # the report is readable without the scoring plugin's data
        return ""


def site_url() -> str:
    from ckan.plugins import toolkit as tk
    return (tk.config.get("ckan.site_url") or "http://localhost").rstrip("/")


def report_url_for(org_name: str) -> str:
    return f"{site_url()}/wards/report/{org_name}.json"


_LOCAL_WARDS_KEY = "_wards_local_wards"


def _local_wards() -> list[dict[str, Any]]:
    """``compare.local_wards()``, once per request (a catalogue page asks for every dataset)."""
    from ckanext.wards import compare
    import flask
    if not flask.has_request_context():
        return compare.local_wards()
    if _LOCAL_WARDS_KEY not in flask.g:
        setattr(flask.g, _LOCAL_WARDS_KEY, compare.local_wards())
    return getattr(flask.g, _LOCAL_WARDS_KEY)


def ward_entry(org_id: Optional[str]) -> Optional[dict[str, Any]]:
    """The ``local_wards`` entry an organisation (id) belongs to, or None."""
    return next((w for w in _local_wards() if org_id in w["org_ids"]), None) if org_id else None


def ward_membership(org_id: Optional[str]) -> Optional[tuple[dict[str, str], int]]:
    """(ward, how: BY_CODE, BY_NAME, BY_TITLE or AS_DEPARTMENT) of an organisation, or None.

    The one answer to "which ward is this organisation" for every caller (report,
    comparison, migrate's publisher code, DCAT publisher): the grouping of all active
    organisations (``group_wards``), so an organisation that loses the comparison row of
    a ward to its real organisation is no ward anywhere else either."""
    entry = ward_entry(org_id)
    return (entry["ward"], entry["matched_by"][org_id]) if entry else None


def is_ward_code(code: str) -> bool:
    """A code of a ward: one of wards.csv or of this portal's wards (``local_wards``)."""
    return ward_by_code(code) is not None or any(w["ward"]["lg_code"] == code for w in _local_wards())


def ward_of(org: dict[str, Any]) -> Optional[dict[str, str]]:
    """The ward of an organisation (``ward_membership``), or None."""
    found = ward_membership(org.get("id"))
    return found[0] if found else None


def report_for_org(org: dict[str, Any], figures: Optional[dict[str, Any]] = None,
                   computed_at: Optional[str] = None) -> Optional[dict[str, Any]]:
    """The standard report of the ward an organisation belongs to (None if it is none):
    every organisation of that ward adds up (a one-ward portal's departments)."""
    entry = ward_entry(org["id"])
    if entry is None:
        return None
    if figures is None:
        all_figures, computed_at = cached_org_figures(entry["org_ids"])
        figures = add_figures([all_figures[i] for i in entry["org_ids"]])
    name = entry["org"]["name"]
    return build_report(entry["ward"], figures, site_url(), computed_at=computed_at,
                        org_name=name, report_url=report_url_for(name))


# --- validation ------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _validator():
    import jsonschema
    cls = jsonschema.validators.validator_for(report_schema())
    cls.check_schema(report_schema())
    return cls(report_schema(), format_checker=cls.FORMAT_CHECKER)


def validation_errors(doc: Any) -> list[str]:
    """Why a report is invalid (empty list if valid): the JSON Schema first, then the
    rules a schema cannot say (numerator ≤ denominator, denominators = counts, sums,
    the code's check digit)."""
    errors = []
    for err in sorted(_validator().iter_errors(doc), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(document)"
        errors.append(f"{where}: {err.message}")
    if errors:
        return errors[:20]
    datasets = doc["counts"]["datasets"]
    resources = doc["counts"]["resources"]
    if not lg_code_ok(doc["ward"]["code"]):
        errors.append(f"ward/code: {doc['ward']['code']} has a wrong check digit")
    for key, share in doc["shares"].items():
        expected = datasets if share["unit"] == "dataset" else resources
        if share["denominator"] != expected:
            errors.append(f"shares/{key}: denominator {share['denominator']} is not the "
                          f"{share['unit']} count {expected}")
        if share["numerator"] > share["denominator"]:
            errors.append(f"shares/{key}: numerator {share['numerator']} exceeds denominator")
    for group, key in (("star_levels", "level"), ("ratings", "band")):
        total = 0
        for item in doc[group]:
            total += item["numerator"]
            if item["denominator"] != datasets:
                errors.append(f"{group}/{item[key]}: denominator is not the dataset count {datasets}")
        limit_ok = total == datasets if group == "ratings" else total <= datasets
        if not limit_ok:
            errors.append(f"{group}: numerators add up to {total}, not the dataset count {datasets}")
    if len({r["band"] for r in doc["ratings"]}) != len(doc["ratings"]):
        errors.append("ratings: a band appears twice")
    return errors


# --- reading figures back ------------------------------------------------------------------

def ratio(share: Optional[dict[str, Any]]) -> Optional[float]:
    if not share or not share.get("denominator"):
        return None
    return share["numerator"] / share["denominator"]


def figure(doc: dict[str, Any], source: str) -> Optional[dict[str, Any]]:
    """The count/share/mean named by a metric's ``source`` (counts.x, shares.x,
    star_levels[n], ratings[band], quality.x); None if the report lacks it."""
    if source.startswith("star_levels["):
        level = int(source[len("star_levels["):-1])
        return next((s for s in doc.get("star_levels", ()) if s["level"] == level), None)
    if source.startswith("ratings["):
        band = source[len("ratings["):-1]
        return next((s for s in doc.get("ratings", ()) if s["band"] == band), None)
    section, key = source.split(".", 1)
    value = (doc.get(section) or {}).get(key)
    if value is None:
        return None
    return value if isinstance(value, dict) else {"value": value}


def measurements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every metric of the report as {metric, kind, numerator, denominator, value}."""
    out = []
    for m in metric_spec()["metrics"]:
        fig = figure(doc, m["source"])
        if fig is None:
            continue
        if m["kind"] == "share":
            value = ratio(fig)
            out.append({"metric": m["id"], "kind": "share", "numerator": fig["numerator"],
                        "denominator": fig["denominator"],
                        "value": None if value is None else round(value, 6)})
        else:
            out.append({"metric": m["id"], "kind": m["kind"], "numerator": None,
                        "denominator": None, "value": fig["value"]})
    return out


# --- serialisations ---------------------------------------------------------------------------

def to_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2)


CSV_COLUMNS = ("ward_code", "ward_name_ja", "ward_name_en", "computed_at", "schema_version",
               "metric", "metric_uri", "numerator", "denominator", "value")


def to_csv(doc: dict[str, Any]) -> str:
    """One row per measurement (long form): every share keeps numerator and denominator."""
    from ckanext.wards.lib import csvout
    w = doc["ward"]
    return csvout.write(CSV_COLUMNS, ([w["code"], w["name_ja"], w["name_en"], doc["computed_at"],
                                       doc["schema_version"], m["metric"], METRIC_NS + m["metric"],
                                       m["numerator"], m["denominator"], m["value"]]
                                      for m in measurements(doc)))


def metric_graph():
    """The metric and dimension definitions as DQV (dqv:Metric, dqv:Dimension)."""
    from rdflib import RDF, SKOS, Graph, Literal, Namespace
    from rdflib.namespace import XSD

    DQV = Namespace(DQV_NS)
    WM = Namespace(metric_spec()["namespace"])
    g = Graph()
    g.bind("dqv", DQV)
    g.bind("skos", SKOS)
    g.bind("wm", WM)
    for dim in metric_spec()["dimensions"]:
        node = WM[dim["id"]]
        g.add((node, RDF.type, DQV.Dimension))
        for lang, text in dim["label"].items():
            g.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
    for prop, text in (("numerator", "numerator of a share"), ("denominator", "denominator of a share")):
        g.add((WM[prop], RDF.type, RDF.Property))
        g.add((WM[prop], SKOS.definition, Literal(text, lang="en")))
    for m in metric_spec()["metrics"]:
        node = WM[m["id"]]
        g.add((node, RDF.type, DQV.Metric))
        g.add((node, DQV.inDimension, WM[m["dimension"]]))
        g.add((node, DQV.expectedDataType, XSD.integer if m["kind"] == "count" else XSD.decimal))
        for lang, text in m["label"].items():
            g.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
    return g


def to_turtle(doc: dict[str, Any]) -> str:
    """The report as W3C DQV: one dqv:QualityMeasurement per metric, computed on the
    ward's catalogue; shares carry wm:numerator and wm:denominator next to dqv:value."""
    from rdflib import RDF, BNode, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, XSD

    DQV = Namespace(DQV_NS)
    WM = Namespace(METRIC_NS)
    g = metric_graph()
    g.bind("dcat", DCAT)
    g.bind("dct", DCTERMS)
    g.bind("prov", PROV)
    g.bind("foaf", FOAF)
    catalog = URIRef(doc["portal_url"] + ("#catalog-" + doc["ward"].get("organization", doc["ward"]["code"])))
    publisher = URIRef(f"https://w3id.org/ckanext-wards/lg/{doc['ward']['code']}")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, FOAF.homepage, URIRef(doc["portal_url"])))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, DCTERMS.identifier, Literal(doc["ward"]["code"])))
    g.add((publisher, FOAF.name, Literal(doc["ward"]["name_ja"], lang="ja")))
    g.add((publisher, FOAF.name, Literal(doc["ward"]["name_en"], lang="en")))
    when = Literal(doc["computed_at"], datatype=XSD.dateTime)
    for m in measurements(doc):
        node = BNode()
        g.add((catalog, DQV.hasQualityMeasurement, node))
        g.add((node, RDF.type, DQV.QualityMeasurement))
        g.add((node, DQV.computedOn, catalog))
        g.add((node, DQV.isMeasurementOf, WM[m["metric"]]))
        g.add((node, PROV.generatedAtTime, when))
        if m["kind"] == "count":
            g.add((node, DQV.value, Literal(int(m["value"]), datatype=XSD.integer)))
        else:
            if m["value"] is not None:
                g.add((node, DQV.value, Literal(str(m["value"]), datatype=XSD.decimal)))
            if m["kind"] == "share":
                g.add((node, WM.numerator, Literal(m["numerator"], datatype=XSD.integer)))
                g.add((node, WM.denominator, Literal(m["denominator"], datatype=XSD.integer)))
    return g.serialize(format="turtle")


# --- オープンデータ一覧 (A-06) ------------------------------------------------------------------

def open_data_list_columns() -> list[str]:
    return [c["name"] for c in open_data_list_spec()["columns"]]


def _join(values: Iterable[Any]) -> str:
    return ";".join(str(v) for v in values if v not in (None, ""))


def _listish(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                return list(json.loads(text))
            except ValueError:
                return [text]
        return [text]
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _pkg_field(pkg: dict[str, Any], key: str) -> Any:
    if pkg.get(key) not in (None, ""):
        return pkg[key]
    for extra in pkg.get("extras") or ():
        if extra.get("key") == key:
            return extra.get("value")
    return None


def open_data_list_values(pkg: dict[str, Any], res: dict[str, Any], ward: dict[str, str]) -> dict[str, Any]:
    """The A-06 values of one resource row (keys are the ``from`` names of the spec)."""
    from ckanext.wards import formats

    contact = next(iter(_listish(_pkg_field(pkg, "contact"))), {}) or {}
    if not isinstance(contact, dict):
        contact = {"name": str(contact)}
    temporal = [f"{t.get('start') or ''}/{t.get('end') or ''}" for t in _listish(_pkg_field(pkg, "temporal_coverage"))
                if isinstance(t, dict)]
    spatial = [s.get("text") or s.get("uri") for s in _listish(_pkg_field(pkg, "spatial_coverage")) if isinstance(s, dict)]
    keywords = [t["name"] for t in pkg.get("tags") or ()] or _listish(pkg.get("tag_string"))
    languages = _listish(_pkg_field(pkg, "language")) or ["ja"]
    org = pkg.get("organization") or {}
    classification = formats.classify(res)
    return {
        "dataset_id": pkg.get("name") or pkg.get("id"),
        "ward_code": ward["lg_code"],
        "ward_full_name": (ward.get("prefecture_ja") or "") + ward["name_ja"],
        "dataset_title": pkg.get("title") or pkg.get("name"),
        "dataset_notes": pkg.get("notes") or "",
        "dataset_keywords": _join(keywords),
        "dataset_themes": _join(_listish(_pkg_field(pkg, "theme"))),
        "dataset_issued": _pkg_field(pkg, "issued") or (pkg.get("metadata_created") or "")[:10],
        "dataset_modified": _pkg_field(pkg, "modified") or (pkg.get("metadata_modified") or "")[:10],
        "dataset_version": pkg.get("version") or "",
        "dataset_language": _join(languages),
        "dataset_page": f"{site_url()}/dataset/{pkg.get('name')}",
        "dataset_frequency": _pkg_field(pkg, "frequency") or "",
        "dataset_conforms_to": _join(_listish(_pkg_field(pkg, "conforms_to"))),
        "dataset_landing_page": _pkg_field(pkg, "landing_page") or pkg.get("url") or "",
        "dataset_spatial": _join(spatial),
        "dataset_temporal": _join(temporal),
        "organization_title": org.get("title") or "",
        "contact_name": contact.get("name") or pkg.get("maintainer") or pkg.get("author") or "",
        "contact_email": contact.get("email") or pkg.get("maintainer_email") or pkg.get("author_email") or "",
        "contact_url": contact.get("url") or "",
        "resource_id": res.get("id"),
        "resource_name": res.get("name") or "",
        "resource_access_url": res.get("access_url") or res.get("url") or "",
        "resource_download_url": res.get("download_url") or ("" if classification["is_api"] else res.get("url") or ""),
        "resource_description": res.get("description") or "",
        "resource_format": res.get("format") or classification.get("code") or "",
        # ids, as the resource-level licence is: a title would follow the request language
        "resource_licence": res.get("license") or pkg.get("license_id") or "",
        "resource_status": "配信中",
        "resource_size": res.get("size") or "",
        "resource_issued": res.get("issued") or (res.get("created") or "")[:10],
        "resource_modified": res.get("modified") or (res.get("last_modified") or res.get("metadata_modified") or "")[:10],
        "resource_conforms_to": _join(_listish(res.get("conforms_to"))) or _join(_listish(_pkg_field(pkg, "conforms_to"))),
        "resource_api": "有" if classification["is_api"] else "無",
    }


def open_data_list_rows(packages: Iterable[dict[str, Any]], ward: dict[str, str]) -> Iterable[list[Any]]:
    spec = open_data_list_spec()["columns"]
    for pkg in packages:
        for res in pkg.get("resources") or ():
            values = open_data_list_values(pkg, res, ward)
            yield [values.get(c["from"], "") if c["from"] else "" for c in spec]


def open_data_list_csv(packages: Iterable[dict[str, Any]], ward: dict[str, str]) -> str:
    """The national オープンデータ一覧 CSV (UTF-8 with BOM, CRLF, as spreadsheet tools expect)."""
    from ckanext.wards.lib import csvout
    return csvout.write(open_data_list_columns(), open_data_list_rows(packages, ward), bom=True)


def public_packages(org_ids: Iterable[str], batch: int = 500) -> Iterable[dict[str, Any]]:
    """Every public active dataset of the organisations, from the search index in pages."""
    from ckan.plugins import toolkit as tk
    owners = " OR ".join(f'"{org_id}"' for org_id in org_ids)
    start = 0
    while True:
        result = tk.get_action("package_search")(
            {"ignore_auth": True},
            {"fq": f"owner_org:({owners})", "rows": batch, "start": start, "sort": "name asc",
             "include_private": False})
        yield from result["results"]
        start += batch
        if start >= result["count"]:
            return


def open_data_list_for(doc: dict[str, Any], org_id: str) -> str:
    """The オープンデータ一覧 CSV of the ward whose report is ``doc``, asked for through one
    of its organisations: the datasets of all the ward's organisations (its departments
    too), as its report counts them."""
    ward = ward_by_code(doc["ward"]["code"]) or {
        "lg_code": doc["ward"]["code"], "name_ja": doc["ward"]["name_ja"], "prefecture_ja": ""}
    entry = ward_entry(org_id)
    return open_data_list_csv(public_packages(entry["org_ids"] if entry else [org_id]), ward)

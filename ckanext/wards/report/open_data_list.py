"""The national オープンデータ一覧 CSV (自治体標準オープンデータセット A-06, the current
45-column template) of a ward: one row per public resource, the dataset's columns repeated
on each row. The columns and where each value comes from are ``schemas/open-data-list.yaml``
(``from`` names a key of ``values``)."""
from __future__ import annotations

import functools
from typing import Any, Iterable

import yaml

from ckanext.wards import paths
from ckanext.wards.lib import csvout
from ckanext.wards.lib.fields import field
from ckanext.wards.lib.lists import as_list
from ckanext.wards.report import document
from ckanext.wards.vocab import organizations


@functools.lru_cache(maxsize=None)
def spec() -> dict[str, Any]:
    with open(paths.schema_file("open-data-list.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def columns() -> list[str]:
    return [c["name"] for c in spec()["columns"]]


def _joined(values: Iterable[Any]) -> str:
    """Several values in one A-06 cell: separated by ";" (no space), blanks left out."""
    return ";".join(str(v) for v in values if v not in (None, ""))


def values(pkg: dict[str, Any], res: dict[str, Any], ward: dict[str, str]) -> dict[str, Any]:
    """The A-06 values of one resource row (keys are the ``from`` names of the spec).
    Multi-valued fields are read by ``lib.lists.as_list``: ``population、health`` is two."""
    from ckanext.wards.formats import classify as formats

    contact = next(iter(as_list(field(pkg, "contact"))), {}) or {}
    if not isinstance(contact, dict):
        contact = {"name": str(contact)}
    temporal = [f"{t.get('start') or ''}/{t.get('end') or ''}" for t in as_list(field(pkg, "temporal_coverage"))
                if isinstance(t, dict)]
    spatial = [s.get("text") or s.get("uri") for s in as_list(field(pkg, "spatial_coverage")) if isinstance(s, dict)]
    keywords = [t["name"] for t in pkg.get("tags") or ()] or as_list(pkg.get("tag_string"))
    languages = as_list(field(pkg, "language")) or ["ja"]
    org = pkg.get("organization") or {}
    classification = formats.classify(res)
    return {
        "dataset_id": pkg.get("name") or pkg.get("id"),
        "ward_code": ward["lg_code"],
        "ward_full_name": (ward.get("prefecture_ja") or "") + ward["name_ja"],
        "dataset_title": pkg.get("title") or pkg.get("name"),
        "dataset_notes": pkg.get("notes") or "",
        "dataset_keywords": _joined(keywords),
        "dataset_themes": _joined(as_list(field(pkg, "theme"))),
        "dataset_issued": field(pkg, "issued") or (pkg.get("metadata_created") or "")[:10],
        "dataset_modified": field(pkg, "modified") or (pkg.get("metadata_modified") or "")[:10],
        "dataset_version": pkg.get("version") or "",
        "dataset_language": _joined(languages),
        "dataset_page": f"{document.site_url()}/dataset/{pkg.get('name')}",
        "dataset_frequency": field(pkg, "frequency") or "",
        "dataset_conforms_to": _joined(as_list(field(pkg, "conforms_to"))),
        "dataset_landing_page": field(pkg, "landing_page") or pkg.get("url") or "",
        "dataset_spatial": _joined(spatial),
        "dataset_temporal": _joined(temporal),
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
        "resource_conforms_to": _joined(as_list(res.get("conforms_to"))) or _joined(as_list(field(pkg, "conforms_to"))),
        "resource_api": "有" if classification["is_api"] else "無",
    }


def rows(packages: Iterable[dict[str, Any]], ward: dict[str, str]) -> Iterable[list[Any]]:
    spec_columns = spec()["columns"]
    for pkg in packages:
        for res in pkg.get("resources") or ():
            row = values(pkg, res, ward)
            yield [row.get(c["from"], "") if c["from"] else "" for c in spec_columns]


def to_csv(packages: Iterable[dict[str, Any]], ward: dict[str, str]) -> str:
    """The national オープンデータ一覧 CSV (UTF-8 with BOM, CRLF, as spreadsheet tools expect)."""
    return csvout.write(columns(), rows(packages, ward))


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


def csv_for_report(doc: dict[str, Any], org_id: str) -> str:
    """The オープンデータ一覧 CSV of the ward whose report is ``doc``, asked for through one
    of its organisations: the datasets of all the ward's organisations (its departments
    too), as its report counts them."""
    ward = organizations.ward_by_code(doc["ward"]["code"]) or {
        "lg_code": doc["ward"]["code"], "name_ja": doc["ward"]["name_ja"], "prefecture_ja": ""}
    entry = organizations.ward_entry(org_id)
    return to_csv(public_packages(entry["org_ids"] if entry else [org_id]), ward)

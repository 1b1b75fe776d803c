"""Standard-dataset coverage (issue 14 item 2): for every local ward and every
自治体標準オープンデータセット one state, from the stored scores and file checks (SQL, no
package_show loops):

* ``not_published`` - no public active dataset of the ward declares the standard;
* ``declared`` - a dataset declares it (``wards_dataset_score.conforms_to``), but no stored
  file check of the standard found its columns matching;
* ``verified`` - a stored file check (``wards_file_check``) of the standard passed
  (``conformance_ok`` true) for a resource of a declaring dataset.

Each cell lists the datasets behind it.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.model as ckan_model

from ckanext.wards.conformance import standards as standard_defs
from ckanext.wards.model import DatasetScore, FileCheck
from ckanext.wards.scoring.store import standard_declared
from ckanext.wards.vocab.organizations import local_wards

NOT_PUBLISHED, DECLARED, VERIFIED = "not_published", "declared", "verified"
STATES = (NOT_PUBLISHED, DECLARED, VERIFIED)


def _declaring_rows(org_ids: list[str]) -> list[dict[str, Any]]:
    """Public active datasets of these organisations declaring a standard (one query)."""
    if not org_ids:
        return []
    t, p = DatasetScore.__table__, ckan_model.package_table
    query = (sa.select(t.c.package_id, t.c.name, t.c.title, t.c.conforms_to, p.c.owner_org)
             .select_from(t.join(p, p.c.id == t.c.package_id))
             .where(p.c.owner_org.in_(org_ids), p.c.state == "active", p.c.private.is_(False),
                    standard_declared(t)))
    return [dict(r) for r in ckan_model.Session.execute(query).mappings()]


def _passed_checks(package_ids: list[str]) -> set[tuple[str, str]]:
    """(package id, standard id) of stored file checks whose columns matched (one query)."""
    if not package_ids:
        return set()
    t = FileCheck.__table__
    query = sa.select(t.c.package_id, t.c.standard_id).where(
        t.c.package_id.in_(package_ids), t.c.conformance_ok.is_(True), t.c.standard_id.isnot(None))
    return {(r.package_id, r.standard_id) for r in ckan_model.Session.execute(query)}


def coverage() -> dict[str, Any]:
    """``{"standards": [ids], "wards": [{lg_code, name, org, cells: {std id: {state,
    datasets: [{name, title, verified}]}}}]}``."""
    wards = local_wards()
    std_ids = standard_defs.standard_ids()
    org_to_ward = {org_id: w["ward"]["lg_code"] for w in wards for org_id in w["org_ids"]}
    rows = _declaring_rows(list(org_to_ward))
    passed = _passed_checks([r["package_id"] for r in rows])
    cells: dict[str, dict[str, dict[str, Any]]] = {
        w["ward"]["lg_code"]: {s: {"state": NOT_PUBLISHED, "datasets": []} for s in std_ids} for w in wards}
    for row in rows:
        ward_cells = cells[org_to_ward[row["owner_org"]]]
        for declared in row["conforms_to"]:
            std = standard_defs.get_standard(str(declared))
            if std is None:
                continue  # an unknown id: not one of the standards
            cell = ward_cells[std["id"]]
            verified = (row["package_id"], std["id"]) in passed
            cell["datasets"].append({"name": row["name"], "title": row["title"], "verified": verified})
            if verified:
                cell["state"] = VERIFIED
            elif cell["state"] == NOT_PUBLISHED:
                cell["state"] = DECLARED
    out = []
    for w in wards:
        code = w["ward"]["lg_code"]
        for cell in cells[code].values():
            cell["datasets"].sort(key=lambda d: d["name"] or "")
        out.append({"lg_code": code, "name_ja": w["ward"].get("name_ja"), "name_en": w["ward"].get("name_en"),
                    "org": w["org"]["name"], "cells": cells[code]})
    return {"standards": std_ids, "wards": out}

"""Dataset dicts straight from CKAN's tables, for bulk re-scoring.

One query each for packages, tags, groups and resources per batch, instead of an action
per dataset. The dicts have the package_show shape closely enough for the checks
(extras merged at top level, values as stored; ``lib.lists.as_list`` decodes scheming's
JSON-encoded lists).
"""
from __future__ import annotations

import json
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as ckan_model

_PACKAGE_COLUMNS = ("id", "name", "title", "owner_org", "private", "state", "type",
                    "license_id", "notes", "url", "author", "author_email", "maintainer",
                    "maintainer_email", "metadata_created", "metadata_modified", "extras")
_RESOURCE_COLUMNS = ("id", "package_id", "url", "format", "mimetype", "size", "name",
                     "created", "last_modified", "metadata_modified", "url_type", "extras",
                     "position", "state")


def active_package_ids(org_id: Optional[str] = None) -> list[str]:
    p = ckan_model.package_table
    query = sa.select(p.c.id).where(p.c.state == "active", p.c.type == "dataset")
    if org_id:
        query = query.where(p.c.owner_org == org_id)
    return [r[0] for r in ckan_model.Session.execute(query.order_by(p.c.id))]


def upload_url(pkg: dict[str, Any], res: dict[str, Any]) -> str:
    """An upload's URL as package_show gives it (CKAN stores only the file name): the
    same string the link checker and the re-score job key link statuses by."""
    from ckan.lib.munge import munge_filename
    from ckan.plugins import toolkit as tk
    name = munge_filename(str(res["url"]).rsplit("/", 1)[-1])
    site = (tk.config.get("ckan.site_url") or "").rstrip("/")
    root = (tk.config.get("ckan.root_path") or "").replace("/{{LANG}}", "").rstrip("/")
    return f"{site}{root}/{pkg.get('type') or 'dataset'}/{pkg['id']}/resource/{res['id']}/download/{name}"


def load_datasets(package_ids: list[str]) -> list[dict[str, Any]]:
    """Dataset dicts for ``package_ids`` (active datasets only), four queries."""
    if not package_ids:
        return []
    session = ckan_model.Session
    p = ckan_model.package_table
    rows = session.execute(
        sa.select(*[p.c[c] for c in _PACKAGE_COLUMNS]).where(
            p.c.id.in_(package_ids), p.c.state == "active")).mappings().all()
    pkgs: dict[str, dict[str, Any]] = {}
    for row in rows:
        pkg = {k: v for k, v in row.items() if k != "extras"}
        for key, value in (row["extras"] or {}).items():
            pkg.setdefault(key, value)
        pkg["extras"] = [{"key": k, "value": v} for k, v in (row["extras"] or {}).items()]
        pkg["tags"], pkg["groups"], pkg["resources"] = [], [], []
        pkgs[pkg["id"]] = pkg
    ids = list(pkgs)
    if not ids:
        return []

    tag, ptag = ckan_model.tag_table, ckan_model.package_tag_table
    for pid, name in session.execute(
            sa.select(ptag.c.package_id, tag.c.name).join(tag, tag.c.id == ptag.c.tag_id)
            .where(ptag.c.package_id.in_(ids), ptag.c.state == "active")):
        pkgs[pid]["tags"].append({"name": name})

    member, group = ckan_model.member_table, ckan_model.group_table
    for pid, name in session.execute(
            sa.select(member.c.table_id, group.c.name).join(group, group.c.id == member.c.group_id)
            .where(member.c.table_id.in_(ids), member.c.table_name == "package",
                   member.c.state == "active", group.c.state == "active",
                   group.c.is_organization.is_(False))):
        pkgs[pid]["groups"].append({"name": name})

    r = ckan_model.resource_table
    for row in session.execute(
            sa.select(*[r.c[c] for c in _RESOURCE_COLUMNS])
            .where(r.c.package_id.in_(ids), r.c.state == "active")
            .order_by(r.c.package_id, r.c.position)).mappings():
        res = {k: v for k, v in row.items() if k != "extras"}
        extras = row["extras"] or {}
        if isinstance(extras, str):
            extras = json.loads(extras or "{}")
        for key, value in extras.items():
            res.setdefault(key, value)
        pkg = pkgs[row["package_id"]]
        if res.get("url_type") == "upload" and res.get("url"):
            res["url"] = upload_url(pkg, res)
        pkg["resources"].append(res)
    return [pkgs[i] for i in ids]

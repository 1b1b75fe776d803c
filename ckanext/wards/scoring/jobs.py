"""The background jobs (CKAN's RQ queue, run by ``ckan jobs worker``) queued after every
change of a dataset or resource.

- ``check_resource_file`` (one per resource): the file check (``filechecks``: read or fetch
  the file, skip it when unchanged, sniff it, run the checker), then the cheap re-score of
  its dataset, so the stored score, the scorecard, the report and the DCAT output follow.
- ``validate_dataset`` (one per dataset, when wards_dcat is loaded): the DCAT-AP SHACL
  check, then the cheap re-score.
- ``rescore_dataset`` (one per dataset): the score from the stored assessments (no file
  is read or parsed, no SHACL run here), its link check queued, its index entry refreshed.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.wards.scoring import bulk, extensions, filechecks, index, linkcheck, store
from ckanext.wards.scoring.subject import resource_urls

log = logging.getLogger(__name__)


def enqueue_rescore(package_id: str) -> None:
    tk.enqueue_job(rescore_dataset, [package_id], title=f"wards re-score {package_id}")


def enqueue_dcat_check(package_id: str) -> None:
    tk.enqueue_job(validate_dataset, [package_id], title=f"wards DCAT-AP check {package_id}")


def enqueue_file_check(resource_id: str) -> None:
    if _queued_in_this_request(resource_id):
        return  # resource_update also runs after_dataset_update: one check per change
    tk.enqueue_job(check_resource_file, [resource_id], title=f"wards file check {resource_id}")


def _queued_in_this_request(resource_id: str) -> bool:
    """Whether this request already queued the resource's file check (marks it if not)."""
    import flask
    if not flask.has_request_context():
        return False
    queued = flask.g.setdefault("wards_file_checks_queued", set())
    if resource_id in queued:
        return True
    queued.add(resource_id)
    return False


def _safely(what: str, fn, *args) -> None:
    """The edit itself never fails for a job: with Redis down, the nightly ``ckan wards
    score --stale`` and ``check-files --stale`` catch up."""
    try:
        fn(*args)
    except Exception:
        log.exception("wards: could not enqueue %s of %s", what, args[0] if args else "")


def after_change(package_id: Optional[str], resource_ids: Optional[list[str]] = None) -> None:
    """Queue the re-score of a dataset that was created, changed or deleted, and the file
    checks of its resources (``resource_ids``; an unchanged file costs a hash or a 304)."""
    if not package_id:
        return
    _safely("re-score", enqueue_rescore, package_id)
    if resource_ids is not None and extensions.assesses("wards_assess_dataset"):
        _safely("DCAT-AP check", enqueue_dcat_check, package_id)
    if resource_ids and filechecks.enabled():
        for rid in resource_ids:
            _safely("file check", enqueue_file_check, rid)


def after_resource_change(resource: dict[str, Any]) -> None:
    """A new or changed resource gets its file checked and its URL's link checked (the
    dataset's re-score comes from its own ``after_change``)."""
    if not resource.get("package_id"):
        return
    if resource.get("id") and filechecks.enabled() and _file_like(resource):
        _safely("file check", enqueue_file_check, resource["id"])
    linkcheck.enqueue_link_check(resource["package_id"], resource_urls({"resources": [resource]}))


def _file_like(resource: dict[str, Any]) -> bool:
    """An upload or an http(s) URL that is not an API (an API is not downloaded on edits)."""
    from ckanext.wards.formats import classify as formats
    url = (resource.get("url") or "").lower()
    if resource.get("url_type") != "upload" and not url.startswith(("http://", "https://")):
        return False
    return not formats.classify(resource)["is_api"]


def active_resource_ids(package_id: Optional[str]) -> list[str]:
    """The dataset's active resources as this session sees them (inside the edit, before
    its commit: the dicts CKAN passes to the hooks may lack new resources' ids)."""
    if not package_id:
        return []
    import sqlalchemy as sa
    import ckan.model as ckan_model
    r = ckan_model.resource_table
    query = sa.select(r.c.id).where(r.c.package_id == package_id, r.c.state == "active").order_by(r.c.position)
    return [row[0] for row in ckan_model.Session.execute(query)]


def check_resource_file(resource_id: str, force: bool = False) -> Optional[dict[str, Any]]:
    """Check one resource's file, then re-score its dataset; returns the stored check
    (None when file checks are off, or the resource or its dataset is not active)."""
    import ckan.model as ckan_model
    from ckanext.wards.scoring import datasets

    if not filechecks.available():
        return None
    res_obj = ckan_model.Resource.get(resource_id)
    if res_obj is None or res_obj.state != "active":
        return None
    pkgs = datasets.load_datasets([res_obj.package_id])
    if not pkgs:
        return None
    res = next((r for r in pkgs[0]["resources"] if r["id"] == resource_id), None)
    if res is None:
        return None
    row = filechecks.check_resource(pkgs[0], res, force=force)
    ckan_model.Session.commit()
    assessed = filechecks.plugin_assessments(pkgs[0], res, row)
    scores = bulk.score_batch([pkgs[0]["id"]], stored_overrides={resource_id: assessed})
    index.refresh(pkgs[0]["id"], scores[0] if scores else None)
    return row


def rescore_dataset(package_id: str) -> Optional[dict[str, Any]]:
    """Score and store a dataset from its stored assessments (wards_schema's: the stored
    file checks; nothing is read, fetched or parsed here), queue its link check, refresh
    its index entry. The slow assessments have jobs of their own: ``check_resource_file``
    and ``validate_dataset``."""
    try:
        pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": package_id})
    except tk.ObjectNotFound:
        pkg = None
    if pkg is None or pkg.get("state") != "active":
        store.delete_scores([package_id])
        return None
    overrides: dict[str, dict[str, Any]] = {}
    if filechecks.enabled() and extensions.assesses("wards_assess_resource"):
        # other plugins' resource assessments run here as before
        overrides = {res["id"]: extensions.assess_resource(pkg, res) for res in pkg.get("resources") or []}
    scores = bulk.score_batch([package_id], stored_overrides=overrides)
    if linkcheck.linkcheck_enabled():
        linkcheck.enqueue_link_check(package_id, resource_urls(pkg))
    index.refresh(package_id, scores[0] if scores else None)
    return scores[0] if scores else None


def validate_dataset(package_id: str) -> Optional[dict[str, Any]]:
    """The dataset's DCAT-AP assessment by the IWardsScoring plugins (wards_dcat's SHACL
    validation, about half a second), then the cheap re-score with its result."""
    if not extensions.assesses("wards_assess_dataset"):
        return None
    try:
        dcat = bulk.validate_dcat_batch([package_id])
    except tk.ObjectNotFound:  # purged since it was queued
        return None
    if package_id not in dcat:
        return None
    scores = bulk.score_batch([package_id], dcat_overrides=dcat)
    index.refresh(package_id, scores[0] if scores else None)
    return scores[0] if scores else None

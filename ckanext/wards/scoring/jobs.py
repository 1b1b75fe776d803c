"""The re-score job (CKAN's RQ queue, run by ``ckan jobs worker``), queued after every
change of a dataset or resource.

It runs the slow assessments of the IWardsScoring plugins first (per resource: the file
checks, when ``ckanext.wards.file_checks`` is on; per dataset: DCAT-AP compliance), then
scores and stores the dataset, queues its link check and re-indexes it.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.wards.scoring import bulk, extensions, index, linkcheck, store
from ckanext.wards.scoring.subject import resource_urls

SNIFF_BYTES = 65536

log = logging.getLogger(__name__)


def enqueue_rescore(package_id: str) -> None:
    tk.enqueue_job(rescore_dataset, [package_id], title=f"wards re-score {package_id}")


def after_change(package_id: Optional[str]) -> None:
    """Queue the re-score of a dataset that was created, changed or deleted. The edit itself
    never fails for it: with Redis down, the nightly ``ckan wards score --stale`` catches up."""
    if not package_id:
        return
    try:
        enqueue_rescore(package_id)
    except Exception:
        log.exception("wards: could not enqueue re-score of %s", package_id)


def after_resource_change(resource: dict[str, Any]) -> None:
    """A new or changed resource URL gets its link checked (the dataset's re-score comes
    from its own ``after_change``)."""
    if resource.get("package_id"):
        linkcheck.enqueue_link_check(resource["package_id"], resource_urls({"resources": [resource]}))


def file_checks_enabled() -> bool:
    return tk.asbool(tk.config.get("ckanext.wards.file_checks", True))


def rescore_dataset(package_id: str) -> Optional[dict[str, Any]]:
    """Run the slow assessments on one dataset, then score and store it."""
    try:
        pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": package_id})
    except tk.ObjectNotFound:
        pkg = None
    if pkg is None or pkg.get("state") != "active":
        store.delete_scores([package_id])
        return None
    file_checks = file_checks_enabled() and extensions.assesses("wards_assess_resource")
    overrides: dict[str, dict[str, Any]] = {}
    for res in pkg.get("resources") or []:
        values: dict[str, Any] = {"sniffed_code": sniff_upload(res)}
        if file_checks:
            values.update(extensions.assess_resource(pkg, res))
        overrides[res["id"]] = values
    dcat = None
    if extensions.assesses("wards_assess_dataset"):
        assessed = extensions.assess_dataset(pkg)
        if "dcat_compliant" in assessed:
            dcat = {package_id: assessed["dcat_compliant"]}
    scores = bulk.score_batch([package_id], stored_overrides=overrides, dcat_overrides=dcat)
    if linkcheck.linkcheck_enabled():
        linkcheck.enqueue_link_check(package_id, resource_urls(pkg))
    index.reindex(package_id)
    return scores[0] if scores else None


def sniff_upload(res: dict[str, Any]) -> Optional[str]:
    """File type from the first bytes of an uploaded file (None for links)."""
    if res.get("url_type") != "upload":
        return None
    from ckan.lib import uploader
    from ckanext.wards.formats import sniff
    try:
        path = uploader.get_resource_uploader(res).get_path(res["id"])
        with open(path, "rb") as f:
            return sniff.sniff_bytes(f.read(SNIFF_BYTES), f)
    except (OSError, AttributeError, KeyError):
        return None

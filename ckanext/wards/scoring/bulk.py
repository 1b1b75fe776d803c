"""Bulk re-scoring: datasets read straight from the database (``datasets``), scored
(``engine``), stored with multi-row upserts (``store``); no action per dataset.

The slow assessments (file checks, SHACL) are not re-run: their stored results are
kept (file checks: ``wards_file_check``, read by ``store.stored_resource_results``), except
that ``validate_dcat`` runs the IWardsScoring dataset assessments again.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional

import ckan.model as ckan_model

from ckanext.wards.lib.org_lookup import resolve_org_id
from ckanext.wards.scoring import datasets, engine, extensions, states, store
from ckanext.wards.scoring.subject import resource_urls

BATCH = 1000


def score_batch(package_ids: list[str], stored_overrides: Optional[dict[str, dict[str, Any]]] = None,
                dcat_overrides: Optional[dict[str, Optional[bool]]] = None,
                now: Optional[dt.datetime] = None) -> list[dict[str, Any]]:
    """Score and store one batch; returns the scores.

    ``stored_overrides`` (resource id → assessments) and ``dcat_overrides`` (dataset id →
    DCAT-AP result) replace the stored assessments: fresh results of a re-score job."""
    now = now or dt.datetime.utcnow()
    pkgs = datasets.load_datasets(package_ids)
    loaded = [p["id"] for p in pkgs]
    stored = store.stored_resource_results(loaded)
    for rid, values in (stored_overrides or {}).items():
        stored.setdefault(rid, {}).update(values)
    dcat = store.stored_dcat_results(loaded)
    dcat.update(dcat_overrides or {})
    links = store.link_statuses([u for p in pkgs for u in resource_urls(p)])

    settings = states.current_settings()  # once per batch, not per dataset
    scores = [engine.score_dataset(p, links, stored, dcat.get(p["id"]), now, settings) for p in pkgs]
    modified = {p["id"]: p.get("metadata_modified") for p in pkgs}
    store.write_scores(package_ids, scores, stored, now, modified)
    ckan_model.Session.commit()
    return scores


def rescore(package_ids: Optional[Iterable[str]] = None, org_id: Optional[str] = None,
            all_datasets: bool = False, validate_dcat: bool = False) -> int:
    """Re-score datasets by id, one organisation (id or name) or all; returns the count.

    With ``validate_dcat`` the IWardsScoring dataset assessments (wards_dcat's DCAT-AP
    validation) run on each dataset (slow: package_show and pyshacl); otherwise the
    stored result is kept.
    """
    if package_ids is not None:
        ids = list(package_ids)
    elif org_id:
        resolved = resolve_org_id(org_id)
        if resolved is None:
            raise ValueError(f"organisation not found: {org_id}")
        ids = datasets.active_package_ids(resolved)
        store.drop_orphan_scores(resolved)
    elif all_datasets:
        ids = datasets.active_package_ids()
        store.drop_orphan_scores(None)
    else:
        raise ValueError("give package ids, an organisation or all_datasets=True")
    count = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        dcat = validate_dcat_batch(batch) if validate_dcat else None
        count += len(score_batch(batch, dcat_overrides=dcat))
    return count


def validate_dcat_batch(package_ids: list[str]) -> dict[str, Optional[bool]]:
    """dataset id → DCAT-AP compliance from the IWardsScoring dataset assessments
    (wards_dcat's SHACL validation; package_show per dataset), {} when none is loaded."""
    if not extensions.assesses("wards_assess_dataset"):
        return {}
    from ckan.plugins import toolkit as tk
    out = {}
    for pid in package_ids:
        pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": pid})
        assessed = extensions.assess_dataset(pkg)
        if "dcat_compliant" in assessed:
            out[pid] = assessed["dcat_compliant"]
    return out

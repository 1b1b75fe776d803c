"""Actions of the wards_dcat plugin: ckanext-dcat's endpoints, written by our serializer
(``dcat_serializer``) when our profile is in effect, and a cache in front of the catalogue.

A crawler reads ``/catalog.ttl?page=N`` again and again while little changes. With our
profile in effect, ``dcat_catalog_show`` keeps each serialised page in Redis, keyed by the
request (format, page, q, fq, modified_since, profiles, page size) and by the state of the
catalogue: the number of matching public datasets, the newest ``metadata_modified`` among
them and the newest stored score. Any dataset change or re-score gives new keys; the
time-to-live (``ckanext.wards.dcat.catalog_cache_ttl``, seconds, 0 = off) bounds what no
key sees (an organisation renamed). Only public datasets are ever on these pages (the
catalogue's package_search has no include_private), so one entry serves every user.
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
from typing import Any

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

PREFIX = "ckanext-wards:dcat-catalog:"


def _profiles(data_dict: dict[str, Any]) -> list[str]:
    profiles = data_dict.get("profiles")
    if not profiles:
        profiles = (tk.config.get("ckanext.dcat.rdf.profiles") or "").split()
    return list(profiles)


def _catalogue_state(data_dict: dict[str, Any]) -> list[Any]:
    """(count, newest metadata_modified) of the matching datasets, newest score time."""
    import sqlalchemy as sa
    import ckan.model as cm
    search = {"q": data_dict.get("q") or "*:*", "fq": data_dict.get("fq"), "rows": 1,
              "sort": "metadata_modified desc",
              "fq_list": ["-dataset_type:harvest", "-dataset_type:showcase"]}
    result = tk.get_action("package_search")({"ignore_auth": True}, search)
    newest = result["results"][0]["metadata_modified"] if result["results"] else None
    scored = None
    try:
        from ckanext.wards import model
        t = model.DatasetScore.__table__
        scored = cm.Session.execute(sa.select(sa.func.max(t.c.scored_at))).scalar()
    except Exception:  # scoring tables absent: the state is the datasets' alone
        cm.Session.rollback()
    return [result["count"], newest, scored.isoformat() if scored else None]


def cache_key(data_dict: dict[str, Any]) -> str:
    request_part = [data_dict.get(k) for k in ("format", "page", "q", "fq", "modified_since")]
    try:
        path = tk.request.path
    except (RuntimeError, AttributeError):
        path = None
    parts = [request_part, path, _profiles(data_dict), tk.config.get("ckanext.dcat.datasets_per_page"),
             tk.config.get("ckan.site_url"), _catalogue_state(data_dict)]
    digest = hashlib.sha1(json.dumps(parts, default=str).encode("utf-8")).hexdigest()
    return PREFIX + digest


def _for_our_profile(action_name: str):
    """Chain ckanext-dcat's ``action_name``: ours when our profile is in effect (after the
    same access check), theirs unchanged otherwise."""
    def chain(ours):
        @tk.chained_action
        @tk.side_effect_free
        @functools.wraps(ours)
        def action(original_action, context, data_dict):
            if "wards_dcat_ap_3" not in _profiles(data_dict):
                return original_action(context, data_dict)
            tk.check_access(action_name, context, data_dict)
            return ours(context, data_dict)
        return action
    return chain


def _catalog_page(context, data_dict: dict[str, Any]) -> str:
    """ckanext-dcat's own catalogue page (search, paging), written by our serializer."""
    from ckanext.dcat.logic import _pagination_info, _search_ckan_datasets
    from ckanext.wards.dcat_serializer import WardsRDFSerializer
    query = _search_ckan_datasets(context, data_dict)
    serializer = WardsRDFSerializer(profiles=data_dict.get("profiles"))
    return serializer.serialize_catalog({}, query["results"], _format=data_dict.get("format"),
                                        pagination_info=_pagination_info(query, data_dict))


@_for_our_profile("dcat_catalog_show")
def dcat_catalog_show(context, data_dict):
    ttl = tk.asint(tk.config.get("ckanext.wards.dcat.catalog_cache_ttl"))
    if ttl <= 0:
        return _catalog_page(context, data_dict)
    try:
        from ckan.lib.redis import connect_to_redis
        redis = connect_to_redis()
        key = cache_key(data_dict)
        cached = redis.get(key)
    except Exception:  # Redis down: serve uncached
        log.warning("wards: catalogue cache unavailable", exc_info=True)
        return _catalog_page(context, data_dict)
    if cached is not None:
        return cached.decode("utf-8")
    output = _catalog_page(context, data_dict)
    try:
        redis.setex(key, ttl, output.encode("utf-8") if isinstance(output, str) else output)
    except Exception:
        log.warning("wards: could not store a catalogue page", exc_info=True)
    return output


@_for_our_profile("dcat_dataset_show")
def dcat_dataset_show(context, data_dict):
    from ckanext.wards.dcat_serializer import WardsRDFSerializer
    dataset = tk.get_action("package_show")(context, data_dict)
    return WardsRDFSerializer(profiles=data_dict.get("profiles")).serialize_dataset(
        dataset, _format=data_dict.get("format"))


def get_actions() -> dict[str, Any]:
    return {"dcat_catalog_show": dcat_catalog_show, "dcat_dataset_show": dcat_dataset_show}

"""Actions of the wards_dcat plugin: ckanext-dcat's endpoints, written by our serializer
(``dcat_serializer``) when our profile is in effect, and a cache in front of the catalogue.

A crawler reads ``/catalog.ttl?page=N`` again and again while little changes. With our
profile in effect, ``dcat_catalog_show`` keeps each serialised page in Redis, keyed by the
request (format, page, q, fq, modified_since, profiles, page size) and by the state of the
catalogue: the number of matching public datasets, the newest ``metadata_modified`` among
them and the newest stored score. Any dataset change or re-score gives new keys; the
time-to-live (``ckanext.wards.dcat.catalog_cache_ttl``, seconds, 0 = off) bounds what no
key sees (an organisation renamed).

Every catalogue search is run as an anonymous visitor would run it and always carries
``+state:active`` and ``+capacity:public`` as separate filter queries, whatever ``q`` and
``fq`` say (``fq=+state:draft`` would otherwise switch CKAN's own active filter off for a
sysadmin). What a page holds therefore does not depend on who asks, so the cache key has
no user in it and one entry serves every user.
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
WARDS_PROFILE = "wards_dcat_ap_3"


def _profiles(data_dict: dict[str, Any]) -> list[str]:
    profiles = data_dict.get("profiles")
    if not profiles:
        profiles = (tk.config.get("ckanext.dcat.rdf.profiles") or "").split()
    return list(profiles)


DEFAULT_PAGE_SIZE = 100  # ckanext-dcat's default for ckanext.dcat.datasets_per_page
SOLR_MAX_START = 2 ** 31 - 1  # Solr's start is a 32-bit int
# Separate fq parameters: Solr intersects them, so nothing in the caller's fq can widen them.
FORCED_FILTERS = ("+state:active", "+capacity:public", "-dataset_type:harvest", "-dataset_type:showcase")
FORMATS = ("rdf", "xml", "ttl", "n3", "jsonld")


def page_size() -> int:
    return int(tk.config.get("ckanext.dcat.datasets_per_page") or DEFAULT_PAGE_SIZE)


def catalogue_params(data_dict: dict[str, Any]) -> dict[str, Any]:
    """The catalogue's parameters checked (page within Solr's range, text values, a format
    ckanext-dcat can write): ValidationError (409) with a message otherwise."""
    from ckanext.wards.logic import schema
    data = schema.validated(schema.catalogue_schema(SOLR_MAX_START // page_size()), data_dict)
    if data.get("format") is not None and data["format"] not in FORMATS:
        raise tk.ValidationError({"format": [tk._("Unknown format: use one of {formats}").format(
            formats=", ".join(FORMATS))]})
    return data


def catalogue_search(data_dict: dict[str, Any], rows: int, start: int = 0) -> dict[str, Any]:
    """package_search for the catalogue: as anonymous, public active datasets only."""
    from ckan.lib.search import SearchError
    from dateutil.parser import parse as parse_date
    fq_list = list(FORCED_FILTERS)
    if data_dict.get("modified_since"):
        try:
            since = parse_date(data_dict["modified_since"]).isoformat() + "Z"
        except (ValueError, OverflowError):
            raise tk.ValidationError({"modified_since": [tk._("Wrong date: use ISO 8601 (2024-04-01)")]})
        fq_list.append(f"metadata_modified:[{since} TO NOW]")
    search = {"q": data_dict.get("q") or "*:*", "fq": data_dict.get("fq") or "", "rows": rows,
              "start": start, "sort": "metadata_modified desc", "fq_list": fq_list}
    anonymous = {"user": "", "auth_user_obj": None, "ignore_auth": False}
    try:
        return tk.get_action("package_search")(anonymous, search)
    except SearchError:
        # Solr's own message is not shown: it can quote internals of the index
        raise tk.ValidationError({"q": [tk._("The search could not be run: check the syntax of q and fq")]})


def _catalogue_state(data_dict: dict[str, Any]) -> list[Any]:
    """(count, newest metadata_modified) of the matching datasets, newest score time."""
    import sqlalchemy as sa
    import ckan.model as cm
    result = catalogue_search(data_dict, rows=1)
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
    """No user in the key: the page is built from ``catalogue_search``, which searches as
    anonymous with the public/active filters forced, so every audience gets the same page
    (``tests/test_security_catalogue.py`` compares them role by role)."""
    request_part = [data_dict.get(k) for k in ("format", "page", "q", "fq", "modified_since")]
    try:
        path = tk.request.path
    except (RuntimeError, AttributeError):
        path = None
    parts = [request_part, path, _profiles(data_dict), tk.config.get("ckanext.dcat.datasets_per_page"),
             tk.config.get("ckan.site_url"), _catalogue_state(data_dict)]
    digest = hashlib.sha1(json.dumps(parts, default=str).encode("utf-8")).hexdigest()
    return PREFIX + digest


def _chain(action_name: str, stock_for_other_profiles: bool):
    """Chain ckanext-dcat's ``action_name`` behind our parameter checks and access check.

    ``stock_for_other_profiles``: theirs unchanged when our profile is not in effect. The
    catalogue actions are always ours, whatever the profile, so that every catalogue search
    goes through ``catalogue_search``."""
    def chain(ours):
        @tk.chained_action
        @tk.side_effect_free
        @functools.wraps(ours)
        def action(original_action, context, data_dict):
            data_dict = catalogue_params(data_dict)
            if stock_for_other_profiles and WARDS_PROFILE not in _profiles(data_dict):
                return original_action(context, data_dict)
            tk.check_access(action_name, context, data_dict)
            return ours(context, data_dict)
        return action
    return chain


def _search_page(data_dict: dict[str, Any]) -> dict[str, Any]:
    rows = page_size()
    return catalogue_search(data_dict, rows=rows, start=rows * ((data_dict.get("page") or 1) - 1))


def _serializer(data_dict: dict[str, Any]):
    from ckanext.dcat.processors import RDFSerializer
    from ckanext.wards.dcat_serializer import WardsRDFSerializer
    ours = WARDS_PROFILE in _profiles(data_dict)
    return (WardsRDFSerializer if ours else RDFSerializer)(profiles=data_dict.get("profiles"))


def _catalog_page(context, data_dict: dict[str, Any]) -> str:
    """A catalogue page (our search, ckanext-dcat's paging links), written by our serializer
    for our profile, by ckanext-dcat's for the others."""
    from ckanext.dcat.logic import _pagination_info
    query = _search_page(data_dict)
    return _serializer(data_dict).serialize_catalog(
        {}, query["results"], _format=data_dict.get("format"),
        pagination_info=_pagination_info(query, data_dict))


@_chain("dcat_catalog_search", stock_for_other_profiles=False)
def dcat_catalog_search(context, data_dict):
    return _catalog_page(context, data_dict)


@_chain("dcat_catalog_show", stock_for_other_profiles=False)
def dcat_catalog_show(context, data_dict):
    ttl = tk.asint(tk.config.get("ckanext.wards.dcat.catalog_cache_ttl"))
    if ttl <= 0 or WARDS_PROFILE not in _profiles(data_dict):
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


@_chain("dcat_dataset_show", stock_for_other_profiles=True)
def dcat_dataset_show(context, data_dict):
    from ckanext.wards.dcat_serializer import WardsRDFSerializer
    dataset = tk.get_action("package_show")(context, data_dict)
    return WardsRDFSerializer(profiles=data_dict.get("profiles")).serialize_dataset(
        dataset, _format=data_dict.get("format"))


def get_actions() -> dict[str, Any]:
    return {"dcat_catalog_show": dcat_catalog_show, "dcat_dataset_show": dcat_dataset_show,
            "dcat_catalog_search": dcat_catalog_search}

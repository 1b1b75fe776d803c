"""Actions of the wards_dcat plugin: ckanext-dcat's endpoints behind our parameter checks,
written by our serializer (``dcat.serializer``) when our profile is in effect, the
catalogue through its page cache (``dcat.cache``).

Every catalogue search is run as an anonymous visitor would run it and always carries
``+state:active`` and ``+capacity:public`` as separate filter queries, whatever ``q`` and
``fq`` say (``fq=+state:draft`` would otherwise switch CKAN's own active filter off for a
sysadmin). What a page holds therefore does not depend on who asks, so the cache key has
no user in it and one entry serves every user.
"""
from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk

from ckanext.wards.dcat import cache, prepare, serializer
from ckanext.wards.lib.dates import read_datetime

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
    fq_list = list(FORCED_FILTERS)
    if data_dict.get("modified_since"):
        since = read_datetime(data_dict["modified_since"])
        if since is None:
            raise tk.ValidationError({"modified_since": [tk._("Wrong date: use ISO 8601 (2024-04-01)")]})
        fq_list.append(f"metadata_modified:[{since.isoformat()}Z TO NOW]")
    search = {"q": data_dict.get("q") or "*:*", "fq": data_dict.get("fq") or "", "rows": rows,
              "start": start, "sort": "metadata_modified desc", "fq_list": fq_list}
    anonymous = {"user": "", "auth_user_obj": None, "ignore_auth": False}
    try:
        return tk.get_action("package_search")(anonymous, search)
    except SearchError:
        # Solr's own message is not shown: it can quote internals of the index
        raise tk.ValidationError({"q": [tk._("The search could not be run: check the syntax of q and fq")]})


def _chain(action_name: str):
    """Chain ckanext-dcat's ``action_name`` behind our parameter checks and access check.

    Ours whatever the profile: every catalogue search goes through ``catalogue_search``,
    and the stock profiles get values they can write (``prepare.for_stock_profiles``)."""
    def chain(ours):
        @tk.chained_action
        @tk.side_effect_free
        @functools.wraps(ours)
        def action(original_action, context, data_dict):
            data_dict = catalogue_params(data_dict)
            tk.check_access(action_name, context, data_dict)
            return ours(context, data_dict)
        return action
    return chain


def _search_page(data_dict: dict[str, Any]) -> dict[str, Any]:
    rows = page_size()
    return catalogue_search(data_dict, rows=rows, start=rows * ((data_dict.get("page") or 1) - 1))


def _paging(query: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """ckanext-dcat's paging information, its links with the query string encoded: its own
    copy ``?q=a b`` or ``?profiles= x ,`` into the IRI as typed, which rdflib refuses to
    write (a 500). The parameters are the checked ones (profiles as the names in effect)."""
    from ckanext.dcat.logic import _pagination_info
    from ckanext.dcat.utils import catalog_uri
    info = _pagination_info(query, data_dict)
    params = [(k, ",".join(v) if isinstance(v, list) else v) for k, v in
              ((k, data_dict.get(k)) for k in ("modified_since", "profiles", "q", "fq")) if v]
    base = catalog_uri() + tk.request.path
    for key in ("current", "first", "last", "next", "previous"):
        found = re.search(r"[?&]page=(\d+)$", info.get(key) or "")
        if found:
            info[key] = f"{base}?{urlencode([*params, ('page', found.group(1))])}"
    return info


def _catalog_page(context, data_dict: dict[str, Any]) -> str:
    """A catalogue page (our search, ckanext-dcat's paging links), written by our serializer
    for our profile, by ckanext-dcat's for the others."""
    query = _search_page(data_dict)
    datasets = [prepare.for_stock_profiles(d) for d in query["results"]] \
        if serializer.stock_profiles_in(data_dict) else query["results"]
    return serializer.serializer_for(data_dict).serialize_catalog(
        {}, datasets, _format=data_dict.get("format"),
        pagination_info=_paging(query, data_dict))


@_chain("dcat_catalog_search")
def dcat_catalog_search(context, data_dict):
    return _catalog_page(context, data_dict)


@_chain("dcat_catalog_show")
def dcat_catalog_show(context, data_dict):
    seconds = cache.ttl()
    if seconds <= 0 or not serializer.ours(data_dict):
        return _catalog_page(context, data_dict)
    from ckanext.wards.dcat import http  # its request-scoped state: one search for key and ETag
    return cache.cached_page(lambda: http.catalogue_state(data_dict)["key"],
                             seconds, lambda: _catalog_page(context, data_dict))


@_chain("dcat_dataset_show")
def dcat_dataset_show(context, data_dict):
    dataset = tk.get_action("package_show")(context, data_dict)
    if serializer.stock_profiles_in(data_dict):
        # values the stock profiles can write, also beside ours (?profiles=wards_dcat_ap_3,euro_dcat_ap_3)
        dataset = prepare.for_stock_profiles(dataset)
    if not serializer.ours(data_dict):  # ckanext-dcat's serializer, on values it can write
        return serializer.serializer_for(data_dict).serialize_dataset(
            dataset, _format=data_dict.get("format"))
    return serializer.WardsRDFSerializer(profiles=data_dict.get("profiles")).serialize_dataset(
        dataset, _format=data_dict.get("format"))


def get_actions() -> dict[str, Any]:
    return {"dcat_catalog_show": dcat_catalog_show, "dcat_dataset_show": dcat_dataset_show,
            "dcat_catalog_search": dcat_catalog_search}

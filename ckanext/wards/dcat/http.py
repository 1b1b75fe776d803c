"""Conditional GETs on ckanext-dcat's pages: ETag and Last-Modified, and ``304 Not
Modified`` without building the page.

A harvester reads ``/catalog.ttl?page=N`` and ``/dataset/<id>.ttl`` again and again while
little changes. The state of a page is known cheaply before it is written:

* a catalogue page: the catalogue cache's key (``cache.cache_key``: the request's parts,
  the number of matching public datasets, their newest ``metadata_modified`` and the
  newest stored score), from a one-row catalogue search;
* a dataset page: its ``metadata_modified`` and its stored score's ``scored_at``, with the
  format and the profiles.

``before_request`` answers 304 when ``If-None-Match`` matches (or, without it, when
``If-Modified-Since`` is not older than Last-Modified); otherwise the view runs and
``after_request`` puts the same validators on its 200. A dataset page is checked with
``package_show`` as the requesting user first, so a private dataset never answers 304 to
someone who may not read it (the view then answers 403/404 as before).

ETags are weak: the state leaves out what no key sees either (an organisation renamed,
bounded by the cache's time-to-live). Removing a dataset from the catalogue (deleted, made
private) changes the ETag (the count) but cannot move Last-Modified: a client that sends
only If-Modified-Since may then get a 304 until the next edit; send If-None-Match.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.wards.lib.dates import read_datetime

log = logging.getLogger(__name__)

CATALOGUE_ENDPOINTS = frozenset({"dcat.read_catalog"})
DATASET_ENDPOINTS = frozenset({"dcat.read_dataset", "dcat.read_dataset_series"})
_G_KEY = "wards_dcat_validators"
_STATE_KEY = "wards_dcat_catalogue_state"


def enabled() -> bool:
    """``ckanext.wards.dcat.conditional_get`` (default true)."""
    return tk.asbool(tk.config.get("ckanext.wards.dcat.conditional_get", True))


def _versions() -> list[Optional[str]]:
    """The writing code's versions: an upgrade may write other bytes for the same state."""
    from importlib.metadata import PackageNotFoundError, version
    out = []
    for name in ("ckanext-wards", "ckanext-dcat"):
        try:
            out.append(version(name))
        except PackageNotFoundError:
            out.append(None)
    return out


def _etag(parts: Any) -> str:
    return hashlib.sha1(json.dumps([parts, _versions()], default=str).encode("utf-8")).hexdigest()


def newest(*times: Any) -> Optional[dt.datetime]:
    """The latest of ``times`` (datetimes or ISO text) as naive UTC, None if none is a time."""
    read = [t for t in (read_datetime(x) for x in times if x) if t is not None]
    return max(read) if read else None


# --- catalogue -----------------------------------------------------------------------------------

def catalogue_state(data_dict: dict[str, Any]) -> dict[str, Any]:
    """{"key": the cache key, "modified": newest metadata_modified or score time} of a
    catalogue page; ``data_dict`` already checked (``logic.dcat.catalogue_params``). Kept
    for the request, so the page cache and the validators cost one search together."""
    from flask import g, has_request_context
    from ckanext.wards.dcat import cache
    from ckanext.wards.logic.dcat import catalogue_search
    memo_key = json.dumps(data_dict, sort_keys=True, default=str)
    memo = g.setdefault(_STATE_KEY, {}) if has_request_context() else {}
    if memo_key not in memo:
        search = catalogue_search(data_dict, rows=1)
        scored = cache.newest_score_time()
        modified = search["results"][0]["metadata_modified"] if search["results"] else None
        memo[memo_key] = {"key": cache.cache_key(data_dict, search, scored=scored),
                          "modified": newest(modified, scored)}
    return memo[memo_key]


def catalogue_request(fmt: str) -> dict[str, Any]:
    """The catalogue action's parameters as ckanext-dcat's view reads them from the request."""
    args = tk.request.args
    profiles = args.get("profiles")
    return {"page": args.get("page"), "modified_since": args.get("modified_since"), "q": args.get("q"),
            "fq": args.get("fq"), "format": fmt, "profiles": profiles.split(",") if profiles else None}


def catalogue_validators(fmt: str) -> Optional[dict[str, Any]]:
    """ETag and Last-Modified of the requested catalogue page; None when its parameters are
    wrong (the view answers them with its 409)."""
    from ckanext.wards.logic.dcat import catalogue_params
    try:
        data = catalogue_params(catalogue_request(fmt))
        state = catalogue_state(data)
    except tk.ValidationError:
        return None
    return {"etag": _etag(["catalogue", state["key"]]), "last_modified": state["modified"]}


# --- dataset -------------------------------------------------------------------------------------

def dataset_validators(dataset_id: str, fmt: str) -> Optional[dict[str, Any]]:
    """ETag and Last-Modified of ``/dataset/<id>.<fmt>`` for the requesting user; None when
    the dataset is not theirs to read or the parameters are wrong (the view answers)."""
    from ckanext.wards.dcat import quality, serializer
    from ckanext.wards.logic.dcat import catalogue_params
    profiles = tk.request.args.get("profiles")
    try:
        data = catalogue_params({"id": dataset_id, "format": fmt,
                                 "profiles": profiles.split(",") if profiles else None})
        # as the user: access first, so a 304 says nothing a 403/404 would not
        dataset = tk.get_action("package_show")({}, {"id": data["id"]})
    except (tk.ValidationError, tk.ObjectNotFound, tk.NotAuthorized):
        return None
    quality.prefetch_scores([dataset["id"]])  # the profile reads the same rows again
    scores = quality.stored_scores(dataset["id"])
    scored = (scores or {}).get("dataset", {}).get("scored_at")
    parts = ["dataset", dataset["id"], dataset.get("metadata_modified"), scored, data["format"],
             serializer.profiles_of(data), tk.request.path, tk.config.get("ckan.site_url")]
    return {"etag": _etag(parts), "last_modified": newest(dataset.get("metadata_modified"), scored),
            "private": bool(dataset.get("private"))}


# --- the hooks -----------------------------------------------------------------------------------

def _requested_format() -> Optional[str]:
    """The view's format: the URL's, else the one content negotiation picks from Accept."""
    from ckanext.dcat.utils import check_access_header
    return (tk.request.view_args or {}).get("_format") or check_access_header()


def validators_for_request() -> Optional[dict[str, Any]]:
    endpoint = tk.request.endpoint or ""
    if tk.request.method not in ("GET", "HEAD") or not enabled():
        return None
    if endpoint not in CATALOGUE_ENDPOINTS and endpoint not in DATASET_ENDPOINTS:
        return None
    fmt = _requested_format()
    if not fmt:  # the HTML page (content negotiation chose none): not ours to validate
        return None
    if endpoint in CATALOGUE_ENDPOINTS:
        found = catalogue_validators(fmt)
    else:
        found = dataset_validators((tk.request.view_args or {}).get("_id") or "", fmt)
    if found is not None:
        # without a format in the URL the page depends on the Accept header
        found["vary_accept"] = not (tk.request.view_args or {}).get("_format")
    return found


def _set_validators(response, found: dict[str, Any]):
    response.set_etag(found["etag"], weak=True)
    if found.get("last_modified"):
        response.last_modified = found["last_modified"].replace(tzinfo=dt.timezone.utc, microsecond=0)
    if found.get("vary_accept"):
        response.vary.add("Accept")
    if found.get("private"):
        # a private dataset's page may be kept by the user's browser, not by a shared cache
        tk.request.environ["__no_cache__"] = True
    return response


def before_request():
    """304 Not Modified for a conditional request whose validators match; else the view."""
    from flask import g, make_response
    from werkzeug.http import is_resource_modified
    try:
        found = validators_for_request()
    except Exception:  # validators are an addition: the view answers (and reports) as before
        log.exception("wards: could not compute the validators of %s", tk.request.path)
        return None
    if found is None:
        return None
    g.setdefault(_G_KEY, found)
    last = found.get("last_modified")
    if not is_resource_modified(tk.request.environ, etag=found["etag"], last_modified=last):
        return _set_validators(make_response("", 304), found)
    return None


def after_request(response):
    """The validators found before the view, on its 200."""
    from flask import g
    found = g.get(_G_KEY)
    if found is not None and response.status_code == 200:
        _set_validators(response, found)
    return response

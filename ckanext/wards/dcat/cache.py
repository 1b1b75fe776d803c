"""The catalogue page cache: serialised ``/catalog.{ttl,rdf,jsonld,xml}?page=N`` pages in
Redis while our profile is in effect.

A crawler reads ``/catalog.ttl?page=N`` again and again while little changes. Each page
is kept under a key made of the request (format, page, q, fq, modified_since, path,
profiles, page size, site URL) and of the state of the catalogue: the number of matching
public datasets, the newest ``metadata_modified`` among them and the newest stored score.
Any dataset change or re-score gives new keys; the time-to-live
(``ckanext.wards.dcat.catalog_cache_ttl``, seconds, 0 = off) bounds what no key sees (an
organisation renamed).

The key has no user in it: the page is built from the catalogue search of
``logic/dcat.py``, which searches as anonymous with the public/active filters forced, so
every audience gets the same page (``tests/test_security_catalogue.py`` compares them
role by role).
"""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, Callable, Optional

import ckan.plugins.toolkit as tk

from ckanext.wards.dcat.serializer import profiles_of

log = logging.getLogger(__name__)

PREFIX = "ckanext-wards:dcat-catalog:"


def ttl() -> int:
    """``ckanext.wards.dcat.catalog_cache_ttl`` (seconds; 0 or less: no cache)."""
    return tk.asint(tk.config.get("ckanext.wards.dcat.catalog_cache_ttl"))


def newest_score_time() -> Optional[str]:
    """The newest ``scored_at`` of any stored score (ISO text), None without scores."""
    import sqlalchemy as sa
    import ckan.model as cm
    try:
        from ckanext.wards import model
        t = model.DatasetScore.__table__
        scored = cm.Session.execute(sa.select(sa.func.max(t.c.scored_at))).scalar()
    except Exception:  # scoring tables absent: the state is the datasets' alone
        cm.Session.rollback()
        return None
    return scored.isoformat() if scored else None


_UNREAD = object()


def cache_key(data_dict: dict[str, Any], newest: dict[str, Any], scored: Any = _UNREAD) -> str:
    """The key of a catalogue page; ``newest`` is the catalogue search of the same request
    with one row (its count and newest ``metadata_modified``); ``scored`` the newest score
    time when the caller has read it already."""
    request_part = [data_dict.get(k) for k in ("format", "page", "q", "fq", "modified_since")]
    try:
        path = tk.request.path
    except (RuntimeError, AttributeError):
        path = None
    state = [newest["count"], newest["results"][0]["metadata_modified"] if newest["results"] else None,
             newest_score_time() if scored is _UNREAD else scored]
    parts = [request_part, path, profiles_of(data_dict), tk.config.get("ckanext.dcat.datasets_per_page"),
             tk.config.get("ckan.site_url"), state]
    digest = hashlib.sha1(json.dumps(parts, default=str).encode("utf-8")).hexdigest()
    return PREFIX + digest


def cached_page(key: Callable[[], str], seconds: int, build: Callable[[], str]) -> str:
    """The page stored under ``key()``, else ``build()`` stored for ``seconds``. Redis down
    (or the key not computable): the page is built and served uncached."""
    try:
        from ckan.lib.redis import connect_to_redis
        redis = connect_to_redis()
        name = key()
        cached = redis.get(name)
    except Exception:  # Redis down: serve uncached
        log.warning("wards: catalogue cache unavailable", exc_info=True)
        return build()
    if cached is not None:
        return cached.decode("utf-8")
    output = build()
    try:
        redis.setex(name, seconds, output.encode("utf-8") if isinstance(output, str) else output)
    except Exception:
        log.warning("wards: could not store a catalogue page", exc_info=True)
    return output

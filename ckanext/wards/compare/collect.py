"""Collection of other portals' standard reports (``ckanext.wards.peers``).

Deliberately narrow: only the configured URLs, fetched by the safe fetcher (``lib.fetch``:
public addresses only unless allowed, a timeout on the whole response, a size limit
enforced while streaming), redirects followed only on the same scheme, host and port, the
JSON Schema and the rules it cannot say (``report.document.validation_errors``). A rejected
report is logged with its reason and changes nothing: the last accepted snapshot stays the
one shown. Every accepted report is stored as a dated snapshot (``compare.snapshots``).
"""
from __future__ import annotations

import json
import logging
from typing import Any, Iterable, Optional

from ckanext.wards.compare import snapshots
from ckanext.wards.lib import fetch
from ckanext.wards.report import document

log = logging.getLogger(__name__)


class Rejected(Exception):
    """A peer's response that is not kept; the message is the logged reason."""


def peer_urls() -> list[str]:
    from ckan.plugins import toolkit as tk
    return [u for u in tk.aslist(tk.config.get("ckanext.wards.peers")) if u]


# Operators read these in ``ckan wards collect`` and the log; users never see them.
_REJECTION_TEXT = {
    "bad_url": "not an http(s) URL",
    "bad_scheme": "not an http(s) URL",
    "timeout": "timed out",
    "too_large": "too large",
    "redirect_refused": "redirect to another host refused",
    "refused_address": "address refused",
    "bad_port": "port refused",
    "unreachable": "connection failed",
    "dns_failed": "host name not found",
    "bad_response": "not an HTTP response",
    "too_many_redirects": "too many redirects",
}


def fetch_report(url: str, timeout: float, max_bytes: int, max_redirects: int = 3) -> dict[str, Any]:
    """GET one configured report URL through the safe fetcher; the parsed JSON or ``Rejected``.

    ``timeout`` bounds the whole exchange (a server trickling bytes is cut off too);
    redirects are followed only on the configured URL's scheme, host and port."""
    try:
        response = fetch.fetch(url, headers={"Accept": "application/json",
                                             "User-Agent": "ckanext-wards collect"},
                               timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects,
                               accept=(200,), redirect_rule=fetch.same_origin_only)
    except fetch.FetchError as err:
        if err.reason == "http_status":
            raise Rejected(f"HTTP status {err.status}")
        if err.reason == "timeout":
            raise Rejected(f"timed out after {timeout:g} s")
        if err.reason in ("bad_url", "bad_scheme"):
            raise Rejected(f"not an http(s) URL: {url}")
        raise Rejected(f"{_REJECTION_TEXT[err.reason]}: {err.detail}")
    try:
        return json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Rejected("not JSON (UTF-8)")


def collect(urls: Optional[Iterable[str]] = None, timeout: Optional[float] = None,
            max_bytes: Optional[int] = None, include_local: bool = True) -> list[dict[str, Any]]:
    """Fetch every configured peer report, keep the valid ones as snapshots, and (by default)
    snapshot this portal's own wards too. Returns one outcome per source:
    {source, status: stored|unchanged|rejected, reason, ward_code}."""
    from ckan.plugins import toolkit as tk

    urls = list(urls) if urls is not None else peer_urls()
    timeout = float(timeout if timeout is not None else tk.config.get("ckanext.wards.collect.timeout") or 10)
    max_bytes = int(max_bytes if max_bytes is not None else tk.config.get("ckanext.wards.collect.max_bytes") or 2000000)
    outcomes = []
    for url in urls:
        try:
            doc = fetch_report(url, timeout, max_bytes)
            errors = document.validation_errors(doc)
            if errors:
                raise Rejected("invalid report: " + "; ".join(errors[:5]))
        except Rejected as err:
            log.warning("wards collect: rejected %s: %s (the last good report is kept)", url, err)
            outcomes.append({"source": url, "status": "rejected", "reason": str(err), "ward_code": None})
            continue
        stored = snapshots.store_snapshot(doc, url)
        log.info("wards collect: %s %s (%s)", "stored" if stored else "unchanged", url, doc["ward"]["code"])
        outcomes.append({"source": url, "status": "stored" if stored else "unchanged", "reason": "",
                         "ward_code": doc["ward"]["code"]})
    if include_local:
        n = snapshots.snapshot_local()
        outcomes.append({"source": "local", "status": "stored", "reason": f"{n} local ward reports",
                         "ward_code": None})
    return outcomes


def collect_job() -> None:
    """Background job (``ckan jobs``): the same as ``ckan wards collect``."""
    collect()


def enqueue_collect() -> None:
    from ckan.plugins import toolkit as tk
    tk.enqueue_job(collect_job, title="wards collect", rq_kwargs={"timeout": 600})

"""Background jobs (CKAN's RQ queue, run by ``ckan jobs worker``).

Scoring jobs: re-score one dataset after it changed (running the slow pluggable checks
first), and check resource links with HEAD through the safe fetcher (``lib/fetch.py``),
with a timeout and a per-host rate limit. Link
checks run only when ``ckanext.wards.linkcheck.enabled`` is true, and never on page load.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any, Mapping, Optional
from urllib.parse import urlparse

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

USER_AGENT = "ckanext-wards link checker (+https://github.com/; HEAD only)"
SNIFF_BYTES = 65536


# --- enqueueing ---------------------------------------------------------------------------


def enqueue_rescore(package_id: str) -> None:
    tk.enqueue_job(rescore_dataset, [package_id], title=f"wards re-score {package_id}")


def enqueue_link_check(package_id: str, urls: list[str]) -> None:
    if urls and linkcheck_enabled():
        tk.enqueue_job(check_links, [package_id, urls], title=f"wards link check {package_id}")


def linkcheck_enabled() -> bool:
    return tk.asbool(tk.config.get("ckanext.wards.linkcheck.enabled"))


# --- re-scoring -----------------------------------------------------------------------------


def rescore_dataset(package_id: str) -> Optional[dict[str, Any]]:
    """Run the pluggable checks on one dataset, then score and store it."""
    from ckanext.wards import bulk, scoring
    try:
        pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": package_id})
    except tk.ObjectNotFound:
        pkg = None
    if pkg is None or pkg.get("state") != "active":
        bulk.delete_scores([package_id])
        return None
    overrides: dict[str, dict[str, Any]] = {}
    for res in pkg.get("resources") or []:
        values: dict[str, Any] = {"sniffed_code": sniff_upload(res)}
        for hook, key in (("standard_checker", "conformance_ok"), ("rule_scorer", "rules_score")):
            if scoring.HOOKS.get(hook) is not None:
                values[key] = scoring.run_hook(hook, pkg, res)
        overrides[res["id"]] = values
    dcat = None
    if scoring.HOOKS.get("dcat_validator") is not None:
        dcat = {package_id: scoring.run_hook("dcat_validator", pkg)}
    scores = bulk.score_batch([package_id], stored_overrides=overrides, dcat_overrides=dcat)
    if linkcheck_enabled():
        enqueue_link_check(package_id, resource_urls(pkg))
    _reindex(package_id)
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


def _reindex(package_id: str) -> None:
    """Put the fresh score fields into Solr (before_dataset_index reads them)."""
    from ckan.lib.search import rebuild
    try:
        rebuild(package_id)
    except Exception:  # the score is stored; the index catches up on the next change
        log.exception("could not re-index %s after scoring", package_id)


# --- link checks ---------------------------------------------------------------------------


def resource_urls(pkg: dict[str, Any]) -> list[str]:
    from ckanext.wards import scoring
    urls = []
    for res in pkg.get("resources") or []:
        for url in (scoring.access_url(res), scoring.download_url(res)):
            if url and url not in urls:
                urls.append(url)
    return urls


def check_links(package_id: str, urls: list[str]) -> dict[str, int]:
    """HEAD each URL (rate limited per host), store the results, re-score the dataset."""
    from ckanext.wards import bulk
    host_interval()  # a bad setting stops the job with its message before any request
    results = {url: store_link_result(url, head(url)) for url in urls}
    bulk.score_batch([package_id])
    _reindex(package_id)
    return results


# Reasons of the safe fetcher that mean "not a URL we check" (piveau's 1300) rather than
# "did not answer" (1100). Internal addresses get 1300 whatever their port's state, so
# the published statuses tell nothing about the portal's own network; a name without an
# address is 1300 too, or 1300 against 1100 would tell which internal names exist (S7).
NOT_CHECKED_REASONS = ("bad_url", "bad_scheme", "bad_port", "refused_address", "redirect_refused", "dns_failed")


def head(url: str) -> dict[str, Any]:
    """HTTP HEAD through the safe fetcher (every redirect hop checked); a GET that reads
    no body if HEAD is refused.

    Synthetic statuses as piveau's URL checker: 1100 connection error, 1300 invalid URL
    (or one the fetcher may not reach); ``error`` is the fetcher's reason code.
    """
    from ckanext.wards.lib import fetch
    timeout = float(tk.config.get("ckanext.wards.linkcheck.timeout") or 10)
    headers = {"User-Agent": USER_AGENT}
    try:
        target = fetch.parse_target(url, fetch.Policy.from_config())
        wait_for_host(target.host)
        resp = fetch.fetch(url, method="HEAD", headers=headers, timeout=timeout, raise_for_status=False)
        if resp.status in (405, 501):
            resp = fetch.fetch(url, headers=dict(headers, Range="bytes=0-0"), timeout=timeout,
                               read_body=False, raise_for_status=False)
    except fetch.FetchError as err:
        return {"status": 1300 if err.reason in NOT_CHECKED_REASONS else 1100, "error": err.reason}
    length = resp.header("Content-Length")
    return {"status": resp.status, "content_type": resp.header("Content-Type"),
            "content_length": int(length) if length and length.isdigit() else None}


def host_interval(config: Optional[Mapping[str, Any]] = None) -> float:
    """``ckanext.wards.linkcheck.host_interval`` of ``config`` (CKAN's by default) in
    seconds; 0 means no pause."""
    value = (tk.config if config is None else config).get("ckanext.wards.linkcheck.host_interval")
    if value is None or str(value).strip() == "":
        return 1.0
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise ValueError(f"ckanext.wards.linkcheck.host_interval must be a number of seconds (0 or more), "
                         f"not {value!r}")
    return seconds


def wait_for_host(host: str) -> None:
    """At most one request per host per ``ckanext.wards.linkcheck.host_interval`` seconds,
    across all workers (a Redis key that expires)."""
    from ckan.lib.redis import connect_to_redis
    interval_ms = int(host_interval() * 1000)
    if interval_ms <= 0:
        return
    conn = connect_to_redis()
    key = f"ckanext-wards:linkcheck:{host}"
    deadline = time.monotonic() + 60
    while not conn.set(key, "1", nx=True, px=interval_ms):
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)


def store_link_result(url: str, result: dict[str, Any]) -> int:
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    import ckan.model as ckan_model
    from ckanext.wards import model
    row = {"url": url, "host": urlparse(url).hostname, "status": result.get("status"),
           "content_type": result.get("content_type"), "content_length": result.get("content_length"),
           "error": result.get("error"), "checked_at": dt.datetime.utcnow()}
    stmt = pg_insert(model.LinkCheck.__table__).values(row)
    stmt = stmt.on_conflict_do_update(index_elements=["url"], set_={k: stmt.excluded[k] for k in row if k != "url"})
    ckan_model.Session.execute(stmt)
    ckan_model.Session.commit()
    return row["status"]

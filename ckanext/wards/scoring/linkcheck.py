"""Link checks (background jobs only, never on page load, and only when
``ckanext.wards.linkcheck.enabled`` is true): HEAD each resource URL through the safe
fetcher (``lib/fetch.py``) with a timeout and a per-host rate limit, store the status,
re-score the dataset.
"""
from __future__ import annotations

import time
from typing import Any, Mapping, Optional

import ckan.plugins.toolkit as tk

from ckanext.wards.scoring import bulk, index, store

USER_AGENT = "ckanext-wards link checker (+https://github.com/; HEAD only)"


def linkcheck_enabled() -> bool:
    return tk.asbool(tk.config.get("ckanext.wards.linkcheck.enabled"))


def enqueue_link_check(package_id: str, urls: list[str]) -> None:
    if urls and linkcheck_enabled():
        tk.enqueue_job(check_links, [package_id, urls], title=f"wards link check {package_id}")


def check_links(package_id: str, urls: list[str]) -> dict[str, int]:
    """HEAD each URL (rate limited per host), store the results, re-score the dataset."""
    host_interval()  # a bad setting stops the job with its message before any request
    results = {url: store.store_link_result(url, head(url)) for url in urls}
    bulk.score_batch([package_id])
    index.reindex(package_id)
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

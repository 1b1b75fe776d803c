"""What a check sees: one dataset prepared once (active resources, their format
classification, link statuses, stored assessments), and the resources' URLs."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from ckanext.wards.formats import classify as formats


class Subject:
    """One dataset prepared for the checks: resources classified once, stored results."""

    def __init__(self, pkg: dict[str, Any], link_status: Optional[dict[str, int]] = None,
                 stored: Optional[dict[str, dict[str, Any]]] = None,
                 dcat_compliant: Optional[bool] = None, now: Optional[dt.datetime] = None,
                 settings: Optional[Any] = None):
        from ckanext.wards.scoring import states
        self.pkg = pkg
        self.resources = [r for r in (pkg.get("resources") or []) if r.get("state", "active") == "active"]
        self.link_status = link_status or {}
        self.stored = stored or {}
        self.dcat_compliant = dcat_compliant
        self.now = now or dt.datetime.utcnow()
        # which assessments are on (states.Settings): a check's not-assessed reason
        self.settings = settings if settings is not None else states.current_settings()
        self.classes = [formats.classify(r, (self.stored.get(r.get("id")) or {}).get("sniffed_code"))
                        for r in self.resources]

    def resource_store(self, res: dict[str, Any]) -> dict[str, Any]:
        return self.stored.get(res.get("id")) or {}


def download_url(res: dict[str, Any]) -> Optional[str]:
    """dcat:downloadURL: the explicit field, or the file itself for uploads."""
    if res.get("download_url"):
        return res["download_url"]
    if res.get("url_type") == "upload" and res.get("url"):
        return res["url"]
    return None


def access_url(res: dict[str, Any]) -> Optional[str]:
    return res.get("access_url") or res.get("url") or None


def resource_urls(pkg: dict[str, Any]) -> list[str]:
    """Every access and download URL of a dataset's resources, once each, in order."""
    urls: list[str] = []
    for res in pkg.get("resources") or []:
        for url in (access_url(res), download_url(res)):
            if url and url not in urls:
                urls.append(url)
    return urls


def status_ok(status: Optional[int]) -> Optional[bool]:
    """Only 2xx counts (Norway's rule, see quality-anchors §1.5); None = never checked."""
    if status is None:
        return None
    return 200 <= int(status) < 300


def url_reachable(subject: Subject, url: Optional[str]) -> Any:
    """1.0 if the link checker last saw ``url`` answer 2xx, 0.0 if not or no URL; never
    checked: not assessed, because link checks are off or have not reached it yet."""
    from ckanext.wards.scoring.states import NotAssessed
    if not url:
        return 0.0
    ok = status_ok(subject.link_status.get(url))
    if ok is None:
        return NotAssessed("link_not_checked" if subject.settings.link_checks else "link_checks_off")
    return float(ok)

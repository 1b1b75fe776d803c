"""Checks of the MQA's accessibility dimension (metrics.yaml ``dimension: accessibility``):
the resources' URLs, reachable as the link checker last saw them."""
from __future__ import annotations

from ckanext.wards.scoring.subject import access_url, download_url, url_reachable


def access_url_ok(s, i):
    return url_reachable(s, access_url(s.resources[i]))


def has_download_url(s, i):
    return float(bool(download_url(s.resources[i])))


def download_url_ok(s, i):
    return url_reachable(s, download_url(s.resources[i]))

"""The portal's own address (``ckan.site_url``), read at each call: tests and multi-site
deployments change it while the process lives, so nothing built from it may be cached
without it in the key."""
from __future__ import annotations


def site_url() -> str:
    """``ckan.site_url`` without a trailing slash (``http://localhost`` when unset)."""
    from ckan.plugins import toolkit as tk
    return (tk.config.get("ckan.site_url") or "http://localhost").rstrip("/")

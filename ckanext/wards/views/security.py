"""Response headers of every page and file of ours (``/wards/*``, the scorecard, report
downloads): a Content-Security-Policy that allows only our own scripts and styles (the
comparison charts are Chart.js served by webassets; the figures are a JSON block, not code),
no framing, no MIME sniffing.

CKAN's base template writes inline ``style`` attributes, so styles allow 'unsafe-inline';
scripts do not. CKAN's own scripts call the API at ``ckan.site_url`` (its translations), which
behind a proxy need not be the page's origin, so that origin is allowed to be connected to.
``tests/test_security_headers.py`` loads the pages in Chromium under the policy.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk

POLICY = ("default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
          "img-src 'self' data:", "font-src 'self' data:", "connect-src 'self'{site}", "object-src 'none'",
          "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'")
OTHER_HEADERS = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"}


def content_security_policy() -> str:
    site = urlsplit(tk.config.get("ckan.site_url") or "")
    origin = f" {site.scheme}://{site.netloc}" if site.scheme in ("http", "https") and site.netloc else ""
    return "; ".join(POLICY).format(site=origin)


def headers() -> dict[str, str]:
    return {"Content-Security-Policy": content_security_policy(), **OTHER_HEADERS}


def add_security_headers(response):
    for name, value in headers().items():
        response.headers.setdefault(name, value)
    return response


def protect(blueprint) -> None:
    """Every response of ``blueprint`` (errors included) gets the headers."""
    blueprint.after_request(add_security_headers)

"""Our pages and files carry Content-Security-Policy, X-Frame-Options and
X-Content-Type-Options, and the pages still work under them in Chromium (issue 11 Low):
the charts are drawn and Chromium reports no CSP violation.
"""
from __future__ import annotations

import os

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.wards import demo
from ckanext.wards.views import security
from tests.browser import CANVAS_INKED, CHROMIUM, browser, served  # noqa: F401 (fixtures)
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


@pytest.fixture
def ward():
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="chiyoda", title="千代田区",
                                 extras=[{"key": "ward_code", "value": "131016"}])
    helpers.call_action("package_create", context={"user": sysadmin["name"]}, name="aed", title="AED",
                        owner_org=org["id"], license_id="cc-by",
                        resources=[{"url": "https://x.lg.jp/aed.csv", "format": "CSV"}])
    from ckanext.wards.scoring import bulk
    bulk.rescore(org_id=org["id"])
    return org


OURS = ["/wards/compare", "/wards/compare?format=csv", "/wards/compare?format=json", "/wards/chiyoda",
        "/wards/report/chiyoda.json", "/wards/report/chiyoda.csv", "/wards/report/chiyoda.ttl",
        "/wards/report/chiyoda/open-data-list.csv", "/organization/chiyoda/scorecard",
        "/organization/chiyoda/scorecard.csv", "/organization/chiyoda/scorecard.json",
        "/ja/wards/compare", "/wards/report/no-such-org.csv", "/wards/compare?desc=maybe",
        "/wards/methodology", "/ja/wards/methodology"]


@pytest.mark.parametrize("url", OURS)
def test_headers_on_our_pages_and_files(app, ward, url):
    resp = app.get(url)
    assert resp.status_code in (200, 400, 404), (url, resp.status_code)
    for name, value in security.headers().items():
        assert resp.headers.get(name) == value, (url, name, resp.headers.get(name))


def test_the_policy_allows_no_inline_or_foreign_script():
    policy = dict(part.split(" ", 1) for part in security.content_security_policy().split("; "))
    assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["default-src"] == "'self'"
    assert policy["connect-src"] == "'self' http://test.ckan.net"  # ckan.site_url of test.ini


VIOLATIONS = """() => { window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation',
    e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI)); }"""


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_pages_work_under_the_policy_in_chromium(served, browser):
    user = factories.Sysadmin()
    demo.load(seed=11, n_wards=3, scale=0.02, user=user["name"])
    org = helpers.call_action("organization_list")[0]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    console, errors = [], []
    page.on("console", lambda m: console.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(f"({VIOLATIONS})()")
    for url, charts in ((f"{served}/wards/compare", ["wards-shares-chart"]),
                        (f"{served}/ja/wards/compare", ["wards-shares-chart"]),
                        (f"{served}/wards/{org}", ["wards-stars-chart", "wards-ratings-chart"]),
                        (f"{served}/organization/{org}/scorecard", []),
                        (f"{served}/ja/wards/methodology", [])):
        response = page.goto(url, wait_until="networkidle")
        assert response.status == 200, url
        assert response.headers["content-security-policy"] == security.content_security_policy()
        for chart in charts:
            assert page.evaluate(CANVAS_INKED, chart) > 1000, (url, chart)
        assert page.evaluate("() => window.__cspViolations") == [], url
    assert [m for m in console if "Content Security Policy" in m] == []
    assert errors == []

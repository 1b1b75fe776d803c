"""Stored XSS: user text on our pages, checked in real headless Chromium.

Payloads go into dataset titles, descriptions and resource names, organisation titles
and descriptions (the organisation carries a ward code outside wards.csv, so its title
is the ward's name on the comparison pages) and into a collected peer report's ward
names. Each of our pages is loaded from a real WSGI server (werkzeug, as
tests/test_compare_browser.py does) in Debian's Chromium; a page passes when no payload
ran (``window.__xss`` stays undefined, no dialog opened, no page error) and every payload
shows as plain text. ``javascript:`` URLs are refused by the schema's URL validator and
never become links on our pages.
"""
from __future__ import annotations

import os

import pytest

import ckan.logic as logic
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from tests.browser import CHROMIUM, browser, served  # noqa: F401 (fixtures)
from tests.conftest import WARDS_PLUGINS


pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

PAYLOADS = [
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=1</script>",
    '"><svg onload=window.__xss=1>',
    "<img src=x onerror=alert(1)>",
    "</script><script>window.__xss=1</script>",
    "<!--<script>window.__xss=1//",
    "javascript:window.__xss=1",
]
# an unknown but valid 全国地方公共団体コード (Sapporo): the organisation title is the ward name
WARD_CODE = "011002"
PEER_CODE = "012025"  # Hakodate
PEER2_CODE = "012041"  # Asahikawa


def _check_digit_ok():
    from ckanext.wards.vocab.wards import lg_code_ok
    return all(lg_code_ok(c) for c in (WARD_CODE, PEER_CODE, PEER2_CODE))


@pytest.fixture
def hostile():
    """An organisation, datasets and a collected peer report full of payloads."""
    from ckanext.wards.compare import snapshots
    from ckanext.wards.report import document
    from ckanext.wards.report import figures as report_figures
    from ckanext.wards.scoring import bulk
    assert _check_digit_ok()
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="evil-ward", title=PAYLOADS[0] + " 区",
                                 description=PAYLOADS[1] + PAYLOADS[2],
                                 extras=[{"key": "ward_code", "value": WARD_CODE}])
    ctx = {"user": sysadmin["name"]}
    names = []
    for i, payload in enumerate(PAYLOADS):
        pkg = helpers.call_action(
            "package_create", context=dict(ctx), name=f"xss-{i}", title=payload, owner_org=org["id"],
            notes=payload, title_en=payload, notes_en=payload, license_id="cc-by",
            contact=[{"name": payload, "email": "a@example.jp"}],
            spatial_coverage=[{"text": payload}],
            resources=[{"url": f"https://example.lg.jp/{i}.csv", "format": "CSV",
                        "name": payload, "description": payload}])
        names.append(pkg["name"])
    bulk.rescore(org_id=org["id"])
    peer = document.build_report(
        {"lg_code": PEER_CODE, "name_ja": PAYLOADS[1], "name_en": PAYLOADS[2]},
        {k: 0 for k in report_figures.org_figures([org["id"]])[org["id"]]} | {"mqa_points_mean": None,
                                                                                "japan_points_mean": None},
        "https://peer.example.jp", report_url="https://peer.example.jp/wards/report/x.json")
    assert document.validation_errors(peer) == []
    snapshots.store_snapshot(peer, "https://peer.example.jp/wards/report/x.json")
    # a second peer whose names try to leave the chart data's <script> element
    peer2 = dict(peer, ward={"code": PEER2_CODE, "name_ja": PAYLOADS[5], "name_en": PAYLOADS[4]})
    assert document.validation_errors(peer2) == []
    snapshots.store_snapshot(peer2, "https://peer2.example.jp/wards/report/x.json")
    snapshots.snapshot_local()
    return {"org": org, "datasets": names, "sysadmin": sysadmin}


def _visit(browser, url, cookie_token=None):
    """Load a page; return (window.__xss, dialogs, page errors, visible text, js hrefs)."""
    context = browser.new_context(extra_http_headers={"Authorization": cookie_token} if cookie_token else {})
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    resp = page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(300)  # onerror handlers of broken images fire after load
    result = {
        "status": resp.status,
        "xss": page.evaluate("typeof window.__xss === 'undefined' ? null : window.__xss"),
        "dialogs": dialogs, "errors": errors,
        "text": page.inner_text("body"),
        "js_links": page.eval_on_selector_all(
            "[href], [src], [action], [formaction]",
            "els => els.map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action')"
            " || e.getAttribute('formaction') || '').filter(v => /^\\s*javascript:/i.test(v))"),
        # a payload must not swallow the rest of the page into the chart data block
        "data_ok": page.evaluate(
            "(() => { const n = document.getElementById('wards-compare-data');"
            " if (!n) return true; try { JSON.parse(n.textContent); return true; }"
            " catch (e) { return false; } })()"),
        "footer": page.evaluate("!!document.querySelector('footer')"),
        "injected": page.evaluate(
            "document.querySelectorAll('svg[onload], img[onerror], script:not([src]):not([type])"
            ":not([id])').length"),
    }
    context.close()
    return result


def _assert_clean(result, expected_texts):
    assert result["status"] == 200
    assert result["xss"] is None, "a payload ran"
    assert result["dialogs"] == []
    assert result["errors"] == [], result["errors"]
    assert result["js_links"] == []
    assert result["injected"] == 0
    assert result["data_ok"], "the chart data block was broken open"
    assert result["footer"], "the page after the payload was swallowed"
    for text in expected_texts:
        assert text in result["text"], text


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_our_pages_escape_stored_payloads(hostile, served, browser):
    token = factories.APIToken(user=hostile["sysadmin"]["name"])["token"]
    dataset_payloads = [p for p in PAYLOADS]
    pages = {
        # the scorecard lists every dataset title (sysadmin: private rows included too)
        f"{served}/organization/evil-ward/scorecard": dataset_payloads + [PAYLOADS[0] + " 区"],
        f"{served}/ja/organization/evil-ward/scorecard": dataset_payloads,
        # the comparison shows the local ward's name (its org title) and the peers' names
        # (two cities: shown with every kind of local government, not in the 23 wards' view)
        f"{served}/wards/compare?kind=all": [PAYLOADS[0] + " 区", PAYLOADS[2], PAYLOADS[4]],
        f"{served}/ja/wards/compare?kind=all": [PAYLOADS[0] + " 区", PAYLOADS[1], PAYLOADS[5]],
        f"{served}/wards/compare": [PAYLOADS[0] + " 区"],
        f"{served}/wards/evil-ward": [PAYLOADS[0] + " 区"],
        f"{served}/wards/{PEER_CODE}": [PAYLOADS[2]],
        f"{served}/ja/wards/{PEER_CODE}": [PAYLOADS[1]],
        f"{served}/wards/{PEER2_CODE}": [PAYLOADS[4]],
        f"{served}/ja/wards/{PEER2_CODE}": [PAYLOADS[5]],
    }
    # the dataset page renders our schema's fields (contact, spatial coverage, resources)
    for name in hostile["datasets"]:
        pages[f"{served}/dataset/{name}"] = []
    for url, texts in pages.items():
        for auth in (None, token):
            result = _visit(browser, url, auth)
            try:
                _assert_clean(result, texts)
            except AssertionError as err:
                raise AssertionError(f"{url} (auth={bool(auth)}): {err}") from err
    # the payload titles are visible as text on the dataset pages as well
    result = _visit(browser, f"{served}/dataset/{hostile['datasets'][2]}")
    assert PAYLOADS[2] in result["text"]


@pytest.mark.parametrize("field", ["url", "contact", "spatial_coverage", "resource access_url",
                                   "resource download_url"])
def test_javascript_urls_are_refused(field):
    """No javascript: URL can be stored in our schema's URL fields, so none can become a link."""
    sysadmin = factories.Sysadmin()
    org = factories.Organization()
    data = {"name": "js-url", "owner_org": org["id"], "resources": [{"url": "https://e.lg.jp/a.csv"}]}
    bad = "javascript:window.__xss=1"
    if field == "url":
        data["url"] = bad
    elif field == "contact":
        data["contact"] = [{"name": "x", "url": bad}]
    elif field == "spatial_coverage":
        data["spatial_coverage"] = [{"text": "x", "uri": bad}]
    else:
        data["resources"][0][field.split()[1]] = bad
    with pytest.raises(logic.ValidationError) as err:
        helpers.call_action("package_create", context={"user": sysadmin["name"]}, **data)
    assert "http" in str(err.value.error_dict)


def test_script_json_cannot_leave_its_script_element():
    """The chart data block of the comparison pages: no '</script>' and no '<!--' in it."""
    from ckanext.wards.views.compare import _script_json
    out = _script_json({"name": PAYLOADS[4] + PAYLOADS[5]})
    assert "</" not in out and "<!--" not in out
    import json
    assert json.loads(out)["name"] == PAYLOADS[4] + PAYLOADS[5]


def test_scorecard_links_ignore_url_builder_parameters(app):
    """The scorecard's download links are built from the request's query: parameters
    url_for itself reads (``id``, ``_external``, ``_scheme``, ``_anchor``) must not reach
    it (``?id=x`` was a server error, ``?_external=1`` turned the links absolute), and no
    query makes a javascript: link."""
    import re
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="link-ward")
    helpers.call_action("package_create", context={"user": sysadmin["name"]}, name="plain",
                        owner_org=org["id"], resources=[{"url": "https://e.lg.jp/a.csv", "format": "CSV"}])
    for query in ("_external=1&_scheme=javascript&q=%0Awindow.__xss%3D1", "id=other",
                  "_anchor=x&_method=POST&endpoint=x&q=a"):
        resp = app.get(f"/organization/link-ward/scorecard?{query}")
        assert resp.status_code == 200, query
        hrefs = re.findall(r'href="([^"]*)"', resp.get_data(as_text=True))
        assert not [h for h in hrefs if h.strip().lower().startswith("javascript")], query
        downloads = [h for h in hrefs if "/scorecard.csv" in h or "/scorecard.json" in h]
        assert downloads and all(h.startswith("/organization/link-ward/scorecard.") for h in downloads), downloads


# --- CSRF -------------------------------------------------------------------------------------

def test_our_templates_add_no_post_forms():
    """Every <form> of ours is a GET filter form: nothing of ours accepts a POST from a page."""
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / "ckanext" / "wards" / "templates"
    forms = []
    for path in root.rglob("*.html"):
        for tag in re.findall(r"<form\b[^>]*>", path.read_text(encoding="utf-8"), flags=re.I):
            forms.append((path.name, tag))
            method = re.search(r"method\s*=\s*[\"']?(\w+)", tag, flags=re.I)
            assert method and method.group(1).lower() == "get", (path, tag)
    assert forms, "the scorecard filter form was expected"
    # and no blueprint of ours has a POST-only (state-changing) route
    from ckanext.wards.plugin.compare import WardsComparePlugin
    from ckanext.wards.plugin.scoring import WardsScoringPlugin
    from flask import Flask
    flask_app = Flask("probe")
    for bp in WardsComparePlugin().get_blueprint() + WardsScoringPlugin().get_blueprint():
        flask_app.register_blueprint(bp)
    methods = {r.rule: r.methods - {"HEAD", "OPTIONS"} for r in flask_app.url_map.iter_rules()
               if r.endpoint != "static"}
    assert methods and all(m == {"GET"} for m in methods.values()), methods


PASSWORD = "Csrf-probe-2026!"


def _token_of(html):
    import re
    found = re.search(r'name="_csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="_csrf_token"', html)
    assert found, "the form carries a CSRF token"
    return found.group(1)


def _editor_session(app):
    """An editor logged in by cookie through the login form (no API token: those skip
    CSRF), the organisation and the new-dataset form data without a token."""
    editor = factories.User(password=PASSWORD)
    org = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    client = app.test_client()
    login = client.get("/user/login").get_data(as_text=True)
    client.post("/user/login", data={"login": editor["name"], "password": PASSWORD,
                                     "_csrf_token": _token_of(login)})
    data = {"name": "csrf-probe", "title": "CSRF probe", "owner_org": org["id"], "save": "continue",
            "_ckan_phase": "dataset_new_1", "pkg_name": ""}
    return client, editor, data


@pytest.mark.ckan_config("WTF_CSRF_ENABLED", True)
def test_scheming_dataset_form_rejects_a_post_without_token(app):
    """The dataset form our schema plugin drives (scheming) keeps CKAN's CSRF protection:
    a logged-in editor's POST without the token is refused and creates nothing; the same
    POST with the token from the form goes through."""
    import ckan.model as cm
    from ckan.config.middleware.flask_app import csrf
    # Earlier tests that call views with API tokens leave CSRF exemptions behind in this
    # process (the CKAN core issue pinned below); start from a worker that has seen none.
    leaked = set(csrf._exempt_views)
    csrf._exempt_views.clear()
    try:
        _check_form_needs_token(app, cm)
    finally:
        csrf._exempt_views.update(leaked)


def _check_form_needs_token(app, cm):
    client, _editor, data = _editor_session(app)
    form = client.get("/dataset/new")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert 'name="title_en"' in html  # it is our schema's form
    refused = client.post("/dataset/new", data=data, follow_redirects=False)
    assert refused.status_code == 400, refused.status_code
    assert cm.Package.get("csrf-probe") is None
    accepted = client.post("/dataset/new", data={**data, "_csrf_token": _token_of(html)},
                           follow_redirects=False)
    assert accepted.status_code in (200, 302), accepted.status_code
    assert cm.Package.get("csrf-probe") is not None


@pytest.mark.xfail(strict=True, reason=(
    "CKAN 2.12 core: a request with an API token calls csrf.exempt(<view>) on the "
    "process-wide CSRFProtect (ckan/config/middleware/flask_app.py, ckan_before_request), "
    "so after ONE token request to a view, cookie sessions lose CSRF protection on it too "
    "until the worker restarts. Not ckanext-wards code; reported for upstream."))
@pytest.mark.ckan_config("WTF_CSRF_ENABLED", True)
def test_an_api_token_request_does_not_switch_csrf_off_for_cookie_sessions(app):
    import ckan.model as cm
    from ckan.config.middleware.flask_app import csrf
    exempt_before = set(csrf._exempt_views)
    try:
        client, editor, data = _editor_session(app)
        token = factories.APIToken(user=editor["name"])["token"]
        # anyone with any token (their own) touches the view once ...
        app.test_client().get("/dataset/new", headers={"Authorization": token})
        # ... then a cross-site POST riding a victim's cookie session, without the token
        client.post("/dataset/new", data=data, follow_redirects=False)
        assert cm.Package.get("csrf-probe") is None
    finally:  # the exemption is process-wide: do not leak it into later tests
        csrf._exempt_views.intersection_update(exempt_before)

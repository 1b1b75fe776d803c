"""docs/install.md, followed once on a portal that already holds default-schema data.

A private stack first runs plain CKAN (no wards plugins) and gets datasets in CKAN's default
schema, with extras. Then each step of docs/install.md runs as an operator would type it, and
the portal must keep every field and serve the new pages.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from tests.isolated_stack import IsolatedStack

ROOT = Path(__file__).resolve().parent.parent
WARDS_PLUGINS = "activity dcat wards_schema wards_scoring wards_compare wards_dcat"


def _install_steps() -> list[list[str]]:
    """The `ckan -c ... <args>` commands of docs/install.md, in order."""
    text = (ROOT / "docs" / "install.md").read_text(encoding="utf-8")
    steps = []
    for line in text.splitlines():
        match = re.match(r"\s*ckan -c \S+ (.+?)(\s+#.*)?$", line)
        if match:
            command = match.group(1).replace("<org>", "minato").split(" > ")[0]
            steps.append(command.split())
    return steps


def test_install_guide_on_a_default_schema_portal_keeps_every_field():
    steps = _install_steps()
    assert [s[:2] for s in steps][:3] == [["db", "upgrade"], ["db", "upgrade"], ["search-index", "rebuild"]]

    with IsolatedStack(workers=2, plugins="activity") as stack:
        token = stack.sysadmin_token()
        assert stack.action("organization_create", {"name": "minato", "title": "港区"}, token)[0] == 200
        legacy = {
            "name": "hoikuen", "title": "保育園一覧", "notes": "区立保育園の一覧",
            "owner_org": "minato", "license_id": "cc-by", "url": "https://www.city.minato.tokyo.jp/",
            "maintainer": "子ども家庭課", "maintainer_email": "kodomo@example.jp",
            "tags": [{"name": "子育て"}], "version": "2024",
            "extras": [{"key": "更新頻度", "value": "月次"}, {"key": "internal_note", "value": "keep me"}],
            "resources": [{"url": "https://example.jp/hoikuen.csv", "format": "ＣＳＶ",
                           "name": "保育園一覧CSV", "encoding": "Shift_JIS"}],
        }
        status, created = stack.action("package_create", legacy, token)
        assert status == 200, created

        stack.stop_web()
        stack.plugins = WARDS_PLUGINS
        stack._write_ini()
        for step in steps:
            result = stack.ckan(*step, timeout=900, check=False)
            assert result.returncode == 0, (step, result.stdout[-2000:], result.stderr[-2000:])
            if step[:3] == ["wards", "migrate", "--dry-run"]:
                assert "hoikuen" in result.stdout
            if step[:2] == ["wards", "scorecard"]:
                rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
                assert [r["name"] for r in rows] == ["hoikuen"]
        stack.start_web()

        _, shown = stack.action("package_show", {"id": "hoikuen"}, token)
        pkg = shown["result"]
        assert pkg["title"] == "保育園一覧" and pkg["notes"] == "区立保育園の一覧"
        assert pkg["license_id"] == "CC-BY-4.0"
        assert pkg["frequency"] == "monthly"
        assert [t["name"] for t in pkg["tags"]] == ["子育て"]
        assert pkg["version"] == "2024" and pkg["url"] == "https://www.city.minato.tokyo.jp/"
        kept = {e["key"]: e["value"] for e in pkg.get("extras", [])}
        assert kept.get("internal_note", pkg.get("internal_note")) == "keep me"
        assert any(c.get("email") == "kodomo@example.jp" for c in pkg.get("contact") or []) \
            or pkg.get("maintainer_email") == "kodomo@example.jp"
        assert pkg["resources"][0]["url"] == "https://example.jp/hoikuen.csv"

        for path in ("/organization/minato/scorecard", "/wards/compare", "/dataset/hoikuen",
                     "/dataset/hoikuen.ttl"):
            status, body = stack.get(path)
            assert status == 200, (path, body[:500])
        status, facets = stack.action("package_search", {"facet.field": '["wards_rating"]', "rows": 0})
        assert sum(facets["result"]["facets"]["wards_rating"].values()) == 1

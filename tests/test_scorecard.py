"""The stewards' scorecard: auth rules (private datasets), page, downloads, CSV escaping."""
from __future__ import annotations

import csv
import io
import json

import pytest

import ckan.logic as logic
from tests.lazy import factories
import ckan.tests.helpers as helpers

from ckanext.wards.scoring import bulk
from tests.conftest import WARDS_PLUGINS


@pytest.mark.parametrize("value, expected", [
    ("=SUM(A1:A2)", "'=SUM(A1:A2)"), ("+81 3", "'+81 3"), ("-1+2", "'-1+2"), ("@cmd", "'@cmd"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("千代田区", "千代田区"), ("a=b", "a=b"), (12, "12"),
    (True, "true"), (None, ""), (["=a", "b"], "'=a; b"),
    ("＝SUM(A1)", "'＝SUM(A1)"), ("＋81", "'＋81"), ("－1", "'－1"), ("＠cmd", "'＠cmd"), (-3, "-3"),
    # S6: leading blanks and invisible characters spreadsheets skip, and the small forms
    (" =1", "' =1"), ("\u3000=1", "'\u3000=1"), ("\ufeff=1", "'\ufeff=1"), ("\u200b=1", "'\u200b=1"),
    ("\n=1", "'\n=1"), (" \u3000\u200b+1", "' \u3000\u200b+1"),
    ("﹦1", "'﹦1"), ("﹢1", "'﹢1"), ("﹣1", "'﹣1"), ("﹫1", "'﹫1"),
    (-1.5, "-1.5"), (" 1", " 1"), ("\u3000千代田区", "\u3000千代田区"), ("", ""),
])
def test_safe_cell_neutralises_formulas(value, expected):
    """The one CSV cell rule of every export (lib/csvout), full-width signs included."""
    from ckanext.wards.lib import csvout
    assert csvout.cell(value) == expected




@pytest.fixture
def ward():
    """An organisation with a member, one public and one private scored dataset."""
    sysadmin = factories.Sysadmin()
    member = factories.User()
    outsider = factories.User()
    org = factories.Organization(name="chiyoda", users=[{"name": member["name"], "capacity": "member"}])
    ctx = {"user": sysadmin["name"]}
    helpers.call_action("package_create", context=ctx, name="public-one", title="=1+2 公開", owner_org=org["id"],
                        license_id="cc-by", tags=[{"name": "xx"}],
                        resources=[{"url": "https://x.lg.jp/a.csv", "format": "CSV"}])
    helpers.call_action("package_create", context=ctx, name="private-one", title="非公開", owner_org=org["id"],
                        private=True, resources=[{"url": "https://x.lg.jp/a.pdf", "format": "PDF"}])
    bulk.rescore(org_id="chiyoda")
    return {"sysadmin": sysadmin, "member": member, "outsider": outsider, "org": org}


def _names(card):
    return {r["name"] for r in card["rows"]}


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
@pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS)
class TestScorecardAuth:
    def test_action_public_rows_for_everyone(self, ward):
        for user in (None, ward["outsider"]["name"], ward["member"]["name"]):
            card = helpers.call_action("wards_scorecard", context={"user": user, "ignore_auth": False},
                                       organization="chiyoda")
            assert _names(card) == {"public-one"}
            assert card["totals"]["datasets"] == 1

    def test_action_private_rows_only_for_members_and_sysadmins(self, ward):
        for user in (ward["member"]["name"], ward["sysadmin"]["name"]):
            card = helpers.call_action("wards_scorecard", context={"user": user, "ignore_auth": False},
                                       organization="chiyoda", include_private=True)
            assert _names(card) == {"public-one", "private-one"}
        for user in (None, ward["outsider"]["name"]):
            with pytest.raises(logic.NotAuthorized):
                helpers.call_action("wards_scorecard", context={"user": user, "ignore_auth": False},
                                    organization="chiyoda", include_private=True)

    def test_unknown_organisation(self, ward):
        with pytest.raises(logic.NotFound):
            helpers.call_action("wards_scorecard", organization="nowhere")

    def test_page_shows_private_rows_only_to_members(self, app, ward):
        anon = app.get("/organization/chiyoda/scorecard")
        assert anon.status_code == 200
        assert "=1+2 公開" in anon.body and "非公開" not in anon.body
        outsider = app.get("/organization/chiyoda/scorecard",
                           headers={"Authorization": factories.APIToken(user=ward["outsider"]["name"])["token"]})
        assert "非公開" not in outsider.body
        for who in ("member", "sysadmin"):
            token = factories.APIToken(user=ward[who]["name"])["token"]
            page = app.get("/organization/chiyoda/scorecard", headers={"Authorization": token})
            assert "非公開" in page.body, who
        assert app.get("/organization/nowhere/scorecard").status_code == 404

    def test_private_badge_is_visible_and_totals_name_their_denominator(self, app, ward):
        from bs4 import BeautifulSoup
        token = factories.APIToken(user=ward["sysadmin"]["name"])["token"]
        soup = BeautifulSoup(app.get("/organization/chiyoda/scorecard?include_private=true",
                                     headers={"Authorization": token}).body, "html.parser")
        badges = soup.select("span.wards-private")
        # a Bootstrap 5 badge without a background class is white on white
        assert badges and all("bg-secondary" in b["class"] for b in badges)
        card = helpers.call_action("wards_scorecard", organization="chiyoda", include_private=True)
        total = card["totals"]["datasets"]
        for key in ("machine_readable_strict", "machine_readable_broad", "has_csv", "has_api", "open_licence"):
            dd = soup.select_one(f'dd[data-total="{key}"]').get_text(strip=True)
            assert dd == f"{card['totals'][key]} of {total} datasets", (key, dd)

    def test_json_download_respects_private_rules(self, app, ward):
        data = json.loads(app.get("/organization/chiyoda/scorecard.json").body)
        assert _names(data) == {"public-one"}
        token = factories.APIToken(user=ward["member"]["name"])["token"]
        data = json.loads(app.get("/organization/chiyoda/scorecard.json", headers={"Authorization": token}).body)
        assert _names(data) == {"public-one", "private-one"}

    def test_csv_download_has_bom_and_neutralised_cells(self, app, ward):
        resp = app.get("/organization/chiyoda/scorecard.csv")
        assert resp.status_code == 200
        assert resp.headers["Content-Type"].startswith("text/csv")
        raw = resp.get_data()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert [r["name"] for r in rows] == ["public-one"]
        assert rows[0]["title"] == "'=1+2 公開"
        assert int(rows[0]["mqa_points"]) > 0 and rows[0]["has_csv"] == "true"

    def test_page_sort_and_filter(self, app, ward):
        token = factories.APIToken(user=ward["sysadmin"]["name"])["token"]
        page = app.get("/organization/chiyoda/scorecard?sort=mqa_points&desc=true", headers={"Authorization": token})
        assert page.body.index("=1+2 公開") < page.body.index("非公開")  # the CSV dataset scores higher
        page = app.get("/organization/chiyoda/scorecard?q=private", headers={"Authorization": token})
        assert "非公開" in page.body and "=1+2 公開" not in page.body
        card = helpers.call_action("wards_scorecard", organization="chiyoda", include_private=True,
                                   sort="mqa_points", desc=True)
        assert [r["name"] for r in card["rows"]] == ["public-one", "private-one"]
        only = helpers.call_action("wards_scorecard", organization="chiyoda", include_private=True,
                                   rating=card["rows"][1]["rating"])
        assert "private-one" in _names(only)

    def test_japanese_page(self, app, ward):
        page = app.get("/ja/organization/chiyoda/scorecard")
        assert page.status_code == 200
        card = helpers.call_action("wards_scorecard", organization="chiyoda", lang="ja")
        assert card["rows"][0]["top_fix"].endswith("。")

    def test_cached_card_follows_edits_and_rescores(self, ward):
        """The Redis-cached rows are keyed by the organisation's data version."""
        first = helpers.call_action("wards_scorecard", organization="chiyoda")
        assert _names(first) == {"public-one"}
        ctx = {"user": ward["sysadmin"]["name"]}
        helpers.call_action("package_patch", context=ctx, id="private-one", private=False)
        bulk.rescore(org_id="chiyoda")
        second = helpers.call_action("wards_scorecard", organization="chiyoda")
        assert _names(second) == {"public-one", "private-one"}
        helpers.call_action("package_delete", context=ctx, id="public-one")
        assert _names(helpers.call_action("wards_scorecard", organization="chiyoda")) == {"private-one"}


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
@pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS)
def test_fixes_grouped_match_stored_scores(ward, app):
    """Each group's count and points equal the stored scores' fixes (SQL), not-assessed excluded."""
    import sqlalchemy as sa
    import ckan.model as ckan_model
    from ckanext.wards.model import DatasetScore
    card = helpers.call_action("wards_scorecard", context={"user": ward["sysadmin"]["name"]},
                               organization="chiyoda", include_private=True)
    t = DatasetScore.__table__
    expected: dict = {}
    for fixes, skipped in ckan_model.Session.execute(sa.select(t.c.fixes, t.c.not_assessed)):
        for mid, pts in fixes or []:
            if mid in (skipped or {}):
                continue
            e = expected.setdefault(mid, [0, 0])
            e[0] += 1
            e[1] += pts
    got = {g["id"]: [g["datasets"], g["points_total"]] for g in card["fixes"]}
    assert got and got == expected
    totals = [g["points_total"] for g in card["fixes"]]
    assert totals == sorted(totals, reverse=True)
    # the page (anonymous: public datasets only) shows the public card's groups
    public = helpers.call_action("wards_scorecard", context={"user": ward["sysadmin"]["name"]},
                                 organization="chiyoda", include_private=False)
    body = app.get("/organization/chiyoda/scorecard").body
    first = public["fixes"][0]
    assert f'data-fix="{first["id"]}"' in body and f'+{first["points_total"]}' in body

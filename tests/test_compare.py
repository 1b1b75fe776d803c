"""The comparison page, the ward pages and the demo data, on the real stack."""
from __future__ import annotations

import csv
import io
import json
import random

import pytest
from bs4 import BeautifulSoup

import ckan.model as model
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.wards import demo
from ckanext.wards.compare import snapshots
from ckanext.wards.report import document
from ckanext.wards.vocab import licences, organizations, wards as ward_list
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

SCALE = 0.05  # about 14 datasets per ward: the full 23 wards in seconds


@pytest.fixture
def demo_wards():
    user = factories.Sysadmin()
    result = demo.load(seed=7, n_wards=23, scale=SCALE, user=user["name"])
    return user, result


def test_demo_data_creates_the_23_wards_with_real_codes_scores_index_and_history(demo_wards):
    user, result = demo_wards
    assert result["wards"] == 23 and result["skipped"] == []
    expected_sizes = demo.ward_sizes(23, random.Random(7), SCALE)
    assert result["datasets"] == sum(expected_sizes)

    wards = organizations.local_wards()
    assert [w["ward"]["lg_code"] for w in wards] == [w["lg_code"] for w in ward_list.wards()]
    chiyoda = model.Group.get("chiyoda")
    assert chiyoda.title == "千代田区" and chiyoda.extras["ward_code"] == "131016"

    # indexed in one pass: CKAN's own search sees every dataset (private ones to sysadmins)
    search = helpers.call_action("package_search", context={"user": user["name"]},
                                 q="*:*", rows=0, include_private=True)
    assert search["count"] == result["datasets"]
    # with the licence fields CKAN's own indexing gives (title, URL, open)
    pdl = helpers.call_action("package_search", q="license_id:PDL-1.0", rows=1)["results"][0]
    assert pdl["isopen"] is True and pdl["license_url"].startswith("https://www.digital.go.jp/")
    assert pdl["license_title"] in {licences.licence("PDL-1.0")["label"]["ja"], licences.licence("PDL-1.0")["label"]["en"]}
    # scored: no dataset is "unscored" in any ward's report
    for doc in document.local_reports():
        assert {r["band"]: r["numerator"] for r in doc["ratings"]}["unscored"] == 0
        assert document.validation_errors(doc) == []
    # history: 12 monthly snapshots back plus today's for every ward, all valid
    trend = snapshots.trends()
    assert len(trend) == 23 and all(len(points) == 13 for points in trend.values())
    assert all(s["report"].get("demo_history") is None for s in snapshots.latest_snapshots(local=True))
    check_idempotent_and_repeatable(demo_wards)
    check_private_datasets_never_count(demo_wards)


def check_idempotent_and_repeatable(demo_wards):
    user, first = demo_wards
    again = demo.load(seed=7, n_wards=23, scale=SCALE, user=user["name"])
    assert again["wards"] == 0 and len(again["skipped"]) == 23 and again["datasets"] == 0

    # the same seed makes the same records, ids included
    ward = ward_list.wards()[0]
    a = demo.make_datasets(ward, "org", 5, random.Random("x"), 0.5, None, demo_now())
    b = demo.make_datasets(ward, "org", 5, random.Random("x"), 0.5, None, demo_now())
    assert a == b  # the files' bytes too


def demo_now():
    import datetime as dt
    return dt.datetime(2026, 4, 1)


def test_study_sized_demo_mix():
    """Unscaled sizes follow the study: 98 to 567, mean about 286 (the machine-readable
    share: tests/test_demo_files.py)."""
    sizes = demo.ward_sizes(23, random.Random(1))
    assert min(sizes) == 98 and max(sizes) == 567
    assert 270 <= sum(sizes) / 23 <= 300


def test_comparison_page_renders_the_23_demo_wards(app, cli, demo_wards):
    soup = BeautifulSoup(app.get("/wards/compare").body, "html.parser")
    rows = soup.select("#wards-compare-table tbody tr")
    assert len(rows) == 23
    assert [r["data-code"] for r in rows] == sorted(w["lg_code"] for w in ward_list.wards())
    first = rows[0]
    assert first.select_one("a").get_text(strip=True) == "Chiyoda City"
    data = json.loads(soup.select_one("#wards-compare-data").string)
    assert len(data["wards"]) == 23 and len(data["trend"]) == 23
    # every chart has its numbers on the page: the table and the trend table
    assert len(soup.select("#wards-trend-table tbody tr")) == 23
    assert soup.select_one("tr.wards-average") and soup.select_one("tr.wards-national")
    # the chart library is served with the page's assets, not from a CDN
    scripts = [s.get("src", "") for s in soup.select("script[src]")]
    assert any("compare" in s for s in scripts) and not any(s.startswith("http") for s in scripts)
    # one demo load serves the other page checks (a load takes ~30 s on a busy machine)
    check_sorting_by_csv_share(app, demo_wards)
    check_downloads_csv_and_json_match_the_action(app, demo_wards)
    check_ward_detail_page_and_japanese_labels(app, demo_wards)
    check_report_command_prints_json_csv_and_turtle(cli, demo_wards)
    check_reference_row_tiles_and_change(app, demo_wards)
    check_ward_page_links(app)


def check_reference_row_tiles_and_change(app, demo_wards):
    soup = BeautifulSoup(app.get("/wards/compare?measure=api").body, "html.parser")
    national = soup.select_one("tr.wards-national").get_text(" ", strip=True)
    assert "48.7%" in national and "286" in national
    assert "38.2" not in national and "32.6" not in national  # not comparable: not in the row
    context = soup.select_one(".wards-national-context").get_text(" ", strip=True)
    assert "38.2%" in context and "API coverage of ward systems" in context and "90%" in context
    tiles = soup.select(".wards-tile-map .wards-tile")
    assert len(tiles) == 23
    # the change column is the difference of the two newest stored snapshots of each ward
    trend = snapshots.trends()
    for tr in soup.select("#wards-tile-table tbody tr"):
        points = trend.get(tr["data-code"], [])
        cell = tr.select_one(".wards-change")
        if len(points) < 2:
            assert cell.get_text(strip=True) == "—"
        else:
            assert float(cell["data-change"]) == round(points[-1]["api"] - points[-2]["api"], 1)
    assert app.get("/wards/compare?measure=nope", status=400)


def check_ward_page_links(app):
    soup = BeautifulSoup(app.get("/wards/chiyoda").body, "html.parser")
    hrefs = [a["href"] for a in soup.select(".wards-ward-links a")]
    assert hrefs[0].endswith("/dataset/?organization=chiyoda")
    assert "/organization/chiyoda/scorecard?rating=bad" in hrefs[1]
    assert hrefs[2].endswith("/organization/chiyoda/scorecard")


def check_sorting_by_csv_share(app, demo_wards):
    soup = BeautifulSoup(app.get("/wards/compare?sort=csv&desc=true").body, "html.parser")
    values = [float(td.select_one(".wards-pct")["data-value"])
              for td in soup.select('#wards-compare-table tbody td[data-col="csv"]')]
    assert len(values) == 23 and values == sorted(values, reverse=True)
    soup = BeautifulSoup(app.get("/wards/compare?sort=csv&desc=false").body, "html.parser")
    ascending = [float(td.select_one(".wards-pct")["data-value"])
                 for td in soup.select('#wards-compare-table tbody td[data-col="csv"]')]
    assert ascending == sorted(values)


def check_downloads_csv_and_json_match_the_action(app, demo_wards):
    action = helpers.call_action("wards_compare")
    as_json = json.loads(app.get("/wards/compare?format=json").body)
    assert [r["code"] for r in as_json["rows"]] == [r["code"] for r in action["rows"]]
    raw = app.get("/wards/compare?format=csv").get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Japanese Excel needs
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 23
    for row, r in zip(rows, action["rows"]):
        assert row["code"] == r["code"] and int(row["datasets"]) == r["datasets"]
        assert int(row["csv_numerator"]) == r["csv_numerator"] and int(row["csv_denominator"]) == r["datasets"]
    averages = action["averages"]
    assert averages["csv"] == round(sum(r["csv"] for r in action["rows"]) / 23, 1)


def check_ward_detail_page_and_japanese_labels(app, demo_wards):
    page = app.get("/wards/setagaya")
    soup = BeautifulSoup(page.body, "html.parser")
    assert "131121" in soup.select_one("h1").get_text()
    metrics = {tr["data-metric"] for tr in soup.select("#wards-report-table tbody tr")}
    assert {"datasetCount", "csvShare", "apiShare", "machineReadableStrictShare", "star5Share"} <= metrics
    assert len(soup.select("#wards-trend-table tbody tr")) == 13
    ja = BeautifulSoup(app.get("/ja/wards/setagaya").body, "html.parser")
    assert "世田谷区" in ja.select_one("h1").get_text()
    for link in ja.select("#wards-report-table tbody th a.wards-definition"):  # the "?" to the methodology page
        link.decompose()
    labels = [th.get_text(strip=True) for th in ja.select("#wards-report-table tbody th")]
    assert "CSV率" in labels and "データセット数" in labels


def test_collected_ward_has_a_detail_page_by_code(app):
    from tests.test_collect import peer_report
    snapshots.store_snapshot(peer_report("131075"), "https://peer.example.jp/wards/report/sumida.json")
    page = app.get("/wards/131075")
    assert "Sumida City" in page.body
    assert app.get("/wards/999999", status=404)


def check_report_command_prints_json_csv_and_turtle(cli, demo_wards):
    from ckan.cli.cli import ckan
    result = cli.invoke(ckan, ["wards", "report", "--org", "nerima", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["ward"]["code"] == "131202" and document.validation_errors(doc) == []
    result = cli.invoke(ckan, ["wards", "report", "--org", "nerima", "--format", "ttl"])
    assert "dqv:QualityMeasurement" in result.output
    result = cli.invoke(ckan, ["wards", "report", "--org", "nerima", "--format", "open-data-list"])
    assert result.output.lstrip("\ufeff").startswith("データセット_ID,全国地方公共団体コード")
    result = cli.invoke(ckan, ["wards", "report", "--org", "no-such-org"])
    assert result.exit_code != 0 and "organisation not found" in result.output


def check_private_datasets_never_count(demo_wards):
    import sqlalchemy as sa
    p = model.package_table
    for w in organizations.local_wards():
        public = model.Session.execute(sa.select(sa.func.count()).where(
            p.c.owner_org == w["org"]["id"], p.c.private.is_(False), p.c.state == "active")).scalar()
        doc = document.report_for_org(w["org"])
        assert doc["counts"]["datasets"] == public

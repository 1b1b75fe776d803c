"""``/wards/coverage.json`` and ``/wards/coverage.csv``: each local ward's state per
自治体標準オープンデータセット (``report.coverage``). The HTML page is not built yet."""
from __future__ import annotations

import json

from flask import Blueprint, Response

from ckanext.wards.lib import csvout, download
from ckanext.wards.report import coverage as coverage_report
from ckanext.wards.views import security

coverage_blueprint = Blueprint("wards_coverage", __name__)
security.protect(coverage_blueprint)


def coverage_json():
    return Response(json.dumps(coverage_report.coverage(), ensure_ascii=False),
                    headers={"Access-Control-Allow-Origin": "*",
                             **download.headers("coverage.json", "application/json", inline=True)})


def coverage_csv():
    doc = coverage_report.coverage()
    header = ["lg_code", "name_ja", "organization", *doc["standards"]]
    rows = [[w["lg_code"], w["name_ja"], w["org"], *[w["cells"][s]["state"] for s in doc["standards"]]]
            for w in doc["wards"]]
    return Response(csvout.write(header, rows).encode("utf-8"),
                    headers=download.headers("coverage.csv", "text/csv; charset=utf-8"))


coverage_blueprint.add_url_rule("/wards/coverage.json", view_func=coverage_json)
coverage_blueprint.add_url_rule("/wards/coverage.csv", view_func=coverage_csv)

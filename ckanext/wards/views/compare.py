"""``/wards/compare`` (HTML, ``?format=csv|json``), ``/wards/<org>`` and the report files
``/wards/report/<org>.json|.csv|.ttl`` plus the national ``/wards/report/<org>/open-data-list.csv``."""
from __future__ import annotations

import json
from typing import Any, Optional

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.wards.compare import comparison, snapshots
from ckanext.wards.lib import download
from ckanext.wards.lib.language import page_language
from ckanext.wards.report import export, measurements
from ckanext.wards.report import open_data_list as a06  # the view below is open_data_list
from ckanext.wards.views import query, security
from ckanext.wards.vocab import local_governments as lgs

compare_blueprint = Blueprint("wards_compare", __name__)
security.protect(compare_blueprint)

SORT_KEYS = ("code", "name", "datasets", "resources", "csv", "api", "machine_readable_strict",
             "machine_readable_broad", "open_licence", "standard_conformance", "mqa_points_mean",
             "age_hours")


def sort_rows(rows: list[dict[str, Any]], key: str, desc: bool, lang: str = "en") -> list[dict[str, Any]]:
    """Rows ordered by one column; wards without a figure go last either way."""
    if key not in SORT_KEYS:
        key = "code"
    if key == "name":
        key = "name_ja" if lang == "ja" else "name_en"
    present = [r for r in rows if r.get(key) is not None]
    missing = [r for r in rows if r.get(key) is None]
    present.sort(key=lambda r: (r[key], r["code"]), reverse=desc)
    return present + missing


def _metric_labels(lang: str) -> dict[str, str]:
    return {m["id"]: measurements.label(m, lang) for m in measurements.metric_spec()["metrics"]}


def _chart_texts() -> dict[str, str]:
    return {
        "csv": tk._("CSV share"), "api": tk._("API share"),
        "machine_readable_strict": tk._("Machine-readable (strict)"),
        "machine_readable_broad": tk._("Machine-readable (broad)"),
        "open_licence": tk._("Open licence"), "standard_conformance": tk._("Standard conformance"),
        "ward_average": tk._("Average of the wards shown"),
        "national": tk._("National reference (study)"),
        "percent": tk._("Share (%)"), "datasets": tk._("Dataset count"),
    }


def _band_labels(lang: str) -> dict[str, str]:
    labels = {"unscored": tk._("Not yet scored")}
    try:
        from ckanext.wards.scoring import spec
        labels.update({b["id"]: b["label"].get(lang) or b["label"]["en"] for b in spec.spec()["bands"]})
    except Exception:  # scoring data missing: plain band ids
        pass
    for band in ("bad", "sufficient", "good", "excellent"):
        labels.setdefault(band, band)
    return labels


def _script_json(value: Any) -> str:
    """JSON safe inside <script type="application/json">: every "<" escaped, so neither
    "</script>" nor "<!--<script>" (which swallows the rest of the page) can appear."""
    return json.dumps(value, ensure_ascii=False, default=str).replace("<", "\\u003c")


SELECTION_PARAMS = ("prefecture", "kind", "page", "per_page", "similar_to")


def _selection_args() -> dict[str, str]:
    """The selection parameters given (``wards_compare``'s), to pass on in the page's links."""
    return {k: tk.request.args[k] for k in SELECTION_PARAMS if tk.request.args.get(k)}


def compare_page():
    desc = query.flag("desc")
    fmt = tk.request.args.get("format")
    selection_args = _selection_args()
    params = dict(selection_args)
    if fmt in ("csv", "json") and "per_page" not in params and "page" not in params:
        from ckanext.wards.compare import selection
        params["per_page"] = selection.MAX_PER_PAGE  # a download is the whole selection
    try:
        data = tk.get_action("wards_compare")({}, params)
    except tk.ValidationError as err:
        return tk.abort(400, "; ".join(f"{k}: {', '.join(v)}" for k, v in err.error_dict.items()))
    if fmt == "json":
        return Response(json.dumps(data, ensure_ascii=False, indent=2, default=str),
                        headers=download.headers("wards-compare.json", "application/json", inline=True))
    if fmt == "csv":
        return Response(comparison.comparison_csv(data["rows"]),
                        headers=download.headers("wards-compare.csv", "text/csv; charset=utf-8"))
    lang = page_language()
    sort = tk.request.args.get("sort") or "code"
    rows = sort_rows(data["rows"], sort, desc, lang)
    trend = snapshots.trends()
    measure = tk.request.args.get("measure") or "machine_readable_strict"
    if measure not in dict(comparison.SHARE_COLUMNS):
        return tk.abort(400, tk._("Unknown measure: %(m)s") % {"m": measure})
    names = {r["code"]: (r["name_ja"] if lang == "ja" else r["name_en"]) for r in rows}
    chart = {
        "texts": _chart_texts(),
        "wards": [{"code": r["code"], "name": names[r["code"]],
                   **{k: r[k] for k, _ in comparison.SHARE_COLUMNS}} for r in rows],
        "averages": data["averages"], "national": data["national"],
        "trend": {names.get(code, code): points for code, points in trend.items() if code in names},
    }
    return tk.render("wards/compare/index.html", {
        "data": data, "rows": rows, "sort": sort, "desc": desc, "lang": lang,
        "chart_json": _script_json(chart), "share_keys": [k for k, _ in comparison.SHARE_COLUMNS],
        "band_labels": _band_labels(lang), "texts": _chart_texts(), "trend_table": _trend_table(trend, names),
        "measure": measure, "tile_map": comparison.tiles(rows, measure),
        "selection": data["selection"], "selection_args": selection_args,
        "prefectures": lgs.prefectures(), "kinds": lgs.kinds(),
        "changes": comparison.changes(trend, measure)})


def _trend_table(trend: dict[str, list[dict[str, Any]]], names: dict[str, str]) -> dict[str, Any]:
    """Dates × wards of the strict machine-readable share: the numbers behind the trend chart."""
    dates = sorted({p["date"] for points in trend.values() for p in points})
    table = []
    for code, points in trend.items():
        if code not in names:
            continue
        by_date = {p["date"]: p["machine_readable_strict"] for p in points}
        table.append({"code": code, "name": names[code], "values": [by_date.get(d) for d in dates]})
    return {"dates": dates, "rows": table}


def _find_ward(org: str) -> tuple[Optional[dict[str, Any]], Optional[dict[str, Any]]]:
    """(report, organisation dict) of a local ward by org name/id, or of a collected ward
    by its code; (None, None) if unknown."""
    try:
        doc = tk.get_action("wards_report")({}, {"organization": org})
        from ckanext.wards.lib.org_lookup import org_header
        return doc, org_header(org)
    except tk.ObjectNotFound:
        pass
    for snap in snapshots.latest_snapshots(local=False):
        if snap["report"]["ward"]["code"] == org:
            return snap["report"], None
    return None, None


def ward_page(org: str):
    try:
        doc, org_dict = _find_ward(org)
    except tk.ValidationError:
        return tk.abort(404, tk._("This organization is not a ward"))
    if doc is None:
        return tk.abort(404, tk._("Ward not found"))
    lang = page_language()
    rows = measurements.measurements(doc)
    labels = _metric_labels(lang)
    for m in rows:
        m["label"] = labels.get(m["metric"], m["metric"])
        m["percent"] = None if m["kind"] not in ("share", "ratio") or m["value"] is None else round(100 * m["value"], 1)
    trend = snapshots.trends(doc["ward"]["code"]).get(doc["ward"]["code"], [])
    name = doc["ward"]["name_ja"] if lang == "ja" else doc["ward"]["name_en"]
    chart = {"texts": _chart_texts(), "trend": {name: trend},
             "stars": [s["numerator"] for s in doc["star_levels"]],
             "star_labels": [labels[f"star{k}Share"] for k in range(6)],
             "ratings": [r["numerator"] for r in doc["ratings"]],
             "rating_labels": [labels.get(f"rating{r['band'].capitalize()}Share", r["band"]) for r in doc["ratings"]]}
    return tk.render("wards/compare/ward.html", {
        "doc": doc, "org": org_dict, "measurements": rows, "trend": trend,
        "ward_name": name, "chart_json": _script_json(chart),
        "share_keys": [k for k, _ in comparison.SHARE_COLUMNS], "texts": _chart_texts()})


def _report_or_404(org: str) -> dict[str, Any]:
    try:
        return tk.get_action("wards_report")({}, {"organization": org})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Organization not found"))
    except tk.ValidationError:
        return tk.abort(404, tk._("This organization is not a ward"))


def report_json(org: str):
    return Response(export.to_json(_report_or_404(org)), headers={
        "Access-Control-Allow-Origin": "*",
        **download.headers(f"ward-report-{org}.json", "application/json", inline=True)})


def report_csv(org: str):
    return Response(export.to_csv(_report_or_404(org)),
                    headers=download.headers(f"ward-report-{org}.csv", "text/csv; charset=utf-8"))


def report_ttl(org: str):
    return Response(export.to_turtle(_report_or_404(org)), headers=download.headers(
        f"ward-report-{org}.ttl", "text/turtle; charset=utf-8", inline=True))


def open_data_list(org: str):
    """The national オープンデータ一覧 (A-06) CSV of the ward's public datasets."""
    doc = _report_or_404(org)
    org_dict = tk.get_action("organization_show")({}, {"id": org, "include_datasets": False})
    body = a06.csv_for_report(doc, org_dict["id"])
    filename = a06.spec()["file_name"].format(code=doc["ward"]["code"])
    return Response(body.encode("utf-8"), headers=download.headers(filename, "text/csv; charset=utf-8"))


compare_blueprint.add_url_rule("/wards/compare", view_func=compare_page)
compare_blueprint.add_url_rule("/wards/report/<org>.json", view_func=report_json)
compare_blueprint.add_url_rule("/wards/report/<org>.csv", view_func=report_csv)
compare_blueprint.add_url_rule("/wards/report/<org>.ttl", view_func=report_ttl)
compare_blueprint.add_url_rule("/wards/report/<org>/open-data-list.csv", view_func=open_data_list)
compare_blueprint.add_url_rule("/wards/<org>", view_func=ward_page)

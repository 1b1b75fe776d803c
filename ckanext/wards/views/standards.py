"""``/wards/standards`` (every 自治体標準オープンデータセット) and ``/wards/standards/<id>``:
the page of one standard, which is also its IRI (``dcat.uris.standard_uri``).

Both answer HTML, or RDF when the client asks for it (``Accept:
text/turtle``, ``application/ld+json``, ``application/rdf+xml``); ``.ttl`` and ``.jsonld``
name one format whatever the Accept header says. Static routes win over ``/wards/<org>``.
"""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.wards.conformance import standards as standard_defs
from ckanext.wards.dcat.standard_graph import LAYOUTS, standard_graph, standards_graph
from ckanext.wards.dcat.uris import standard_uri
from ckanext.wards.lib import download
from ckanext.wards.lib.language import page_language
from ckanext.wards.views import security

standards_blueprint = Blueprint("wards_standards", __name__)
security.protect(standards_blueprint)

# format name → (rdflib serializer, Content-Type, file extension)
RDF_FORMATS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8", "ttl"),
    "jsonld": ("json-ld", "application/ld+json", "jsonld"),
    "rdf": ("xml", "application/rdf+xml", "rdf"),
}
# what an Accept header may ask for; HTML first, so */* and browsers get the page
_OFFERED = {"text/html": None, "application/xhtml+xml": None, "text/turtle": "ttl",
            "application/x-turtle": "ttl", "application/ld+json": "jsonld",
            "application/rdf+xml": "rdf"}


def _negotiated() -> Optional[str]:
    """The RDF format the Accept header prefers to HTML, else None (the page)."""
    return _OFFERED.get(tk.request.accept_mimetypes.best_match(list(_OFFERED), default="text/html"))


def _layout_status_texts() -> dict[str, str]:
    return {
        "verified": tk._("The column list is exact: files are checked for missing and unknown columns, their order and their values."),
        "partial": tk._("Only some columns are known: files are checked only for the values of these columns; missing or other columns are not defects."),
        "unverified": tk._("No column list of the current layout is known: files are not checked against it."),
    }


def _layout_titles() -> dict[str, str]:
    return {"current": tk._("Current layout (正式版, Digital Agency)"),
            "legacy": tk._("Previous layout (推奨データセット 基本編)")}


def _type_labels() -> dict[str, str]:
    return {
        "string": tk._("Text"), "lg_code": tk._("Local government code (6 digits)"),
        "digits": tk._("Digits"), "postal_code": tk._("Postal code (7 digits)"),
        "latitude": tk._("Latitude (decimal degrees)"), "longitude": tk._("Longitude (decimal degrees)"),
        "number": tk._("Number"), "date": tk._("Date (YYYY-MM-DD)"), "time": tk._("Time (hh:mm)"),
        "flag": tk._("有 or 無"), "flag_1": tk._("1 or empty"), "phone": tk._("Telephone number"),
        "uri": tk._("URL"), "email": tk._("E-mail address"), "enum": tk._("One of the listed values"),
    }


def _not_found(standard_id: str):
    # Both languages whatever the page's: the IRI is also read by RDF clients, which get
    # this text as the body of the 404 too.
    return tk.abort(404, f"標準データセット「{standard_id}」はありません。"
                         f" / No standard dataset has the id {standard_id!r}.")


def _column_counts(std_id: str) -> dict[str, int]:
    return {name: len(standard_defs.columns(std_id, name)) for name in LAYOUTS
            if standard_defs.columns(std_id, name)}


def index(fmt: Optional[str] = None):
    fmt = fmt or _negotiated()
    if fmt:
        return _rdf_response(standards_graph(), "standard-datasets", fmt)
    lang = page_language()
    rows = []
    for std in standard_defs.list_standards():
        rows.append({**std, "name": std["name_ja"] if lang == "ja" else std["name_en"],
                     "other_name": std["name_en"] if lang == "ja" else std["name_ja"],
                     "counts": _column_counts(std["id"])})
    response = Response(tk.render("wards/standards/index.html", {
        "standards": rows, "status_texts": _layout_status_texts(), "layout_titles": _layout_titles()}))
    response.headers["Vary"] = "Accept"
    return response


def _rdf_response(graph, name: str, fmt: str) -> Response:
    serializer, content_type, extension = RDF_FORMATS[fmt]
    return Response(graph.serialize(format=serializer), headers={
        "Access-Control-Allow-Origin": "*", "Vary": "Accept",
        **download.headers(f"{name}.{extension}", content_type, inline=True)})


def _notes(col: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) of what the definition says about a column besides name and type."""
    notes = []
    for key, label in (("description", tk._("Description")), ("english_name", tk._("English name")),
                       ("example", tk._("Example")), ("dcat", tk._("DCAT equivalent"))):
        if col.get(key):
            notes.append((label, str(col[key])))
    if col.get("enum"):
        notes.append((tk._("Values"), "、".join(map(str, col["enum"]))))
    if col.get("aliases"):
        notes.append((tk._("Also read as"), "、".join(col["aliases"])))
    return notes


def standard_page(standard_id: str, fmt: Optional[str] = None):
    std = standard_defs.get_standard(standard_id)
    if std is None:
        return _not_found(standard_id)
    if std["id"] != standard_id:
        # a number, slug or name finds the standard, but its IRI has the id: redirect there
        endpoint = {None: "standard_page", "ttl": "standard_ttl", "jsonld": "standard_jsonld"}[fmt]
        return tk.redirect_to(tk.h.url_for(f"wards_standards.{endpoint}", standard_id=std["id"]))
    fmt = fmt or _negotiated()
    if fmt:
        return _rdf_response(standard_graph(std["id"]), std["id"], fmt)
    lang = page_language()
    type_labels = _type_labels()
    layouts = []
    for name in LAYOUTS:
        layout = std["layouts"].get(name)
        if not layout:
            continue
        columns = [{**col, "type_label": type_labels.get(col["type"], col["type"]), "notes": _notes(col)}
                   for col in layout["columns"]]
        layouts.append({"name": name, "title": _layout_titles()[name], **layout, "columns": columns})
    response = Response(tk.render("wards/standards/read.html", {
        "std": std, "name": std["name_ja"] if lang == "ja" else std["name_en"],
        "iri": standard_uri(std["id"]), "layouts": layouts,
        "current_status": (std["layouts"].get("current") or {}).get("status", "unverified"),
        "status_texts": _layout_status_texts()}))
    response.headers["Vary"] = "Accept"
    return response


def standard_ttl(standard_id: str):
    return standard_page(standard_id, "ttl")


def standard_jsonld(standard_id: str):
    return standard_page(standard_id, "jsonld")


standards_blueprint.add_url_rule("/wards/standards", view_func=index)
standards_blueprint.add_url_rule("/wards/standards.ttl", view_func=lambda: index("ttl"), endpoint="index_ttl")
standards_blueprint.add_url_rule("/wards/standards.jsonld", view_func=lambda: index("jsonld"), endpoint="index_jsonld")
standards_blueprint.add_url_rule("/wards/standards/<standard_id>", view_func=standard_page)
standards_blueprint.add_url_rule("/wards/standards/<standard_id>.ttl", view_func=standard_ttl)
standards_blueprint.add_url_rule("/wards/standards/<standard_id>.jsonld", view_func=standard_jsonld)

"""What the portal's own IRIs resolve to: the metric vocabulary (``/wards/metrics``, RDF by
suffix or content negotiation, the methodology page for browsers), a ward as publisher
(``/wards/lg/<code>``) and a licence without an IRI of its own (``/wards/licences/<id>``).
Each IRI the DCAT profile and the ward report write dereferences here."""
from __future__ import annotations

from typing import Optional

from flask import Blueprint, Response, redirect

import ckan.plugins.toolkit as tk

from ckanext.wards.views import security

vocabulary_blueprint = Blueprint("wards_vocabulary", __name__)
security.protect(vocabulary_blueprint)

# suffix → (rdflib format, media type)
RDF_FORMATS = {"ttl": ("turtle", "text/turtle"), "jsonld": ("json-ld", "application/ld+json"),
               "rdf": ("pretty-xml", "application/rdf+xml"), "nt": ("nt", "application/n-triples")}
_BY_MEDIA_TYPE = {media: suffix for suffix, (_, media) in RDF_FORMATS.items()}


def negotiated(suffix: Optional[str]) -> Optional[str]:
    """The RDF suffix to answer with: the URL's, else the best RDF type the Accept header
    prefers over HTML; None means HTML (a browser)."""
    if suffix is not None:
        return suffix
    accept = tk.request.accept_mimetypes
    best = accept.best_match(list(_BY_MEDIA_TYPE) + ["text/html"], default="text/html")
    return _BY_MEDIA_TYPE.get(best)


def _rdf(graph, suffix: str) -> Response:
    fmt, media = RDF_FORMATS[suffix]
    body = graph.serialize(format=fmt)
    return Response(body, headers={"Content-Type": f"{media}; charset=utf-8", "Vary": "Accept",
                                   "Access-Control-Allow-Origin": "*"})


def _unknown_format(suffix: str):
    return tk.abort(404, tk._("Unknown format: use one of {formats}").format(formats=", ".join(RDF_FORMATS)))


def metrics(suffix: Optional[str] = None):
    """The metric vocabulary; a browser is sent to the methodology page, which explains
    the same metrics in prose (the metric IRIs' fragments are its anchors)."""
    if suffix is not None and suffix not in RDF_FORMATS:
        return _unknown_format(suffix)
    chosen = negotiated(suffix)
    if chosen is None:
        return redirect(tk.url_for("wards_methodology.methodology_page") if _has_methodology()
                        else "/wards/methodology", code=303)
    from ckanext.wards.vocab import metrics as vocabulary
    return _rdf(vocabulary.graph(), chosen)


def _has_methodology() -> bool:
    from flask import current_app
    return "wards_methodology.methodology_page" in current_app.view_functions


def ward(code: str, suffix: Optional[str] = None):
    """A ward as publisher: its description in RDF, else its page on this portal (or its
    own web site when it is no organisation here)."""
    from ckanext.wards.dcat.uris import publisher_uri, spatial_uri
    from ckanext.wards.vocab import organizations
    from ckanext.wards.vocab.wards import lg_code_ok
    if suffix is not None and suffix not in RDF_FORMATS:
        return _unknown_format(suffix)
    if not lg_code_ok(code):
        return tk.abort(404, tk._("{code} is not a valid local government code").format(code=code))
    entry = next((w for w in organizations.local_wards() if w["ward"]["lg_code"] == code), None)
    known = entry["ward"] if entry else organizations.ward_by_code(code)
    if known is None:
        return tk.abort(404, tk._("No ward with the code {code} is known to this portal").format(code=code))
    chosen = negotiated(suffix)
    if chosen is None:
        if entry:
            return redirect(tk.url_for("wards_compare.ward_page", org=entry["org"]["name"]), code=303)
        if known.get("website"):
            return redirect(known["website"], code=303)
        return tk.abort(404, tk._("No ward with the code {code} is known to this portal").format(code=code))
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, FOAF, RDF
    from ckanext.wards.dcat import catalogue
    g = Graph()
    g.bind("foaf", FOAF)
    g.bind("dct", DCTERMS)
    ref = URIRef(publisher_uri(code))
    g.add((ref, RDF.type, FOAF.Organization))
    g.add((ref, DCTERMS.identifier, Literal(code)))
    for lang, key in (("ja", "name_ja"), ("en", "name_en_conventional")):
        if known.get(key):
            g.add((ref, FOAF.name, Literal(known[key], lang=lang)))
    if known.get("website"):
        g.add((ref, FOAF.homepage, URIRef(known["website"])))
    area = spatial_uri(code)
    g.add((ref, DCTERMS.spatial, URIRef(area)))
    catalogue.add_area(g, URIRef(area), known)
    return _rdf(g, chosen)


def licence(licence_id: str):
    """A licence of the schema's vocabulary, for those without an IRI of their own."""
    from ckanext.wards.vocab import licences
    entry = licences.licence(licence_id)
    if entry is None:
        return tk.abort(404, tk._("Unknown licence: {id}").format(id=licence_id))
    lang = "ja" if (tk.h.lang() or "").startswith("ja") else "en"
    return tk.render("wards/vocabulary/licence.html", {
        "licence_id": licence_id, "label": entry["label"].get(lang) or entry["label"]["en"],
        "other_label": entry["label"].get("en" if lang == "ja" else "ja"),
        "is_open": bool(entry.get("open")), "url": entry.get("url") or ""})


vocabulary_blueprint.add_url_rule("/wards/metrics", view_func=metrics)
vocabulary_blueprint.add_url_rule("/wards/metrics.<suffix>", view_func=metrics)
vocabulary_blueprint.add_url_rule("/wards/lg/<code>", view_func=ward)
vocabulary_blueprint.add_url_rule("/wards/lg/<code>.<suffix>", view_func=ward)
vocabulary_blueprint.add_url_rule("/wards/licences/<licence_id>", view_func=licence)

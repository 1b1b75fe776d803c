"""Which profiles a request asks for, and who writes the endpoints' output: for our
profile, ckanext-dcat's serializer with our Turtle and JSON-LD writers.

ckanext-dcat builds one rdflib graph per request and serialises it with rdflib. For
Turtle (``/catalog.ttl``, ``/dataset/<id>.ttl``) that writer costs more than building
the graph (it looks up each IRI's prefix again at every occurrence), and our pages hold
about twice the triples of the stock profile's (measurements, IMI terms); rdflib's JSON-LD
writer (``/catalog.jsonld``) is as slow. The actions in ``logic/dcat.py`` therefore use
``WardsRDFSerializer`` whenever our profile is in effect (``serializer_for``); other
formats, JSON-LD with a context (``/dataset/<id>.jsonld``), any graph our writers cannot
write, and portals that set ``ckanext.wards.dcat.rdf_writers = rdflib`` go to rdflib
unchanged.
"""
from __future__ import annotations

import logging
from typing import Any

import rdflib

import ckan.plugins.toolkit as tk
from ckanext.dcat.processors import RDFSerializer

from ckanext.wards.dcat.writers import jsonld, turtle

log = logging.getLogger(__name__)

WARDS_PROFILE = "wards_dcat_ap_3"  # the entry point of profiles.wards_dcat_ap_3

# Our writer modules (``serialize(graph) -> str``), for calls with the format alone: no
# destination, encoding, base or options such as the JSON-LD context of single datasets.
WRITERS = {"turtle": turtle, "json-ld": jsonld}


class OutputGraph(rdflib.ConjunctiveGraph):
    """ckanext-dcat's graph type; the formats in WRITERS are written by our writers."""

    def serialize(self, destination=None, format="turtle", base=None, encoding=None, **args):
        writer = WRITERS.get(format)
        if writer and destination is None and encoding is None and base is None and not args:
            try:
                return writer.serialize(self)
            except turtle.UnsupportedGraph as err:
                log.debug("rdflib writes this graph: %s", err)
        if format == "pretty-xml":
            # ckanext-dcat's choice for .rdf/.xml. rdflib's plain RDF/XML writer (flat
            # rdf:Description elements) is standard RDF/XML too, and ~3x faster on our pages.
            format = "xml"
        return super().serialize(destination=destination, format=format, base=base,
                                 encoding=encoding, **args)


class WardsRDFSerializer(RDFSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if (tk.config.get("ckanext.wards.dcat.rdf_writers") or "wards") == "wards":
            self.g = OutputGraph()


def profiles_of(data_dict: dict[str, Any]) -> list[str]:
    """The request's ``profiles``, else ``ckanext.dcat.rdf.profiles``."""
    profiles = data_dict.get("profiles")
    if not profiles:
        profiles = (tk.config.get("ckanext.dcat.rdf.profiles") or "").split()
    return list(profiles)


def ours(data_dict: dict[str, Any]) -> bool:
    """Whether our profile is in effect for the request."""
    return WARDS_PROFILE in profiles_of(data_dict)


def stock_profiles_in(data_dict: dict[str, Any]) -> bool:
    """Whether a profile other than ours writes the request's output (alone or beside ours)."""
    return any(name != WARDS_PROFILE for name in profiles_of(data_dict))


def serializer_for(data_dict: dict[str, Any]) -> RDFSerializer:
    """Our serializer when our profile is in effect, ckanext-dcat's otherwise."""
    return (WardsRDFSerializer if ours(data_dict) else RDFSerializer)(profiles=data_dict.get("profiles"))

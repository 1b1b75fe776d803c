"""How the endpoints write our profile's output: ckanext-dcat's serializer, with our
Turtle writer.

ckanext-dcat builds one rdflib graph per request and serialises it with rdflib. For
Turtle (``/catalog.ttl``, ``/dataset/<id>.ttl``) that writer costs more than building
the graph (it looks up each IRI's prefix again at every occurrence), and our pages hold
about twice the triples of the stock profile's (measurements, IMI terms). The actions
in ``logic/dcat.py`` therefore use ``WardsRDFSerializer`` whenever our profile is in
effect; other formats, any graph the writer cannot write, and portals that set
``ckanext.wards.dcat.turtle_writer = rdflib`` go to rdflib unchanged.
"""
from __future__ import annotations

import logging

import rdflib

import ckan.plugins.toolkit as tk
from ckanext.dcat.processors import RDFSerializer

from ckanext.wards import turtle

log = logging.getLogger(__name__)


class OutputGraph(rdflib.ConjunctiveGraph):
    """ckanext-dcat's graph type; Turtle without a destination is written by our writer."""

    def serialize(self, destination=None, format="turtle", base=None, encoding=None, **args):
        if destination is None and encoding is None and base is None and format == "turtle" and not args:
            try:
                return turtle.serialize(self)
            except turtle.UnsupportedGraph as err:
                log.debug("rdflib writes this graph: %s", err)
        return super().serialize(destination=destination, format=format, base=base,
                                 encoding=encoding, **args)


class WardsRDFSerializer(RDFSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if (tk.config.get("ckanext.wards.dcat.turtle_writer") or "wards") == "wards":
            self.g = OutputGraph()

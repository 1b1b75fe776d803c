"""The RDF description of one standard dataset (自治体標準オープンデータセット), served at
its IRI (``uris.standard_uri``) by ``views/standards.py``.

The IRI is a ``dct:Standard`` (the range of ``dct:conformsTo`` in DCAT-AP) with its ja/en
names and the Digital Agency's page as ``dct:source`` and ``rdfs:seeAlso``. Its column
layouts are CSVW table schemas (``csvw:tableSchema``), columns in their order, so a client can
compare a file's header without reading our YAML.
"""
from __future__ import annotations

from typing import Any

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS

from ckanext.wards.conformance import standards as standard_defs
from ckanext.wards.dcat.uris import standard_uri

CSVW = Namespace("http://www.w3.org/ns/csvw#")
# Our column types as XML Schema datatypes (the rest are strings with a pattern we check).
_DATATYPES = {"number": XSD.decimal, "latitude": XSD.decimal, "longitude": XSD.decimal,
              "date": XSD.date, "time": XSD.time, "uri": XSD.anyURI}
LAYOUTS = ("current", "legacy")  # the 正式版 first, then the 推奨データセット 基本編 layout


def standard_graph(standard_id: str) -> Graph:
    """The standard's description; ``KeyError`` when the id is unknown."""
    std = standard_defs.get_standard(standard_id)
    if std is None:
        raise KeyError(standard_id)
    g = _graph()
    ref = _describe(g, std)
    for name in LAYOUTS:
        layout = std["layouts"].get(name)
        if layout:
            _add_layout(g, ref, name, layout)
            if layout.get("description"):
                g.add((ref, DCTERMS.description, Literal(layout["description"], lang="ja")))
    return g


def standards_graph() -> Graph:
    """Every standard, named and linked to its source, without the columns (those are on
    each standard's own IRI)."""
    g = _graph()
    for std in standard_defs.list_standards():
        _describe(g, std)
    return g


def _graph() -> Graph:
    g = Graph()
    g.bind("dct", DCTERMS)
    g.bind("csvw", CSVW)
    return g


def _describe(g: Graph, std: dict[str, Any]) -> URIRef:
    ref = URIRef(standard_uri(std["id"]))
    g.add((ref, RDF.type, DCTERMS.Standard))
    g.add((ref, DCTERMS.identifier, Literal(std["id"])))
    g.add((ref, DCTERMS.title, Literal(std["name_ja"], lang="ja")))
    g.add((ref, DCTERMS.title, Literal(std["name_en"], lang="en")))
    if std.get("source"):
        g.add((ref, DCTERMS.source, URIRef(std["source"])))
        g.add((ref, RDFS.seeAlso, URIRef(std["source"])))
    return ref


def _add_layout(g: Graph, ref: URIRef, name: str, layout: dict[str, Any]) -> None:
    schema = BNode()
    g.add((ref, CSVW.tableSchema, schema))
    g.add((schema, RDF.type, CSVW.Schema))
    g.add((schema, RDFS.label, Literal(f"{name} ({layout['status']})")))
    if layout.get("note"):
        g.add((schema, RDFS.comment, Literal(layout["note"])))
    nodes = []
    for col in layout["columns"]:
        node = BNode()
        nodes.append(node)
        g.add((node, RDF.type, CSVW.Column))
        g.add((node, CSVW.name, Literal(col["name"])))
        g.add((node, CSVW.title, Literal(col["name"], lang="ja")))
        g.add((node, CSVW.datatype, _DATATYPES.get(col["type"], XSD.string)))
        if col.get("required") is not None:  # None: the definition does not say
            g.add((node, CSVW.required, Literal(bool(col["required"]))))
        if col.get("description"):
            g.add((node, DCTERMS.description, Literal(col["description"], lang="ja")))
    head = BNode()  # csvw:column is an ordered list
    Collection(g, head, nodes)
    g.add((schema, CSVW.column, head))

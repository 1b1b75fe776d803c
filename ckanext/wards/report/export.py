"""A ward report as files: JSON, CSV (one row per measurement, long form) and W3C DQV
Turtle (one ``dqv:QualityMeasurement`` per metric on the ward's ``dcat:Catalog``)."""
from __future__ import annotations

import json
from typing import Any

from ckanext.wards.lib import csvout
from ckanext.wards.report import measurements as report_measurements
from ckanext.wards.report.measurements import DQV_NS, METRIC_NS, metric_spec

CSV_COLUMNS = ("ward_code", "ward_name_ja", "ward_name_en", "computed_at", "schema_version",
               "metric", "metric_uri", "numerator", "denominator", "value")


def to_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2)


def to_csv(doc: dict[str, Any]) -> str:
    """One row per measurement (long form): every share keeps numerator and denominator."""
    w = doc["ward"]
    return csvout.write(CSV_COLUMNS, ([w["code"], w["name_ja"], w["name_en"], doc["computed_at"],
                                       doc["schema_version"], m["metric"], METRIC_NS + m["metric"],
                                       m["numerator"], m["denominator"], m["value"]]
                                      for m in report_measurements.measurements(doc)))


def metric_graph():
    """The metric and dimension definitions as DQV (dqv:Metric, dqv:Dimension)."""
    from rdflib import RDF, SKOS, Graph, Literal, Namespace
    from rdflib.namespace import XSD

    DQV = Namespace(DQV_NS)
    WM = Namespace(metric_spec()["namespace"])
    g = Graph()
    g.bind("dqv", DQV)
    g.bind("skos", SKOS)
    g.bind("wm", WM)
    for dim in metric_spec()["dimensions"]:
        node = WM[dim["id"]]
        g.add((node, RDF.type, DQV.Dimension))
        for lang, text in dim["label"].items():
            g.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
    for prop, text in (("numerator", "numerator of a share"), ("denominator", "denominator of a share")):
        g.add((WM[prop], RDF.type, RDF.Property))
        g.add((WM[prop], SKOS.definition, Literal(text, lang="en")))
    for m in metric_spec()["metrics"]:
        node = WM[m["id"]]
        g.add((node, RDF.type, DQV.Metric))
        g.add((node, DQV.inDimension, WM[m["dimension"]]))
        g.add((node, DQV.expectedDataType, XSD.integer if m["kind"] == "count" else XSD.decimal))
        for lang, text in m["label"].items():
            g.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
    return g


def to_turtle(doc: dict[str, Any]) -> str:
    """The report as W3C DQV: one dqv:QualityMeasurement per metric, computed on the
    ward's catalogue; shares carry wm:numerator and wm:denominator next to dqv:value."""
    from rdflib import RDF, BNode, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, XSD

    DQV = Namespace(DQV_NS)
    WM = Namespace(METRIC_NS)
    g = metric_graph()
    g.bind("dcat", DCAT)
    g.bind("dct", DCTERMS)
    g.bind("prov", PROV)
    g.bind("foaf", FOAF)
    catalog = URIRef(doc["portal_url"] + ("#catalog-" + doc["ward"].get("organization", doc["ward"]["code"])))
    publisher = URIRef(f"https://w3id.org/ckanext-wards/lg/{doc['ward']['code']}")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, FOAF.homepage, URIRef(doc["portal_url"])))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, DCTERMS.identifier, Literal(doc["ward"]["code"])))
    g.add((publisher, FOAF.name, Literal(doc["ward"]["name_ja"], lang="ja")))
    g.add((publisher, FOAF.name, Literal(doc["ward"]["name_en"], lang="en")))
    when = Literal(doc["computed_at"], datatype=XSD.dateTime)
    for m in report_measurements.measurements(doc):
        node = BNode()
        g.add((catalog, DQV.hasQualityMeasurement, node))
        g.add((node, RDF.type, DQV.QualityMeasurement))
        g.add((node, DQV.computedOn, catalog))
        g.add((node, DQV.isMeasurementOf, WM[m["metric"]]))
        g.add((node, PROV.generatedAtTime, when))
        if m["kind"] == "count":
            g.add((node, DQV.value, Literal(int(m["value"]), datatype=XSD.integer)))
        else:
            if m["value"] is not None:
                g.add((node, DQV.value, Literal(str(m["value"]), datatype=XSD.decimal)))
            if m["kind"] == "share":
                g.add((node, WM.numerator, Literal(m["numerator"], datatype=XSD.integer)))
                g.add((node, WM.denominator, Literal(m["denominator"], datatype=XSD.integer)))
    return g.serialize(format="turtle")

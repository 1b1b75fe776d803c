"""A ward report as files: JSON, CSV (one row per measurement, long form) and W3C DQV
Turtle (one ``dqv:QualityMeasurement`` per metric on the ward's ``dcat:Catalog``)."""
from __future__ import annotations

import json
from typing import Any

from ckanext.wards.lib import csvout
from ckanext.wards.report import measurements as report_measurements
from ckanext.wards.report.measurements import DQV_NS
from ckanext.wards.vocab import metrics

CSV_COLUMNS = ("ward_code", "ward_name_ja", "ward_name_en", "computed_at", "schema_version",
               "metric", "metric_uri", "numerator", "denominator", "value")


def to_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2)


def to_csv(doc: dict[str, Any]) -> str:
    """One row per measurement (long form): every share keeps numerator and denominator."""
    w = doc["ward"]
    return csvout.write(CSV_COLUMNS, ([w["code"], w["name_ja"], w["name_en"], doc["computed_at"],
                                       doc["schema_version"], m["metric"], str(metrics.metric_uri(m["metric"])),
                                       m["numerator"], m["denominator"], m["value"]]
                                      for m in report_measurements.measurements(doc)))


def to_turtle(doc: dict[str, Any]) -> str:
    """The report as W3C DQV: one dqv:QualityMeasurement per metric, computed on the
    ward's catalogue; shares carry wm:numerator and wm:denominator next to dqv:value."""
    from rdflib import RDF, BNode, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, XSD

    from ckanext.wards.dcat.uris import publisher_uri
    DQV = Namespace(DQV_NS)
    WM = Namespace(metrics.namespace())
    g = metrics.graph(parts=("report",))
    g.bind("dcat", DCAT)
    g.bind("dct", DCTERMS)
    g.bind("prov", PROV)
    g.bind("foaf", FOAF)
    catalog = URIRef(doc["portal_url"] + ("#catalog-" + doc["ward"].get("organization", doc["ward"]["code"])))
    # the ward's IRI only from a valid 全国地方公共団体コード (a peer's report may carry any text)
    publisher_iri = publisher_uri(doc["ward"]["code"])
    publisher = URIRef(publisher_iri) if publisher_iri else BNode()
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

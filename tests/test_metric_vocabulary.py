"""The metric vocabulary (``vocab.metrics``) without the stack: every metric the portal
publishes a value of is defined, with ja/en labels and definitions, a datatype and a link to
its definition on the methodology page; piveau's metrics keep their IRIs and types."""
from __future__ import annotations

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from ckanext.wards.dcat.uris import spec as profile
from ckanext.wards.report.measurements import metric_spec
from ckanext.wards.scoring import spec as scoring_spec
from ckanext.wards.vocab import metrics

DQV = Namespace("http://www.w3.org/ns/dqv#")
BASE = "https://portal.example.jp"


@pytest.fixture(scope="module")
def graph():
    return metrics.graph(base=BASE)


def _published_ids():
    yield from (m["id"] for m in scoring_spec.metrics())
    yield from (e["metric"] for e in profile()["dataset_totals"] + profile()["distribution_figures"])
    yield from (m["id"] for m in metric_spec()["metrics"])


def test_every_published_metric_is_defined_with_texts_datatype_and_methodology_link(graph):
    for metric_id in _published_ids():
        node = metrics.metric_uri(metric_id, BASE)
        assert (node, RDF.type, DQV.Metric) in graph, metric_id
        assert graph.value(node, DQV.expectedDataType) is not None, metric_id
        assert {lit.language for lit in graph.objects(node, SKOS.prefLabel)} >= {"ja", "en"}, metric_id
        if not metrics.is_piveau(metric_id):
            assert {lit.language for lit in graph.objects(node, SKOS.definition)} >= {"ja", "en"}, metric_id
            assert graph.value(node, DQV.inDimension) is not None, metric_id
        seealso = [str(o) for o in graph.objects(node, RDFS.seeAlso)]
        assert any(u.startswith(f"{BASE}/wards/methodology#") for u in seealso), metric_id


def test_our_metrics_live_under_the_portal_and_piveaus_keep_their_iris():
    assert metrics.metric_uri("wq:mqaPoints", BASE) == URIRef(f"{BASE}/wards/metrics#mqaPoints")
    assert metrics.metric_uri("csvShare", BASE) == URIRef(f"{BASE}/wards/metrics#csvShare")
    assert metrics.metric_uri("pv:knownLicence", BASE) == URIRef("https://piveau.eu/ns/voc#knownLicence")


def test_piveaus_metrics_are_booleans_but_the_status_codes(graph):
    for m in scoring_spec.metrics():
        if not metrics.is_piveau(m["id"]):
            continue
        expected = XSD.integer if m["id"].endswith("StatusCode") else XSD.boolean
        node = metrics.metric_uri(m["id"], BASE)
        assert graph.value(node, DQV.expectedDataType) == expected, m["id"]
        assert graph.value(node, metrics.metric_uri(metrics.MAX_POINTS, BASE)) == Literal(m["points"], datatype=XSD.integer)


def test_values_are_typed_as_their_metric_expects():
    assert metrics.typed_value("pv:keywordAvailability", 1) == Literal(True, datatype=XSD.boolean)
    assert metrics.typed_value("pv:accessUrlStatusCode", 404) == Literal(404, datatype=XSD.integer)
    assert metrics.typed_value("wq:mqaPoints", 215) == Literal(215, datatype=XSD.integer)
    assert metrics.typed_value("wq:mqaAssessedShare", 0.5).datatype == XSD.double
    assert metrics.typed_value("wq:mqaRating", "good") == Literal("good", datatype=XSD.string)
    assert metrics.typed_value("csvShare", 0.25).datatype == XSD.decimal


def test_dimensions_and_not_assessed_reasons_are_defined(graph):
    for dim_id in scoring_spec.spec()["dimensions"]:
        assert (metrics.metric_uri(dim_id, BASE), RDF.type, DQV.Dimension) in graph
    for dim in metric_spec()["dimensions"]:
        assert (metrics.metric_uri(dim["id"], BASE), RDF.type, DQV.Dimension) in graph
    for reason in scoring_spec.spec()["not_assessed_reasons"]:
        node = metrics.metric_uri(f"wq:notAssessed-{reason}", BASE)
        assert (node, RDF.type, SKOS.Concept) in graph

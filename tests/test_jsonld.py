"""The fast JSON-LD writer (ckanext.wards.dcat.writers.jsonld): its output parses back with rdflib to a graph
isomorphic to the input, is the document rdflib's own writer gives (up to order and blank
node labels) laid out as json.dumps(indent=2) lays it out, and is deterministic; and which
writer dcat.serializer's OutputGraph uses. No CKAN stack; random graphs come from the
strategies of test_turtle. Its speed is measured by benchmarks/bench_turtle.py, not here.
"""
from __future__ import annotations

import json
import warnings

import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS as DCT, RDF, XSD

from ckanext.wards.dcat.serializer import OutputGraph
from ckanext.wards.dcat.writers import jsonld
from ckanext.wards.dcat.writers.turtle import UnsupportedGraph
from tests.test_turtle import (
    EX, JP, ROUND_TRIP, UNSUPPORTED_TRIPLES, VCARD, blank_nodes, comparable, dcat_sample, iris,
    literals, new_graph, random_graph, triples,
)


def as_json(text: str) -> str:
    """The text json.dumps gives for the document: rdflib's layout."""
    return json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False)


def assert_round_trips(graph: rdflib.Graph) -> str:
    text = jsonld.serialize(graph)
    assert text == as_json(text)
    parsed = rdflib.Graph().parse(data=text, format="json-ld")
    assert len(parsed) == len(set(graph.triples((None, None, None)))), text
    assert isomorphic(comparable(graph), comparable(parsed)), text
    return text


def without_spaces_in_ids(triple: tuple) -> tuple:
    """rdflib's parser reads an "@id" with a space as a new blank node, so the writer refuses
    such IRIs as subjects and objects (tested below); as predicates and datatypes they stay."""
    def term(node):
        return URIRef(node.replace(" ", "%20")) if isinstance(node, URIRef) else node
    s, p, o = triple
    return term(s), p, term(o)


def jsonld_sample() -> rdflib.Graph:
    """test_turtle's miniature catalogue page without its IRI with a space, and the cases
    JSON-LD writes in its own way."""
    g = dcat_sample()
    g.remove((None, DCAT.landingPage, None))
    dataset = JP["千代田区-aed"]
    for p, o in [
        (DCAT.landingPage, URIRef("https://example.jp/a<b>{c}|d^e`f\\g\"h")),
        (EX.ratio, Literal(0.37)),  # a JSON number
        (EX.ratio, Literal(1e20)),
        (EX.ratio, Literal(float("inf"))),  # no JSON number: a string
        (EX.list, RDF.nil),
        (RDF.type, Literal("not an IRI")),
        (RDF.type, BNode()),
        (DCT.title, Literal("区", lang="ja-JP")),
    ]:
        g.add((dataset, p, o))
    return g


def test_sample_round_trips():
    assert_round_trips(jsonld_sample())


def small_page() -> rdflib.Graph:
    g = new_graph()
    dataset = EX.dataset
    empty, temporal, contact = BNode("b0"), BNode("b1"), BNode("b2")  # the labels ours gives them
    for s, p, o in [
        (dataset, RDF.type, DCAT.Dataset),
        (dataset, RDF.type, EX.Thing),
        (dataset, DCT.title, Literal("AED設置箇所", lang="ja")),
        (dataset, DCT.title, Literal("AED locations", lang="en")),
        (dataset, DCT.identifier, Literal("131016-aed", datatype=XSD.string)),
        (dataset, EX.note, Literal('plain "quoted"\n')),
        (dataset, DCT.issued, Literal("2024-04-01", datatype=XSD.date)),
        (dataset, EX.size, Literal(42)),
        (dataset, EX.flag, Literal(False)),
        (dataset, EX.ratio, Literal(0.5)),
        (dataset, EX.decimal, Literal("1.50", datatype=XSD.decimal)),
        (dataset, DCAT.theme, EX.theme),
        (dataset, EX.list, RDF.nil),
        (dataset, DCAT.contactPoint, contact),
        (contact, RDF.type, VCARD.Kind),
        (contact, VCARD.fn, Literal("防災課", lang="ja")),
        (dataset, DCT.temporal, temporal),
        (temporal, DCAT.startDate, Literal("2024-04-01", datatype=XSD.date)),
        (dataset, EX.empty, empty),
    ]:
        g.add((s, p, o))
    return g


def test_output_is_what_rdflib_writes_sorted():
    g = small_page()
    ours = jsonld.serialize(g)
    theirs = g.serialize(format="json-ld")
    assert ours == as_json(ours) and theirs == as_json(theirs)

    def sorted_document(text: str) -> list:
        nodes = [{key: sorted(values, key=json.dumps) if isinstance(values, list) else values
                  for key, values in node.items()} for node in json.loads(text)]
        return sorted(nodes, key=lambda node: node["@id"])

    assert sorted_document(ours) == sorted_document(theirs)
    assert ours.startswith('[\n  {\n    "@id": "http://example.org/ns#dataset",\n    "@type": [\n'
                           '      "http://example.org/ns#Thing",\n')
    assert ('"http://purl.org/dc/terms/title": [\n      {\n        "@language": "en",\n'
            '        "@value": "AED locations"\n      },\n') in ours
    assert '"@value": 42\n' in ours and '"@value": false\n' in ours and '"@value": 0.5\n' in ours
    assert '},\n  {\n    "@id": "_:b0"\n  },\n  {\n    "@id": "_:b1",\n' in ours


def test_numbers_and_booleans_only_where_rdflib_reads_them_back_the_same():
    """rdflib's parser reads a JSON number or boolean as the Python value's canonical form:
    other lexical forms (which rdflib's own parsers normalise away, but other RDF tools
    keep) stay strings."""
    g = jsonld_sample()
    for literal in [Literal("1.0E0", datatype=XSD.double, normalize=False),
                    Literal("+01", datatype=XSD.integer, normalize=False),
                    Literal("1", datatype=XSD.boolean, normalize=False)]:
        g.add((EX.other, EX.value, literal))
    document = json.loads(jsonld.serialize(g))
    values = [value["@value"] for node in document for key, values in node.items()
              if key.startswith(str(EX)) for value in values if "@value" in value]
    assert {42, -7, True, False, 0.37, 1e20} <= set(values)
    assert {"abc", "inf", "0.5", "1.0E0", "+01", "1"} <= set(values)
    assert not {1.0, 1} & {value for value in values if not isinstance(value, bool)}


def test_type_holds_iris_and_blank_nodes_and_literals_stay_under_rdf_type():
    node = json.loads(jsonld.serialize(jsonld_sample()))[0]
    assert node["@type"][0].startswith("_:b") and node["@type"][1:] == [str(DCAT.Dataset)]
    assert node[str(RDF.type)] == [{"@value": "not an IRI"}]


def test_same_graph_with_other_blank_node_ids_gives_the_same_text():
    assert jsonld.serialize(jsonld_sample()) == jsonld.serialize(jsonld_sample())


def test_identical_blank_nodes_of_different_datasets_get_the_same_labels_each_time():
    """A catalogue page has the same contact point (with its address) and measurements in
    many datasets: their labels follow the datasets, so equal pages are equal text (caches,
    ETags) whatever ids rdflib gave the nodes."""
    def page() -> rdflib.Graph:
        g = new_graph()
        for n in range(5):
            contact, address = BNode(), BNode()
            g.add((JP[f"dataset-{n}"], DCAT.contactPoint, contact))
            g.add((contact, VCARD.fn, Literal("防災課", lang="ja")))
            g.add((contact, VCARD.hasAddress, address))
            g.add((address, VCARD.locality, Literal("千代田区", lang="ja")))
            for _ in range(2):
                measurement = BNode()
                g.add((JP[f"dataset-{n}"], EX.measurement, measurement))
                g.add((measurement, EX.value, Literal(1.0)))
        return g
    text = jsonld.serialize(page())
    assert text == jsonld.serialize(page())
    nodes = {node["@id"]: node for node in json.loads(text)}
    # The first dataset's measurements are _:b0 and _:b1, then its contact and address.
    assert nodes[str(JP["dataset-0"])][str(DCAT.contactPoint)] == [{"@id": "_:b2"}]
    assert nodes["_:b2"][str(VCARD.hasAddress)] == [{"@id": "_:b3"}]


def test_empty_graph_is_an_empty_array():
    assert jsonld.serialize(new_graph()) == "[]" == new_graph().serialize(format="json-ld")


def conjunctive_graph() -> rdflib.ConjunctiveGraph:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return rdflib.ConjunctiveGraph()


def test_conjunctive_graph_writes_its_default_graph():
    g = conjunctive_graph()
    g.add((JP.a, RDF.type, DCAT.Dataset))
    g.get_context(BNode()).add((JP.b, RDF.type, DCAT.Dataset))  # unnamed: rdflib merges it too
    assert [node["@id"] for node in json.loads(jsonld.serialize(g))] == [str(JP.a), str(JP.b)]


def named_graph() -> rdflib.Graph:
    g = conjunctive_graph()
    g.get_context(URIRef("urn:x-context:1")).add((JP.a, RDF.type, DCAT.Dataset))
    return g


def rdf_list() -> rdflib.Graph:
    g = new_graph()
    rdflib.collection.Collection(g, BNode(), [Literal(1), Literal(2)])
    g.add((JP.a, EX.list, next(g.subjects(RDF.first, Literal(1)))))
    return g


@pytest.mark.parametrize("graph", [
    *(random_graph([triple]) for triple in UNSUPPORTED_TRIPLES.values()),
    random_graph([(EX["a b"], EX.p, EX.o)]),
    random_graph([(EX.s, EX.p, EX["a b"])]),
    random_graph([(EX.s, RDF.type, EX["a b"])]),
    rdf_list(),
    named_graph(),
], ids=[*UNSUPPORTED_TRIPLES, "space in subject", "space in object", "space in type", "rdf:List",
        "named graph"])
def test_unsupported_graphs_raise_unsupported_graph(graph):
    with pytest.raises(UnsupportedGraph):
        jsonld.serialize(graph)


def test_spaces_in_predicates_and_datatypes_are_written():
    assert_round_trips(random_graph([(EX.s, EX["a b"], Literal("x", datatype=EX["odd type"]))]))


# --- who writes ckanext-dcat's output -------------------------------------------------------

def test_output_graph_writes_plain_json_ld_and_leaves_contexts_to_rdflib():
    g = OutputGraph()
    g += jsonld_sample()
    assert g.serialize(format="json-ld") == jsonld.serialize(g)
    compacted = json.loads(g.serialize(format="json-ld", auto_compact=True, context=None))
    assert "@context" in compacted  # what ckanext-dcat asks for single datasets: rdflib's


def test_output_graph_writes_pretty_xml_as_plain_rdf_xml():
    g = OutputGraph()
    g += small_page()
    text = g.serialize(format="pretty-xml")
    assert text == rdflib.ConjunctiveGraph.serialize(g, format="xml")
    assert text != rdflib.ConjunctiveGraph.serialize(g, format="pretty-xml")
    assert isomorphic(g, rdflib.Graph().parse(data=text, format="xml"))


# --- random graphs ----------------------------------------------------------------------

random_triple_lists = st.one_of(
    st.lists(triples.map(without_spaces_in_ids), max_size=25),
    st.lists(st.tuples(blank_nodes, iris, st.one_of(blank_nodes, literals)).map(without_spaces_in_ids),
             max_size=15),  # blank nodes only: shared, in cycles
)


@settings(ROUND_TRIP, max_examples=2 * ROUND_TRIP.max_examples)
@given(random_triple_lists)
def test_random_graphs_round_trip_and_come_out_the_same_whatever_the_order_of_the_triples(triple_list):
    text = assert_round_trips(random_graph(triple_list))
    assert jsonld.serialize(random_graph(reversed(triple_list))) == text

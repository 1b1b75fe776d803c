"""The fast Turtle writer (ckanext.wards.dcat.writers.turtle): its output parses back with rdflib to a graph
isomorphic to the input, is deterministic, and reads like Turtle (prefixes, ``a``, inline
blank nodes). Plain Python and rdflib, no CKAN stack. Its speed is measured by
benchmarks/bench_turtle.py, not here.
"""
from __future__ import annotations

import warnings

import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, Namespace, URIRef, Variable
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS as DCT, RDF, XSD

from ckanext.wards.dcat.writers import turtle
from tests.hypothesis_profiles import examples

ROUND_TRIP = settings(max_examples=examples(300), deadline=2000, suppress_health_check=[HealthCheck.too_slow])

EX = Namespace("http://example.org/ns#")
JP = Namespace("https://example.jp/区/")
ODD = Namespace("urn:x-odd:")  # a namespace not ending in '/' or '#'
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
NAMESPACES = {"ex": EX, "jp": JP, "odd": ODD, "dcat": DCAT, "dct": DCT, "vcard": VCARD}
# Characters IRIREF forbids, characters PN_LOCAL needs escapes for, and ones it takes as is.
ODD_CHARACTERS = '<> "{}|^`\\\x00\x1f%/#:.~!$&\'()*+,;=?@'
NAME_CHARACTERS = "abcXYZ019_-・東京都千代田区、ａ\u00b7\u0300"


def new_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for prefix, namespace in NAMESPACES.items():
        graph.bind(prefix, namespace)
    return graph


def parse(text: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format="turtle")


def comparable(graph: rdflib.Graph) -> rdflib.Graph:
    """rdflib.compare hashes terms through n3(), which refuses IRIs with spaces or '<': rename
    every IRI (datatypes too) the same one-to-one way, which keeps (non-)isomorphism."""
    def rename(iri: URIRef) -> URIRef:
        return URIRef("urn:hex:" + iri.encode("utf-8").hex())

    def term(node):
        if isinstance(node, URIRef):
            return rename(node)
        if isinstance(node, Literal) and node.datatype is not None:
            return Literal(str(node), datatype=rename(node.datatype))
        return node

    renamed = rdflib.Graph()
    for s, p, o in graph.triples((None, None, None)):
        renamed.add((term(s), term(p), term(o)))
    return renamed


def assert_round_trips(graph: rdflib.Graph) -> str:
    text = turtle.serialize(graph)
    parsed = parse(text)
    assert len(parsed) == len(set(graph.triples((None, None, None)))), text
    assert isomorphic(comparable(graph), comparable(parsed)), text
    return text


def dcat_sample() -> rdflib.Graph:
    """A catalogue page in miniature, with every case the writer handles specially."""
    g = new_graph()
    dataset = JP["千代田区-aed"]
    for p, o in [
        (RDF.type, DCAT.Dataset),
        (DCT.title, Literal("AED設置箇所一覧", lang="ja")),
        (DCT.title, Literal('AED "locations"', lang="en")),
        (DCT.description, Literal('区内のAED。\n"引用"と\\バックスラッシュ\tタブ\r\x01\x7f', lang="ja")),
        (DCT.issued, Literal("2024-04-01", datatype=XSD.date)),
        (DCT.identifier, Literal("131016-aed", datatype=XSD.string)),
        (EX.size, Literal(42)),
        (EX.size, Literal(-7)),
        (EX.size, Literal("abc", datatype=XSD.integer)),  # ill-typed: must stay a typed string
        (EX.flag, Literal(True)),
        (EX.flag, Literal(False)),
        (EX.ratio, Literal("0.5", datatype=XSD.decimal)),
        (EX.custom, Literal("x", datatype=URIRef("http://example.org/types#odd type"))),
        (DCAT.landingPage, URIRef("https://example.jp/a b<c>{d}|e^f`g\\h\"i")),
        (DCAT.theme, EX["a/b"]),  # local names that are no prefixed name
        (DCAT.theme, EX["ends."]),
        (DCAT.theme, EX["%E6%9D%B1"]),
        (DCAT.theme, EX["x:y"]),
        (DCAT.theme, URIRef(EX)),  # the namespace itself: "ex:"
        (DCAT.theme, ODD["theme-1"]),
        (DCAT.keyword, Literal("防災", lang="ja")),
    ]:
        g.add((dataset, p, o))

    contact, temporal = BNode(), BNode()
    g.add((dataset, DCAT.contactPoint, contact))
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, VCARD.fn, Literal("千代田区 防災課", lang="ja")))
    g.add((contact, EX.period, temporal))  # nested two deep
    g.add((temporal, DCAT.startDate, Literal("2024-04-01", datatype=XSD.date)))
    g.add((dataset, EX.empty, BNode()))  # no properties: []

    shared = BNode()  # used twice: labelled
    g.add((dataset, DCT.publisher, shared))
    g.add((JP["港区-aed"], DCT.publisher, shared))
    g.add((shared, VCARD.fn, Literal("東京都", lang="ja")))

    one, two = BNode(), BNode()  # used once each, but only by each other
    g.add((one, EX.next, two))
    g.add((two, EX.next, one))
    g.add((one, EX.name, Literal("one")))
    g.add((two, EX.name, Literal("two")))

    unreferenced = BNode()
    g.add((unreferenced, EX.name, Literal("nobody points here")))
    return g


def test_dcat_sample_round_trips():
    assert_round_trips(dcat_sample())


def test_output_is_turtle_with_prefixes_and_groups():
    text = turtle.serialize(dcat_sample())
    assert text.startswith("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n")
    assert "@prefix jp: <https://example.jp/区/> ." in text
    assert "@prefix rdf:" not in text  # bound but unused
    assert "jp:千代田区-aed a dcat:Dataset ;" in text
    assert '"AED設置箇所一覧"@ja' in text  # Japanese as is
    assert r'"区内のAED。\n\"引用\"と\\バックスラッシュ\tタブ\r\u0001\u007F"@ja' in text
    assert "ex:size \"abc\"^^xsd:integer, -7, 42 ;" in text
    assert "ex:flag false, true ;" in text
    assert r"<https://example.jp/a\u0020b\u003Cc\u003E\u007Bd\u007D\u007Ce\u005Ef\u0060g\u005Ch\u0022i>" in text
    for iri in ("http://example.org/ns#a/b", "http://example.org/ns#ends.", "http://example.org/ns#%E6%9D%B1",
                "http://example.org/ns#x:y"):
        assert f"<{iri}>" in text
    assert "        ex:,\n        odd:theme-1 ." in text
    assert "dcat:contactPoint [ a vcard:Kind ;" in text
    assert "ex:empty [] ;" in text


def test_blank_nodes_used_once_are_inline_and_others_labelled():
    text = turtle.serialize(dcat_sample())
    labels = {word.rstrip(".,;") for word in text.split() if word.startswith("_:")}
    # the shared publisher, the unreferenced node and one node of the cycle
    assert labels == {"_:b0", "_:b1", "_:b2"}
    assert text.count("[ ex:name") == 1  # the other node of the cycle, inline in its partner
    assert ('dcat:contactPoint [ a vcard:Kind ;\n'
            '            ex:period [ dcat:startDate "2024-04-01"^^xsd:date ] ;') in text


def test_blank_nodes_that_read_alike_are_all_kept():
    """Found by hypothesis: two empty (or equal) blank nodes of one subject were written once."""
    g = rdflib.Graph()
    subject, p, q = URIRef("http://example.com/s"), URIRef("http://example.com/p"), URIRef("http://example.com/q")
    g.add((subject, p, BNode()))
    g.add((subject, p, BNode()))
    for _ in range(2):
        node = BNode()
        g.add((subject, q, node))
        g.add((node, p, Literal("same")))
    text = assert_round_trips(g)
    assert text.count("[]") == 2 and text.count('[ <http://example.com/p> "same" ]') == 2


def test_cycle_of_blank_nodes_used_once_is_cut_and_kept():
    g = new_graph()
    a, b, c, tail = BNode(), BNode(), BNode(), BNode()
    g.add((a, EX.next, b))
    g.add((b, EX.next, c))
    g.add((c, EX.next, a))
    g.add((c, EX.tail, tail))  # hangs off the cycle
    g.add((tail, EX.name, Literal("tail")))
    loop = BNode()
    g.add((loop, EX.self, loop))  # a cycle of one
    text = assert_round_trips(g)
    assert text.count("_:b0") == 2 and text.count("_:b1") == 2 and "_:b2" not in text
    assert '[ ex:name "tail" ]' in text


def test_blank_node_chains_deeper_than_the_inline_limit_get_labels():
    g = new_graph()
    node = JP["list"]
    for n in range(3 * turtle._MAX_INLINE_DEPTH):  # a long rdf:List-like chain
        child = BNode()
        g.add((node, EX.next, child))
        g.add((child, EX.value, Literal(n)))
        node = child
    text = assert_round_trips(g)
    assert "_:b0" in text and "_:b1" in text


def test_same_graph_with_other_blank_node_ids_gives_the_same_text():
    assert turtle.serialize(dcat_sample()) == turtle.serialize(dcat_sample())


def test_conjunctive_graph_writes_the_triples_of_all_contexts():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        g = rdflib.ConjunctiveGraph()
    g.bind("dcat", DCAT)
    g.bind("jp", JP)
    g.add((JP.a, RDF.type, DCAT.Dataset))
    g.get_context(URIRef("urn:x-context:1")).add((JP.b, RDF.type, DCAT.Dataset))
    text = turtle.serialize(g)
    assert "jp:a a dcat:Dataset ." in text and "jp:b a dcat:Dataset ." in text
    assert len(parse(text)) == 2


UNSUPPORTED_TRIPLES = {
    "literal predicate": (EX.s, Literal("p"), EX.o),
    "literal subject": (Literal("s"), EX.p, EX.o),
    "blank node predicate": (EX.s, BNode(), EX.o),
    "variable": (EX.s, EX.p, Variable("x")),
    "relative IRI": (EX.s, EX.p, URIRef("relative/iri")),
    "relative datatype": (EX.s, EX.p, Literal("x", datatype=URIRef("relative"))),
}


@pytest.mark.parametrize("triple", UNSUPPORTED_TRIPLES.values(), ids=UNSUPPORTED_TRIPLES.keys())
def test_unsupported_terms_raise_unsupported_graph(triple):
    g = new_graph()
    g.add(triple)
    with pytest.raises(turtle.UnsupportedGraph):
        turtle.serialize(g)


def test_empty_graph_is_empty_text():
    assert turtle.serialize(new_graph()) == ""


# --- random graphs ----------------------------------------------------------------------

local_names = st.text(alphabet=st.sampled_from(list(NAME_CHARACTERS + ODD_CHARACTERS)), max_size=8)
iris = st.one_of(
    st.builds(lambda namespace, local: URIRef(namespace + local),
              st.sampled_from([str(namespace) for namespace in NAMESPACES.values()]), local_names),
    st.builds(lambda path: URIRef("http://example.com/" + path), st.text(max_size=10)),
    st.sampled_from([RDF.type, DCAT.Dataset, DCT.title, XSD.integer]),
)
# A handful of ids per graph, so nodes get shared and cycles form.
blank_nodes = st.integers(0, 5).map(lambda n: BNode(f"n{n}"))
texts = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=st.sampled_from(list('東京都千代田区「」、。 \t\n\r"\'\\\x00\x1f\x7f\x85\u2028abc123-.@^')),
            max_size=20),
)
datatypes = st.sampled_from([XSD.integer, XSD.boolean, XSD.date, XSD.string, XSD.decimal, XSD.dateTime,
                             EX.custom, URIRef("http://example.org/odd type")])
literals = st.one_of(
    texts.map(Literal),
    st.builds(lambda text, lang: Literal(text, lang=lang), texts,
              st.sampled_from(["ja", "en", "ja-JP", "en-US", "x-private1"])),
    st.integers().map(Literal),
    st.booleans().map(Literal),
    st.dates().map(Literal),
    st.floats(allow_nan=False).map(Literal),
    st.builds(lambda text, datatype: Literal(text, datatype=datatype), texts, datatypes),  # often ill-typed
    st.builds(lambda n, datatype: Literal(str(n), datatype=datatype), st.integers(-20, 20), datatypes),
)
triples = st.tuples(st.one_of(iris, blank_nodes), iris, st.one_of(iris, blank_nodes, literals))


def random_graph(triple_list) -> rdflib.Graph:
    g = new_graph()
    for triple in triple_list:
        g.add(triple)
    return g


@ROUND_TRIP
@given(st.lists(triples, max_size=25))
def test_random_graphs_round_trip(triple_list):
    assert_round_trips(random_graph(triple_list))


@ROUND_TRIP
@given(st.lists(st.tuples(blank_nodes, iris, st.one_of(blank_nodes, literals)), max_size=15))
def test_random_blank_node_graphs_round_trip(triple_list):
    assert_round_trips(random_graph(triple_list))


@ROUND_TRIP
@given(st.lists(triples, max_size=25))
def test_output_is_deterministic(triple_list):
    graph = random_graph(triple_list)
    assert turtle.serialize(graph) == turtle.serialize(graph)
